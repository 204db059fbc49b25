"""The warning form and the monthly report take regions by name (the region picker)."""

import pytest
from django.test import Client

from yingji.alerts.models import Warning

from ..conftest import WENLING, WENLING_TOWN
from .conftest import WENLING_VILLAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(wenling_officer):
    client = Client()
    client.force_login(wenling_officer.user)
    return client


def test_warning_form_takes_regions_by_name(browser, chain):
    # 太平街道 is Wenling's 331081001; the test village lies under it.
    r = browser.post("/warnings/new/", {"type": "rainstorm", "level": "orange", "regions": "太平街道、测试村",
                                        "headline": "暴雨橙色预警"})
    assert r.status_code == 302
    warning = Warning.objects.get()
    assert sorted(warning.region_codes) == sorted([WENLING_TOWN, WENLING_VILLAGE])


def test_warning_form_names_a_region_outside_the_county(browser, chain):
    r = browser.post("/warnings/new/", {"type": "rainstorm", "level": "red", "regions": "温岭市 临海市",
                                        "headline": "越界"})
    page = r.content.decode()
    assert r.status_code == 200 and "临海市（331082）不在您的管辖范围内" in page
    assert not Warning.objects.exists()


def test_monthly_report_takes_the_region_by_name(browser, chain):
    r = browser.get("/warnings/report/", {"region": "温岭市", "month": "2026-07"})
    assert r.status_code == 200 and r.context["report"]["region"] == WENLING
    assert browser.get("/warnings/report.xlsx", {"region": "温岭市", "month": "2026-07"}).status_code == 200
    r = browser.get("/warnings/report/", {"region": "城东", "month": "2026-07"})
    assert r.context["report"] is None and "region" in r.context["form"].errors


def test_monthly_report_form_shows_the_officers_county_by_name(browser, chain):
    page = browser.get("/warnings/report/").content.decode()
    assert 'value="温岭市"' in page and "data-region-picker" in page
