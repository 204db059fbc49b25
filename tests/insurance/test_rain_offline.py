"""Offline rain evaluation: the 140.0/139.9 boundary, county events, windows and the CSV."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from yingji.insurance.policy_yaml import RainSpec
from yingji.insurance.rain import Series, evaluate_rain, read_observations

from .conftest import POLICY_FILE

SPEC = RainSpec(stations={"331081": ("W1", "W2"), "331082": ("L1",)}, window_hours=72, threshold_mm=140,
                payout_per_county=3e6)
T0 = dt.datetime(2023, 9, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _hourly(*mm: float, start: dt.datetime = T0) -> Series:
    return Series([start + dt.timedelta(hours=i) for i in range(len(mm))], list(mm))


def test_140_0_mm_in_72_hours_triggers():
    """46.7 + 46.7 + 46.6 = 140.0 exactly, in three consecutive hours."""
    triggers = evaluate_rain({"W1": _hourly(46.7, 46.7, 46.6)}, SPEC)
    assert [(t.county, t.station, t.payout) for t in triggers] == [("331081", "W1", 3e6)]
    assert triggers[0].total_mm == pytest.approx(140.0)


def test_139_9_mm_does_not_trigger():
    assert evaluate_rain({"W1": _hourly(46.7, 46.6, 46.6)}, SPEC) == []


def test_rain_older_than_72_hours_drops_out_of_the_window():
    """100 mm, then 40 mm 72 h later: the first has left the window (t - 72 h, t]."""
    series = Series([T0, T0 + dt.timedelta(hours=72)], [100.0, 40.0])
    assert evaluate_rain({"W1": series}, SPEC) == []
    series = Series([T0, T0 + dt.timedelta(hours=71)], [100.0, 40.0])
    assert len(evaluate_rain({"W1": series}, SPEC)) == 1


def test_window_is_the_72_hours_with_the_largest_total_of_the_event():
    series = _hourly(140.0, 10.0, 5.0)
    [t] = evaluate_rain({"W1": series}, SPEC)
    assert t.window_end == T0 + dt.timedelta(hours=2) and t.total_mm == pytest.approx(155.0)
    assert t.window_start == t.window_end - dt.timedelta(hours=72)


def test_two_stations_of_one_county_in_the_same_storm_trigger_the_county_once():
    triggers = evaluate_rain({"W1": _hourly(150.0), "W2": _hourly(0.0, 160.0)}, SPEC)
    assert [(t.county, t.station, t.total_mm) for t in triggers] == [("331081", "W2", 160.0)]


def test_a_new_event_starts_after_the_total_falls_below_the_threshold():
    later = T0 + dt.timedelta(days=5)
    series = Series([T0, later], [150.0, 145.0])
    triggers = evaluate_rain({"W1": series}, SPEC)
    assert [t.window_end for t in triggers] == [T0, later]


def test_counties_trigger_independently_and_undesignated_stations_count_for_nothing():
    triggers = evaluate_rain({"W1": _hourly(150.0), "L1": _hourly(141.0), "X9": _hourly(900.0)}, SPEC)
    assert [t.county for t in triggers] == ["331081", "331082"]


CSV = """\
station,time,rain_mm
58665,2023-09-01T08:00:00+08:00,46.7
58665,2023-09-01T09:00:00+08:00,46.7
58665,2023-09-01T10:00:00+08:00,46.6
58665,2023-09-01T10:00:00+08:00,5
L1,2023-09-01 10:00,3
L1,2023-09-01T10:00:00+08:00,-1
L1,2023-09-01T11:00:00+08:00,abc
L1,2023-09-01T12:00:00+08:00
"""


def test_bad_rows_are_reported_with_their_line_numbers_and_good_rows_kept():
    series, rejected = read_observations(CSV)
    assert [r.line for r in rejected] == [5, 6, 7, 8, 9]
    assert "duplicate" in rejected[0].reason and "offset" in rejected[1].reason
    assert series["58665"].mm.tolist() == [46.7, 46.7, 46.6]


def test_a_wrong_header_rejects_the_file_at_line_1():
    series, rejected = read_observations("站,时间,雨量\n58665,2023-09-01T08:00:00+08:00,1\n")
    assert series == {} and rejected[0].line == 1


def test_evaluate_rain_command_prints_the_json_of_the_issue(tmp_path, capsys):
    path = tmp_path / "obs.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("insurance", "evaluate-rain", str(POLICY_FILE), "--observations", str(path), "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["triggers"] == [{
        "county": "331081", "station": "58665", "window_start": "2023-08-29T10:00:00+08:00",
        "window_end": "2023-09-01T10:00:00+08:00", "total_mm": 140.0, "payout": 3000000.0,
    }]
    assert [r["line"] for r in data["rejected_rows"]] == [5, 6, 7, 8, 9]
