"""Roster shifts: who is on duty now (boundaries, leader and backup), overlaps refused
with a clear reason, only the region's officers edit it; the API's answers and errors."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.errors import DomainError, Forbidden
from yingji.core.models import AuditRecord, RosterShift
from yingji.core.scope import Scope
from yingji.core.selectors import on_duty
from yingji.duty.selectors_desk import desk_now, roster_table
from yingji.duty.services import roster

from ..conftest import LINHAI, TAIZHOU, WENLING
from ..factories import PersonFactory
from .conftest import DAY, at

pytestmark = pytest.mark.django_db


def put(by, person, start, end, role="officer", region=WENLING, **kw):
    return roster.shift_create(by=by.user, region_code=region, person_id=person.pk, role=role,
                               starts_at=start, ends_at=end, **kw)


def test_the_desk_now_names_officer_leader_and_backup_from_start_to_just_before_the_end(desk):
    o = desk["officer"]
    put(o, o, at(DAY, 8, 30), at(DAY + dt.timedelta(days=1), 8, 30))
    put(o, desk["leader"], at(DAY, 8, 30), at(DAY + dt.timedelta(days=1), 8, 30), role="leader")
    put(o, desk["backup"], at(DAY, 8, 30), at(DAY + dt.timedelta(days=1), 8, 30), role="backup")
    put(o, desk["night"], at(DAY + dt.timedelta(days=1), 8, 30), at(DAY + dt.timedelta(days=2), 8, 30))
    now = desk_now(region_code=WENLING, at=at(DAY, 8, 30))
    assert (now.officers, now.leaders, now.backups, now.rostered) == ([o], [desk["leader"]], [desk["backup"]], True)
    assert desk_now(region_code=WENLING, at=at(DAY, 8, 29)).officers == []
    assert desk_now(region_code=WENLING, at=at(DAY + dt.timedelta(days=1), 8, 29)).officers == [o]
    later = desk_now(region_code=WENLING, at=at(DAY + dt.timedelta(days=1), 8, 30))
    assert (later.officers, later.leaders) == ([desk["night"]], [])


def test_one_person_cannot_hold_overlapping_shifts_in_any_region(desk, taizhou_officer):
    o = desk["officer"]
    put(o, desk["night"], at(DAY, 8, 30), at(DAY, 20))
    with pytest.raises(DomainError) as refused:
        put(o, desk["night"], at(DAY, 19), at(DAY, 23), role="backup")
    assert refused.value.code == "overlap" and "夜班丙" in refused.value.zh and "overlap" in refused.value.en
    assert "starts_at" in refused.value.fields
    put(o, desk["night"], at(DAY, 20), at(DAY, 23))  # touching is not overlapping
    assert RosterShift.objects.filter(person=desk["night"]).count() == 2


def test_only_officers_covering_the_region_edit_its_roster(desk, linhai_officer, wenling_viewer, taizhou_officer):
    with pytest.raises(Forbidden):
        put(linhai_officer, desk["officer"], at(DAY, 8), at(DAY, 20))
    with pytest.raises(Forbidden):
        put(wenling_viewer, desk["officer"], at(DAY, 8), at(DAY, 20))
    shift = put(taizhou_officer, desk["officer"], at(DAY, 8), at(DAY, 20))  # the city covers Wenling
    with pytest.raises(Forbidden):
        roster.shift_update(by=linhai_officer.user, shift=shift, note="x")
    with pytest.raises(DomainError) as outside:  # a Linhai person on Wenling's desk
        put(taizhou_officer, PersonFactory(region_id=LINHAI), at(DAY, 8), at(DAY, 20))
    assert "person" in outside.value.fields


def test_edit_and_remove_are_audited(desk):
    o = desk["officer"]
    shift = put(o, o, at(DAY, 8), at(DAY, 20))
    roster.shift_update(by=o.user, shift=shift, ends_at=at(DAY, 21), note="延后")
    pk = shift.pk
    roster.shift_remove(by=o.user, shift=shift)
    actions = list(AuditRecord.objects.filter(object_type="core.rostershift", object_id=str(pk))
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["create", "update", "delete"]
    assert not RosterShift.objects.filter(pk=pk).exists()


def test_reinforce_today_adds_marked_shifts_until_the_next_shift_change(desk):
    o = desk["officer"]
    now = at(DAY, 15)
    shifts = roster.reinforce(by=o.user, region_code=WENLING, person_ids=[desk["leader"].pk, desk["backup"].pk],
                              now=now)
    assert [(s.starts_at, s.ends_at, s.reinforced) for s in shifts] == [(now, at(DAY + dt.timedelta(days=1), 8, 30),
                                                                          True)] * 2
    assert on_duty(region_code=WENLING, at=at(DAY, 16)) == sorted([desk["leader"], desk["backup"]], key=lambda p: p.pk)


def test_the_roster_table_puts_each_shift_in_its_day_and_role(desk):
    o = desk["officer"]
    put(o, o, at(DAY, 8, 30), at(DAY + dt.timedelta(days=1), 8, 30))
    put(o, desk["leader"], at(DAY + dt.timedelta(days=2), 8, 30), at(DAY + dt.timedelta(days=3), 8, 30),
        role="leader")
    table = roster_table(scope=Scope.for_user(o.user), region=WENLING, first=DAY,
                         last=DAY + dt.timedelta(days=6))
    assert len(table) == 7
    assert [s.person for s in table[0].cells["officer"]] == [o]
    assert [s.person for s in table[2].cells["leader"]] == [desk["leader"]]
    assert sum(len(c) for d in table for c in d.cells.values()) == 2


# API -----------------------------------------------------------------------------------

def test_api_today_defaults_to_the_callers_region_and_shows_phones(api_as, desk):
    o = desk["officer"]
    now = timezone.now()
    put(o, o, now - dt.timedelta(hours=1), now + dt.timedelta(hours=1))
    put(o, desk["leader"], now - dt.timedelta(hours=1), now + dt.timedelta(hours=1), role="leader")
    body = api_as(o).get("/api/duty/today").json()
    assert body["region"] == WENLING and body["rostered"] is True
    assert [(p["name"], p["mobile"]) for p in body["officers"]] == [(o.name, o.mobile)]
    assert [p["id"] for p in body["leaders"]] == [desk["leader"].pk] and body["backups"] == []
    city = api_as(o).get("/api/duty/today", {"region": TAIZHOU})
    assert city.status_code == 404  # a county sees its own desk; the page shows the desks above


def test_api_posts_one_shift_or_a_list_all_or_none(api_as, desk):
    o = desk["officer"]
    one = {"region": WENLING, "person": o.pk, "role": "officer", "starts_at": "2026-07-06T08:30:00",
           "ends_at": "2026-07-07T08:30:00"}
    r = api_as(o).post("/api/duty/rosters", one)
    assert r.status_code == 201, r.content
    assert dt.datetime.fromisoformat(r.json()["items"][0]["starts_at"]) == at(DAY, 8, 30)  # Beijing time
    two = [{**one, "person": desk["leader"].pk, "role": "leader"},
           {**one, "person": o.pk, "role": "backup"}]  # overlaps o's shift: the whole list is refused
    r = api_as(o).post("/api/duty/rosters", two)
    assert r.status_code == 400 and "items.1.starts_at" in r.json()["error"]["fields"]
    assert RosterShift.objects.count() == 1
    listed = api_as(o).get("/api/duty/rosters", {"region": WENLING, "from": "2026-07-06", "to": "2026-07-06"}).json()
    assert [i["person"]["id"] for i in listed["items"]] == [o.pk]
    assert api_as(o).get("/api/duty/rosters", {"from": "2026-07-08", "to": "2026-07-09"}).json()["items"] == []


@pytest.mark.parametrize("body", [
    {}, {"region": WENLING}, {"region": WENLING, "person": "x"}, [],
    {"region": WENLING, "person": 1, "starts_at": "tomorrow", "ends_at": "2026-07-06T08:00:00"},
    {"region": WENLING, "person": 10**30, "starts_at": "2026-07-06T08:00:00", "ends_at": "2026-07-06T09:00:00"},
    {"region": "9" * 15, "person": 1, "starts_at": "2026-07-06T08:00:00", "ends_at": "2026-07-06T09:00:00"},
    {"region": WENLING, "person": 1, "role": "boss", "starts_at": "2026-07-06T08:00:00",
     "ends_at": "2026-07-06T09:00:00"},
    "not json",
])
def test_api_refuses_bad_shifts_with_a_reason_never_a_500(api_as, desk, body):
    r = api_as(desk["officer"]).post("/api/duty/rosters", body)
    assert 400 <= r.status_code < 500, r.content
    assert r.json()["error"]["message"]
    assert RosterShift.objects.count() == 0


def test_api_shift_that_ends_before_it_starts_names_the_field(api_as, desk):
    o = desk["officer"]
    r = api_as(o).post("/api/duty/rosters", {"region": WENLING, "person": o.pk, "starts_at": "2026-07-06T09:00:00",
                                             "ends_at": "2026-07-06T08:00:00"})
    assert r.status_code == 400 and "ends_at" in r.json()["error"]["fields"]


@pytest.mark.parametrize("query", [{"from": "x"}, {"from": "2026-07-09", "to": "2026-07-01"}, {"role": "boss"},
                                   {"region": "9" * 40}])
def test_api_bad_roster_filters_are_refused(api_as, desk, query):
    r = api_as(desk["officer"]).get("/api/duty/rosters", query)
    assert 400 <= r.status_code < 500, r.content
