"""No script from data, in a real browser (issue 12, item 1). A hostile name is stored
in each kind of record that a script draws on a map or a chart: typhoons on the
insurance maps, villages on the call-up map, risk points on the inundation map,
townships in the ranking chart, an enterprise on its map. Another user who may see the
record opens the page, every tooltip and popup is opened, and the test fails if any
script ran (`window.__xss`), if the Content-Security-Policy had to block anything (the
shared fixture fails on any violation), or if the name is not shown as literal text.

The names are written to the database directly, not through the services: whatever the
input checks of today or tomorrow, what is stored must reach the page as text."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.models import Region
from yingji.enterprises.choices import RiskGrade
from yingji.floods.models import InundationStatus, RiskPoint
from yingji.hazards.models import Hazard
from yingji.insurance import services as insurance
from yingji.insurance.models import Claim, Storm

from ..alerts.conftest import chain  # noqa: F401  (the fixtures of the call-up map)
from ..alerts.test_village_map import VILLAGE_2, VILLAGE_3, three_villages  # noqa: F401
from ..browser import csp_violations, log_in, page, sync_api  # noqa: F401  (the shared Chromium fixture)
from ..conftest import WENLING, WENLING_TOWN
from ..factories import EnterpriseFactory
from ..floods.test_inundation import create_run, place
from ..insurance.test_views import taizhou  # noqa: F401  (the Taizhou policy, its storm NEAR and claim)

# Each runs script if it is ever parsed as HTML: an image that fails to load, and a
# script that closes the attribute or element around it.
IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = '"><script>window.__xss=1</script>'

# Opens every tooltip and popup of the Leaflet maps on the page (hover, then click, each
# interactive layer) and returns the text of every one that was shown.
OPEN_EVERY_LABEL = """() => {
  const shown = new Set();
  const read = () => document.querySelectorAll(".leaflet-tooltip, .leaflet-popup-content")
    .forEach(n => shown.add(n.textContent));
  read();
  for (const el of Array.from(document.querySelectorAll(".leaflet-interactive"))) {
    for (const type of ["mouseover", "click", "mouseout"]) {
      el.dispatchEvent(new MouseEvent(type, {bubbles: true, cancelable: true, view: window}));
      read();
    }
  }
  return Array.from(shown);
}"""


def open_every_label(tab) -> list[str]:
    labels = tab.evaluate(OPEN_EVERY_LABEL)
    tab.wait_for_load_state("networkidle")  # an <img src=x> would have failed to load by now
    return labels


def assert_no_script_ran(tab) -> None:
    assert tab.evaluate("window.__xss") is None
    assert csp_violations(tab) == []


def shown_literally(labels: list[str], name: str) -> bool:
    return any(name in label for label in labels)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_typhoon_names_on_the_insurance_maps_are_text(live_server, page, taizhou, linhai_officer,  # noqa: F811
                                                      province_admin):
    """A live storm (a fix in the last hours, so its label is always shown) named by a
    Linhai officer, and the triggering storm NEAR renamed; the province administrator
    opens the policy, its backtest and the storm's page, and the claim stays unpaid."""
    now = timezone.now().replace(microsecond=0)
    live = insurance.storm_create(by=linhai_officer.user, code="2099-LIVE-X", name="live")
    for hours, lat, lon in ((6, 27.0, 122.5), (3, 27.5, 122.0)):
        insurance.position_add(by=linhai_officer.user, storm=live, time=now - dt.timedelta(hours=hours),
                               lat=lat, lon=lon, wind=30)
    Storm.objects.filter(pk=live.pk).update(name=IMG)
    Storm.objects.filter(pk=taizhou["storm"].pk).update(name=SCRIPT)
    policy = taizhou["policy"]
    expect = sync_api.expect

    log_in(page, live_server, province_admin)
    page.goto(f"{live_server.url}/policies/{policy.pk}/")
    expect(page.locator("#insurance-map[data-ready]")).to_have_count(1)
    expect(page.locator(".leaflet-tooltip")).to_have_text(f"实时 {IMG}")  # the live storm's permanent label
    labels = open_every_label(page)
    assert shown_literally(labels, SCRIPT) and shown_literally(labels, IMG)
    expect(page.locator("#events")).to_contain_text(SCRIPT)
    assert_no_script_ran(page)
    page.screenshot(path="/tmp/yingji-xss-insurance-map.png", full_page=True)

    for path, name in ((f"/policies/{policy.pk}/backtest/", SCRIPT), (f"/typhoons/{taizhou['storm'].pk}/", SCRIPT),
                       (f"/typhoons/{live.pk}/", IMG)):
        page.goto(live_server.url + path)
        expect(page.locator("#insurance-map[data-ready]")).to_have_count(1)
        assert shown_literally(open_every_label(page), name), path
        assert_no_script_ran(page)
    page.goto(f"{live_server.url}/typhoons/")
    expect(page.locator("main")).to_contain_text(IMG)
    assert_no_script_ran(page)
    assert Claim.objects.get(pk=taizhou["claim"].pk).status == "notified"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_village_names_on_the_callup_map_are_text(live_server, page, three_villages, taizhou_officer):  # noqa: F811
    """Village 2 (on the map, someone unreached) and village 3 (no location: listed under
    the map by the script) renamed; a Taizhou officer opens the Wenling board."""
    for code, name in ((VILLAGE_2, IMG), (VILLAGE_3, SCRIPT)):
        village = Region.objects.get(pk=code)
        village.name = name
        village.save()  # full_name follows
    expect = sync_api.expect

    log_in(page, live_server, taizhou_officer)
    page.goto(f"{live_server.url}/warnings/{three_villages.pk}/")
    expect(page.locator("#callup-map[data-ready='1']")).to_have_count(1)
    labels = open_every_label(page)
    assert IMG in labels  # the tooltip: the name alone
    full_name = Region.objects.get(pk=VILLAGE_2).full_name  # the popup: full name, status, figures
    assert full_name.endswith(IMG) and any(label.startswith(full_name + "有人未叫应") for label in labels), labels
    expect(page.locator("#callup-map-unlocated li", has_text=VILLAGE_3)).to_contain_text(f"{SCRIPT}（{VILLAGE_3}）")
    assert_no_script_ran(page)
    page.screenshot(path="/tmp/yingji-xss-callup-map.png", full_page=True)


@pytest.fixture
def media(settings, tmp_path):
    """Inundation grids and layers in a temporary MEDIA_ROOT, not the developer's ./var."""
    from yingji.floods.models import inundation_storage

    settings.MEDIA_ROOT = str(tmp_path)
    inundation_storage.cache_clear()
    yield tmp_path
    inundation_storage.cache_clear()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_risk_point_names_on_the_inundation_map_are_text(live_server, page, media, regions, taizhou_officer):  # noqa: F811
    """The village in the pit of the hand-made DEM (tests/floods/test_inundation.py) is
    flooded, so it is drawn as a marker with its name in the tooltip."""
    pit = place("坑里村", 10, 15)
    run = create_run()  # the task runs at commit: no transaction wraps this test
    run.refresh_from_db()
    assert run.status == InundationStatus.DONE, run.error
    RiskPoint.objects.filter(pk=pit.pk).update(name=IMG)
    expect = sync_api.expect

    log_in(page, live_server, taizhou_officer)
    page.goto(f"{live_server.url}/floods/inundation/{run.pk}/")
    expect(page.locator("#map[data-ready='1']")).to_have_count(1)
    expect(page.locator("#map .affected-marker")).to_have_count(1)
    expect(page.locator("ul.legend:visible")).to_have_count(1)  # the legend of the layer shown only
    assert any(label.startswith(IMG + "：") for label in open_every_label(page))
    expect(page.locator("#affected-table")).to_contain_text(IMG)
    assert_no_script_ran(page)
    page.screenshot(path="/tmp/yingji-xss-inundation-map.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_township_names_in_the_ranking_chart_are_text(live_server, page, regions, taizhou_officer):  # noqa: F811
    """Two Wenling townships renamed; a Taizhou officer opens Wenling's ranking and moves
    the mouse over every row of the chart (its tooltip names the township)."""
    firm = EnterpriseFactory(region_id=WENLING_TOWN)
    Hazard.objects.create(number="X-1", enterprise=firm, region_id=firm.region_id, description="t",
                          found_on=dt.date(2026, 2, 3), deadline=dt.date(2026, 2, 13))
    Region.objects.filter(pk=WENLING_TOWN).update(name=IMG)
    Region.objects.filter(pk="331081002").update(name=SCRIPT)
    expect = sync_api.expect

    log_in(page, live_server, taizhou_officer)
    page.goto(f"{live_server.url}/hazards/ranking/?region={WENLING}&from=2026-01-01&to=2026-03-31")
    expect(page.locator("#chart-ranking canvas")).to_have_count(1)
    names = page.evaluate("echarts.getInstanceByDom(document.getElementById('chart-ranking'))"
                          ".getOption().yAxis[0].data")
    assert IMG in names and SCRIPT in names
    box = page.locator("#chart-ranking").bounding_box()
    for i in range(len(names)):  # over each bar's row: the tooltip shows that township
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 10 + (box["height"] - 40) * (i + 0.5) / len(names))
    expect(page.locator("table")).to_contain_text(IMG)
    expect(page.locator("table")).to_contain_text(SCRIPT)
    assert_no_script_ran(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_enterprise_name_on_its_map_is_text(live_server, page, regions, taizhou_officer):  # noqa: F811
    firm = EnterpriseFactory(region_id=WENLING_TOWN, risk_grade=RiskGrade.RED, longitude=121.386, latitude=28.375)
    type(firm).objects.filter(pk=firm.pk).update(name=SCRIPT)
    expect = sync_api.expect

    log_in(page, live_server, taizhou_officer)
    page.goto(f"{live_server.url}/enterprises/{firm.pk}/")
    expect(page.locator("#map[data-ready='1']")).to_have_count(1)
    expect(page.locator("#map .leaflet-marker-icon")).to_have_attribute("title", SCRIPT)
    expect(page.locator("h1")).to_contain_text(SCRIPT)
    open_every_label(page)
    assert_no_script_ran(page)
