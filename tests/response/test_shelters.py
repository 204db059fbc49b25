"""Shelters (避灾安置场所): occupancy from the households' records, and a full or closed
shelter handing its plan households to the nearest open shelter with room (the same
township first, then the county), audited with the list of what moved."""

import pytest

from yingji.core.models import AuditRecord
from yingji.response.models import Household, ShelterRedirect
from yingji.response.services.evacuation import household_act
from yingji.response.services.shelters import shelter_set_state

from .evacuation_fixtures import L1, W1, W2, W3, household, shelter, villages  # noqa: F401

pytestmark = pytest.mark.django_db


def test_occupancy_is_the_persons_sheltered_there_now(api_as, wenling_officer, villages):
    place = shelter(W1, capacity=20)
    a, b, c = household(W1, members=3), household(W1, members=4), household(W2, members=2)
    for h in (a, b, c):
        household_act(by=None, household=h, action="shelter", shelter_id=place.pk)
    household_act(by=None, household=b, action="return")
    items = api_as(wenling_officer).get("/api/shelters", {"region": W1}).json()["items"]
    assert [(s["id"], s["occupancy"], s["capacity"]) for s in items] == [(place.pk, 5, 20)]


def test_a_closed_shelter_redirects_its_plan_households_to_the_nearest_with_room(api_as, wenling_officer,
                                                                                  villages):
    closing = shelter(W1, capacity=50, name="将关闭", longitude=121.37, latitude=28.37)
    far_same_town = shelter(W2, capacity=10, name="同镇较远", longitude=121.47, latitude=28.37)
    near_same_town = shelter(W2, capacity=4, name="同镇最近", longitude=121.38, latitude=28.37)
    other_town = shelter(W3, capacity=50, name="城东", longitude=121.371, latitude=28.371)
    linhai = shelter(L1, capacity=100, name="临海")
    big, mid, small, late = (household(W1, members=n, shelter_id=closing.pk) for n in (6, 4, 5, 3))
    household_act(by=None, household=late, action="shelter", shelter_id=closing.pk)  # already inside: stays
    r = api_as(wenling_officer).post(f"/api/shelters/{closing.pk}/state", {"state": "closed"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["shelter"]["state"] == "closed"
    moves = {m["household"]: m["to"] for m in body["redirect"]["moves"]}
    # Biggest first, nearest first in the township, then the county: 6 → the far one of
    # the township (the near one holds 4); 5 → neither (4 and 4 left) → the other
    # township of the county; 4 → the near one. Linhai's is never considered.
    assert moves == {big.pk: far_same_town.pk, small.pk: other_town.pk, mid.pk: near_same_town.pk}
    assert linhai.pk not in moves.values() and body["redirect"]["unplaced"] == []
    assert Household.objects.get(pk=late.pk).shelter_id == closing.pk
    assert Household.objects.get(pk=big.pk).shelter_id == far_same_town.pk
    record = AuditRecord.objects.filter(action="shelter_redirect").get()
    assert len(record.after["moves"]) == 3 and ShelterRedirect.objects.get().reason == "closed"


def test_households_that_fit_nowhere_are_listed_as_unplaced(villages):
    closing = shelter(W1, capacity=50)
    shelter(W2, capacity=2)
    h = household(W1, members=5, shelter_id=closing.pk)
    _, redirect = shelter_set_state(by=None, shelter=closing, state="full")
    assert redirect.moves == [] and redirect.unplaced == [h.pk]
    assert Household.objects.get(pk=h.pk).shelter_id == closing.pk


def test_a_shelter_outside_the_jurisdiction_cannot_be_registered(api_as, wenling_officer, villages):
    r = api_as(wenling_officer).post("/api/shelters", {"name": "临海学校", "region": L1, "capacity": 100})
    assert r.status_code == 403
    r = api_as(wenling_officer).post("/api/shelters", {"name": "学校", "region": W1, "capacity": 100,
                                                         "kind": "school", "level": "village",
                                                         "supplies": ["棉被 200 床", "饮用水 50 箱"]})
    assert r.status_code == 201, r.content
    assert r.json()["supplies"] == "棉被 200 床\n饮用水 50 箱" and r.json()["occupancy"] == 0
