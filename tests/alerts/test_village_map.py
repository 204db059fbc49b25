"""The live board's map: per village, acknowledged / unreached / pending and the
location, scoped like the board. Expectations are counted by hand from the setup."""

import pytest

from yingji.alerts import selectors, services
from yingji.alerts.choices import TargetKind, TargetState
from yingji.alerts.models import CallUpTarget
from yingji.core.models import Region
from yingji.core.scope import Scope
from yingji.messaging import services as messaging

from ..conftest import WENLING, WENLING_TOWN
from .conftest import LINHAI_VILLAGE, T0, WENLING_GRID, WENLING_VILLAGE, _holder, _region

pytestmark = pytest.mark.django_db

VILLAGE_2 = WENLING_TOWN + "202"
GRID_2 = VILLAGE_2 + "001"
VILLAGE_3 = WENLING_TOWN + "203"


@pytest.fixture
def three_villages(chain):
    """Village 1 (located): its chief and a grid worker in its grid, both answer.
    Village 2 (located): its chief is unreached, its grid worker answers.
    Village 3 (no location): its chief has not answered yet."""
    _region(VILLAGE_2, "二村", 5, WENLING_TOWN)
    _region(GRID_2, "二村第1网格", 6, VILLAGE_2)
    _region(VILLAGE_3, "三村", 5, WENLING_TOWN)
    Region.objects.filter(pk=WENLING_VILLAGE).update(lon=121.30, lat=28.40)
    Region.objects.filter(pk=VILLAGE_2).update(lon=121.35, lat=28.45)
    chief_2 = _holder("二村主任", VILLAGE_2, "village_flood_chief", superior=chain.township)
    grid_2 = _holder("二村网格员", GRID_2, "grid_worker", superior=chief_2)
    chief_3 = _holder("三村主任", VILLAGE_3, "village_flood_chief", superior=chain.township)
    warning = services.warning_issue(by=None, type="rainstorm", level="red", region_codes=["33"],
                                     headline="暴雨", now=T0)
    services.process_due_actions(now=T0)
    messaging.deliver_due()

    def target(person):
        return CallUpTarget.objects.get(callup=warning.callup, person=person, kind=TargetKind.DUTY)

    for person in (chain.village, chain.grid, grid_2):
        services.acknowledge(target=target(person), channel="link", at=T0)
    # Arranged directly: how a target becomes unreached is tested in test_callup.py.
    CallUpTarget.objects.filter(pk=target(chief_2).pk).update(state=TargetState.UNREACHED)
    assert target(chief_3).acknowledged_at is None
    return warning


def test_counts_per_village_and_locations(three_villages, wenling_officer):
    got = selectors.village_map(scope=Scope.for_user(wenling_officer.user), warning=three_villages)
    rows = [(v["code"], v["targets"], v["acknowledged"], v["unreached"], v["pending"], v["status"], v["lon"], v["lat"])
            for v in got["villages"]]
    # County and township chiefs are not in a village; Linhai's village is outside Wenling's scope.
    assert rows == [
        (WENLING_VILLAGE, 2, 2, 0, 0, "acknowledged", 121.30, 28.40),
        (VILLAGE_2, 2, 1, 1, 0, "unreached", 121.35, 28.45),
        (VILLAGE_3, 1, 0, 0, 1, "pending", None, None),
    ]
    assert got["villages"][2]["name"] == "三村"


def test_each_officer_sees_the_villages_of_their_region(three_villages, taizhou_officer, linhai_officer):
    city = selectors.village_map(scope=Scope.for_user(taizhou_officer.user), warning=three_villages)
    assert [v["code"] for v in city["villages"]] == [WENLING_VILLAGE, VILLAGE_2, VILLAGE_3, LINHAI_VILLAGE]
    linhai = selectors.village_map(scope=Scope.for_user(linhai_officer.user), warning=three_villages)
    assert [(v["code"], v["targets"], v["pending"], v["status"]) for v in linhai["villages"]] == [
        (LINHAI_VILLAGE, 1, 1, "pending")]


def test_api_returns_the_selector(three_villages, api_as, wenling_officer):
    r = api_as(wenling_officer).get(f"/api/warnings/{three_villages.pk}/callup/villages")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["warning_id"] == three_villages.pk
    assert [(v["code"], v["status"]) for v in body["villages"]] == [
        (WENLING_VILLAGE, "acknowledged"), (VILLAGE_2, "unreached"), (VILLAGE_3, "pending")]
    assert LINHAI_VILLAGE not in {v["code"] for v in body["villages"]}


def test_api_unknown_warning_is_404(api_as, wenling_officer, regions):
    assert api_as(wenling_officer).get("/api/warnings/999999/callup/villages").status_code == 404
    assert api_as(wenling_officer).get("/api/warnings/99999999999999999999/callup/villages").status_code in (404, 422)


def test_a_village_in_a_township_target_only_is_not_on_the_map(chain, wenling_officer):
    warning = services.warning_issue(by=None, type="rainstorm", level="red", region_codes=[WENLING],
                                     headline="暴雨", now=T0)
    codes = [v["code"] for v in selectors.village_map(scope=Scope.for_user(wenling_officer.user),
                                                      warning=warning)["villages"]]
    # The chain has a village chief in WENLING_VILLAGE and a grid worker in its grid:
    # one village, the county and township chiefs not drawn.
    assert codes == [WENLING_VILLAGE]
    assert WENLING_GRID.startswith(WENLING_VILLAGE)


def test_detail_page_has_the_map_and_lists_villages_without_location(three_villages, wenling_officer):
    from django.test import Client

    browser = Client()
    browser.force_login(wenling_officer.user)
    html = browser.get(f"/warnings/{three_villages.pk}/").content.decode()
    assert 'id="callup-map"' in html and f'data-url="/api/warnings/{three_villages.pk}/callup/villages"' in html
    assert "leaflet.js" in html and "alerts/callup-map.js" in html
    # Village 3 has no location: listed under the map with its counts; the others are not listed.
    unlocated = html[html.index('id="callup-map-unlocated"'):]
    assert f"（{VILLAGE_3}）：应答 0，未叫应 0，待应答 1" in unlocated
    assert f"（{VILLAGE_2}）" not in unlocated
    # The map's script reads the endpoint with the page's session.
    r = browser.get(f"/api/warnings/{three_villages.pk}/callup/villages")
    assert r.status_code == 200 and len(r.json()["villages"]) == 3


def test_demo_villages_sit_round_their_township_inside_taizhou():
    import math

    from yingji.demo import data

    for township, villages in data.TOWNSHIP_CHAINS.items():
        centre = data.TOWNSHIP_CENTRES[township]
        county_lon, county_lat = data.COUNTIES[township[:6]][1:3]
        places = [data.village_location(township, i, len(villages)) for i in range(1, len(villages) + 1)]
        assert len(set(places)) == len(villages)  # no two villages on one spot
        for lon, lat in places:
            # On the ring: 0.018° from the centre (to the 5-decimal rounding).
            assert math.hypot(lon - centre[0], lat - centre[1]) == pytest.approx(0.018, abs=2e-5)
            # Inside Taizhou's extent (120.2–121.95 E, 28.0–29.35 N) and within ~0.3° of the county seat.
            assert 120.2 < lon < 121.95 and 28.0 < lat < 29.35
            assert abs(lon - county_lon) < 0.3 and abs(lat - county_lat) < 0.3
    # The first village of a township is due north of its centre.
    assert data.village_location("331081101", 1, 3) == (121.27, 28.468)


def test_seeded_demo_villages_have_their_locations(regions, settings):
    from yingji.demo import data
    from yingji.demo.seed import seed_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_demo()
    villages = Region.objects.filter(level=5, parent_id__in=list(data.TOWNSHIP_CHAINS)).order_by("code")
    expected = {f"{t}{200 + i:03d}": data.village_location(t, i, len(names))
                for t, names in data.TOWNSHIP_CHAINS.items() for i in range(1, len(names) + 1)}
    assert {v.code: (v.lon, v.lat) for v in villages} == expected
    assert len(expected) == 12
