"""Who sees and does what in the evacuation API: a Wenling officer never reaches
Linhai's shelters, households, quick reports or figures (declared as data:
tests/access/isolation.py); the import and the figures are tested by hand below."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from yingji.response.models import Household, QuickReport, Shelter

from ..access.isolation import IsolationCases
from ..conftest import LINHAI, LINHAI_TOWN
from .evacuation_fixtures import L1, W1, household, shelter, villages  # noqa: F401

pytestmark = pytest.mark.django_db


class TestEvacuationIsolation(IsolationCases):
    lists = {
        "GET /api/shelters": [{}, {"region": LINHAI}, {"q": "临海"}],
        "GET /api/evacuation/households": [{}, {"region": LINHAI}, {"q": "临海"}],
        "GET /api/evacuation/quick-reports": [{}, {"region": LINHAI}],
    }
    objects = {
        "GET /api/shelters/{id}": ("shelter", None),
        "POST /api/shelters/{id}/state": ("shelter", {"state": "closed"}),
        "GET /api/evacuation/households/{id}": ("household", None),
        "POST /api/evacuation/households/{id}/actions/move": ("household", {}),
        "POST /api/evacuation/households/{id}/actions/shelter": ("household", {"shelter_id": 1}),
        "POST /api/evacuation/households/{id}/actions/return": ("household", {}),
    }
    creates = {
        "POST /api/shelters": (Shelter, lambda home: {"name": "临海学校", "region": L1, "capacity": 10}),
        "POST /api/evacuation/households": (Household, lambda home: {"region": L1, "head": "临海户", "members": 2}),
        "POST /api/evacuation/quick-reports": (QuickReport, lambda home: {"region": LINHAI_TOWN, "moved": 5}),
    }
    elsewhere = {"GET /api/evacuation/figures", "POST /api/evacuation/households/import",
                 "POST /api/evacuation/households/actions"}  # tests/response/test_evacuation_batch.py

    @pytest.fixture
    def foreign(self, villages):
        place = shelter(L1, name="临海安置点")
        h = household(L1, head="临海户", shelter_id=place.pk)
        from yingji.response.services.evacuation import household_act, quick_report_create
        household_act(by=None, household=h, action="move")
        quick_report_create(by=None, region=LINHAI_TOWN, moved=12)
        return {"shelter": place, "household": h}

    @pytest.fixture
    def home(self, wenling_officer, villages):
        return {"officer": wenling_officer, "shelter": shelter(W1), "household": household(W1)}


def test_another_countys_figures_are_not_found(api_as, wenling_officer, villages):
    household(L1, members=9)
    client = api_as(wenling_officer)
    for region in (LINHAI, L1, "3310", "33"):
        r = client.get("/api/evacuation/figures", {"region": region})
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", region
    own = client.get("/api/evacuation/figures").json()
    assert own["region"] == "331081" and own["planned"] == 0


def test_an_import_keeps_no_row_of_another_county(api_as, wenling_officer, villages):
    content = f"村代码,户主,人数\n{L1},临海户,3\n{W1},温岭户,2\n".encode()
    r = api_as(wenling_officer).post("/api/evacuation/households/import", {
        "file": SimpleUploadedFile("h.csv", content)}, content_type=MULTIPART_CONTENT)
    assert r.status_code == 200, r.content
    assert (r.json()["created"], r.json()["rejected"]) == (1, 1)
    assert not Household.objects.filter(region_id=L1).exists()


def test_a_viewer_reads_but_does_not_record_steps(api_as, wenling_viewer, villages):
    h = household(W1)
    client = api_as(wenling_viewer)
    assert client.get(f"/api/evacuation/households/{h.pk}").status_code == 200
    assert client.post(f"/api/evacuation/households/{h.pk}/actions/move", {}).status_code == 403
    assert Household.objects.get(pk=h.pk).state == "to_move"
