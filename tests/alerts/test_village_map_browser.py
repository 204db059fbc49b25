"""The village map in a real browser: two located villages drawn as coloured circles
(green: all answered, red: someone unreached), the popup in Chinese, and the village
without a location listed under the map."""

import pytest

from ..browser import page, sync_api  # noqa: F401  (the shared Chromium fixture)
from .test_village_map import VILLAGE_3, three_villages  # noqa: F401


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_board_map_draws_the_villages(live_server, page, three_villages, wenling_officer):  # noqa: F811
    expect = sync_api.expect
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", wenling_officer.user.username)
    page.fill("#id_password", "pw")
    page.click("button[type=submit].primary")
    page.goto(f"{live_server.url}/warnings/{three_villages.pk}/")
    expect(page.locator("#callup-map[data-ready='1']")).to_have_count(1)
    circles = page.locator("#callup-map path.leaflet-interactive")
    expect(circles).to_have_count(2)
    assert sorted(circles.nth(i).get_attribute("fill") for i in range(2)) == ["#2e9d4a", "#d2332d"]
    page.locator("#callup-map path.leaflet-interactive[fill='#d2332d']").click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("有人未叫应")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("应答 1 人 · 未叫应 1 人 · 待应答 0 人")
    expect(page.locator("#callup-map-unlocated li")).to_contain_text(f"（{VILLAGE_3}）：应答 0，未叫应 0，待应答 1")
    page.screenshot(path="/tmp/yingji-callup-map.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_map_stands_beside_the_board_on_a_wide_screen(live_server, page, three_villages,  # noqa: F811
                                                           wenling_officer):
    """At 1280 px the map is to the right of the board, and scrolled to the township
    table the map is still beside it (it sticks in view)."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", wenling_officer.user.username)
    page.fill("#id_password", "pw")
    page.click("button[type=submit].primary")
    page.goto(f"{live_server.url}/warnings/{three_villages.pk}/")
    sync_api.expect(page.locator("#callup-map[data-ready='1']")).to_have_count(1)
    page.locator("#board table.by-township").scroll_into_view_if_needed()
    table = page.locator("#board table.by-township").bounding_box()
    board, card = page.locator("#board").bounding_box(), page.locator("#village-map-card").bounding_box()
    assert card["x"] >= board["x"] + board["width"] - 1
    assert card["y"] < table["y"] + table["height"] and table["y"] < card["y"] + card["height"]
