"""Critical rainfall (临界雨量) checked on every rain batch ingested through hydromet:
a crossing warns once per event and level; an event ends when all totals are below
every prepare level; the next crossing is a new event.

The village's critical rainfall: 1 h — prepare 30 mm, move now 50 mm; 3 h — prepare
50 mm, move now 80 mm. Totals below are summed by hand over (t - window, t]."""

import pytest

from yingji.alerts import services as alerts_services
from yingji.alerts.models import Warning
from yingji.floods import services
from yingji.floods.models import FloodAlert, FloodEvent
from yingji.hydromet.models import Station
from yingji.hydromet.services import ingest

from .conftest import at, make_village, rain

pytestmark = pytest.mark.django_db


def test_a_rising_series_crossing_the_prepare_level_raises_exactly_one_warning(wenling_village, feed):
    feed([rain("WF1", at(10), 10.0), rain("WF1", at(11), 15.0)])  # 1 h 15, 3 h 25: below
    assert FloodAlert.objects.count() == 0
    feed([rain("WF1", at(12), 32.0)])  # 1 h 32 >= 30: prepare
    alert = FloodAlert.objects.get()
    assert (alert.level, alert.risk_point, alert.observed_at) == ("prepare", wenling_village, at(12))
    assert alert.evidence["totals_mm"] == {"1": 32.0, "3": 57.0, "6": 57.0, "24": 57.0}
    warning = alert.warning
    assert (warning.type, warning.level) == ("flash_flood", "orange")

    feed([rain("WF1", at(13), 5.0)])  # same event: 3 h 52 >= 50 is still prepare
    assert FloodAlert.objects.count() == 1
    assert Warning.objects.count() == 1


def test_the_same_event_rising_to_move_now_warns_once_more_in_red(wenling_village, feed):
    feed([rain("WF1", at(11), 31.0)])
    feed([rain("WF1", at(12), 52.0)])  # 1 h 52 >= 50: move now
    feed([rain("WF1", at(13), 51.0)])  # still move now: nothing new
    levels = sorted(FloodAlert.objects.values_list("level", flat=True))
    assert levels == ["move_now", "prepare"]
    assert FloodEvent.objects.get().peak_level == "move_now"
    red = FloodAlert.objects.get(level="move_now")
    assert red.warning.level == "red"


def test_falling_below_every_prepare_level_ends_the_event_and_a_new_rise_warns_again(wenling_village, feed):
    feed([rain("WF1", at(10), 35.0)])  # prepare
    feed([rain("WF1", at(11), 0.0), rain("WF1", at(12), 0.0)])  # 3 h still 35: under 50, 1 h 0: ends
    first = FloodEvent.objects.get()
    assert first.ended_at == at(11)  # 1 h 0 and 3 h 35: below both prepare levels already at 11:00
    feed([rain("WF1", at(14), 40.0)])  # a new event
    assert FloodEvent.objects.count() == 2
    assert FloodAlert.objects.filter(level="prepare").count() == 2
    assert FloodEvent.objects.filter(ended_at__isnull=True).count() == 1


def test_a_whole_storm_in_one_batch_is_stepped_through_in_time_order(wenling_village, feed):
    """10:00 20, 11:00 35 (prepare), 12:00 0, 13:00 0 (3 h 35 < 50: ends), 14:00 0,
    15:00 31 (1 h 31: prepare again): two events, two warnings."""
    feed([rain("WF1", at(h), mm) for h, mm in [(15, 31.0), (10, 20.0), (11, 35.0), (12, 0.0), (13, 0.0), (14, 0.0)]])
    assert FloodEvent.objects.count() == 2
    assert FloodAlert.objects.count() == 2


def test_three_hour_totals_warn_when_no_single_hour_does(wenling_village, feed):
    """20 + 20 + 20 = 60 mm in 3 h: no hour reaches 30, the 3-hour total reaches 50."""
    feed([rain("WF1", at(9), 20.0), rain("WF1", at(10), 20.0)])
    assert FloodAlert.objects.count() == 0
    feed([rain("WF1", at(11), 20.0)])
    assert FloodAlert.objects.get().evidence["totals_mm"]["3"] == 60.0


def test_rain_just_under_the_critical_rainfall_does_not_warn(wenling_village, feed):
    feed([rain("WF1", at(10), 29.9)])
    assert FloodAlert.objects.count() == 0


def test_the_wettest_gauge_counts(regions, feed):
    point = make_village("331081001", "WF1")
    make_village("331081001", "WF2", name="西坑村")
    point.gauges.add(Station.objects.get(code="WF2"))  # 东坑村 reads both gauges
    feed([rain("WF1", at(10), 5.0), rain("WF2", at(10), 33.0)])
    assert set(FloodAlert.objects.values_list("risk_point__name", flat=True)) == {"东坑村", "西坑村"}


def test_another_countys_rain_does_not_touch_the_village(wenling_village, linhai_village, feed):
    feed([rain("LF1", at(10), 60.0)])
    assert list(FloodAlert.objects.values_list("risk_point", flat=True)) == [linhai_village.pk]


def test_rain_ingested_before_a_crash_still_warns_exactly_once(wenling_village, monkeypatch):
    """The process dies between the ingest's commit and the evaluation (here: the
    evaluation raises once, as a killed worker would leave it), then again between the
    alert and its warning: nothing is lost, each happens once, later ticks do nothing."""
    ingest(by=None, readings=[rain("WF1", at(12), 32.0)], source="test")  # 1 h 32 >= 30: prepare
    assert FloodAlert.objects.count() == 0  # the ingest itself evaluates nothing
    real = services.rain.evaluate_risk_point

    def dies_once(*args, **kwargs):
        monkeypatch.setattr(services.rain, "evaluate_risk_point", real)
        real(*args, **kwargs)  # its alert is rolled back with the failed round
        raise SystemError("worker killed")

    monkeypatch.setattr(services.rain, "evaluate_risk_point", dies_once)
    assert services.evaluate_new_observations() == 0
    assert FloodAlert.objects.count() == 0
    assert services.evaluate_new_observations() == 1  # the restarted worker's tick
    alert = FloodAlert.objects.get()
    assert alert.warning_pending and alert.warning is None

    monkeypatch.setattr(alerts_services, "warning_issue", _dies(alerts_services.warning_issue, monkeypatch))
    assert services.issue_pending_warnings() == 0
    assert Warning.objects.count() == 0 and FloodAlert.objects.get().warning_pending
    assert services.issue_pending_warnings() == 1
    assert services.evaluate_new_observations() == 0 and services.issue_pending_warnings() == 0
    alert = FloodAlert.objects.get()
    assert (alert.warning, alert.warning_pending) == (Warning.objects.get(), False)
    assert alert.warning.level == "orange"


def _dies(real, monkeypatch):
    def once(*args, **kwargs):
        monkeypatch.setattr(alerts_services, "warning_issue", real)
        real(*args, **kwargs)
        raise SystemError("worker killed")
    return once
