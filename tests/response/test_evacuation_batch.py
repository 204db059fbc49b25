"""A phone's batch of household steps (`POST /api/evacuation/households/actions`): one
result per item in order, each applied or refused on its own by the rules of the
one-step actions, the counters equal to a count from scratch after random batches,
re-sending a batch changes nothing, the 500-item bound, and no 500 on junk."""

import random

import pytest

from yingji.core.scope import SYSTEM
from yingji.response import selectors_evacuation as selectors
from yingji.response.models import Household, HouseholdTransition
from yingji.response.services.evacuation import household_act, seal_steps
from yingji.response.services.shelters import shelter_set_state

from ..conftest import WENLING, WENLING_TOWN
from .evacuation_fixtures import L1, W1, W2, W3, household, shelter, villages  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/api/evacuation/households/actions"


def counts(region=""):
    found = selectors.figures(scope=SYSTEM, region=region)
    return {k: found[k] for k in selectors.FIELDS}


def post(client, items):
    r = client.post(URL, {"items": items})
    assert r.status_code == 200, r.content
    return r.json()["results"]


def test_results_come_per_item_in_order_and_refusals_keep_the_others(api_as, wenling_officer, villages):
    small = shelter(W1, capacity=5, name="小学")
    closed = shelter(W1, capacity=50, name="礼堂")
    shelter_set_state(by=None, shelter=closed, state="closed")
    a, b, c, d = (household(W1, members=3) for _ in range(4))
    foreign = household(L1, members=2)
    household_act(by=None, household=d, action="move")
    items = [
        {"id": a.pk, "action": "move", "client_id": "p-1"},
        {"id": b.pk, "action": "shelter", "shelter_id": small.pk},
        {"id": c.pk, "action": "shelter", "shelter_id": small.pk},      # 2 places left, 3 persons: full
        {"id": c.pk, "action": "shelter", "shelter_id": closed.pk},     # closed
        {"id": d.pk, "action": "move"},                                 # already moved: wrong state
        {"id": foreign.pk, "action": "move"},                           # another county's: not found
        {"id": 987654321, "action": "move"},                            # no such household
        {"id": a.pk, "action": "return", "note": "到家"},               # follows its own first step
        {"id": c.pk, "action": "return", "expected_state": "moved"},    # the phone's view was old
    ]
    results = post(api_as(wenling_officer), items)
    assert [r["id"] for r in results] == [i["id"] for i in items]
    assert [r["ok"] for r in results] == [True, True, False, False, False, False, False, True, False]
    assert results[0] == {"id": a.pk, "ok": True, "state": "moved", "client_id": "p-1"}
    assert results[1]["state"] == "sheltered" and results[7]["state"] == "returned"
    assert [r.get("code") for r in results[2:7]] == ["shelter_full", "shelter_closed", "conflict", "not_found",
                                                     "not_found"]
    assert results[2]["field"] == "shelter_id" and "已满" in results[2]["message"] and "full" in results[2]["message"]
    assert results[4]["field"] == "action" and " / " in results[4]["message"]
    assert results[8]["code"] == "conflict"
    states = {h.pk: h.state for h in Household.objects.all()}
    assert (states[a.pk], states[b.pk], states[c.pk], states[d.pk], states[foreign.pk]) == (
        "returned", "sheltered", "to_move", "moved", "to_move")
    assert Household.objects.get(pk=b.pk).sheltered_in_id == small.pk
    assert selectors.shelter_get(scope=SYSTEM, id=small.pk).occupancy == 3
    history = list(HouseholdTransition.objects.filter(household=a).order_by("id")
                   .values_list("from_state", "to_state", "note", "by_name"))
    assert history == [("to_move", "moved", "", "t-wenling"), ("moved", "returned", "到家", "t-wenling")]
    assert HouseholdTransition.objects.count() == 1 + 3  # d's one step before, then a twice and b
    assert counts(W1) == {"planned": 12, "moved": 9, "sheltered": 3, "returned": 3, "planned_households": 4,
                          "moved_households": 3, "sheltered_households": 1, "returned_households": 1}


def test_a_shelters_places_are_counted_down_and_up_within_a_batch(villages):
    from yingji.response.services.evacuation_batch import households_act

    place = shelter(W1, capacity=6)
    a, b, c = household(W1, members=4), household(W1, members=2), household(W1, members=3)
    results = households_act(by=None, items=[
        {"id": a.pk, "action": "shelter", "shelter_id": place.pk},
        {"id": b.pk, "action": "shelter", "shelter_id": place.pk},   # 6 of 6
        {"id": c.pk, "action": "shelter", "shelter_id": place.pk},   # full
        {"id": a.pk, "action": "return"},                            # 4 places free again
        {"id": c.pk, "action": "shelter", "shelter_id": place.pk},   # fits now
        {"id": b.pk, "action": "shelter", "shelter_id": place.pk},   # already there
    ])
    assert [r["ok"] for r in results] == [True, True, False, True, True, False]
    assert results[2]["code"] == "shelter_full" and results[5]["code"] == "conflict"
    assert selectors.shelter_get(scope=SYSTEM, id=place.pk).occupancy == 5


def test_counters_equal_a_count_from_scratch_after_random_batches(api_as, wenling_officer, villages):
    rng = random.Random(20261207)
    places = [shelter(code, capacity=40) for code in (W1, W2, W3)]
    homes = [household(rng.choice([W1, W2, W3]), members=rng.randint(1, 7)) for _ in range(60)]
    client = api_as(wenling_officer)
    accepted = 0
    for _ in range(12):
        items = []
        for _ in range(rng.randint(1, 40)):
            item = {"id": rng.choice(homes).pk, "action": rng.choice(["move", "shelter", "return"]),
                    "shelter_id": rng.choice(places).pk}
            if rng.random() < 0.3:
                item["expected_state"] = rng.choice(["to_move", "moved", "sheltered", "returned"])
            items.append(item)
        results = post(client, items)
        assert len(results) == len(items)
        assert {r.get("code") for r in results if not r["ok"]} <= {"conflict", "shelter_full"}
        accepted += sum(r["ok"] for r in results)
    assert accepted == HouseholdTransition.objects.count() > 0
    for region in ("", "33", "3310", WENLING, WENLING_TOWN, "331081002", W1, W2, W3):
        assert counts(region) == selectors.figures_from_scratch(region), region
    for place in places:
        occupancy = selectors.shelter_get(scope=SYSTEM, id=place.pk).occupancy
        assert occupancy == sum(h.members for h in Household.objects.filter(sheltered_in=place, state="sheltered"))
        assert occupancy <= place.capacity
    # every step of a batch is sealed into the audit chain like a one-step action's
    assert seal_steps() == accepted and not HouseholdTransition.objects.filter(sealed=False).exists()


def test_resending_a_batch_refuses_every_item_and_changes_nothing(api_as, wenling_officer, villages):
    place = shelter(W2, capacity=50)
    homes = [household(W2, members=2) for _ in range(5)]
    items = [{"id": h.pk, "action": "move", "expected_state": "to_move", "client_id": f"s{i}"}
             for i, h in enumerate(homes[:3])]
    items += [{"id": h.pk, "action": "shelter", "shelter_id": place.pk, "expected_state": "to_move"}
              for h in homes[3:]]
    client = api_as(wenling_officer)
    assert all(r["ok"] for r in post(client, items))
    before = (counts(), list(Household.objects.order_by("pk").values_list("state", "state_at", "sheltered_in_id")),
              HouseholdTransition.objects.count())
    again = post(client, items)
    assert [r["ok"] for r in again] == [False] * 5 and {r["code"] for r in again} == {"conflict"}
    assert [r.get("client_id") for r in again[:3]] == ["s0", "s1", "s2"]
    assert (counts(), list(Household.objects.order_by("pk").values_list("state", "state_at", "sheltered_in_id")),
            HouseholdTransition.objects.count()) == before


def test_more_than_500_items_are_refused_with_a_bilingual_reason(api_as, wenling_officer, villages):
    h = household(W1)
    r = api_as(wenling_officer).post(URL, {"items": [{"id": h.pk, "action": "move"}] * 501})
    assert r.status_code == 400, r.content
    error = r.json()["error"]
    assert "500" in error["message"] and " / " in error["message"] and error["fields"]["items"]
    assert Household.objects.get(pk=h.pk).state == "to_move"
    assert post(api_as(wenling_officer), [{"id": h.pk, "action": "move"}] * 500)[0]["ok"]


def test_a_viewer_cannot_post_a_batch(api_as, wenling_viewer, villages):
    h = household(W1)
    assert api_as(wenling_viewer).post(URL, {"items": [{"id": h.pk, "action": "move"}]}).status_code == 403
    assert Household.objects.get(pk=h.pk).state == "to_move"


@pytest.mark.parametrize("body", [{}, {"items": "x"}, {"items": None}, {"items": {"id": 1}}, [], "junk"])
def test_a_bad_body_is_a_bilingual_4xx(api_as, wenling_officer, villages, body):
    r = api_as(wenling_officer).post(URL, body)
    assert 400 <= r.status_code < 500, r.content
    assert " / " in r.json()["error"]["message"]


def test_junk_items_are_refused_one_by_one_never_a_500(api_as, wenling_officer, villages):
    h = household(W1)
    junk = [None, "x", 7, [], {}, {"id": "abc", "action": "move"}, {"id": h.pk, "action": "fly"},
            {"id": h.pk, "action": "shelter"}, {"id": h.pk, "action": "shelter", "shelter_id": "x"},
            {"id": h.pk, "action": "shelter", "shelter_id": 2**80}, {"id": h.pk, "action": "shelter",
                                                                     "shelter_id": 99999999},
            {"id": 2**80, "action": "move"}, {"id": -5, "action": "move"},
            {"id": h.pk, "action": "move", "expected_state": "flying"},
            {"id": h.pk, "action": "move", "note": "x" * 301},
            {"id": h.pk, "action": "move", "client_id": "c" * 65}, {"id": True, "action": "move", "x": 1}]
    results = post(api_as(wenling_officer), junk)
    assert len(results) == len(junk)
    refused = [r for r in results if not r["ok"]]
    assert all(" / " in r["message"] and r["code"] for r in refused), refused
    assert results[6]["field"] == "action" and results[7]["field"] == "shelter_id"
    assert not results[-1]["ok"] and results[-1]["id"] is None  # true is not a household id
    assert Household.objects.get(pk=h.pk).state in ("to_move", "moved")
    assert HouseholdTransition.objects.count() == sum(r["ok"] for r in results)
