"""One real browser (Debian's Chromium through Playwright) against a live server: log
in, filter the enterprise list with htmx, and see the Leaflet map of an enterprise."""

import pytest

from yingji.enterprises.choices import RiskGrade

from ..browser import log_in, page, sync_api  # noqa: F401  (the shared Chromium fixture)
from ..conftest import WENLING_TOWN
from ..factories import EnterpriseFactory

SCREENSHOT = "/tmp/yingji-detail.png"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_filters_the_list_and_sees_the_enterprise_on_its_city_map(live_server, page, regions,
                                                                          wenling_officer):
    red = EnterpriseFactory(region_id=WENLING_TOWN, risk_grade=RiskGrade.RED, name="红色测试化工有限公司",
                            longitude=121.386, latitude=28.375)
    EnterpriseFactory(region_id=WENLING_TOWN, risk_grade=RiskGrade.BLUE, name="蓝色测试机械有限公司")
    expect = sync_api.expect

    log_in(page, live_server, wenling_officer)

    page.goto(f"{live_server.url}/enterprises/")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    page.select_option("select[name=risk_grade]", "red")  # htmx swaps the results in place
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results tbody tr[data-risk=red]")).to_have_count(1)
    assert "risk_grade=red" in page.url  # the filtered list has its own address

    page.click(f"text={red.name}")
    expect(page).to_have_url(f"{live_server.url}/enterprises/{red.id}/")
    expect(page.locator("#map[data-ready='1']")).to_have_count(1)
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(1)
    assert page.locator("#map svg path").count() >= 1  # the outline of Taizhou
    page.screenshot(path=SCREENSHOT, full_page=True)
