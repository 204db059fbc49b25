"""Ingestion: every bad reading gets its reason, nothing is stored or dropped silently."""

import datetime as dt

import pytest
from django.db import transaction

from yingji.core.errors import Forbidden
from yingji.core.models import AuditRecord
from yingji.hydromet import handoff
from yingji.hydromet.choices import Quality, Quantity
from yingji.hydromet.models import ConsumerCursor, Observation, ObservationBatch
from yingji.hydromet.services import ingest

from .conftest import BEIJING, at, rain


def _one(reading, by=None):
    return ingest(by=by, readings=[reading], source="test")


def _rejected_reason(reading) -> str:
    report = _one(reading)
    assert report.accepted == 0 and len(report.rejected) == 1, report
    return report.rejected[0].reason


@pytest.mark.django_db
def test_good_readings_are_stored_with_their_interval(gauges):
    report = ingest(by=None, source="test", readings=[
        rain("W1", at(8), 1.5, interval=60),
        rain("W1", at(9), 0),
        {"station": "W2", "quantity": "stage", "time": at(9).isoformat(), "value": 3.21},
    ])
    assert (report.accepted, report.duplicates, report.rejected) == (3, 0, [])
    first = Observation.objects.get(station__code="W1", time=at(8))
    assert (first.value, first.interval_minutes, first.quality) == (1.5, 60, Quality.OK)
    assert Observation.objects.get(station__code="W1", time=at(9)).interval_minutes == 60  # the default
    stage = Observation.objects.get(station__code="W2")
    assert (stage.quantity, stage.value, stage.interval_minutes) == (Quantity.STAGE, 3.21, None)


@pytest.mark.django_db
@pytest.mark.parametrize("reading, reason", [
    (rain("X9", at(8), 1.0), "测站不存在或不在管辖范围内 / Unknown station or outside your jurisdiction"),
    (rain("W1", at(8), -0.1), "降雨量为负 / Negative rainfall"),
    (rain("W1", at(8), "abc"), "数值不是数字 / Value is not a number"),
    (rain("W1", at(8), "NaN"), "数值不是有限数字 / Value is not a finite number"),
    (rain("W1", at(8), None), "缺少数值 / Value is missing"),
    (rain("W1", at(8), True), "缺少数值 / Value is missing"),
    ({**rain("W1", at(8), 1.0), "time": "2024-07-01 25:00"},
     "时间格式错误，应为 ISO 8601 / Bad time, ISO 8601 expected"),
    ({**rain("W1", at(8), 1.0), "time": "2024-07-01T08:00:00"},
     "时间缺少时区（如 +08:00） / Time has no UTC offset (e.g. +08:00)"),
    ({**rain("W1", at(8), 1.0), "time": 1719792000}, "时间格式错误，应为 ISO 8601 / Bad time, ISO 8601 expected"),
    ({**rain("W1", at(8), 1.0), "time": ""}, "缺少时间 / Time is missing"),
    ({**rain("W1", at(8), 1.0), "time": "0001-01-01T00:00:00+01:00"}, "Time must be between the years 1900 and 2200"),
    ({**rain("W1", at(8), 1.0), "quantity": "snow"}, "要素应为 rain 或 stage / Quantity must be rain or stage"),
    ({**rain("W1", at(8), 1.0), "station": ""}, "缺少测站编号 / Station code is missing"),
    (rain("W1", at(8), 1.0, interval=0), "Interval must be whole minutes from 1 to 1440"),
    (rain("W1", at(8), 1.0, interval=7.5), "Interval must be whole minutes from 1 to 1440"),
    ("58665,2024-07-01T08:00+08:00,1.0", "读数应为对象 / A reading must be an object"),
])
def test_bad_readings_are_rejected_with_their_reason(gauges, reading, reason):
    assert reason in _rejected_reason(reading)
    assert Observation.objects.count() == 0


@pytest.mark.django_db
def test_a_time_in_the_future_is_rejected_beyond_five_minutes(gauges):
    now = dt.datetime(2024, 7, 1, 12, 0, tzinfo=BEIJING)
    report = ingest(by=None, source="test", now=now, readings=[
        rain("W1", now + dt.timedelta(minutes=5), 1.0),
        rain("W1", now + dt.timedelta(minutes=6), 1.0),
    ])
    assert report.accepted == 1
    assert [(p.index, p.reason) for p in report.rejected] == [(1, "时间在未来 / Time is in the future")]


@pytest.mark.django_db
def test_rain_above_the_physical_envelope_is_stored_as_suspect(gauges):
    # The envelope is 300 mm in 60 min and 300 × (1/12)^0.475 ≈ 92.0 mm in 5 min.
    report = ingest(by=None, source="test", readings=[
        rain("W1", at(8), 300.0, interval=60),
        rain("W1", at(9), 300.1, interval=60),
        rain("W1", at(9, 5), 91.0, interval=5),
        rain("W1", at(9, 10), 93.0, interval=5),
    ])
    assert report.accepted == 4
    assert [p.index for p in report.flagged] == [1, 3]
    assert "exceeds the physical maximum of 300 mm" in report.flagged[0].reason
    suspect = Observation.objects.get(time=at(9))
    assert suspect.quality == Quality.SUSPECT and "300.1" in suspect.reason
    assert Observation.objects.get(time=at(8)).quality == Quality.OK


@pytest.mark.django_db
def test_an_implausible_stage_is_stored_as_suspect(gauges):
    report = ingest(by=None, source="test", readings=[
        {"station": "W2", "quantity": "stage", "time": at(8).isoformat(), "value": 4.5},
        {"station": "W2", "quantity": "stage", "time": at(9).isoformat(), "value": 9999},
    ])
    assert report.accepted == 2 and [p.index for p in report.flagged] == [1]
    assert "plausible range" in report.flagged[0].reason


@pytest.mark.django_db
def test_sending_the_same_readings_again_changes_nothing(gauges):
    batch = [rain("W1", at(8), 1.2), rain("W1", at(9), 3.4)]
    ingest(by=None, readings=batch, source="test")
    # The same instant written in UTC is the same reading.
    again = batch + [rain("W1", at(9).astimezone(dt.UTC), 3.4)]
    report = ingest(by=None, readings=again, source="test")
    assert (report.accepted, report.duplicates, report.rejected) == (0, 3, [])
    assert Observation.objects.count() == 2


@pytest.mark.django_db
def test_a_different_value_for_a_stored_time_is_rejected_not_overwritten(gauges):
    ingest(by=None, readings=[rain("W1", at(8), 1.2)], source="test")
    report = ingest(by=None, readings=[rain("W1", at(8), 5.0)], source="test")
    assert report.accepted == 0
    assert "a different value (1.2) exists for this time; not overwritten" in report.rejected[0].reason
    assert Observation.objects.get().value == 1.2


@pytest.mark.django_db
def test_conflicting_readings_inside_one_batch_keep_the_first(gauges):
    report = ingest(by=None, source="test", readings=[
        rain("W1", at(8), 1.2), rain("W1", at(8), 1.2), rain("W1", at(8), 2.0),
    ])
    assert (report.accepted, report.duplicates) == (1, 1)
    assert [p.index for p in report.rejected] == [2]


@pytest.mark.django_db
def test_late_data_is_accepted_and_noted(gauges):
    ingest(by=None, readings=[rain("W1", at(10), 1.0)], source="test")
    report = ingest(by=None, readings=[rain("W1", at(9), 2.0), rain("W1", at(11), 0.5)], source="test")
    assert report.accepted == 2
    assert [p.index for p in report.notes] == [0]
    assert "accepted as late data" in report.notes[0].reason


@pytest.mark.django_db
def test_a_batch_is_audited_once_with_its_counts(gauges):
    before = AuditRecord.objects.count()
    ingest(by=None, source="csv:x.csv", readings=[rain("W1", at(h), 1.0) for h in range(1, 11)]
           + [rain("W1", at(12), -1)])
    assert AuditRecord.objects.count() == before + 1
    record = AuditRecord.objects.order_by("-seq").first()
    assert (record.action, record.region_code, record.object_id) == ("ingest", "331081", "csv:x.csv")
    assert (record.after["accepted"], record.after["rejected"], record.after["stations"]) == (10, 1, ["W1"])


@pytest.mark.django_db
def test_an_officer_ingests_only_for_stations_in_their_region(gauges, wenling_officer):
    report = ingest(by=wenling_officer.user, source="test",
                    readings=[rain("W1", at(8), 1.0), rain("L1", at(8), 1.0)])
    assert report.accepted == 1
    assert [(p.index, p.station) for p in report.rejected] == [(1, "L1")]
    assert "outside your jurisdiction" in report.rejected[0].reason
    assert not Observation.objects.filter(station__code="L1").exists()


@pytest.mark.django_db
def test_viewers_cannot_ingest(gauges, wenling_viewer):
    with pytest.raises(Forbidden):
        ingest(by=wenling_viewer.user, readings=[rain("W1", at(8), 1.0)], source="test")


@pytest.mark.django_db
def test_each_committed_batch_is_handed_to_each_consumer_once(gauges):
    ingest(by=None, readings=[rain("W1", at(8), 1.0), rain("L1", at(8), 2.0), rain("W1", at(8), 1.0)], source="test")
    ingest(by=None, readings=[rain("W1", at(8), 1.0)], source="test")  # nothing new: no batch
    seen = {"a": [], "b": []}
    assert handoff.consume(consumer="a", handle=seen["a"].append) == 1
    assert handoff.consume(consumer="a", handle=seen["a"].append) == 0  # nothing twice
    assert handoff.consume(consumer="b", handle=seen["b"].append) == 1  # each consumer its own cursor
    assert seen["a"] == seen["b"]
    assert sorted((o.station, o.time) for o in seen["a"][0]) == [("L1", at(8)), ("W1", at(8))]


@pytest.mark.django_db
def test_a_batch_whose_handling_fails_is_handed_again_next_round(gauges):
    ingest(by=None, readings=[rain("W1", at(8), 1.0)], source="first")
    ingest(by=None, readings=[rain("W1", at(9), 2.0)], source="second")
    handled = []

    def flaky(observations):
        if not handled:
            handled.append(None)
            raise RuntimeError("the process died here")
        handled.append([o.time for o in observations])

    assert handoff.consume(consumer="c", handle=flaky) == 0  # stops at the failing batch
    assert _waiting("c") == 2
    assert handoff.consume(consumer="c", handle=flaky) == 2
    assert handled[1:] == [[at(8)], [at(9)]]  # in order, each once
    assert _waiting("c") == 0


def _waiting(consumer: str) -> int:
    position = ConsumerCursor.objects.get(consumer=consumer).position
    return ObservationBatch.objects.filter(pk__gt=position).count()


@pytest.mark.django_db
def test_a_rolled_back_ingest_leaves_no_batch(gauges):
    with pytest.raises(RuntimeError), transaction.atomic():
        ingest(by=None, readings=[rain("W1", at(8), 1.0)], source="test")
        raise RuntimeError("rolled back")
    assert ObservationBatch.objects.count() == 0


@pytest.mark.django_db
def test_the_audit_region_of_a_batch_is_a_real_region(gauges):
    """W1 is in Wenling (331081), L1 in Linhai (331082): their common prefix "33108"
    is no region; the smallest region holding both is the city of Taizhou (3310)."""
    ingest(by=None, readings=[rain("W1", at(8), 1.0), rain("L1", at(8), 2.0)], source="test")
    record = AuditRecord.objects.filter(object_type="hydromet.observation").get()
    assert record.region_code == "3310"


@pytest.mark.django_db
def test_only_batches_every_consumer_has_passed_and_a_week_old_are_pruned(gauges):
    for hour in (8, 9, 10):
        ingest(by=None, readings=[rain("W1", at(hour), 1.0)], source="test")
    first, second, third = ObservationBatch.objects.order_by("pk")
    handoff.consume(consumer="fast", handle=lambda observations: None)
    handoff.consume(consumer="slow", handle=lambda observations: None, limit=2)  # has not seen the third
    assert handoff.prune(now=first.created_at + dt.timedelta(days=6)) == 0  # too recent
    assert handoff.prune(now=third.created_at + dt.timedelta(days=8)) == 2
    assert list(ObservationBatch.objects.all()) == [third]
    assert handoff.consume(consumer="slow", handle=lambda observations: None) == 1  # still handed over
