"""Notices sent down (提示单) from Taizhou to its counties: each county's duty desk is
told once, each county's feedback is tracked until all have answered, an unanswered
county is reminded once when the reply-by passes and listed as late, and a county
answers from a phone through its signed link."""

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from yingji.core.scheduler import autodiscover, registry
from yingji.duty import services
from yingji.duty.models import Notice, NoticeTarget
from yingji.messaging import services as messaging
from yingji.messaging.models import Message

from ..conftest import LINHAI, TAIZHOU, WENLING
from .notices_fixtures import desks, fast_passwords, gateway  # noqa: F401

pytestmark = pytest.mark.django_db


def send(by, *, reply_in_hours=None, targets=(WENLING, LINHAI), now=None):
    now = now or timezone.now()
    reply_by = now + dt.timedelta(hours=reply_in_hours) if reply_in_hours else None
    return services.notice_create(by=by, region=TAIZHOU, title="防御台风工作提示", body="请做好防御准备。",
                                  kind="work_tip", urgency="urgent", reply_by=reply_by, targets=list(targets),
                                  now=now)


def received(gateway) -> Counter:
    return Counter(r.body["to"] for r in gateway.received if r.body)


def test_each_target_desk_is_told_once_and_a_retry_adds_nothing(desks, taizhou_officer, gateway):
    notice = send(taizhou_officer.user)
    messaging.deliver_due()
    # Wenling: its standing officer and its leader on the roster; Linhai: the officer on
    # its roster, not the standing one the roster stands in for.
    expected = Counter({desks.wenling_officer.mobile: 1, desks.wenling_leader.mobile: 1,
                        desks.linhai_shift.mobile: 1})
    assert received(gateway) == expected
    assert services.notice_send(notice=notice) == 3  # asked again, under the same keys
    messaging.deliver_due()
    assert received(gateway) == expected
    assert Message.objects.filter(context__duty_notice=notice.pk).count() == 3
    text = next(r.body["text"] for r in gateway.received if r.body["to"] == desks.linhai_shift.mobile)
    assert "防御台风工作提示" in text and "/duty/notices/answer/" in text
    assert dict(NoticeTarget.objects.filter(notice=notice).values_list("region_id", "recipients")) == {
        WENLING: 2, LINHAI: 1}


def test_feedback_is_tracked_until_every_region_has_answered(desks, taizhou_officer, wenling_officer,
                                                             linhai_officer, api_as):
    notice = send(taizhou_officer.user)
    city = api_as(taizhou_officer)
    first = city.get(f"/api/notices/{notice.pk}").json()
    assert (first["answered"], first["total"]) == (0, 2)
    r = api_as(wenling_officer).post(f"/api/notices/{notice.pk}/feedback", {"answer": "已部署，人员到岗。"})
    assert r.status_code == 200, r.content
    assert [f["region"] for f in r.json()["feedback"]] == [WENLING]  # a county sees its own row only
    assert [(f["region"], f["state"]) for f in city.get(f"/api/notices/{notice.pk}").json()["feedback"]] == [
        (WENLING, "answered"), (LINHAI, "sent")]
    assert [n["id"] for n in city.get("/api/notices", {"open": True}).json()["items"]] == [notice.pk]
    api_as(linhai_officer).post(f"/api/notices/{notice.pk}/feedback", {"answer": "已落实。"})
    done = city.get(f"/api/notices/{notice.pk}").json()
    assert (done["answered"], done["total"], done["late"]) == (2, 2, 0)
    assert done["feedback"][1]["answered_by"] == linhai_officer.name
    assert city.get("/api/notices", {"open": True}).json()["items"] == []


def test_an_overdue_region_is_reminded_once_by_the_tick_and_listed_late(desks, taizhou_officer, wenling_officer,
                                                                       gateway, api_as):
    t0 = timezone.now()
    notice = send(taizhou_officer.user, reply_in_hours=2, now=t0)
    services.notice_answer(by=wenling_officer.user, notice=notice, answer="已落实", now=t0 + dt.timedelta(hours=1))
    assert services.remind_overdue(now=t0 + dt.timedelta(hours=1, minutes=59)) == 0
    assert services.remind_overdue(now=t0 + dt.timedelta(hours=2)) == 1
    assert services.remind_overdue(now=t0 + dt.timedelta(hours=5)) == 0
    messaging.deliver_due()
    reminders = [r.body for r in gateway.received if r.body and "催办" in r.body["text"]]
    assert [b["to"] for b in reminders] == [desks.linhai_shift.mobile]
    late = {t.region_id: t.late for t in NoticeTarget.objects.filter(notice=notice)}
    assert late == {WENLING: False, LINHAI: True}
    assert [n["id"] for n in api_as(taizhou_officer).get("/api/notices", {"late": True}).json()["items"]] == [
        notice.pk]
    assert api_as(wenling_officer).get("/api/notices", {"late": True}).json()["items"] == []  # its row is on time
    # The reminder runs as a registered scheduler tick.
    autodiscover()
    assert "duty.notices.remind_overdue" in registry.ticks


def test_an_answer_after_the_reply_by_is_late(desks, taizhou_officer, linhai_officer):
    t0 = timezone.now()
    notice = send(taizhou_officer.user, reply_in_hours=1, now=t0)
    row = services.notice_answer(by=linhai_officer.user, notice=notice, answer="迟到的反馈",
                                 now=t0 + dt.timedelta(hours=3))
    assert row.late and row.due_at is None


def _link(notice, region, person):
    target = NoticeTarget.objects.get(notice=notice, region_id=region)
    return f"/duty/notices/answer/{services.answer_token(target, person.pk)}", target


def test_a_county_answers_through_its_signed_link(desks, taizhou_officer):
    notice = send(taizhou_officer.user)
    url, target = _link(notice, LINHAI, desks.linhai_shift)
    page = Client().get(url)
    assert page.status_code == 200 and "防御台风工作提示" in page.content.decode()
    target.refresh_from_db()
    assert target.state == "read" and target.read_at is not None
    assert Client().post(url, {"answer": "已收到，正在落实。"}).status_code == 302
    target.refresh_from_db()
    assert (target.state, target.answer, target.answered_by_id) == ("answered", "已收到，正在落实。",
                                                                    desks.linhai_shift.pk)


def test_a_forged_or_expired_link_is_refused(desks, taizhou_officer):
    notice = send(taizhou_officer.user)
    url, target = _link(notice, LINHAI, desks.linhai_shift)
    head, _, signature = url.rpartition(":")
    forged = head + ":" + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert Client().post(forged, {"answer": "伪造"}).status_code == 404
    other = NoticeTarget.objects.get(notice=notice, region_id=WENLING)
    swapped = url.replace(f"[{target.pk},", f"[{other.pk},")  # the payload is signed too
    assert Client().get(swapped if swapped != url else url + "x").status_code == 404
    with time_machine.travel(timezone.now() + dt.timedelta(days=services.notices.LINK_MAX_AGE_DAYS + 1)):
        assert Client().post(url, {"answer": "过期"}).status_code == 404
    target.refresh_from_db()
    assert target.answered_at is None and target.read_at is None


def test_a_linhai_officer_cannot_read_wenlings_notices_to_its_towns(regions, wenling_officer, linhai_officer,
                                                                     taizhou_officer, api_as):
    notice = services.notice_create(by=wenling_officer.user, region=WENLING, title="温岭镇街提示", body="正文",
                                    kind="tip_sheet", targets=["331081001", "331081100"])
    linhai = api_as(linhai_officer)
    assert linhai.get(f"/api/notices/{notice.pk}").status_code == 404
    assert linhai.post(f"/api/notices/{notice.pk}/feedback", {"answer": "x"}).status_code == 404
    assert all(n["id"] != notice.pk for n in linhai.get("/api/notices").json()["items"])
    # The control: the city above and Wenling itself see it, with both towns.
    for person in (taizhou_officer, wenling_officer):
        body = api_as(person).get(f"/api/notices/{notice.pk}").json()
        assert body["total"] == 2


def test_received_and_sent_lists_split_by_direction(desks, taizhou_officer, wenling_officer, api_as):
    notice = send(taizhou_officer.user)
    own = services.notice_create(by=wenling_officer.user, region=WENLING, title="温岭自发", body="正文",
                                 kind="tip_sheet", targets=["331081001"])
    client = api_as(wenling_officer)
    assert [n["id"] for n in client.get("/api/notices", {"direction": "received"}).json()["items"]] == [notice.pk]
    assert [n["id"] for n in client.get("/api/notices", {"direction": "sent"}).json()["items"]] == [own.pk]


@pytest.mark.parametrize("body, field", [
    ({"title": "t", "body": "b", "targets": ["331082001"]}, "targets"),   # Linhai: not below Wenling
    ({"title": "t", "body": "b", "targets": ["331081"]}, "targets"),      # the sender itself
    ({"title": "t", "body": "b", "targets": ["999999999"]}, "targets"),   # no such region
    ({"title": "t", "body": "b", "reply_by": "2001-01-01T00:00:00"}, "reply_by"),
    ({"title": "t", "body": "b", "consultation_id": 999999}, "consultation_id"),
    ({"title": "", "body": "b"}, "title"),
    ({"title": "t", "body": "b", "kind": "poem"}, "kind"),
    ({"title": "t", "body": "b", "targets": "331081001"}, "targets"),
])
def test_bad_notices_are_refused_with_the_field(regions, wenling_officer, api_as, body, field):
    count = Notice.objects.count()
    r = api_as(wenling_officer).post("/api/notices", body)
    assert r.status_code in (400, 422), r.content
    assert field in str(r.json()["error"]["fields"]), r.json()
    assert Notice.objects.count() == count


def test_bad_feedback_is_refused(desks, taizhou_officer, wenling_officer, api_as):
    notice = send(taizhou_officer.user)
    client = api_as(wenling_officer)
    assert client.post(f"/api/notices/{notice.pk}/feedback", {"answer": ""}).status_code == 422
    r = client.post(f"/api/notices/{notice.pk}/feedback", {"answer": "x", "region": "331081001"})
    assert r.status_code == 400 and "region" in r.json()["error"]["fields"]
    assert client.post(f"/api/notices/{2**63}/feedback", {"answer": "x"}).status_code in (404, 422)
    assert client.get("/api/notices/99999999").status_code == 404
    assert client.get("/api/notices", {"direction": "sideways"}).status_code == 422


def test_a_viewer_reads_but_does_not_send(desks, taizhou_officer, wenling_viewer, api_as):
    notice = send(taizhou_officer.user)
    client = api_as(wenling_viewer)
    assert client.get(f"/api/notices/{notice.pk}").status_code == 200
    assert client.post("/api/notices", {"title": "t", "body": "b"}).status_code == 403
    assert client.post(f"/api/notices/{notice.pk}/feedback", {"answer": "x"}).status_code == 403


def test_a_regions_delivery_time_comes_from_the_gateways_receipt(desks, taizhou_officer, api_as, gateway):
    notice = send(taizhou_officer.user)
    messaging.deliver_due()
    linhai = Message.objects.get(context__duty_notice=notice.pk, person=desks.linhai_shift)
    messaging.record_receipt(message_id=linhai.pk, status="delivered")
    feedback = {f["region"]: f["delivered_at"] for f in
                api_as(taizhou_officer).get(f"/api/notices/{notice.pk}").json()["feedback"]}
    assert feedback[WENLING] is None and feedback[LINHAI] is not None


@pytest.mark.parametrize("method, path, body", [
    ("post", "/api/notices", {"title": "t\x00", "body": "b", "targets": ["331081001"]}),
    ("post", "/api/notices", {"title": "t", "body": "b", "targets": ["x" * 5000]}),
    ("post", "/api/notices", {"title": "t", "body": "b", "reply_by": "31/12/2030"}),
    ("post", "/api/notices", [1, 2]),
    ("get", "/api/notices/abc", None),
    ("get", f"/api/notices/{2**70}", None),
    ("get", "/api/notices?page=0", None),
    ("get", "/api/notices?region=" + "3" * 100, None),
    ("post", "/api/notices/1/feedback", {"answer": "x" * 2001}),
    ("post", "/api/consultations", {"held_at": "2026-07-01T09:00", "topic": "t", "convened_by": "c",
                                    "actions": [{"text": "x"}] * 51}),
    ("post", "/api/consultations/1/notes", {"text": ""}),
    ("post", "/api/consultation-actions/99999999/done", None),
])
def test_odd_input_gets_a_clear_4xx_never_a_500(regions, wenling_officer, api_as, method, path, body):
    client = api_as(wenling_officer)
    r = getattr(client, method)(path, body) if body is not None else getattr(client, method)(path)
    assert 400 <= r.status_code < 500, (r.status_code, r.content)
    assert "error" in r.json()
