"""Observed stage (实测水位) at a section, checked on every stage batch ingested through
hydromet by the floods app's own cursor (`floods.stage`): a crossing of the warning
stage (警戒水位, 1.30 m) warns prepare, of the critical stage (危急水位, 2.00 m) move
now, each once per event; the event ends at the first reading below 1.30 m, and a new
rise within the quiet period (60 min unless the test says otherwise) continues it.
The readings are hand-made; each test says which level each one reaches."""

import pytest

from yingji.floods import services
from yingji.floods.models import FloodAlert, FloodEvent
from yingji.floods.services import stage as stage_module
from yingji.hydromet.choices import StationKind
from yingji.hydromet.models import ConsumerCursor, Station
from yingji.hydromet.services import ingest

from ..conftest import WENLING_TOWN
from ..readings import stage
from .conftest import at, make_section, rain

pytestmark = pytest.mark.django_db

WARNING, CRITICAL = 1.3, 2.0


@pytest.fixture
def section(regions):
    gauge = Station.objects.create(code="WH1", name="东坑水位站", kind=StationKind.STAGE, longitude=121.38,
                                   latitude=28.37, region_id=WENLING_TOWN)
    return make_section(WENLING_TOWN, warning=WARNING, critical=CRITICAL, stage_station_id=gauge.pk)


@pytest.fixture
def feed_stage():
    """`feed_stage([readings])`: ingest one batch, then run the stage tick and the
    warnings tick as the worker would."""
    def send(readings):
        report = ingest(by=None, readings=readings, source="test")
        assert report.accepted == len(readings), report
        services.evaluate_new_stage()
        services.issue_pending_warnings()
        return report

    return send


def _levels():
    return sorted(FloodAlert.objects.filter(source="stage").values_list("level", flat=True))


def test_a_rise_over_the_warning_stage_warns_once_while_it_stays_above(section, feed_stage):
    feed_stage([stage("WH1", at(10), 0.80), stage("WH1", at(10, 10), 1.29)])  # both below 1.30
    assert FloodAlert.objects.count() == 0
    feed_stage([stage("WH1", at(10, 20), 1.30)])  # exactly the warning stage: reached
    alert = FloodAlert.objects.get()
    assert (alert.source, alert.level, alert.section, alert.observed_at) == ("stage", "prepare", section, at(10, 20))
    assert alert.evidence["stage_m"] == 1.3 and alert.evidence["threshold_m"] == WARNING
    assert (alert.warning.type, alert.warning.level) == ("flash_flood", "orange")
    feed_stage([stage("WH1", at(10, 30), 1.55), stage("WH1", at(10, 40), 1.70)])  # still above: no news
    feed_stage([stage("WH1", at(10, 50), 1.45)])
    assert _levels() == ["prepare"]
    assert FloodEvent.objects.filter(source="stage", ended_at__isnull=True).count() == 1


def test_rising_over_the_critical_stage_warns_move_now_once_more_in_red(section, feed_stage):
    feed_stage([stage("WH1", at(10), 1.40)])  # prepare
    feed_stage([stage("WH1", at(10, 10), 2.05)])  # move now
    feed_stage([stage("WH1", at(10, 20), 1.80), stage("WH1", at(10, 30), 2.10)])  # down to warning, up again
    assert _levels() == ["move_now", "prepare"]
    assert FloodEvent.objects.get(source="stage").peak_level == "move_now"
    assert FloodAlert.objects.get(level="move_now").warning.level == "red"


def test_a_jump_straight_over_the_critical_stage_warns_move_now_only(section, feed_stage):
    feed_stage([stage("WH1", at(10), 0.5), stage("WH1", at(10, 10), 2.4)])
    assert _levels() == ["move_now"]


def test_the_same_observation_evaluated_twice_warns_once(section, feed_stage):
    feed_stage([stage("WH1", at(10), 1.6)])
    assert FloodAlert.objects.count() == 1
    # The same reading handed over again (a second worker, a replayed batch):
    assert services.evaluate_section_stage(section, [at(10)]) == []
    assert services.evaluate_new_stage() == 0  # the cursor has passed the batch
    assert FloodAlert.objects.count() == 1


def test_a_failed_evaluation_leaves_nothing_and_the_rerun_warns_exactly_once(section, monkeypatch):
    """The durable path: the alert is written, then the evaluation raises; the alert
    and the cursor's move roll back together, and the next tick raises it once."""
    real, calls = stage_module._raise_alert, []

    def crash_once(*args, **kwargs):
        alert = real(*args, **kwargs)
        calls.append(alert)
        if len(calls) == 1:
            raise RuntimeError("the worker died here")
        return alert

    monkeypatch.setattr(stage_module, "_raise_alert", crash_once)
    ingest(by=None, readings=[stage("WH1", at(10), 1.6)], source="test")
    assert services.evaluate_new_stage() == 0  # failed: logged, retried next round
    assert FloodAlert.objects.count() == 0 and FloodEvent.objects.count() == 0
    assert ConsumerCursor.objects.get(consumer=services.STAGE_CONSUMER).position == 0
    assert services.evaluate_new_stage() == 1
    assert services.evaluate_new_stage() == 0
    assert FloodAlert.objects.count() == 1
    assert services.issue_pending_warnings() == 1
    assert services.issue_pending_warnings() == 0


def test_a_rise_within_the_quiet_period_continues_the_event(section, feed_stage):
    feed_stage([stage("WH1", at(10), 1.5)])  # prepare
    feed_stage([stage("WH1", at(10, 30), 1.2)])  # below: the event ends at 10:30
    assert FloodEvent.objects.get().ended_at == at(10, 30)
    feed_stage([stage("WH1", at(11, 15), 1.4)])  # 45 min later, within 60: the same event
    event = FloodEvent.objects.get()
    assert event.ended_at is None
    assert FloodAlert.objects.count() == 1


def test_a_rise_after_the_quiet_period_is_a_new_event_and_warns_again(section, feed_stage):
    feed_stage([stage("WH1", at(10), 1.5)])
    feed_stage([stage("WH1", at(10, 30), 1.2)])
    feed_stage([stage("WH1", at(11, 30), 1.4)])  # 60 min after the end: not within the quiet period
    assert FloodEvent.objects.count() == 2
    assert _levels() == ["prepare", "prepare"]


def test_the_quiet_period_is_a_setting(section, feed_stage, settings):
    settings.YINGJI_STAGE_QUIET_MINUTES = 10
    feed_stage([stage("WH1", at(10), 1.5)])
    feed_stage([stage("WH1", at(10, 30), 1.2)])
    feed_stage([stage("WH1", at(10, 45), 1.4)])  # 15 min > 10
    assert _levels() == ["prepare", "prepare"]


def test_a_whole_flood_in_one_batch_is_stepped_through_in_time_order(section, feed_stage):
    """Sent out of order: 10:00 1.0, 10:10 1.5 (prepare), 10:20 2.2 (move now), 10:30 1.1
    (ends), 13:00 1.4 (a new event after 2.5 h: prepare)."""
    feed_stage([stage("WH1", at(h, m), v) for h, m, v in
                [(13, 0, 1.4), (10, 20, 2.2), (10, 0, 1.0), (10, 30, 1.1), (10, 10, 1.5)]])
    assert FloodEvent.objects.count() == 2
    assert _levels() == ["move_now", "prepare", "prepare"]


def test_a_late_reading_from_before_the_event_ended_changes_nothing(section, feed_stage):
    feed_stage([stage("WH1", at(10), 1.5), stage("WH1", at(10, 30), 1.0)])  # event 10:00-10:30
    feed_stage([stage("WH1", at(10, 20), 2.3)])  # arrives late: over the critical stage, but history
    assert _levels() == ["prepare"]
    assert FloodEvent.objects.get().ended_at == at(10, 30)


def test_a_suspect_reading_never_warns(section, feed_stage):
    report = feed_stage([stage("WH1", at(10), 2500.0)])  # above the plausible range: flagged
    assert len(report.flagged) == 1
    assert FloodAlert.objects.count() == 0


def test_rain_and_stage_each_have_their_own_cursor(section, feed_stage, regions):
    """The rain tick running first does not take the stage batch from the stage tick."""
    Station.objects.create(code="WR9", name="雨量站", kind=StationKind.RAIN, longitude=121.38, latitude=28.37,
                           region_id=WENLING_TOWN)
    ingest(by=None, readings=[stage("WH1", at(10), 1.6), rain("WR9", at(10), 5.0)], source="test")
    assert services.evaluate_new_observations() == 1
    assert FloodAlert.objects.count() == 0
    assert services.evaluate_new_stage() == 1
    assert _levels() == ["prepare"]


def test_a_stage_gauge_no_section_watches_raises_nothing(regions, feed_stage):
    Station.objects.create(code="WH2", name="孤立水位站", kind=StationKind.STAGE, longitude=121.38, latitude=28.37,
                           region_id=WENLING_TOWN)
    feed_stage([stage("WH2", at(10), 99.0)])
    assert FloodAlert.objects.count() == 0


def test_stage_and_forecast_events_of_one_section_run_side_by_side(section, feed_stage):
    """A forecast event and an observed-stage event may both be open at one section,
    and a forecast below every level ends only its own."""
    feed_stage([stage("WH1", at(11), 1.5)])
    services.forecast_section(section=section, now=at(12), forecast_rain={"1": 36.0})  # crosses 1.30 m
    assert FloodEvent.objects.filter(ended_at__isnull=True).count() == 2
    services.forecast_section(section=section, now=at(13), forecast_rain={"1": 0.0})
    assert list(FloodEvent.objects.filter(ended_at__isnull=True).values_list("source", flat=True)) == ["stage"]
