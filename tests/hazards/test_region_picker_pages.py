"""The hazard filter, the ranking and the public report form take places by name
(the region picker), never asking for a code."""

import pytest
from django.test import Client

from yingji.hazards.models import PublicReport

from ..conftest import WENLING

pytestmark = pytest.mark.django_db

DAXI = "331081101"  # 温岭市大溪镇 in the official list


def _login(person):
    client = Client()
    client.force_login(person.user)
    return client


def test_hazard_filter_takes_a_township_by_name(general, wenling_officer):
    client = _login(wenling_officer)  # the hazard's enterprise is in 太平街道 (331081001)
    assert general.number in client.get("/hazards/", {"region": "太平街道"}).content.decode()
    assert general.number not in client.get("/hazards/", {"region": "大溪镇"}).content.decode()


def test_hazard_filter_shows_why_a_region_is_refused(general, wenling_officer):
    page = _login(wenling_officer).get("/hazards/", {"region": "临海市"}).content.decode()
    assert "不在您的管辖范围内" in page
    assert general.number in page  # a refused region filters nothing out


def test_ranking_takes_the_region_by_name(wenling_officer):
    r = _login(wenling_officer).get("/hazards/ranking/", {"region": "温岭市", "from": "2026-01-01",
                                                           "to": "2026-03-31"})
    assert r.status_code == 200 and r.context["result"]["region"] == WENLING
    assert 'value="温岭市"' in r.content.decode()


def test_public_form_asks_for_a_place_not_a_code(regions):
    page = Client().get("/report/").content.decode()
    assert "代码" not in page.split("<form")[1].split("</form>")[0].replace("拼音首字母或代码", "")
    assert 'data-region-picker="/api/public/region-picker"' in page


@pytest.mark.parametrize("place", ["温岭市大溪镇", "浙江省台州市温岭市大溪镇", DAXI])
def test_public_form_takes_the_place_by_name(regions, place):
    r = Client().post("/report/", {"region": place, "description": "厂房外窗装了防盗网"})
    assert r.status_code == 200 and "举报已收到" in r.content.decode()
    assert PublicReport.objects.get().region_id == DAXI


def test_public_form_lists_the_places_an_ambiguous_name_may_mean(regions):
    r = Client().post("/report/", {"region": "城东街道", "description": "厂房外窗装了防盗网"})
    page = r.content.decode()
    assert r.status_code == 400 and "不唯一" in page and "浙江省台州市温岭市城东街道" in page
    assert not PublicReport.objects.exists()


def test_public_form_wants_a_county_or_below(regions):
    r = Client().post("/report/", {"region": "台州市", "description": "厂房外窗装了防盗网"})
    assert r.status_code == 400 and "县（市、区）" in r.content.decode()
    assert not PublicReport.objects.exists()
