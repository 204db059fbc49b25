"""Evacuation (人员转移): a household's steps and their refusals, the village counters
against a count from scratch after random steps, the figures at every region level,
and the quick reports kept beside them."""

import random

import pytest

from yingji.core.errors import DomainError
from yingji.core.scope import SYSTEM
from yingji.response import selectors_evacuation as selectors
from yingji.response.models import Household, HouseholdTransition
from yingji.response.services.evacuation import household_act, quick_report_create
from yingji.response.services.shelters import shelter_set_state

from ..conftest import WENLING, WENLING_TOWN
from .evacuation_fixtures import W1, W2, W3, household, shelter, villages  # noqa: F401

pytestmark = pytest.mark.django_db


def counts(region=""):
    found = selectors.figures(scope=SYSTEM, region=region)
    return {k: found[k] for k in selectors.FIELDS}


def test_a_household_moves_is_sheltered_and_returns_with_its_history(api_as, wenling_officer, villages):
    place = shelter(W1, capacity=10)
    h = household(W1, members=4, shelter_id=place.pk)
    client = api_as(wenling_officer)
    base = f"/api/evacuation/households/{h.pk}/actions"
    assert client.post(f"{base}/move", {}).json()["state"] == "moved"
    r = client.post(f"{base}/shelter", {"shelter_id": place.pk})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "sheltered" and r.json()["sheltered_in"] == place.pk
    assert client.get(f"/api/shelters/{place.pk}").json()["occupancy"] == 4
    r = client.post(f"{base}/return", {"note": "到家"})
    assert r.json()["state"] == "returned"
    history = client.get(f"/api/evacuation/households/{h.pk}").json()["history"]
    assert [(s["from_state"], s["to_state"]) for s in history] == [
        ("to_move", "moved"), ("moved", "sheltered"), ("sheltered", "returned")]
    assert {s["by"] for s in history} == {"t-wenling"}
    assert client.get(f"/api/shelters/{place.pk}").json()["occupancy"] == 0
    assert counts(W1) == {"planned": 4, "moved": 4, "sheltered": 0, "returned": 4, "planned_households": 1,
                          "moved_households": 1, "sheltered_households": 0, "returned_households": 1}


def test_a_step_that_does_not_follow_is_refused_with_its_reason(api_as, wenling_officer, villages):
    h = household(W1)
    client = api_as(wenling_officer)
    r = client.post(f"/api/evacuation/households/{h.pk}/actions/return", {})
    assert r.status_code == 400 and r.json()["error"]["code"] == "conflict"
    assert "待转移" in r.json()["error"]["message"] and "to_move" in r.json()["error"]["message"]
    client.post(f"/api/evacuation/households/{h.pk}/actions/move", {})
    again = client.post(f"/api/evacuation/households/{h.pk}/actions/move", {})
    assert again.status_code == 400
    assert HouseholdTransition.objects.filter(household=h).count() == 1
    assert counts(W1)["moved"] == 3


def test_a_phone_that_saw_an_older_state_does_not_count_twice(villages):
    h = household(W1, members=5)
    household_act(by=None, household=h, action="move")
    with pytest.raises(DomainError) as refused:
        household_act(by=None, household=h, action="move", expected_state="to_move")
    assert "conflict" == refused.value.code
    assert counts(W1)["moved"] == 5 and counts(W1)["moved_households"] == 1


def test_a_full_or_closed_shelter_is_refused_with_a_clear_reason(api_as, wenling_officer, villages):
    small = shelter(W1, capacity=5, name="小学")
    closed = shelter(W1, capacity=50, name="礼堂")
    shelter_set_state(by=None, shelter=closed, state="closed")
    first, second = household(W1, members=3), household(W1, members=3)
    client = api_as(wenling_officer)
    assert client.post(f"/api/evacuation/households/{first.pk}/actions/shelter",
                       {"shelter_id": small.pk}).status_code == 200
    r = client.post(f"/api/evacuation/households/{second.pk}/actions/shelter", {"shelter_id": small.pk})
    assert r.status_code == 400 and r.json()["error"]["code"] == "shelter_full"
    assert "已满" in r.json()["error"]["message"] and "full" in r.json()["error"]["message"]
    assert r.json()["error"]["fields"]["shelter_id"]
    r = client.post(f"/api/evacuation/households/{second.pk}/actions/shelter", {"shelter_id": closed.pk})
    assert r.json()["error"]["code"] == "shelter_closed"
    assert Household.objects.get(pk=second.pk).state == "to_move"
    assert counts(W1)["sheltered"] == 3


def test_counters_equal_a_count_from_scratch_after_random_steps(villages):
    rng = random.Random(20260907)
    places = [shelter(code, capacity=40) for code in (W1, W2, W3)]
    homes = [household(rng.choice([W1, W2, W3]), members=rng.randint(1, 7)) for _ in range(60)]
    for _ in range(400):
        h = rng.choice(homes)
        action = rng.choice(["move", "shelter", "return"])
        try:
            household_act(by=None, household=h, action=action, shelter_id=rng.choice(places).pk)
        except Exception as exc:  # refusals are part of the game: wrong state, full shelter
            assert getattr(exc, "code", "") in ("conflict", "shelter_full"), exc
    for region in ("", "33", "3310", WENLING, WENLING_TOWN, "331081002", W1, W2, W3):
        assert counts(region) == selectors.figures_from_scratch(region), region
    for place in places:  # occupancy is the persons sheltered there, never above capacity
        occupancy = selectors.shelter_get(scope=SYSTEM, id=place.pk).occupancy
        assert occupancy == sum(h.members for h in Household.objects.filter(sheltered_in=place, state="sheltered"))
        assert occupancy <= place.capacity


def test_figures_at_every_region_level_in_persons_and_households(api_as, province_admin, villages):
    a, c = household(W1, members=2), household(W3, members=4)
    household(W2, members=5)
    household_act(by=None, household=a, action="move")
    household_act(by=None, household=c, action="move")
    household_act(by=None, household=c, action="return")
    client = api_as(province_admin)
    expected = {  # hand-counted: a moved (2), b to move (5), c moved and returned (4)
        W1: (2, 2, 0), W2: (5, 0, 0), W3: (4, 4, 4), WENLING_TOWN: (7, 2, 0), "331081002": (4, 4, 4),
        WENLING: (11, 6, 4), "3310": (11, 6, 4), "33": (11, 6, 4)}
    for region, (planned, moved, returned) in expected.items():
        body = client.get("/api/evacuation/figures", {"region": region}).json()
        assert (body["planned"], body["moved"], body["returned"], body["sheltered"]) == (planned, moved, returned, 0)
        assert body["completeness"] == round(moved / planned, 4)
    body = client.get("/api/evacuation/figures", {"region": WENLING}).json()
    assert (body["planned_households"], body["moved_households"], body["away"]) == (3, 2, 2)
    children = selectors.figures_by_child(scope=SYSTEM, region=WENLING)
    assert [(r["region"], r["planned"]) for r in children] == [(WENLING_TOWN, 7), ("331081002", 4)]
    assert client.get("/api/evacuation/figures", {"region": "3399"}).json()["planned"] == 0


def test_quick_reports_are_shown_beside_the_counts_not_added(api_as, wenling_officer, villages):
    household(W1, members=3)
    client = api_as(wenling_officer)
    r = client.post("/api/evacuation/quick-reports", {"region": WENLING_TOWN, "moved": 120, "sheltered": 80,
                                                      "as_of": "2026-09-08T10:00:00+08:00"})
    assert r.status_code == 201, r.content
    client.post("/api/evacuation/quick-reports", {"region": WENLING_TOWN, "moved": 150, "sheltered": 90,
                                                  "returned": 10, "as_of": "2026-09-08T14:00:00+08:00"})
    body = client.get("/api/evacuation/figures", {"region": WENLING}).json()
    assert body["planned"] == 3 and body["moved"] == 0  # the households' counts alone
    assert body["reported"]["moved"] == 150 and body["reported"]["sheltered"] == 90  # the latest report only
    assert body["reported"]["townships"] == 1
    r = client.post("/api/evacuation/quick-reports", {"region": W1, "moved": 1})
    assert r.status_code == 422  # a village code is not a township's
    with pytest.raises(DomainError):
        quick_report_create(by=None, region=WENLING_TOWN, moved=5, sheltered=9)


@pytest.mark.parametrize("body", [
    {}, {"region": "331081001001", "head": "张", "members": 0}, {"region": "abc", "head": "张", "members": 2},
    {"region": "331081001001", "head": "", "members": 2},
    {"region": "331081001001", "head": "张", "members": 2, "shelter_id": 10**30},
    {"region": "331081001001", "head": "张", "members": 2, "elderly": 3},
    {"region": "331081001", "head": "张", "members": 2}, {"region": "331081001999", "head": "张", "members": 2},
    {"region": "331081001001", "head": "张" * 51, "members": 2},
])
def test_bad_households_get_bilingual_field_errors_never_a_500(api_as, wenling_officer, villages, body):
    r = api_as(wenling_officer).post("/api/evacuation/households", body)
    assert 400 <= r.status_code < 500, r.content
    error = r.json()["error"]
    assert " / " in error["message"] and error["fields"], error
    assert all(" / " in v for v in error["fields"].values()), error


def test_bad_actions_and_figures_queries_never_a_500(api_as, wenling_officer, villages):
    client = api_as(wenling_officer)
    h = household(W1)
    for path, body in [(f"/api/evacuation/households/{h.pk}/actions/shelter", {}),
                       (f"/api/evacuation/households/{h.pk}/actions/shelter", {"shelter_id": "x"}),
                       (f"/api/evacuation/households/{h.pk}/actions/shelter", {"shelter_id": 999999}),
                       (f"/api/evacuation/households/{h.pk}/actions/move", {"expected_state": "flying"}),
                       ("/api/evacuation/households/99999999999999999999/actions/move", {}),
                       ("/api/shelters", {"name": "x", "region": W1, "capacity": -1}),
                       ("/api/shelters", {"name": "x", "region": "3310", "capacity": 5})]:
        r = client.post(path, body)
        assert 400 <= r.status_code < 500, (path, body, r.content)
    for region in ("abc", "9" * 15, "'; drop"):
        assert 400 <= client.get("/api/evacuation/figures", {"region": region}).status_code < 500


def test_a_household_names_its_danger_zones_risk_point_only_in_the_jurisdiction(api_as, wenling_officer, villages):
    from yingji.floods.services import risk_point_create

    home = risk_point_create(by=None, kind_id="geo_hazard", name="后山滑坡点", region_id=W1)
    away = risk_point_create(by=None, kind_id="geo_hazard", name="临海滑坡点", region_id="331082001")
    client = api_as(wenling_officer)
    r = client.post("/api/evacuation/households", {"region": W1, "head": "张", "members": 2, "risk_point": home.pk})
    assert r.status_code == 201 and r.json()["risk_point"] == home.pk
    r = client.post("/api/evacuation/households", {"region": W1, "head": "李", "members": 2, "risk_point": away.pk})
    assert r.status_code == 400 and r.json()["error"]["fields"]["risk_point"]
