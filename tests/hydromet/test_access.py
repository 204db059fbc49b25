"""Access by region for the hydromet endpoints: a Wenling officer never sees or writes
a Linhai station's data. Declared in ACCESS_CHECKED for tests/access/test_isolation.py."""

import pytest

from yingji.hydromet.models import Observation

from ..factories import PersonFactory
from .conftest import at, rain

ACCESS_CHECKED = {
    "GET /api/stations",
    "GET /api/stations/{code}",
    "GET /api/stations/{code}/observations",
    "POST /api/observations",
}


@pytest.fixture
def stored(gauges):
    from yingji.hydromet.services import ingest

    ingest(by=None, source="test", readings=[rain("W1", at(8), 1.0), rain("L1", at(8), 2.0)])


@pytest.mark.django_db
@pytest.mark.parametrize("params, own", [
    ({}, True), ({"region": "331082"}, False), ({"region": "33"}, True), ({"q": "L"}, False),
    ({"q": "测站"}, True), ({"kind": "stage"}, False),
])
def test_station_list_never_shows_another_county(api_as, gauges, wenling_officer, params, own):
    r = api_as(wenling_officer).get("/api/stations", {**params, "page_size": 500})
    assert r.status_code == 200, r.content
    codes = [item["code"] for item in r.json()["items"]]
    assert all(item["region"].startswith("331081") for item in r.json()["items"]), codes
    assert ("W1" in codes) == own  # the control: the same query finds own stations


@pytest.mark.django_db
def test_province_admin_sees_both_counties(api_as, gauges):
    admin = PersonFactory(region_id="33", role="admin")
    codes = {item["code"] for item in api_as(admin).get("/api/stations").json()["items"]}
    assert {"W1", "W2", "L1", "L2"} <= codes


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/stations/L1", "/api/stations/L1/observations"])
def test_another_countys_station_is_not_found(api_as, stored, wenling_officer, path):
    r = api_as(wenling_officer).get(path)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert api_as(wenling_officer).get(path.replace("L1", "W1")).status_code == 200  # the control


@pytest.mark.django_db
def test_ingest_into_another_county_is_rejected_per_reading(api_as, gauges, wenling_officer):
    r = api_as(wenling_officer).post("/api/observations", {"readings": [
        rain("L1", at(8), 2.0), rain("W1", at(8), 1.0)]})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["accepted"] == 1
    assert [(p["index"], p["station"]) for p in body["rejected"]] == [(0, "L1")]
    assert "outside your jurisdiction" in body["rejected"][0]["reason"]
    assert not Observation.objects.filter(station__code="L1").exists()


@pytest.mark.django_db
def test_viewers_and_enterprise_users_cannot_ingest(api_as, gauges, wenling_viewer, enterprise_user):
    for person in (wenling_viewer, enterprise_user):
        r = api_as(person).post("/api/observations", {"readings": [rain("W1", at(8), 1.0)]})
        assert r.status_code == 403, r.content
    assert Observation.objects.count() == 0
