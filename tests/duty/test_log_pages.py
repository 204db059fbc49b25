"""The duty desk's pages: the desk now with its quick add, the roster (add, remove,
reinforce, export), the import with its report, the log list with filters, one entry
(close, correct) and a handover (accept, sign-off), as an officer would click them."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from yingji.core import tabular
from yingji.core.models import RosterShift
from yingji.duty.models import Handover, LogEntry
from yingji.duty.services import log, roster

from ..conftest import LINHAI, WENLING

pytestmark = pytest.mark.django_db


def browser(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_the_desk_shows_who_is_on_duty_here_and_above_and_takes_a_quick_entry(desk, taizhou_officer):
    o, now = desk["officer"], timezone.now()
    roster.shift_create(by=o.user, region_code=WENLING, person_id=desk["leader"].pk, role="leader",
                        starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1))
    roster.shift_create(by=taizhou_officer.user, region_code="3310", person_id=taizhou_officer.pk,
                        starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1))
    page = browser(o).get("/duty/")
    html = page.content.decode()
    assert page.status_code == 200 and desk["leader"].mobile in html and taizhou_officer.mobile in html
    r = browser(o).post("/duty/", {"action": "entry", "entry-summary": "大溪镇报告内涝", "entry-source": "phone",
                                   "entry-caller": "大溪镇"})
    assert r.status_code == 302
    assert LogEntry.objects.get().summary == "大溪镇报告内涝"
    assert "大溪镇报告内涝" in browser(o).get("/duty/").content.decode()
    bad = browser(o).post("/duty/", {"action": "entry", "entry-summary": "", "entry-source": "pigeon"})
    assert bad.status_code == 200 and LogEntry.objects.count() == 1


def test_the_roster_page_adds_removes_reinforces_and_exports(desk):
    o = desk["officer"]
    c = browser(o)
    day = timezone.localdate()
    r = c.post(f"/duty/roster/?region={WENLING}", {"action": "add", "shift-person": desk["night"].pk,
                                                    "shift-role": "officer", "shift-day": day.isoformat(),
                                                    "shift-start": "08:30", "shift-end": "08:30"})
    assert r.status_code == 302, r.content.decode()[:2000]
    shift = RosterShift.objects.get()
    assert shift.ends_at - shift.starts_at == dt.timedelta(days=1)
    overlap = c.post(f"/duty/roster/?region={WENLING}", {"action": "add", "shift-person": desk["night"].pk,
                                                          "shift-role": "backup", "shift-day": day.isoformat(),
                                                          "shift-start": "12:00", "shift-end": "13:00"})
    assert overlap.status_code == 200 and "重叠" in overlap.content.decode()
    page = c.get(f"/duty/roster/?region={WENLING}&view=month&date={day.isoformat()}")
    assert page.status_code == 200 and desk["night"].name in page.content.decode()
    export = c.get(f"/duty/roster/?region={WENLING}&view=month&date={day.isoformat()}&format=xlsx")
    assert export.status_code == 200
    rows = tabular.read_table(export.content, "x.xlsx").rows
    assert rows[0][1][:5] == ("日期", "开始", "结束", "岗位", "姓名") and rows[1][1][4] == desk["night"].name
    c.post(f"/duty/roster/?region={WENLING}", {"action": "reinforce", "reinforce-people": [desk["leader"].pk]})
    assert RosterShift.objects.filter(reinforced=True, person=desk["leader"]).count() == 1
    c.post(f"/duty/roster/?region={WENLING}", {"action": "remove", "shift": shift.pk})
    assert not RosterShift.objects.filter(pk=shift.pk).exists()


def test_the_import_page_reports_rows(desk):
    content = tabular.csv_bytes([["日期", "岗位", "姓名", "手机"], ["2026-07-06", "值班员", desk["night"].name, ""],
                                 ["2026-07-06", "值班员", "查无此人", ""]])
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = browser(desk["officer"]).post("/duty/roster/import/", {"file": SimpleUploadedFile("r.csv", content)})
    html = r.content.decode()
    assert r.status_code == 200 and "查无此人" in html and RosterShift.objects.count() == 1


def test_log_pages_close_correct_and_the_handover_is_accepted_and_signed(desk):
    o, backup, leader = desk["officer"], desk["backup"], desk["leader"]
    e = log.entry_create(by=o.user, region_code=WENLING, summary="山体裂缝")
    done = log.entry_create(by=o.user, region_code=WENLING, summary="会商通知", source="superior")
    browser(o).post(f"/duty/log/{done.pk}/", {"action": "close", "close-note": "已传达"})
    assert LogEntry.objects.get(pk=done.pk).state == "closed"
    assert "山体裂缝" in browser(o).get("/duty/log/?state=open").content.decode()
    assert "会商通知" not in browser(o).get("/duty/log/?state=open").content.decode()
    assert "会商通知" in browser(o).get("/duty/log/?source=superior&from=2000-01-01&to=bad").content.decode()
    r = browser(o).post(f"/duty/log/{e.pk}/", {"action": "correct", "correct-summary": "山体裂缝扩大",
                                               "correct-source": "phone", "correct-note": "补充"})
    assert r.status_code == 302 and LogEntry.objects.filter(superseded=False, summary="山体裂缝扩大").exists()
    r = browser(o).post(f"/duty/handovers/new/?region={WENLING}", {"handover-notes": "注意裂缝"})
    handover = Handover.objects.get()
    assert r.status_code == 302 and handover.carried.filter(summary="山体裂缝扩大").exists()
    page = browser(backup).get(f"/duty/handovers/{handover.pk}/")
    assert page.status_code == 200 and "山体裂缝扩大" in page.content.decode()
    browser(backup).post(f"/duty/handovers/{handover.pk}/", {"action": "accept"})
    browser(leader).post(f"/duty/handovers/{handover.pk}/", {"action": "sign", "note": "同意"})
    handover.refresh_from_db()
    assert (handover.state, handover.incoming, handover.signed_off_by) == ("accepted", backup, leader)


def test_pages_of_another_county_are_not_found(desk, linhai_officer):
    e = log.entry_create(by=linhai_officer.user, region_code=LINHAI, summary="临海")
    c = browser(desk["officer"])
    assert c.get(f"/duty/log/{e.pk}/").status_code == 404
    assert c.get(f"/duty/?region={LINHAI}").status_code == 404
    assert c.get(f"/duty/roster/?region={LINHAI}").status_code == 404
    assert "临海" not in c.get("/duty/log/").content.decode()


def test_an_enterprise_sees_whom_to_call_at_the_county_but_not_the_log(desk, enterprise_user):
    o, now = desk["officer"], timezone.now()
    roster.shift_create(by=o.user, region_code=WENLING, person_id=o.pk, starts_at=now - dt.timedelta(hours=1),
                        ends_at=now + dt.timedelta(hours=1))
    log.entry_create(by=o.user, region_code=WENLING, summary="内部事项")
    page = browser(enterprise_user).get("/duty/")
    html = page.content.decode()
    assert page.status_code == 200 and o.mobile in html and "内部事项" not in html
    assert browser(enterprise_user).get("/duty/log/").status_code == 403
