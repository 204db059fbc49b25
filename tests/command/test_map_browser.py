"""The one map in a real browser: the layers load with no script error under the CSP,
nothing is fetched from outside, tooltips are text, and the page fits a 390-px phone."""

import pytest

from ..browser import log_in, page, sync_api  # noqa: F401  (the shared Chromium fixture)
from .map_fixtures import world  # noqa: F401


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_map_draws_every_layer_and_fits_a_phone(live_server, page, world):
    expect = sync_api.expect
    log_in(page, live_server, world["officer"])
    page.goto(f"{live_server.url}/map/")
    expect(page.locator("#command-map[data-ready='1']")).to_have_count(1)
    # The whole of Zhejiang is in view: Wenling's three placed risk points, two villages
    # and W_FAR, two shelters, two supervised hazards, a warning over the county and the city.
    expect(page.locator('[data-count-for="risk_points"]')).to_have_text("3")
    expect(page.locator('[data-count-for="shelters"]')).to_have_text("2")
    expect(page.locator('[data-count-for="supervised_hazards"]')).to_have_text("2")
    expect(page.locator('[data-count-for="warnings"]')).to_have_text("2")
    expect(page.locator('[data-count-for="inundation"]')).to_have_text("1")
    assert page.locator("#command-map path.leaflet-interactive").count() >= 10
    page.screenshot(path="/tmp/yingji-map.png")
    # Switching a layer off removes its markers.
    before = page.locator("#command-map path.leaflet-interactive").count()
    page.uncheck('input[data-layer="risk_points"]')
    expect(page.locator("#command-map path.leaflet-interactive")).to_have_count(before - 3)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("#command-map[data-ready='1']")).to_have_count(1)
    expect(page.locator('[data-count-for="risk_points"]')).to_have_text("3")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("#command-map").bounding_box()["width"] <= 390
    page.screenshot(path="/tmp/yingji-map-phone.png", full_page=True)
