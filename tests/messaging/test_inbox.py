"""The receipts inbox: what a gateway reports is stored before the answer and applied
by the workers, in arrival order, at the time it arrived."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core import audit
from yingji.core.models import AuditRecord
from yingji.core.scheduler import autodiscover, registry
from yingji.messaging import inbox, services, tasks
from yingji.messaging.choices import MessageStatus
from yingji.messaging.models import InboundReceipt, Message

pytestmark = pytest.mark.django_db
TOKEN = "gw-secret-0123456789"
HEADERS = {"X-Yingji-Gateway-Token": TOKEN}


@pytest.fixture
def workers(settings, monkeypatch):
    """A broker is configured: receipts are stored and the workers are asked (the
    asks are counted here; applying is then up to the test, as a worker would)."""
    settings.BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"
    asked = []
    monkeypatch.setattr(tasks.apply_receipts, "delay", lambda: asked.append(1))
    monkeypatch.setattr(inbox, "_last_kick", float("-inf"))
    settings.YINGJI_GATEWAY_TOKEN = TOKEN
    return asked


def _messages(n=2):
    return [services.send(channel="sms", to=f"1380000000{i}", text="请回复1确认", idempotency_key=f"inbox{i}",
                          region_code=f"33108100{i}") for i in range(n)]


def test_with_workers_a_receipt_is_stored_answered_and_applied_later(api_as, workers, listeners,
                                                                    django_capture_on_commit_callbacks):
    heard = []
    services.register_reply_batch_listener(lambda replies: heard.extend((m.pk, reply) for m, reply in replies))
    message = _messages(1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        r = api_as(None).post("/api/messaging/receipts",
                              {"message_id": message.pk, "status": "delivered", "reply": "1"}, headers=HEADERS)
    assert r.status_code == 200, r.content
    assert r.json() == {"message_id": message.pk, "status": "delivered", "reply": "1", "queued": True}
    assert workers == [1]  # the workers were asked once
    stored = InboundReceipt.objects.get()
    assert (stored.message_id, stored.status, stored.reply, stored.applied_at) == (message.pk, "delivered", "1", None)
    assert Message.objects.get(pk=message.pk).status != MessageStatus.DELIVERED and heard == []

    assert inbox.apply_waiting() == 1
    message.refresh_from_db()
    stored.refresh_from_db()
    assert (message.status, message.reply) == (MessageStatus.DELIVERED, "1")
    assert message.delivered_at == message.replied_at == stored.received_at  # when it came, not when applied
    assert stored.applied_at >= stored.received_at and heard == [(message.pk, "1")]
    assert inbox.apply_waiting() == 0  # applied once


def test_a_receipt_waiting_in_the_inbox_keeps_its_arrival_time(workers):
    message = _messages(1)[0]
    inbox.receive([services.Receipt(message.pk, "delivered", "收到")])
    arrived = timezone.now() - dt.timedelta(seconds=40)  # as if the workers were 40 s behind
    InboundReceipt.objects.update(received_at=arrived)
    inbox.apply_waiting()
    message.refresh_from_db()
    assert message.replied_at == message.delivered_at == arrived


def test_receipts_are_applied_in_arrival_order(workers):
    message, other = _messages(2)
    for reply in ("在路上", "1"):
        inbox.receive([services.Receipt(message.pk, "delivered", reply)])
    inbox.receive([services.Receipt(message.pk, "failed", None, "空号")])  # late: delivery stands
    # Within a list, in the list's order.
    inbox.receive([services.Receipt(other.pk, "delivered", reply) for reply in ("1", "在路上", "好", "收到")])
    inbox.apply_waiting()
    message.refresh_from_db()
    other.refresh_from_db()
    assert (message.status, message.reply, other.reply) == (MessageStatus.DELIVERED, "1", "收到")
    assert list(InboundReceipt.objects.filter(message=other).values_list("reply", flat=True)) == [
        "1", "在路上", "好", "收到"]


def test_a_batch_is_applied_with_one_audit_record(workers):
    a, b = _messages(2)
    inbox.receive([services.Receipt(a.pk, "delivered", "1")])
    inbox.receive([services.Receipt(b.pk, "failed", None, "空号")])
    before = AuditRecord.objects.count()
    assert inbox.apply_waiting() == 2
    records = list(AuditRecord.objects.filter(seq__gt=before))
    assert len(records) == 1
    assert audit.batch_ids(records[0]) == {"deliver": [a.pk], "fail": [b.pk], "reply": [a.pk]}
    assert audit.verify().ok


def test_a_failed_round_leaves_the_receipts_waiting(workers, monkeypatch):
    message = _messages(1)[0]
    inbox.receive([services.Receipt(message.pk, "delivered", "1")])

    def broken(receipts):
        raise RuntimeError("database went away")
    with monkeypatch.context() as patched:
        patched.setattr(services, "record_receipts", broken)
        with pytest.raises(RuntimeError):
            inbox.apply_waiting()
    assert InboundReceipt.objects.get().applied_at is None
    assert inbox.apply_waiting() == 1
    assert Message.objects.get(pk=message.pk).reply == "1"


def test_a_busy_web_process_asks_the_workers_at_most_every_kick_period(workers):
    period = inbox.KICK_EVERY_SECONDS
    asked = [inbox._ask_workers(clock=lambda t=t: t) for t in (100.0, 100.0 + period / 2, 100.0 + period * 1.5)]
    assert asked == [True, False, True] and len(workers) == 2


def test_unknown_messages_are_not_stored(workers):
    message = _messages(1)[0]
    assert inbox.receive([services.Receipt(999999, "delivered"), services.Receipt(message.pk, "delivered")]) == [
        False, True]
    assert list(InboundReceipt.objects.values_list("message_id", flat=True)) == [message.pk]


def test_without_workers_the_receipt_is_applied_before_the_answer(api_as, settings):
    settings.BROKER_URL = ""
    settings.YINGJI_GATEWAY_TOKEN = TOKEN
    message = _messages(1)[0]
    r = api_as(None).post("/api/messaging/receipts", {"message_id": message.pk, "status": "delivered"},
                          headers=HEADERS)
    assert r.json()["queued"] is False
    assert Message.objects.get(pk=message.pk).status == MessageStatus.DELIVERED
    assert InboundReceipt.objects.get().applied_at is not None


def test_the_scheduler_applies_what_no_request_asked_for():
    autodiscover()
    assert registry.ticks["messaging.apply_receipts"].fn is inbox.apply_waiting


def test_operators_see_a_messages_receipts_in_the_admin(client, django_user_model, workers):
    message = _messages(1)[0]
    inbox.receive([services.Receipt(message.pk, "delivered", "收到了")])
    client.force_login(django_user_model.objects.create_superuser("ops", "ops@example.cn", "x"))
    page = client.get(f"/admin/messaging/message/{message.pk}/change/")
    assert page.status_code == 200 and "收到了" in page.content.decode()
    assert client.get("/admin/messaging/inboundreceipt/").status_code == 200
