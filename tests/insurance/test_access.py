"""Who sees and does what in the insurance API.

Policies: a city officer sees its city's policies, a county officer the policies that
cover its county, an insurer's staff the policies where the insurer holds a lot; an
officer of another city (Hangzhou, 3301) sees nothing of Taizhou: an empty list and
404 for the detail and the events, exactly as for ids that do not exist. Storms are
public weather data for every logged-in person; only officers post positions or
start following a storm. Claims: the policy's city officers and its insurers.
"""

import datetime as dt

import pytest

from yingji.insurance import services
from yingji.insurance.models import Storm, TrackPosition, TriggerEvent
from yingji.insurance.policy_yaml import load_policy_file

from ..factories import OrganizationFactory, PersonFactory
from .conftest import POLICY_FILE
from .test_backtest import TWO_STORMS

ACCESS_CHECKED = {
    "GET /api/policies", "GET /api/policies/{id}", "GET /api/policies/{id}/events",
    "GET /api/typhoons", "POST /api/typhoons", "GET /api/typhoons/{id}", "POST /api/typhoons/{id}/positions",
    "POST /api/claims/{id}/verify", "POST /api/claims/{id}/pay",
}


@pytest.fixture
def taizhou(regions, tmp_path):
    """The Taizhou policy with one triggered event (and its claim)."""
    policy, _ = services.policy_load(by=None, spec=load_policy_file(POLICY_FILE))
    path = tmp_path / "CH2023BST.txt"
    path.write_text(TWO_STORMS)
    services.import_tracks(by=None, paths=[path])
    storm = Storm.objects.get(name="NEAR")
    event = TriggerEvent.objects.get()  # importing the track evaluated it
    return {"policy": policy, "event": event, "claim": event.claim, "storm": storm}


@pytest.fixture
def hangzhou_officer(regions):
    return PersonFactory(region_id="3301", role="officer")


def test_an_officer_of_another_city_never_sees_the_policy(api_as, taizhou, hangzhou_officer):
    client = api_as(hangzhou_officer)
    assert client.get("/api/policies").json()["items"] == []
    pk = taizhou["policy"].pk
    for path in (f"/api/policies/{pk}", f"/api/policies/{pk}/events"):
        r = client.get(path)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_an_officer_of_another_city_cannot_move_the_claim(api_as, taizhou, hangzhou_officer):
    client = api_as(hangzhou_officer)
    today = dt.date.today().isoformat()
    for step, body in (("verify", {"verified_on": today}), ("pay", {"paid_on": today, "voucher": "V-1"})):
        r = client.post(f"/api/claims/{taizhou['claim'].pk}/{step}", body)
        assert r.status_code == 404
    taizhou["claim"].refresh_from_db()
    assert taizhou["claim"].status == "notified"


def test_the_city_and_its_counties_see_the_policy(api_as, taizhou, taizhou_officer, wenling_officer, linhai_officer):
    """The control: same requests, people of Taizhou."""
    pk = taizhou["policy"].pk
    for person in (taizhou_officer, wenling_officer, linhai_officer):
        client = api_as(person)
        assert [p["id"] for p in client.get("/api/policies").json()["items"]] == [pk]
        detail = client.get(f"/api/policies/{pk}").json()
        assert detail["events"][0]["payout"] == 20_000_000 and len(detail["lots"]) == 2
        assert client.get(f"/api/policies/{pk}/events").json()["count"] == 1


def test_an_insurer_sees_only_the_policies_where_it_holds_a_lot(api_as, taizhou):
    holder = PersonFactory(region_id="3301", role="officer", organization=taizhou["policy"].lots.first().insurer)
    stranger = PersonFactory(region_id="3310", role="officer",
                             organization=OrganizationFactory(kind="insurer", region_id="3310"))
    assert api_as(holder).get("/api/policies").json()["count"] == 1
    assert api_as(stranger).get("/api/policies").json()["items"] == []
    assert api_as(stranger).get(f"/api/policies/{taizhou['policy'].pk}").status_code == 404


def test_an_enterprise_user_sees_no_policy(api_as, taizhou, enterprise_user):
    assert api_as(enterprise_user).get("/api/policies").json()["items"] == []


def test_only_officers_post_positions_or_start_storms(api_as, taizhou, wenling_viewer, enterprise_user):
    storm = taizhou["storm"]
    count = TrackPosition.objects.count()
    body = {"time": "2023-08-02T00:00:00+00:00", "lat": 30.0, "lon": 121.0, "wind": 20}
    for person in (wenling_viewer, enterprise_user):
        client = api_as(person)
        assert client.post(f"/api/typhoons/{storm.pk}/positions", body).status_code == 403
        assert client.post("/api/typhoons", {"code": "X"}).status_code == 403
    assert api_as(None).post(f"/api/typhoons/{storm.pk}/positions", body).status_code == 401
    assert TrackPosition.objects.count() == count


def test_storms_are_readable_by_everyone_logged_in(api_as, taizhou, hangzhou_officer):
    client = api_as(hangzhou_officer)
    assert client.get("/api/typhoons").json()["count"] == 2
    detail = client.get(f"/api/typhoons/{taizhou['storm'].pk}").json()
    assert len(detail["positions"]) == 3
    assert api_as(None).get("/api/typhoons").status_code == 401


def test_an_officer_of_another_city_posting_a_position_sees_no_taizhou_event(api_as, taizhou, hangzhou_officer):
    storm = api_as(hangzhou_officer).post("/api/typhoons", {"code": "LIVE-1", "name": "测试"}).json()
    body = {"time": "2023-09-01T00:00:00+00:00", "lat": 28.6, "lon": 121.1, "wind": 45}
    r = api_as(hangzhou_officer).post(f"/api/typhoons/{storm['id']}/positions", body)
    assert r.status_code == 201 and r.json()["events"] == []
    assert taizhou["policy"].events.count() == 2  # it did trigger; they just do not see it
