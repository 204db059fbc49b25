"""Who sees and does what in risk control: a Wenling officer never reaches Linhai's
risk points, their states or their rounds (declared as data, tests/access/isolation.py);
the counts and the import, which answer no list of items, are checked by hand below."""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from yingji.core import tabular
from yingji.floods.models import RiskPoint
from yingji.response.models import RiskControlRound, RiskPointReport
from yingji.response.services import riskcontrol as services

from ..access.isolation import IsolationCases
from ..conftest import LINHAI, LINHAI_TOWN, WENLING, WENLING_TOWN
from .riskcontrol_helpers import point

pytestmark = pytest.mark.django_db


@pytest.fixture
def linhai_things(regions, linhai_officer):
    p = point(LINHAI_TOWN, name="临海滑坡点")
    rnd = services.round_start(by=linhai_officer.user, name="临海防台", hazard="typhoon", region_id=LINHAI)
    services.state_report(by=linhai_officer.user, risk_point_id=p.pk, state="checked")
    return {"point": p, "round": rnd}


@pytest.fixture
def wenling_things(regions, wenling_officer):
    p = point(WENLING_TOWN, name="温岭滑坡点")
    return {"point": p}


class TestRiskControlIsolation(IsolationCases):
    lists = {
        "GET /api/risk-control/board": [{}, {"region": LINHAI}, {"q": "临海"}, {"state": "checked"}],
        "GET /api/risk-control/rounds": [{}],
    }
    objects = {
        "POST /api/risk-points/{id}/state": ("point", {"state": "controlled"}),
        "GET /api/risk-points/{id}/states": ("point", None),
        "POST /api/risk-control/rounds/{id}/end": ("round", None),
    }
    creates = {
        "POST /api/risk-control/rounds": (RiskControlRound, lambda home: {"name": "x", "hazard": "flood",
                                                                          "region": LINHAI}),
    }
    elsewhere = {"GET /api/risk-control/counts", "POST /api/risk-points/import", "GET /api/risk-points/export",
                 "GET /api/risk-points/import-template", "POST /api/risk-points/{id}/state/photo",
                 "GET /api/risk-control/board/export"}

    @pytest.fixture
    def foreign(self, linhai_things):
        return linhai_things

    @pytest.fixture
    def home(self, wenling_officer, wenling_things):
        return {"officer": wenling_officer, **wenling_things}

    def test_the_province_board_lists_linhai_in_the_linhai_round(self, api_as, province_admin, foreign):
        items = api_as(province_admin).get("/api/risk-control/board",
                                           {"round": foreign["round"].pk}).json()["items"]
        assert [i["region"] for i in items] == [LINHAI_TOWN]


def test_counts_and_exports_leave_linhai_out(api_as, wenling_officer, taizhou_officer, linhai_things,
                                             wenling_things):
    client = api_as(wenling_officer)
    body = client.get("/api/risk-control/counts").json()
    assert body["total"] == 1 and [c["region"] for c in body["by_region"]] == [WENLING]
    # Linhai's round is not Wenling's: asking for it by id is a 404.
    assert client.get("/api/risk-control/counts", {"round": linhai_things["round"].pk}).status_code == 404
    for url in ("/api/risk-control/board/export", "/api/risk-points/export"):
        r = client.get(url, {"format": "csv"})
        assert r.status_code == 200
        text = r.content.decode("utf-8-sig")
        assert "温岭滑坡点" in text and "临海" not in text
    assert api_as(taizhou_officer).get("/api/risk-control/counts").json()["total"] == 2
    assert client.get("/api/risk-points/import-template").status_code == 200


def test_a_photo_report_on_a_linhai_point_is_not_found(api_as, wenling_officer, linhai_things):
    count = RiskPointReport.objects.count()
    r = api_as(wenling_officer).post(f"/api/risk-points/{linhai_things['point'].pk}/state/photo",
                                     {"state": "closed"}, content_type=MULTIPART_CONTENT)
    assert r.status_code == 404 and RiskPointReport.objects.count() == count


def test_importing_into_linhai_is_refused_row_by_row(api_as, wenling_officer, regions):
    content = tabular.csv_bytes([["类别", "名称", "区划代码"], ["mine", "临海矿山", LINHAI_TOWN]])
    r = api_as(wenling_officer).post("/api/risk-points/import", {"file": SimpleUploadedFile("r.csv", content)},
                                     content_type=MULTIPART_CONTENT)
    assert r.status_code == 200 and r.json()["rejected"] == 1
    assert not RiskPoint.objects.filter(region_id=LINHAI_TOWN).exists()


def test_enterprise_users_do_not_read_the_risk_lists(client, enterprise_user, regions):
    client.force_login(enterprise_user.user)
    assert client.get("/response/risk-points/").status_code == 403
