"""The 15-minute area of a station (straight line, haversine) and the villages left
outside every station's area, against distances worked by hand.

Hand computation (R = 6,371,000 m, 1° = R·π/180 = 111,194.9 m of great circle):
- a station at 28.40 N 121.40 E with 40 km/h covers 40 km/h × 15 min = 10,000 m;
- 0.08° north: 0.08 × 111,194.9 = 8,895.6 m (inside); 0.10° north: 11,119.5 m (outside);
- 0.10° east along 28.40 N: 2R·asin(cos 28.4° · sin 0.05°) ≈ 11,119.5 × cos 28.4° =
  11,119.5 × 0.879649 = 9,781.3 m (inside, where degrees taken as flat would say outside);
- 0.12° east: 9,781.3 × 1.2 = 11,737.6 m (outside);
- at 50 km/h the radius is 12,500 m and both outside villages come inside."""

import pytest

from yingji.core.scope import Scope
from yingji.resources import coverage, selectors_teams
from yingji.resources.models import Station

from ..conftest import LINHAI_TOWN, WENLING_TOWN
from .teams_helpers import village

pytestmark = pytest.mark.django_db


def test_radius_is_speed_times_fifteen_minutes():
    assert coverage.radius_m(40) == 10_000
    assert coverage.radius_m(50) == 12_500
    assert coverage.radius_m(60, minutes=30) == 30_000


def test_haversine_matches_the_hand_computed_distances():
    assert coverage.haversine_m(28.40, 121.40, 28.48, 121.40) == pytest.approx(8895.6, abs=0.5)
    assert coverage.haversine_m(28.40, 121.40, 28.50, 121.40) == pytest.approx(11119.5, abs=0.5)
    assert coverage.haversine_m(28.40, 121.40, 28.40, 121.50) == pytest.approx(9781.3, abs=1.0)
    assert coverage.haversine_m(28.40, 121.40, 28.40, 121.52) == pytest.approx(11737.6, abs=1.5)


def test_the_circle_ring_lies_at_the_radius():
    ring = coverage.circle(28.4, 121.4, 10_000, points=24)
    assert ring[0] == ring[-1] and len(ring) == 25
    for lon, lat in ring:
        assert coverage.haversine_m(28.4, 121.4, lat, lon) == pytest.approx(10_000, abs=2)


@pytest.fixture
def villages(regions):
    return {
        "north_in": village(WENLING_TOWN + "001", "北近村", 28.48, 121.40),
        "north_out": village(WENLING_TOWN + "002", "北远村", 28.50, 121.40),
        "east_in": village(WENLING_TOWN + "003", "东近村", 28.40, 121.50),
        "east_out": village(WENLING_TOWN + "004", "东远村", 28.40, 121.52),
        "unplaced": village(WENLING_TOWN + "005", "无坐标村"),
        "linhai": village(LINHAI_TOWN + "001", "临海村", 29.0, 121.1),
    }


def station(speed=40.0, region=WENLING_TOWN, lat=28.40, lon=121.40, **kw):
    return Station.objects.create(name="太平救援站", region_id=region, lat=lat, lon=lon, speed_kmh=speed, **kw)


def test_villages_outside_every_area_are_listed_with_the_nearest_station(villages, wenling_officer):
    s = station()
    result = selectors_teams.village_coverage(scope=Scope.for_user(wenling_officer.user))
    assert (result.stations, result.villages, result.unplaced, result.covered) == (1, 4, 1, 2)
    outside = {row["name"]: row for row in result.outside}
    assert set(outside) == {"北远村", "东远村"}  # Linhai's village is not the Wenling officer's
    assert outside["北远村"]["nearest_station"] == s.pk
    assert outside["北远村"]["distance_m"] == pytest.approx(11_119, abs=1)
    assert outside["东远村"]["distance_m"] == pytest.approx(11_738, abs=2)


def test_a_faster_station_covers_them_all_and_a_closed_one_none(villages, wenling_officer):
    s = station(speed=50.0)
    scope = Scope.for_user(wenling_officer.user)
    assert selectors_teams.village_coverage(scope=scope).outside == []
    s.active = False
    s.save()
    result = selectors_teams.village_coverage(scope=scope)
    assert result.stations == 0 and len(result.outside) == 4
    assert all(row["nearest_station"] is None for row in result.outside)


def test_the_default_speed_comes_from_the_settings(settings, regions):
    settings.YINGJI_RESCUE_SPEED_KMH = 30
    s = Station.objects.create(name="站", region_id=WENLING_TOWN, lat=28.4, lon=121.4)
    assert s.speed_kmh == 30 and selectors_teams.station_radius_m(s) == 7_500


def test_the_coverage_api_pages_the_villages_outside(villages, wenling_officer, api_as):
    station()
    body = api_as(wenling_officer).get("/api/rescue-stations/coverage").json()
    assert (body["stations"], body["villages"], body["covered"], body["unplaced"], body["count"]) == (1, 4, 2, 1, 2)
    assert [v["name"] for v in body["items"]] == ["北远村", "东远村"]
    stations = api_as(wenling_officer).get("/api/rescue-stations").json()["items"]
    assert stations[0]["coverage"] == 10_000.0 and stations[0]["minutes"] == 15
