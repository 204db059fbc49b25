"""The duty log: entries open and closed, corrections as versions (nothing deleted),
the handover carrying the open entries, the incoming officer's acceptance and the
leader's sign-off; the API's errors are 4xx with a reason."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.errors import DomainError, Forbidden
from yingji.core.models import AuditRecord
from yingji.duty.models import Handover, LogEntry
from yingji.duty.services import log, roster

from ..conftest import WENLING
from .conftest import DAY, at

pytestmark = pytest.mark.django_db


def entry(by, summary, when, **kw):
    return log.entry_create(by=by.user, region_code=WENLING, summary=summary, occurred_at=when, now=when, **kw)


def test_a_correction_is_a_new_version_and_the_old_one_stays(desk):
    o = desk["officer"]
    first = entry(o, "泽国镇来电：河道水位上涨", at(DAY, 9))
    second = log.entry_correct(by=o.user, entry=first, note="镇名记错", summary="大溪镇来电：河道水位上涨",
                               now=at(DAY, 9, 30))
    first.refresh_from_db()
    assert (first.superseded, first.summary) == (True, "泽国镇来电：河道水位上涨")
    assert (second.version, second.replaces_id, second.superseded, second.state) == (2, first.pk, False, "open")
    assert second.occurred_at == at(DAY, 9) and second.correction_note == "镇名记错"
    with pytest.raises(DomainError):  # only the latest version is corrected or closed
        log.entry_correct(by=o.user, entry=first, note="again", summary="x", now=at(DAY, 10))
    with pytest.raises(DomainError):
        log.entry_close(by=o.user, entry=first, now=at(DAY, 10))
    assert LogEntry.objects.count() == 2
    assert set(AuditRecord.objects.filter(object_type="duty.logentry").values_list("action", flat=True)) == {
        "create", "supersede", "correct"}


def test_handover_carries_the_open_entries_which_stay_open(desk):
    o, night = desk["officer"], desk["backup"]
    done = entry(o, "市局通知：明日会商", at(DAY, 9), closed=True)
    open_one = entry(o, "群众反映：山体裂缝", at(DAY, 10))
    open_two = entry(o, "企业报告：停电", at(DAY, 11))
    log.entry_close(by=o.user, entry=open_two, note="已恢复供电", now=at(DAY, 12))
    open_three = entry(o, "县气象台：暴雨预警", at(DAY, 13))
    handover = log.handover_create(by=o.user, region_code=WENLING, notes="关注山体裂缝",
                                   now=at(DAY + dt.timedelta(1), 8, 30))
    assert set(handover.carried.all()) == {open_one, open_three}
    assert handover.entries == 4 and handover.period_start == at(DAY, 8, 30)
    assert LogEntry.objects.get(pk=open_one.pk).state == "open" and done.state == "closed"
    with pytest.raises(DomainError):  # one handover pending at a time
        log.handover_create(by=night.user, region_code=WENLING, now=at(DAY + dt.timedelta(1), 8, 40))
    with pytest.raises(DomainError):
        log.handover_accept(by=o.user, handover=handover)  # not one's own
    log.handover_accept(by=night.user, handover=handover, now=at(DAY + dt.timedelta(1), 8, 35))
    handover.refresh_from_db()
    assert (handover.state, handover.incoming, handover.accepted_at) == ("accepted", night,
                                                                         at(DAY + dt.timedelta(1), 8, 35))
    # The next shift's handover starts where this one ended and carries what is still open.
    log.entry_close(by=night.user, entry=open_one, note="已排险", now=at(DAY + dt.timedelta(1), 10))
    nxt = log.handover_create(by=night.user, region_code=WENLING, now=at(DAY + dt.timedelta(2), 8, 30))
    assert nxt.period_start == at(DAY + dt.timedelta(1), 8, 30) and list(nxt.carried.all()) == [open_three]


def test_a_corrected_carried_entry_stays_carried_in_its_new_version(desk):
    o = desk["officer"]
    e = entry(o, "来电", at(DAY, 10))
    handover = log.handover_create(by=o.user, region_code=WENLING, now=at(DAY, 20))
    new = log.entry_correct(by=o.user, entry=e, note="补充", actions="已通知镇里", now=at(DAY, 21))
    assert set(handover.carried.all()) == {e, new}


def test_only_the_shifts_leader_signs_off_its_log_once(desk):
    o, leader, backup = desk["officer"], desk["leader"], desk["backup"]
    roster.shift_create(by=o.user, region_code=WENLING, person_id=leader.pk, role="leader",
                        starts_at=at(DAY, 8, 30), ends_at=at(DAY + dt.timedelta(1), 8, 30))
    entry(o, "来电", at(DAY, 10))
    handover = log.handover_create(by=o.user, region_code=WENLING, now=at(DAY + dt.timedelta(1), 8, 30))
    with pytest.raises(Forbidden):
        log.handover_sign_off(by=backup.user, handover=handover)
    log.handover_sign_off(by=leader.user, handover=handover, note="已阅", now=at(DAY + dt.timedelta(1), 9))
    handover.refresh_from_db()
    assert (handover.signed_off_by, handover.signed_off_at, handover.sign_off_note) == (
        leader, at(DAY + dt.timedelta(1), 9), "已阅")
    with pytest.raises(DomainError):
        log.handover_sign_off(by=leader.user, handover=handover)
    assert AuditRecord.objects.filter(object_type="duty.handover", action="sign_off").count() == 1


def test_other_counties_cannot_write_wenlings_log(desk, linhai_officer, wenling_viewer):
    with pytest.raises(Forbidden):
        log.entry_create(by=linhai_officer.user, region_code=WENLING, summary="x")
    with pytest.raises(Forbidden):
        log.entry_create(by=wenling_viewer.user, region_code=WENLING, summary="x")


# API ----------------------------------------------------------------------------------

def test_api_log_round_trip_with_close_correct_handover_accept_and_sign_off(api_as, desk):
    o, leader, backup = desk["officer"], desk["leader"], desk["backup"]
    now = timezone.now()
    roster.shift_create(by=o.user, region_code=WENLING, person_id=leader.pk, role="leader",
                        starts_at=now - dt.timedelta(hours=2), ends_at=now + dt.timedelta(hours=2))
    r = api_as(o).post("/api/duty/log", {"source": "phone", "caller": "泽国镇", "summary": "内涝报告"})
    assert r.status_code == 201, r.content
    first = r.json()
    assert (first["region"], first["state"], first["recorded_by"]) == (WENLING, "open", o.name)
    second = api_as(o).post("/api/duty/log", {"source": "fax", "summary": "上级通知"}).json()
    closed = api_as(o).post(f"/api/duty/log/{second['id']}/close", {"note": "已转发"}).json()
    assert closed["state"] == "closed" and closed["closing_note"] == "已转发"
    corrected = api_as(o).post(f"/api/duty/log/{first['id']}/correct", {"note": "补充", "actions": "已派人"})
    assert corrected.status_code == 201 and corrected.json()["version"] == 2
    listed = api_as(o).get("/api/duty/log", {"state": "open"}).json()["items"]
    assert [i["id"] for i in listed] == [corrected.json()["id"]]
    assert len(api_as(o).get("/api/duty/log", {"history": "true"}).json()["items"]) == 3
    handover = api_as(o).post("/api/duty/handovers", {"notes": "注意内涝", "incoming": backup.pk})
    assert handover.status_code == 201, handover.content
    h = handover.json()
    assert h["carried"] == [corrected.json()["id"]] and h["state"] == "handed"
    assert api_as(leader).post(f"/api/duty/handovers/{h['id']}/accept").status_code == 403  # not the named one
    assert api_as(backup).post(f"/api/duty/handovers/{h['id']}/accept").json()["state"] == "accepted"
    assert api_as(backup).post(f"/api/duty/handovers/{h['id']}/sign-off", {}).status_code == 403
    signed = api_as(leader).post(f"/api/duty/handovers/{h['id']}/sign-off", {"note": "同意"}).json()
    assert signed["signed_off_by"]["id"] == leader.pk and signed["signed_off_at"]
    assert Handover.objects.get().signed_off_by == leader


@pytest.mark.parametrize("body", [{}, {"summary": ""}, {"summary": "x", "source": "pigeon"},
                                  {"summary": "x", "occurred_at": "2999-01-01T00:00:00"},
                                  {"summary": "x", "occurred_at": "yesterday"}, {"summary": "x" * 501},
                                  {"summary": "x", "region": "331082"}, {"summary": "x", "region": "99"},
                                  {"summary": "a\x00b"}])
def test_api_refuses_bad_entries_with_a_reason(api_as, desk, body):
    r = api_as(desk["officer"]).post("/api/duty/log", body)
    assert 400 <= r.status_code < 500, r.content
    assert r.json()["error"]["message"] and LogEntry.objects.count() == 0


def test_api_refuses_bad_log_actions(api_as, desk):
    o = desk["officer"]
    e = api_as(o).post("/api/duty/log", {"summary": "x"}).json()
    assert api_as(o).post(f"/api/duty/log/{e['id']}/correct", {"summary": "y"}).status_code == 422  # no note
    assert api_as(o).post(f"/api/duty/log/{e['id']}/close", {"note": "ok"}).status_code == 200
    assert api_as(o).post(f"/api/duty/log/{e['id']}/close", {}).status_code == 400  # already closed
    assert api_as(o).post("/api/duty/log/999999999/close", {}).status_code == 404
    assert api_as(o).post(f"/api/duty/log/{10**30}/close", {}).status_code in (404, 422)
    assert api_as(o).post("/api/duty/handovers", {"incoming": 10**12}).status_code == 400
    assert api_as(o).get("/api/duty/log", {"state": "sleeping"}).status_code == 422
