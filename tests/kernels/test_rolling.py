"""Rolling rainfall totals: hand-computed cases, the 140 mm boundary, and the reference."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from yingji.kernels.rolling import (
    RainEvent,
    rain_events,
    rain_events_reference,
    reaches_threshold,
    rolling_maxima,
    rolling_totals,
    rolling_totals_irregular,
    rolling_totals_irregular_reference,
    rolling_totals_reference,
)

F32 = np.float32


def test_small_series_by_hand():
    totals, maxima = rolling_totals(np.array([[1, 2, 3, 4, 5], [0, 0, 7, 0, 0]], F32), window=3)
    np.testing.assert_array_equal(totals, [[1, 3, 6, 9, 12], [0, 0, 7, 7, 7]])
    np.testing.assert_array_equal(maxima.total, [12, 7])
    np.testing.assert_array_equal(maxima.end, [4, 2])  # ties keep the first window end


def test_missing_values_count_as_no_rain():
    totals, _ = rolling_totals(np.array([[1, np.nan, 2, np.nan, np.nan]], F32), window=2)
    np.testing.assert_array_equal(totals, [[1, 1, 2, 2, 0]])


def test_total_returns_to_exactly_zero_after_the_rain_leaves_the_window():
    rain = np.zeros((1, 2000), F32)
    rain[0, 10:300] = F32(0.1)
    rain[0, 400] = F32(123.4)
    totals, _ = rolling_totals(rain, window=864)
    assert totals[0, 400 + 864] == 0.0 and totals[0, -1] == 0.0
    assert totals[0, 400 + 863] == F32(123.4)


def test_maxima_only_agree_with_full_totals():
    rng = np.random.default_rng(1)
    rain = (rng.gamma(0.3, 2.0, (5, 5000)) * (rng.random((5, 5000)) < 0.1)).astype(F32)
    _, full = rolling_totals(rain, 288)
    only = rolling_maxima(rain, 288)
    np.testing.assert_array_equal(full.total, only.total)
    np.testing.assert_array_equal(full.end, only.end)


def test_140_mm_in_72_hours_triggers_and_139_9_does_not():
    # hourly steps, 72-step window; decimal readings stored as float32
    reach = np.zeros((2, 100), F32)
    reach[0, 10:13] = [46.7, 46.7, 46.6]  # 140.0 mm
    reach[1, 10:13] = [46.7, 46.6, 46.6]  # 139.9 mm
    _, maxima = rolling_totals(reach, window=72)
    assert reaches_threshold(maxima.total, 140.0).tolist() == [True, False]


def test_140_mm_boundary_at_five_minute_steps_over_864_steps():
    rain = np.zeros((2, 3000), F32)
    rain[:, 100:800] = F32(0.2)  # 700 x 0.2 = 140.0 mm within 864 steps
    rain[1, 100] = F32(0.1)  # 139.9 mm
    totals, maxima = rolling_totals(rain, window=864)
    assert reaches_threshold(maxima.total, 140.0).tolist() == [True, False]
    assert [len(rain_events(t, 140.0)) for t in totals] == [1, 0]


def test_rolling_totals_validates_its_input():
    with pytest.raises(ValueError):
        rolling_totals(np.zeros(10, F32), 3)
    with pytest.raises(ValueError):
        rolling_totals(np.zeros((1, 10), F32), 0)
    with pytest.raises(ValueError):
        rolling_totals(np.zeros((1, 10), F32), 3, out=np.zeros((1, 10), np.float64))


def test_events_by_hand():
    totals = [0, 150, 160, 140, 100, 0, 139.9, 140.0, 200, 200, 10]
    assert rain_events(totals, 140.0) == [RainEvent(1, 3, 2, 160.0), RainEvent(7, 9, 8, 200.0)]


def test_an_event_running_to_the_end_of_the_series_is_closed():
    assert rain_events([0, 141, 142], 140.0) == [RainEvent(1, 2, 2, 142.0)]
    assert rain_events([], 140.0) == []


def test_irregular_window_is_open_at_the_start_and_closed_at_the_end():
    times = np.array(["2023-09-01T00:00", "2023-09-02T00:00", "2023-09-04T00:00", "2023-09-04T00:00",
                      "2023-09-04T01:00"], dtype="datetime64[m]")
    rain = [100.0, 30.0, 10.0, 5.0, 1.0]
    # at 09-04 00:00 the period (09-01 00:00, 09-04 00:00] excludes the first reading;
    # readings sharing a time are in each other's totals; at 01:00, 30 + 10 + 5 + 1
    np.testing.assert_allclose(rolling_totals_irregular(times, rain, 72), [100, 130, 45, 45, 46])


def test_irregular_reading_exactly_one_window_earlier_is_excluded_and_nan_is_zero():
    times = np.array(["2023-09-01T00:00", "2023-09-01T06:00"], dtype="datetime64[m]")
    np.testing.assert_allclose(rolling_totals_irregular(times, [1.0, np.nan], 6), [1.0, 0.0])
    with pytest.raises(ValueError):
        rolling_totals_irregular(times[::-1], [1.0, 2.0], 6)


# --- fast == reference ----------------------------------------------------------------

tenths = st.integers(0, 800).map(lambda k: F32(k / 10))  # rain recorded at 0.1 mm
rain_at_tenths = hnp.arrays(F32, st.tuples(st.integers(1, 3), st.integers(0, 120)), elements=tenths)


@settings(max_examples=80, deadline=None)
@given(rain=rain_at_tenths, window=st.integers(1, 12))
def test_totals_equal_the_correctly_rounded_reference_for_rain_data(rain, window):
    """For data at 0.1 mm the float64 running sum is exact: float32(fsum) bit for bit."""
    totals, maxima = rolling_totals(rain, window)
    ref, ref_max, ref_end = rolling_totals_reference(rain, window)
    np.testing.assert_array_equal(totals, ref.astype(F32))
    if rain.shape[1]:
        np.testing.assert_array_equal(maxima.total, ref_max.astype(F32))
        np.testing.assert_array_equal(maxima.end, ref_end)


any_rain = st.floats(0.0, 500.0, width=32) | st.floats(0.0, 2.0**-20, width=32) | st.just(float("nan"))


@settings(max_examples=80, deadline=None)
@given(rain=hnp.arrays(F32, st.tuples(st.integers(1, 2), st.integers(1, 150)), elements=any_rain),
       window=st.integers(1, 8))
def test_totals_are_within_float32_rounding_of_the_reference_for_any_input(rain, window):
    """One float32 rounding (2**-24 relative) of the total, plus, for tiny values mixed
    with large ones (65 mm then 1e-7 mm), the float64 drift between two recomputations:
    at most 2 x 16 windows of adds of eps64 x (window x max value) = 1e-12 x max here."""
    totals, maxima = rolling_totals(rain, window)
    ref, ref_max, _ = rolling_totals_reference(rain, window)
    drift = 1e-12 * float(np.nanmax(rain, initial=0.0))
    np.testing.assert_allclose(totals, ref, rtol=2**-24, atol=drift + 1e-30)
    np.testing.assert_allclose(maxima.total, ref_max, rtol=2**-24, atol=drift + 1e-30)


@settings(max_examples=60, deadline=None)
@given(totals=st.lists(st.sampled_from([0.0, 50.0, 139.9, 139.996, 140.0, 150.0, 150.0, 300.0]), max_size=40))
def test_events_equal_reference(totals):
    assert rain_events(totals, 140.0) == rain_events_reference(totals, 140.0)


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(st.integers(0, 48), min_size=1, max_size=40),
    values=st.lists(tenths, min_size=40, max_size=40),
    window=st.integers(1, 30),
)
def test_irregular_totals_equal_reference(steps, values, window):
    times = np.datetime64("2023-09-01T00:00", "m") + np.cumsum(steps).astype("timedelta64[h]")
    rain = values[: len(steps)]
    fast = rolling_totals_irregular(times, rain, window)
    ref = rolling_totals_irregular_reference(times, rain, window)
    assert [F32(v) for v in fast] == [F32(v) for v in ref]
    assert all(math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9) for a, b in zip(fast, ref))
