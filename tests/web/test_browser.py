"""One real browser (Debian's Chromium through Playwright) against a live server: log
in, filter the enterprise list with htmx, and see the Leaflet map of an enterprise."""

import os

import pytest

from yingji.enterprises.choices import RiskGrade

from ..conftest import WENLING_TOWN
from ..factories import EnterpriseFactory

# Playwright's sync API runs an event loop in this thread; the ORM calls made here
# (fixtures) are still plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT = "/tmp/yingji-detail.png"


@pytest.fixture
def page():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's Chromium is not installed (make browser)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # An officer's browser in a Chinese office asks for Chinese.
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.on("console", lambda m: print("console:", m.type, m.text))
        page.on("pageerror", lambda e: print("pageerror:", e))
        # Anything that tries to leave the live server fails the test, not just slows it.
        outside = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://localhost",
                                                                                    "data:")) else None)
        yield page
        browser.close()
        assert outside == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_filters_the_list_and_sees_the_enterprise_on_its_city_map(live_server, page, regions,
                                                                          wenling_officer):
    red = EnterpriseFactory(region_id=WENLING_TOWN, risk_grade=RiskGrade.RED, name="红色测试化工有限公司",
                            longitude=121.386, latitude=28.375)
    EnterpriseFactory(region_id=WENLING_TOWN, risk_grade=RiskGrade.BLUE, name="蓝色测试机械有限公司")
    expect = sync_api.expect

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", wenling_officer.user.username)
    page.fill("#id_password", "pw")
    page.click("button[type=submit].primary")
    expect(page).to_have_url(f"{live_server.url}/")

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
