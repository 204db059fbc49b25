"""Series and rain totals, checked against sums done by hand."""

import numpy as np
import pytest

from yingji.core.scope import SYSTEM, Scope
from yingji.hydromet.selectors import (
    rain_running_totals,
    rain_series,
    rain_totals,
    rain_windows,
    station_list,
)
from yingji.hydromet.services import ingest

from .conftest import at, rain

# W1, hourly, 2024-07-01 (Beijing): 01:00 5 mm, 02:00 0, 03:00 12.5, 04:00 3, 05:00 0.5,
# 06:00 20, 07:00 1; one suspect value (400 mm at 08:00, above the 300 mm envelope).
HOURLY = {1: 5.0, 2: 0.0, 3: 12.5, 4: 3.0, 5: 0.5, 6: 20.0, 7: 1.0}


@pytest.fixture
def series_w1(gauges):
    ingest(by=None, source="test", readings=[rain("W1", at(h), mm) for h, mm in HOURLY.items()]
           + [rain("W1", at(8), 400.0), rain("L1", at(3), 7.0)])


@pytest.mark.django_db
def test_rain_series_returns_arrays_of_the_window_start_exclusive(series_w1):
    found = rain_series(scope=SYSTEM, station_codes=["W1", "L1", "W2"], start=at(3), end=at(6))
    w1 = found["W1"]
    expected = np.array(["2024-06-30T20:00", "2024-06-30T21:00", "2024-06-30T22:00"], dtype="datetime64[ms]")
    np.testing.assert_array_equal(w1.times, expected)  # 04:00, 05:00, 06:00 Beijing, in UTC
    np.testing.assert_array_equal(w1.mm, [3.0, 0.5, 20.0])
    assert len(found["L1"].mm) == 0 and len(found["W2"].mm) == 0  # known stations without data


@pytest.mark.django_db
def test_suspect_values_are_left_out_unless_asked(series_w1):
    assert rain_series(scope=SYSTEM, station_codes=["W1"], start=at(7), end=at(8))["W1"].mm.tolist() == []
    found = rain_series(scope=SYSTEM, station_codes=["W1"], start=at(7), end=at(8), include_suspect=True)
    assert found["W1"].mm.tolist() == [400.0]


@pytest.mark.django_db
def test_rain_totals_of_the_last_hours(series_w1):
    end = at(7)
    # 1 h: (06, 07] = 1;  3 h: (04, 07] = 0.5 + 20 + 1 = 21.5;  6 h: (01, 07] = 0+12.5+3+0.5+20+1 = 37
    assert rain_totals(scope=SYSTEM, station_codes=["W1"], end=end, hours=[1, 3, 6]) == {
        "W1": {1: 1.0, 3: 21.5, 6: 37.0}}
    assert rain_totals(scope=SYSTEM, station_codes=["W1", "L1"], end=at(3, 30), hours=1) == {"W1": 12.5, "L1": 7.0}
    # the suspect 08:00 is not yet in
    assert rain_totals(scope=SYSTEM, station_codes=["W1"], end=at(7, 59), hours=1) == {"W1": 1.0}


@pytest.mark.django_db
def test_running_totals_at_each_observation(series_w1):
    found = rain_running_totals(scope=SYSTEM, station_codes=["W1"], start=at(3), end=at(7), hours=3)["W1"]
    # windows ending at 04..07: (01,04]=15.5, (02,05]=16, (03,06]=23.5, (04,07]=21.5
    np.testing.assert_array_equal(found.values, [15.5, 16.0, 23.5, 21.5])


@pytest.mark.django_db
def test_station_list_filters_by_scope_kind_and_text(gauges, wenling_officer):
    scope = Scope.for_user(wenling_officer.user)
    assert [s.code for s in station_list(scope=scope)] == ["W1", "W2"]
    assert [s.code for s in station_list(scope=scope, kind="rain_stage")] == ["W2"]
    assert [s.code for s in station_list(scope=Scope.for_user(None), q="l")] == ["L1", "L2"]


@pytest.mark.django_db
def test_a_scoped_series_hides_another_countys_station(series_w1, wenling_officer):
    scope = Scope.for_user(wenling_officer.user)
    assert set(rain_series(scope=scope, station_codes=["W1", "L1"], start=at(0), end=at(8))) == {"W1"}


@pytest.mark.django_db
def test_rain_windows_at_several_ends_by_hand(series_w1):
    """(end - h, end]: a reading exactly at end - h is out, one exactly at end is in.
    W1 at 06:00: 1 h = 20 (05:00 is out); 3 h = 3 + 0.5 + 20 = 23.5 (03:00 is out).
    At 03:00: 1 h = 12.5; 3 h = 5 + 0 + 12.5 = 17.5. At 06:30: 1 h = 20 (06:00);
    3 h = 3 + 0.5 + 20 = 23.5 (04:00 .. 06:00). L1 (7 mm at 03:00 only) counts in both
    windows ending at 03:00 and in none ending at 06:00 or 06:30."""
    found = rain_windows(scope=SYSTEM, station_codes=["W1", "L1"], ends=[at(6), at(3), at(6, 30)], hours=[1, 3])
    assert found["W1"][1].tolist() == pytest.approx([20.0, 12.5, 20.0])
    assert found["W1"][3].tolist() == pytest.approx([23.5, 17.5, 23.5])
    assert found["L1"][1].tolist() == pytest.approx([0.0, 7.0, 0.0])
    assert found["L1"][3].tolist() == pytest.approx([0.0, 7.0, 0.0])


@pytest.mark.django_db
def test_rain_windows_leave_the_reading_at_the_window_start_out(series_w1):
    """A window of 2 h ending at 05:00 is (03:00, 05:00]: 3 + 0.5, not the 12.5 at 03:00
    (which the 3-hour window, read at the same time, does include: 12.5 + 3 + 0.5)."""
    found = rain_windows(scope=SYSTEM, station_codes=["W1"], ends=[at(5)], hours=[2, 3])
    assert (found["W1"][2].tolist(), found["W1"][3].tolist()) == (pytest.approx([3.5]), pytest.approx([16.0]))
