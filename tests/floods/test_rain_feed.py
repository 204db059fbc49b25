"""Forecast rain from the weather bureau: pushed, or dropped as CSV in a folder, then
evaluated by the `floods.rain_forecasts` tick against critical rainfall and section
stages, warning through the durable path (alert pending → `issue_pending_warnings`).

The village (conftest `make_village`): 1 h — prepare 30, move now 50 mm; 3 h — prepare
50, move now 80 mm, gauge WF1. Forecast cumulative totals are spread evenly within
their intervals (1 h 20 and 3 h 60 mm: hours +1, +2, +3 get 20 mm each). Totals below
are summed by hand over the hours ending at issue + j h."""

import datetime as dt
import json

import pytest

from yingji.core.models import AuditRecord
from yingji.floods import services
from yingji.floods.feed_models import RainForecast, RainForecastBatch
from yingji.floods.models import FloodAlert, FloodEvent
from yingji.floods.services import forecast_rain, rain_feed
from yingji.hydromet.models import Station
from yingji.hydromet.services import ingest

from ..conftest import LINHAI_TOWN, WENLING_TOWN
from .conftest import at, make_section, make_village, rain

pytestmark = pytest.mark.django_db

ISSUED = at(12)
NOW = at(12, 5)


def push(by=None, items=(), **kw):
    return rain_feed.store_forecasts(by=by, items=list(items), source="test", now=NOW, **kw)


def tick(now=NOW):
    done = forecast_rain.evaluate_due_rain_forecasts(now=now)
    services.issue_pending_warnings()
    return done


def station_item(code="WF1", issued=ISSUED, **rain_mm):
    return {"station": code, "issued_at": issued.isoformat(), **rain_mm}


# Storing -----------------------------------------------------------------------------

def test_a_push_is_stored_as_one_due_batch_and_a_repeat_stores_nothing(wenling_village):
    report = push(items=[station_item(rain_1h=20, rain_3h=60)])
    assert (report.accepted, report.duplicates, report.rejected) == (1, 0, [])
    batch = RainForecastBatch.objects.get()
    assert (batch.issued_at, batch.due_at, batch.stations) == (ISSUED, NOW, ["WF1"])
    row = RainForecast.objects.get()
    assert row.cumulative() == {1: 20.0, 3: 60.0}
    audits = AuditRecord.objects.count()

    again = push(items=[station_item(rain_1h=20, rain_3h=60)])
    assert (again.accepted, again.duplicates, again.batches) == (0, 1, [])
    assert RainForecastBatch.objects.count() == 1 and RainForecast.objects.count() == 1
    assert AuditRecord.objects.count() == audits


def test_different_values_for_a_received_issue_time_are_refused_not_overwritten(wenling_village):
    push(items=[station_item(rain_1h=20)])
    report = push(items=[station_item(rain_1h=25)])
    assert report.accepted == 0
    assert "不覆盖" in report.rejected[0].reason and "not overwritten" in report.rejected[0].reason
    assert RainForecast.objects.get().rain_1h == 20


def test_bad_items_are_reported_and_good_ones_kept(wenling_village):
    report = push(items=[
        station_item(rain_1h=20),                                     # 0 good
        {"station": "WF1", "issued_at": "2024-07-01T11:00", "rain_1h": 5},  # 1 no offset
        station_item(issued=at(11), rain_1h=30, rain_3h=20),           # 2 decreasing
        station_item(issued=at(10), rain_1h=-1),                       # 3 negative
        station_item(code="NOPE", rain_1h=1),                          # 4 unknown station
        station_item(issued=at(15), rain_1h=1),                        # 5 in the future
        station_item(issued=at(9)),                                    # 6 no rain at all
        "x",                                                           # 7 not an object
    ])
    assert report.accepted == 1
    reasons = {p.index: p.reason for p in report.rejected}
    assert sorted(reasons) == [1, 2, 3, 4, 5, 6, 7]
    assert "时区" in reasons[1] and "offset" in reasons[1]
    assert "减少" in reasons[2] and "decrease" in reasons[2]
    assert "rain_1h" in reasons[3]
    assert "Unknown station" in reasons[4]
    assert "future" in reasons[5]


def test_a_csv_keeps_good_rows_and_names_the_lines_of_bad_ones(wenling_village):
    content = ("station,issued_at,rain_1h,rain_3h,rain_6h,rain_24h\n"
               f"WF1,{ISSUED.isoformat()},20,60,,\n"
               f"WF1,{at(11).isoformat()},abc,,,\n"
               f"WF1,{at(10).isoformat()},,,,90\n").encode()
    report = rain_feed.import_csv(by=None, content=content, source="csv", now=NOW)
    assert report.accepted == 2
    assert [p.index for p in report.rejected] == [3]
    assert {r.issued_at for r in RainForecast.objects.all()} == {ISSUED, at(10)}
    assert RainForecastBatch.objects.count() == 2  # one per issue time


def test_the_csv_reader_is_bounded(wenling_village, settings):
    from yingji.core.tabular import FileRejected

    settings.YINGJI_IMPORT_MAX_LINE_CHARS = 80
    content = ("station,issued_at,rain_1h\n" + f"WF1,{ISSUED.isoformat()},{'1' * 100}\n").encode()
    with pytest.raises(FileRejected):
        rain_feed.import_csv(by=None, content=content, source="csv", now=NOW)
    assert RainForecast.objects.count() == 0


def test_the_folder_feed_imports_each_file_once_and_keeps_the_bad_file_aside(wenling_village, settings, tmp_path):
    settings.YINGJI_RAIN_FEED_DIR = str(tmp_path)
    (tmp_path / "a.csv").write_text(f"station,issued_at,rain_1h\nWF1,{at(11, 50).isoformat()},12\n")
    (tmp_path / "b.csv").write_text("what,is,this\n1,2,3\n")
    assert rain_feed.scan_feed_folder() == 2
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == []
    assert (tmp_path / "done" / "a.csv").exists() and (tmp_path / "failed" / "b.csv").exists()
    assert json.loads((tmp_path / "done" / "a.csv.report.json").read_text())["accepted"] == 1
    assert "表头" in json.loads((tmp_path / "failed" / "b.csv.report.json").read_text())["error"]
    assert RainForecast.objects.get().rain_1h == 12
    assert rain_feed.scan_feed_folder() == 0  # nothing new


# Evaluation at risk points -------------------------------------------------------------

def test_forecast_rain_reaching_the_prepare_level_warns_with_its_lead_time(wenling_village):
    """Observed: 10 mm in the hour ending 12:00. Forecast 1 h 20, 3 h 60 (20 mm/h).
    +1 h: 1 h 20, 3 h 10+20 = 30; +2 h: 3 h 10+20+20 = 50 ≥ 50 → prepare at 14:00."""
    ingest(by=None, readings=[rain("WF1", at(12), 10.0)], source="test")
    push(items=[station_item(rain_1h=20, rain_3h=60)])
    assert tick() == 1
    alert = FloodAlert.objects.get()
    assert (alert.level, alert.source, alert.risk_point) == ("prepare", "fc_rain", wenling_village)
    assert (alert.crossing_at, alert.lead_minutes, alert.observed_at) == (at(14), 120, ISSUED)
    assert alert.evidence["totals_mm"]["3"] == 50.0
    assert alert.warning is not None and alert.warning.level == "orange"
    assert RainForecastBatch.objects.get().due_at is None
    assert FloodEvent.objects.get().started_at == at(14)


def test_move_now_in_the_first_hour(wenling_village):
    push(items=[station_item(rain_1h=55)])
    tick()
    alert = FloodAlert.objects.get()
    assert (alert.level, alert.lead_minutes, alert.warning.level) == ("move_now", 60, "red")


def test_a_light_forecast_raises_nothing(wenling_village):
    push(items=[station_item(rain_1h=10, rain_3h=25, rain_24h=40)])  # 3 h at most 25 < 50
    tick()
    assert FloodAlert.objects.count() == 0
    assert RainForecastBatch.objects.get().result["risk_points"] == 1


def test_the_next_issue_in_the_same_event_does_not_warn_again(wenling_village):
    push(items=[station_item(rain_1h=35)])
    tick()
    push(items=[station_item(issued=at(12, 30), rain_1h=40)])
    tick(now=at(12, 35))
    assert FloodAlert.objects.count() == 1


def test_a_cell_serves_the_gauge_inside_it_and_only_within_its_region(wenling_village, linhai_officer,
                                                                      wenling_officer):
    gauge = Station.objects.get(code="WF1")
    cell = {"lon": gauge.longitude + 0.01, "lat": gauge.latitude - 0.01, "cell_deg": 0.05,
            "issued_at": ISSUED.isoformat(), "rain_1h": 60}
    assert push(by=linhai_officer.user, items=[cell]).accepted == 1  # Linhai's cell: not Wenling's rain
    tick()
    assert FloodAlert.objects.count() == 0
    assert push(by=wenling_officer.user, items=[cell]).accepted == 1  # the same cell, Wenling's
    tick()
    assert FloodAlert.objects.get().level == "move_now"


def test_a_stale_batch_is_closed_without_warning(wenling_village):
    push(items=[station_item(rain_1h=80)])
    tick(now=ISSUED + dt.timedelta(hours=7))
    assert FloodAlert.objects.count() == 0
    assert RainForecastBatch.objects.get().result["stale"] is True


def test_a_failing_batch_is_retried_later_not_lost(wenling_village, monkeypatch):
    push(items=[station_item(rain_1h=80)])

    def broken(batch, *, now):
        raise RuntimeError("database went away")

    monkeypatch.setattr(forecast_rain, "evaluate_batch", broken)
    assert tick() == 0
    batch = RainForecastBatch.objects.get()
    assert batch.attempts == 1 and batch.due_at == NOW + forecast_rain.RETRY_BASE
    assert "went away" in batch.last_error
    monkeypatch.undo()
    assert tick(now=NOW + dt.timedelta(seconds=30)) == 0  # not due yet
    assert tick(now=NOW + dt.timedelta(minutes=1)) == 1
    assert FloodAlert.objects.get().level == "move_now"


# Evaluation at sections --------------------------------------------------------------

def test_a_section_is_forecast_with_the_mean_of_its_gauges_forecasts(regions):
    make_village(WENLING_TOWN, "WG1", name="甲村")
    make_village(WENLING_TOWN, "WG2", name="乙村")
    section = make_section(WENLING_TOWN, gauges=["WG1", "WG2"])
    push(items=[station_item("WG1", rain_1h=20, rain_3h=40), station_item("WG2", rain_1h=30, rain_3h=50)])
    tick()
    forecast = section.forecasts.get()
    assert forecast.forecast_rain == {"1": 25.0, "3": 45.0}
    assert forecast.issued_at == ISSUED and forecast.created_by is None
    tick()  # nothing due: no second forecast
    assert section.forecasts.count() == 1


def test_another_countys_stations_cannot_be_pushed(regions, wenling_officer):
    make_village(LINHAI_TOWN, "LF1", name="临海某村")
    report = push(by=wenling_officer.user, items=[station_item("LF1", rain_1h=80)])
    assert report.accepted == 0 and "jurisdiction" in report.rejected[0].reason
    assert RainForecast.objects.count() == 0


def test_the_command_imports_a_file_and_prints_its_bad_lines(wenling_village, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "f.csv"
    path.write_text(f"station,issued_at,rain_1h\nWF1,{at(11).isoformat()},12\nWF1,{at(10).isoformat()},-3\n")
    out = StringIO()
    call_command("rain_feed", "import", str(path), stdout=out)
    assert "line 3" in out.getvalue() and "accepted 1" in out.getvalue()
    assert RainForecast.objects.get().rain_1h == 12


def test_a_forecast_in_an_event_opened_by_observed_rain_is_labelled_as_forecast(wenling_village):
    """Observed 35 mm in the hour ending 12:00 (1 h ≥ 30: prepare, by rain); then the
    forecast 1 h 55 mm (≥ 50: move now) raises the move-now alert in the same event."""
    ingest(by=None, readings=[rain("WF1", at(12), 35.0)], source="test")
    services.evaluate_new_observations()
    push(items=[station_item(rain_1h=55)])
    tick()
    event = FloodEvent.objects.get()
    assert sorted(event.alerts.values_list("level", "source")) == [("move_now", "fc_rain"), ("prepare", "rain")]
    assert event.peak_level == "move_now"
