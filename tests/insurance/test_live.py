"""Live evaluation: a typhoon fed position by position through the API, and rain
observations arriving through hydromet, each trigger exactly once, with evidence,
payout, allocation and notices to the insured and the insurers; replay agrees."""

import datetime as dt
from decimal import Decimal

import pytest

from yingji.insurance import services
from yingji.insurance.models import TriggerEvent
from yingji.insurance.policy_yaml import load_policy_file
from yingji.insurance.services import rain_triggers
from yingji.messaging.models import Message

from ..readings import rain
from .conftest import POLICY_FILE

# Lekima's fixes from CH2019BST.txt (lines 2019080900 .. 2019081006), moved to 2023 so
# that they fall in the policy's period: time, lat, lon, wind.
LEKIMA = [
    ("2023-08-09T00:00:00+00:00", 26.5, 123.4, 55), ("2023-08-09T06:00:00+00:00", 27.0, 122.5, 48),
    ("2023-08-09T12:00:00+00:00", 27.5, 122.0, 48), ("2023-08-09T15:00:00+00:00", 27.9, 121.7, 50),
    ("2023-08-09T18:00:00+00:00", 28.3, 121.4, 52), ("2023-08-09T21:00:00+00:00", 28.6, 121.0, 40),
    ("2023-08-10T00:00:00+00:00", 28.9, 120.8, 33), ("2023-08-10T03:00:00+00:00", 29.4, 120.6, 28),
    ("2023-08-10T06:00:00+00:00", 29.9, 120.3, 28),
]
RECIPIENTS = {"duty@taizhou.example", "claims@insurer-a.example", "claims@insurer-b.example"}


@pytest.fixture
def policy(regions):
    return services.policy_load(by=None, spec=load_policy_file(POLICY_FILE))[0]


def test_a_typhoon_fed_position_by_position_triggers_exactly_once(api_as, policy, taizhou_officer):
    """By hand (see test_backtest): the 18:00 fix is the first inside (47.8 km, 52 m/s,
    force 16); 21:00 (12.7 km, force 13) and 00:00 (41.5 km, force 12) are inside too;
    the highest force inside stays 16: RMB 110 m, 66 m Wenling and 44 m Linhai by the
    typhoon shares 0.6/0.4."""
    client = api_as(taizhou_officer)
    storm = client.post("/api/typhoons", {"code": "2023-LIVE-1", "name": "模拟利奇马"}).json()
    events_seen = []
    for time, lat, lon, wind in LEKIMA:
        r = client.post(f"/api/typhoons/{storm['id']}/positions", {"time": time, "lat": lat, "lon": lon, "wind": wind})
        assert r.status_code == 201, r.content
        events_seen.append(len(r.json()["events"]))
        if time < "2023-08-09T18":
            assert TriggerEvent.objects.count() == 0
    assert events_seen[:4] == [0, 0, 0, 0] and events_seen[4] == 1

    event = TriggerEvent.objects.get()
    assert (event.force, event.payout) == (16, Decimal("110000000.00"))
    assert event.occurred_at == dt.datetime(2023, 8, 9, 18, tzinfo=dt.UTC)
    assert event.allocation == {"331081": "66000000.00", "331082": "44000000.00"}
    inside = event.evidence["positions_inside"]
    assert [(p["time"][11:16], p["force"]) for p in inside] == [("18:00", 16), ("21:00", 13), ("00:00", 12)]
    assert event.min_distance_km == pytest.approx(12.68, abs=0.05)

    messages = Message.objects.filter(idempotency_key__startswith=f"insurance:event:{event.pk}:")
    assert {m.to for m in messages} == RECIPIENTS and messages.count() == 3  # once, not once per position

    assert services.event_replay(event_id=event.pk).agrees
    detail = client.get(f"/api/policies/{policy.pk}").json()
    assert [e["payout"] for e in detail["events"]] == [110_000_000]
    assert detail["events"][0]["claim"]["status"] == "notified"


def test_resending_a_position_is_refused_and_creates_nothing(api_as, policy, taizhou_officer):
    client = api_as(taizhou_officer)
    storm = client.post("/api/typhoons", {"code": "2023-LIVE-2"}).json()
    body = {"time": "2023-08-09T18:00:00+00:00", "lat": 28.3, "lon": 121.4, "wind": 52}
    assert client.post(f"/api/typhoons/{storm['id']}/positions", body).status_code == 201
    r = client.post(f"/api/typhoons/{storm['id']}/positions", body)
    assert r.status_code == 400 and r.json()["error"]["code"] == "duplicate"
    assert TriggerEvent.objects.count() == 1 and Message.objects.count() == 3


def test_a_position_without_a_utc_offset_is_refused(api_as, policy, taizhou_officer):
    client = api_as(taizhou_officer)
    storm = client.post("/api/typhoons", {"code": "2023-LIVE-3"}).json()
    r = client.post(f"/api/typhoons/{storm['id']}/positions",
                    {"time": "2023-08-09T18:00:00", "lat": 28.3, "lon": 121.4})
    assert r.status_code == 400 and "time" in r.json()["error"]["fields"]


def test_a_rising_force_revises_the_payout_and_notifies_the_revision_once(api_as, policy, taizhou_officer):
    client = api_as(taizhou_officer)
    storm = client.post("/api/typhoons", {"code": "2023-LIVE-4"}).json()
    url = f"/api/typhoons/{storm['id']}/positions"
    client.post(url, {"time": "2023-08-09T18:00:00+00:00", "lat": 28.6, "lon": 121.1, "wind": 33})  # force 12
    client.post(url, {"time": "2023-08-09T21:00:00+00:00", "lat": 28.7, "lon": 121.1, "wind": 42})  # force 14
    event = TriggerEvent.objects.get()
    assert (event.force, event.payout, event.claim.amount) == (14, Decimal("40000000.00"), Decimal("40000000.00"))
    assert Message.objects.count() == 6  # the first notice and the revision, to 3 recipients each
    assert services.event_replay(event_id=event.pk).agrees


# Rain through hydromet -----------------------------------------------------------------


@pytest.fixture
def stations(regions):
    from yingji.hydromet.models import Station

    return [Station.objects.create(code=code, name=code, longitude=121.4, latitude=28.4, region_id=county)
            for code, county in (("W1", "331081"), ("L1", "331082"))]


def _ingest(*readings):
    from yingji.hydromet.services import ingest

    rows = [rain(s, t, v, interval=60) for s, t, v in readings]
    return ingest(by=None, readings=rows, source="test")


def _ingest_and_tick(*readings):
    """Ingest, then run the insurance tick as the worker would."""
    report = _ingest(*readings)
    services.evaluate_new_rain()
    return report


def test_rain_ingested_before_a_crash_still_triggers_exactly_once(policy, stations, monkeypatch):
    """The process dies between the ingest's commit and the evaluation (here: the
    evaluation raises once, as a killed worker would leave it): nothing is lost, the
    next tick triggers Wenling once, and later ticks do nothing twice."""
    _ingest(("W1", "2023-09-01T08:00:00+08:00", 46.7), ("W1", "2023-09-01T09:00:00+08:00", 46.7),
            ("W1", "2023-09-01T10:00:00+08:00", 46.6))
    assert TriggerEvent.objects.count() == 0  # the ingest itself evaluates nothing
    real = rain_triggers.evaluate_rain_stations

    def dies_once(*args, **kwargs):
        monkeypatch.setattr(rain_triggers, "evaluate_rain_stations", real)
        real(*args, **kwargs)  # its writes are rolled back with the failed round
        raise SystemError("worker killed")

    monkeypatch.setattr(rain_triggers, "evaluate_rain_stations", dies_once)
    assert services.evaluate_new_rain() == 0
    assert TriggerEvent.objects.count() == 0 and Message.objects.count() == 0
    assert services.evaluate_new_rain() == 1  # the restarted worker's tick
    event = TriggerEvent.objects.get()
    assert (event.county_id, event.payout) == ("331081", Decimal("3000000.00"))
    assert services.evaluate_new_rain() == 0
    assert TriggerEvent.objects.count() == 1
    assert Message.objects.filter(idempotency_key__startswith="insurance:").count() == 3


def test_rain_reaching_140_mm_triggers_the_county_once(policy, stations):
    """46.7 + 46.7 + 46.6 = 140.0 mm at W1 in three hours: Wenling triggers once, RMB 3 m
    to Wenling; a fourth hour of rain the next batch extends the same event."""
    _ingest_and_tick(("W1", "2023-09-01T08:00:00+08:00", 46.7), ("W1", "2023-09-01T09:00:00+08:00", 46.7))
    assert TriggerEvent.objects.count() == 0
    _ingest_and_tick(("W1", "2023-09-01T10:00:00+08:00", 46.6))
    event = TriggerEvent.objects.get()
    assert (event.kind, event.county_id, event.station_code, event.payout) == (
        "rain", "331081", "W1", Decimal("3000000.00"))
    assert event.total_mm == pytest.approx(140.0) and event.allocation == {"331081": "3000000.00"}
    assert event.evidence["window_end"] == "2023-09-01T02:00:00+00:00"
    _ingest_and_tick(("W1", "2023-09-01T11:00:00+08:00", 10.0))
    event = TriggerEvent.objects.get()
    assert event.total_mm == pytest.approx(150.0) and event.payout == Decimal("3000000.00")
    assert Message.objects.filter(idempotency_key__startswith="insurance:").count() == 3
    assert services.event_replay(event_id=event.pk).agrees


def test_139_9_mm_through_hydromet_does_not_trigger(policy, stations):
    _ingest_and_tick(("L1", "2023-09-01T08:00:00+08:00", 46.7), ("L1", "2023-09-01T09:00:00+08:00", 46.6),
                     ("L1", "2023-09-01T10:00:00+08:00", 46.6))
    assert TriggerEvent.objects.count() == 0


def test_a_rain_event_lasting_many_windows_stays_one_event(policy, stations):
    """60 mm a day for ten days, one batch a day: the 72-h total is 180 mm from the third
    day on, so the county is in one event from day 2 to the end, however far back its
    start lies from the latest batch."""
    from yingji.hydromet.services import ingest

    day0 = dt.datetime(2023, 7, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    for d in range(10):
        row = rain("W1", day0 + dt.timedelta(days=d), 60.0, interval=1440)
        ingest(by=None, readings=[row], source="test")
        services.evaluate_new_rain()
    event = TriggerEvent.objects.get()
    assert dt.datetime.fromisoformat(event.evidence["event_start"]) == day0 + dt.timedelta(days=2)
    assert event.total_mm == pytest.approx(180.0)
