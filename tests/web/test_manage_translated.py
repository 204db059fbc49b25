"""Every management page reads in Chinese: none of the English source strings of
these pages (the `# --- ux-manage ---` block of the zh-hans catalogue) shows through."""

import re
from pathlib import Path

import pytest
from django.test import Client

import yingji
from yingji.floods import services as flood_services
from yingji.hazards.models import ChecklistTemplate
from yingji.hydromet.models import Station

from ..conftest import WENLING_TOWN
from ..factories import PersonFactory

pytestmark = pytest.mark.django_db

CATALOGUE = Path(yingji.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _english_sources() -> list[str]:
    block = CATALOGUE.read_text(encoding="utf-8").split("# --- ux-manage ---", 1)[1]
    block = block.split("\n# --- ", 1)[0]  # up to the next helper's block, if any
    ids = re.findall(r'^msgid "(.+)"$', block, flags=re.MULTILINE)
    # Whole phrases only: a short word ("No", "To") may be part of data or of a code.
    return [i for i in ids if len(i) > 6 and "%(" not in i]


@pytest.fixture
def world(province_admin):
    person = PersonFactory(region_id=WENLING_TOWN, user=None, mobile="13500000001")
    station = Station.objects.create(code="WL1", name="温岭站", longitude=121.38, latitude=28.37,
                                     region_id=WENLING_TOWN)
    point = flood_services.risk_point_create(by=None, kind_id="flash_flood_village", name="东坑村",
                                             region_id=WENLING_TOWN, gauges=["WL1"])
    checklist = ChecklistTemplate.objects.get(code="small-park-10-10")
    return {"person": person, "station": station, "point": point, "checklist": checklist}


def test_the_catalogue_block_is_found():
    assert "People and duties" in _english_sources()


def test_management_pages_show_no_english_source_string(province_admin, world):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(province_admin.user)
    paths = ["/people/", "/people/new/", f"/people/{world['person'].id}/", f"/people/{world['person'].id}/edit/",
             "/people/import/", "/organizations/", "/organizations/new/", "/audit/", "/enterprises/new/",
             "/floods/risk-points/", "/floods/risk-points/new/", f"/floods/risk-points/{world['point'].id}/",
             "/stations/", "/stations/new/", "/stations/WL1/", "/hazards/campaigns/new/", "/hazards/checklists/",
             f"/hazards/checklists/{world['checklist'].id}/", "/hazards/checklists/new/"]
    sources = _english_sources()
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert [s for s in sources if s in html] == [], path
    assert "人员与职责" in client.get("/people/").content.decode()  # the catalogue is compiled and read
