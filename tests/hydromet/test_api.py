"""The stations and observations API: batches with partial results, detail with totals."""

import datetime as dt

import pytest

from yingji.hydromet.models import Observation
from yingji.hydromet.services import ingest

from .conftest import at, rain


@pytest.mark.django_db
def test_a_batch_with_bad_readings_stores_the_good_ones(api_as, gauges, taizhou_officer):
    r = api_as(taizhou_officer).post("/api/observations", {"readings": [
        rain("W1", at(8), 1.0),
        rain("W1", at(9), -2),
        {"station": "L2", "quantity": "stage", "time": at(9).isoformat(), "value": 5.5},
        "not an object",
        rain("NOPE", at(9), 1.0),
        rain("W1", at(8), 1.0),
    ]})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["accepted"], body["duplicates"]) == (2, 1)
    assert [(p["index"], p["reason"].split(" / ")[1]) for p in body["rejected"]] == [
        (1, "Negative rainfall"), (3, "A reading must be an object"),
        (4, "Unknown station or outside your jurisdiction")]
    assert Observation.objects.count() == 2


@pytest.mark.django_db
def test_a_body_without_readings_is_refused_whole(api_as, gauges, taizhou_officer):
    client = api_as(taizhou_officer)
    for body in ({}, {"readings": "x"}, {"readings": [{}] * 10_001}):
        r = client.post("/api/observations", body)
        assert 400 <= r.status_code < 500 and "error" in r.json()
    assert Observation.objects.count() == 0


@pytest.mark.django_db
def test_station_detail_shows_latest_readings_and_rain_totals(api_as, gauges, taizhou_officer):
    ingest(by=None, source="test", readings=[
        rain("W2", at(2), 10.0), rain("W2", at(6), 4.0), rain("W2", at(7), 2.0), rain("W2", at(8), 1.0),
        {"station": "W2", "quantity": "stage", "time": at(8).isoformat(), "value": 3.5},
    ])
    r = api_as(taizhou_officer).get("/api/stations/W2", {"end": at(8).isoformat()})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["latest"]["rain"]["value"] == 1.0 and body["latest"]["stage"]["value"] == 3.5
    # (07:00, 08:00]: 1; (05:00, 08:00]: 4+2+1; (02:00, 08:00]: 7 (02:00 itself is outside); 24 h: 17.
    assert {t["hours"]: t["total_mm"] for t in body["rain_totals"]} == {1: 1.0, 3: 7.0, 6: 7.0, 24: 17.0, 72: 17.0}


@pytest.mark.django_db
def test_observations_of_a_station_in_a_range(api_as, gauges, taizhou_officer):
    ingest(by=None, source="test", readings=[rain("W1", at(h), float(h)) for h in range(1, 6)])
    client = api_as(taizhou_officer)
    r = client.get("/api/stations/W1/observations", {"start": at(2).isoformat(), "end": at(4).isoformat()})
    assert r.status_code == 200, r.content
    assert [o["value"] for o in r.json()] == [3.0, 4.0]
    assert r.json()[0]["quality"] == "ok"
    too_long = client.get("/api/stations/W1/observations",
                          {"start": (at(1) - dt.timedelta(days=40)).isoformat(), "end": at(1).isoformat()})
    assert too_long.status_code == 400
