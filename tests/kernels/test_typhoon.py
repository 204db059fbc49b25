"""Grades, forces, circle entry and payouts, at every boundary (GB/T 19201, DOMAIN.md)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.kernels.geodesy import EARTH_RADIUS_KM
from yingji.kernels.typhoon import (
    ABOVE_17,
    NO_FORCE,
    Circle,
    Track,
    TyphoonGrade,
    circle_entry,
    circle_entry_reference,
    evaluate_typhoon_trigger,
    interpolate_track,
    payout_for_force,
    typhoon_grade,
    wind_force,
)

from ..conftest import needs, shared_path

# Taizhou's circle (DOMAIN.md): 121°07'E 28°39'N, 85 km
TAIZHOU = Circle(121.1167, 28.65, 85.0)
PAYOUTS = {12: 10_000_000, 13: 20_000_000, 14: 40_000_000, 15: 70_000_000, 16: 110_000_000, 17: 175_000_000}

# (first value of the class, last value at 0.1 m/s, class)
GRADE_CLASSES = [
    (0.0, 10.7, TyphoonGrade.BELOW_TD),
    (10.8, 17.1, TyphoonGrade.TD),
    (17.2, 24.4, TyphoonGrade.TS),
    (24.5, 32.6, TyphoonGrade.STS),
    (32.7, 41.4, TyphoonGrade.TY),
    (41.5, 50.9, TyphoonGrade.STY),
    (51.0, 80.0, TyphoonGrade.SUPER_TY),
]
FORCE_CLASSES = [
    (0.0, 0.2, 0), (0.3, 1.5, 1), (1.6, 3.3, 2), (3.4, 5.4, 3), (5.5, 7.9, 4), (8.0, 10.7, 5),
    (10.8, 13.8, 6), (13.9, 17.1, 7), (17.2, 20.7, 8), (20.8, 24.4, 9), (24.5, 28.4, 10),
    (28.5, 32.6, 11), (32.7, 36.9, 12), (37.0, 41.4, 13), (41.5, 46.1, 14), (46.2, 50.9, 15),
    (51.0, 56.0, 16), (56.1, 61.2, 17), (61.3, 90.0, ABOVE_17),
]


@pytest.mark.parametrize(("low", "high", "grade"), GRADE_CLASSES)
def test_grade_boundaries(low, high, grade):
    assert typhoon_grade(low) == grade
    assert typhoon_grade(high) == grade
    assert typhoon_grade(high + 0.09) == grade  # between two published values
    if low > 0:
        assert typhoon_grade(low - 0.01) == grade - 1


@pytest.mark.parametrize(("low", "high", "force"), FORCE_CLASSES)
def test_force_boundaries(low, high, force):
    assert wind_force(low) == force
    assert wind_force(high) == force
    assert wind_force(high + 0.09) == force
    if low > 0:
        assert wind_force(low - 0.01) == force - 1


def test_every_tenth_of_a_metre_per_second_has_one_force_in_order():
    v = np.round(np.arange(0, 700) / 10, 1)
    f = wind_force(v)
    assert np.all(np.diff(f) >= 0) and set(f) == set(range(0, 19))


def test_float32_winds_fall_in_the_class_of_their_decimal_reading():
    # float32(56.1) = 56.09999847...; it must still be force 17
    v = np.array([56.1, 32.7, 46.2, 17.2, 10.8], dtype=np.float32)
    np.testing.assert_array_equal(wind_force(v), [17, 12, 15, 8, 6])


def test_missing_wind_has_no_force_and_arrays_keep_their_shape():
    assert wind_force(float("nan")) == NO_FORCE
    assert wind_force(np.array([[33.0, np.nan]])).tolist() == [[12, NO_FORCE]]


def _north_of_centre(distances_km):
    """Points due north of the centre at exact great-circle distances: dphi = d / R."""
    return TAIZHOU.lat + np.degrees(np.asarray(distances_km) / EARTH_RADIUS_KM)


def _track(lat, lon, wind, start="2019-08-09T00:00", step_h=6):
    n = len(lat)
    time = np.datetime64(start, "m") + np.arange(n) * np.timedelta64(step_h * 60, "m")
    return Track.of(time, lat, lon, wind)


def test_a_position_at_85_0_km_is_inside_and_at_85_1_is_not():
    lat = _north_of_centre([200.0, 85.1, 85.0, 150.0])
    entry = circle_entry(_track(lat, [TAIZHOU.lon] * 4, [40, 45, 35, 30]), TAIZHOU)
    assert entry.inside.tolist() == [2]
    assert entry.first_time == np.datetime64("2019-08-09T12:00")
    assert entry.min_distance_km == pytest.approx(85.0, abs=1e-9)
    assert entry.counted_force == 12  # 35 m/s at the one position inside; 45 m/s was outside


def test_85_km_boundary_holds_south_of_the_centre_too():
    south = TAIZHOU.lat - np.degrees(np.array([85.0, 85.1]) / EARTH_RADIUS_KM)
    entry = circle_entry(_track(south, [TAIZHOU.lon] * 2, [33, 33]), TAIZHOU)
    assert entry.inside.tolist() == [0]


def test_force_that_counts_by_rule():
    lat = _north_of_centre([80.0, 10.0, 60.0])
    track = _track(lat, [TAIZHOU.lon] * 3, [33.0, 38.0, 52.0])  # forces 12, 13, 16
    assert circle_entry(track, TAIZHOU).counted_force == 16
    assert circle_entry(track, TAIZHOU, force_rule="entry").counted_force == 12
    assert circle_entry(track, TAIZHOU, force_rule="closest").counted_force == 13


def test_a_storm_passing_between_two_fixes_is_caught_only_when_interpolated():
    # fixes 100 km south and 100 km north, 6 h apart: both outside, the centre crossed
    lat = _north_of_centre([-100.0, 100.0])
    track = _track(lat, [TAIZHOU.lon] * 2, [40.0, 40.0])
    assert not circle_entry(track, TAIZHOU).entered
    entry = circle_entry(track, TAIZHOU, interpolate=True)
    # linear in latitude: inside from 15/200 of 6 h (27 min) to 185/200 (333 min);
    # the 10-minute grid first lands inside at 30 min
    assert entry.first_time == np.datetime64("2019-08-09T00:30")
    assert entry.track.time[entry.inside[-1]] == np.datetime64("2019-08-09T05:30")
    assert entry.counted_force == 13
    assert entry.min_distance_km == pytest.approx(0.0, abs=1e-9)


def test_interpolation_keeps_fixes_and_interpolates_wind_linearly():
    track = _track([20.0, 21.2], [130.0, 129.4], [30.0, 42.0])
    fine = interpolate_track(track, 10)
    assert len(fine.time) == 37  # 6 h every 10 min, both ends
    assert (fine.lat[0], fine.lat[-1], fine.wind[-1]) == (20.0, 21.2, 42.0)
    assert fine.wind[18] == pytest.approx(36.0)  # halfway in time
    assert fine.lat[6] == pytest.approx(20.2) and fine.lon[6] == pytest.approx(129.9)


def test_interpolation_keeps_three_hourly_fixes_off_the_grid():
    time = np.array(["2019-08-09T00:00", "2019-08-09T03:05", "2019-08-09T06:00"], dtype="datetime64[m]")
    fine = interpolate_track(Track.of(time, [20, 21, 22], [130, 130, 130], [30, np.nan, 30]), 10)
    assert np.datetime64("2019-08-09T03:05") in fine.time
    # a missing wind at a fix makes the wind of both its segments unknown
    assert np.isnan(fine.wind[fine.time == np.datetime64("2019-08-09T03:05")]).all()
    assert fine.wind[0] == 30.0 and fine.wind[-1] == 30.0


@pytest.mark.parametrize(
    ("force", "expected"),
    [(11, 0), (12, 10_000_000), (14, 40_000_000), (17, 175_000_000), (ABOVE_17, 175_000_000), (NO_FORCE, 0)],
)
def test_payout_table(force, expected):
    assert payout_for_force(force, PAYOUTS, min_force=12) == expected


def test_payout_gap_in_table_pays_the_force_below_and_min_force_above_table():
    table = {12: 1.0, 14: 3.0}
    assert payout_for_force(13, table, min_force=12) == 1.0
    assert payout_for_force(13, table, min_force=14) == 0.0
    assert payout_for_force(11, table, min_force=10) == 0.0


def test_trigger_needs_the_minimum_force_inside_the_circle():
    lat = _north_of_centre([300.0, 50.0, 300.0])
    weak = _track(lat, [TAIZHOU.lon] * 3, [55.0, 32.0, 55.0])  # force 11 inside, 16 outside
    result = evaluate_typhoon_trigger(weak, TAIZHOU, PAYOUTS)
    assert (result.triggered, result.force, result.payout) == (False, 11, 0.0)
    strong = _track(lat, [TAIZHOU.lon] * 3, [30.0, 47.0, 30.0])
    result = evaluate_typhoon_trigger(strong, TAIZHOU, PAYOUTS)
    assert (result.triggered, result.force, result.payout) == (True, 15, 70_000_000)


DATA = shared_path("data", "typhoon", "cma-besttrack", "CH2019BST.txt")


@needs(DATA)
def test_lekima_2019_triggers_the_taizhou_circle_at_force_16():
    # CH2019BST.txt: "2019080918 6 283 1214  930 52" and "2019080921 4 286 1210 960 40".
    # By hand: 28.6N 121.0E is 0.05 deg lat (5.6 km) and 0.1167 deg lon (11.4 km) from
    # the centre, about 12.7 km; 28.3N 121.4E is about 47.7 km: both inside; 52 m/s is
    # force 16, so the payout is RMB 110 million.
    from yingji.kernels.besttrack import parse_file

    lekima = next(s for s in parse_file(DATA).storms if s.cn_id == "1909")
    result = evaluate_typhoon_trigger(Track.of(lekima.time, lekima.lat, lekima.lon, lekima.wind), TAIZHOU, PAYOUTS)
    assert result.triggered and result.force == 16 and result.payout == 110_000_000
    assert result.entry.min_distance_km == pytest.approx(12.7, abs=0.1)
    assert result.entry.first_time == np.datetime64("2019-08-09T18:00")


# --- the fast kernel agrees with the readable reference ---------------------------

coords = st.tuples(
    st.floats(27.0, 30.3, allow_nan=False), st.floats(119.5, 122.7, allow_nan=False),
    st.one_of(st.floats(0.0, 75.0), st.just(float("nan"))),
)


@settings(max_examples=60, deadline=None)
@given(
    points=st.lists(coords, min_size=1, max_size=12),
    gaps=st.lists(st.sampled_from([60, 180, 360]), min_size=11, max_size=11),
    interpolate=st.booleans(),
    rule=st.sampled_from(["max", "entry", "closest"]),
    radius=st.floats(1.0, 200.0),
)
def test_circle_entry_equals_reference(points, gaps, interpolate, rule, radius):
    lat, lon, wind = (list(v) for v in zip(*points))
    minutes = np.concatenate(([0], np.cumsum(gaps[: len(points) - 1])))
    time = np.datetime64("2020-08-01T00:00", "m") + minutes.astype("timedelta64[m]")
    track, circle = Track.of(time, lat, lon, wind), Circle(121.1167, 28.65, radius)
    fast = circle_entry(track, circle, interpolate=interpolate, force_rule=rule)
    inside, force, closest = circle_entry_reference(track, circle, interpolate=interpolate, force_rule=rule)
    assert fast.inside.tolist() == inside
    assert fast.counted_force == force
    assert math.isclose(fast.min_distance_km, closest, rel_tol=1e-12, abs_tol=1e-9)
