"""A township officer reports an accident from a phone (a 390-px window) in a real
browser, with a point set by tapping the map; the county's duty officer confirms
receipt on the report's page. No page is wider than the phone; everything runs under
the Content-Security-Policy (the shared fixture checks it)."""

import datetime as dt

import pytest

from yingji.core.models import RosterShift
from yingji.duty.models import InfoReport, ReportDeadline

from ..browser import log_in, page, sync_api  # noqa: F401  (the shared Chromium fixture)
from ..conftest import WENLING, WENLING_TOWN
from ..factories import PersonFactory, UserFactory

PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:  # noqa: F811
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.django_db(transaction=True)
def test_a_township_officer_reports_from_a_phone_and_the_county_confirms(live_server, page, regions):  # noqa: F811
    reporter = PersonFactory(user=UserFactory(username="b-township"), region_id=WENLING_TOWN, role="officer")
    county = PersonFactory(user=UserFactory(username="b-county"), region_id=WENLING, role="officer")
    now = dt.datetime.now(dt.UTC)
    RosterShift.objects.create(region_id=WENLING, person=county, role="officer", starts_at=now - dt.timedelta(hours=1),
                               ends_at=now + dt.timedelta(hours=12))
    page.set_viewport_size(PHONE)
    log_in(page, live_server, reporter)
    page.goto(f"{live_server.url}/info-reports/")
    _fits(page)
    page.click("a.button:has-text('报送事件')")
    sync_api.expect(page).to_have_url(f"{live_server.url}/info-reports/new/")
    _fits(page)
    page.select_option("#id_kind", "accident")
    page.fill("#id_title", "某厂车间起火")
    page.fill("#id_region", WENLING_TOWN)
    occurred = (now.astimezone(dt.timezone(dt.timedelta(hours=8))) - dt.timedelta(minutes=10))
    page.fill("#id_occurred_at", occurred.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_deaths", "1")
    page.fill("#id_injuries", "2")
    page.fill("#id_description", "车间起火，1人死亡")
    page.locator("#report-map").click()  # the middle of the map: a point in Taizhou
    assert page.input_value("#id_latitude") and page.input_value("#id_longitude")
    page.click("button[type=submit].primary")
    report = InfoReport.objects.get()
    sync_api.expect(page).to_have_url(f"{live_server.url}/info-reports/{report.pk}/")
    _fits(page)
    assert report.latitude is not None and 27 < report.latitude < 30
    sync_api.expect(page.locator("text=报送时间线")).to_be_visible()

    page.context.clear_cookies()
    log_in(page, live_server, county)
    page.goto(f"{live_server.url}/info-reports/{report.pk}/")
    page.click("button:has-text('确认收到')")
    sync_api.expect(page.locator("text=已确认收到。")).to_be_visible()
    _fits(page)
    assert ReportDeadline.objects.get(report=report, level="county").done_at is not None
