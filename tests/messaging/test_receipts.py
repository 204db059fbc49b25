"""Gateway receipts: delivered, failed, replies handed to the listeners."""

import json

import pytest

from yingji.core import audit
from yingji.core.models import AuditRecord
from yingji.messaging import services
from yingji.messaging.choices import MessageStatus

pytestmark = pytest.mark.django_db
TOKEN = "gw-secret-0123456789"


@pytest.fixture
def message():
    return services.send(channel="sms", to="13800000001", text="请回复1确认", idempotency_key="k",
                         context={"callup_id": 12})


def test_delivery_receipt_stores_the_reply_and_tells_the_listeners(message, listeners):
    heard = []
    services.register_reply_batch_listener(
        lambda replies: heard.extend((m.pk, m.context, reply) for m, reply in replies))
    services.record_receipt(message_id=message.pk, status="delivered", reply=" 1 ")
    message.refresh_from_db()
    assert (message.status, message.reply) == (MessageStatus.DELIVERED, "1")
    assert message.delivered_at is not None and message.replied_at is not None
    assert heard == [(message.pk, {"callup_id": 12}, "1")]


def test_a_repeated_receipt_changes_nothing(message, listeners):
    heard = []
    services.register_reply_batch_listener(lambda replies: heard.extend(reply for m, reply in replies))
    services.record_receipt(message_id=message.pk, status="delivered", reply="收到")
    audited = AuditRecord.objects.count()
    services.record_receipt(message_id=message.pk, status="delivered", reply="收到")
    assert heard == ["收到"] and AuditRecord.objects.count() == audited


def test_a_new_reply_is_stored_and_heard(message, listeners):
    heard = []
    services.register_reply_batch_listener(lambda replies: heard.extend(reply for m, reply in replies))
    services.record_receipt(message_id=message.pk, status="delivered", reply="在路上")
    services.record_receipt(message_id=message.pk, status="delivered", reply="1")
    message.refresh_from_db()
    assert message.reply == "1" and heard == ["在路上", "1"]


def test_a_listener_is_registered_once(listeners):
    def listener(replies):
        return None
    services.register_reply_batch_listener(listener)
    services.register_reply_batch_listener(listener)
    assert listeners == [listener]


def test_a_failing_listener_loses_neither_the_reply_nor_the_others(message, listeners):
    heard = []

    def broken(replies):
        raise RuntimeError("boom")
    services.register_reply_batch_listener(broken)
    services.register_reply_batch_listener(lambda replies: heard.extend(reply for m, reply in replies))
    services.record_receipt(message_id=message.pk, status="delivered", reply="1")
    message.refresh_from_db()
    assert message.reply == "1" and heard == ["1"]


def test_failure_receipt_marks_failed_with_the_reason(message):
    services.record_receipt(message_id=message.pk, status="failed", error="空号 / number does not exist")
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and "空号" in message.last_error
    assert message.due_at is None  # no retry of a number the network says is empty


def test_a_late_failure_does_not_undo_delivery(message):
    services.record_receipt(message_id=message.pk, status="delivered")
    services.record_receipt(message_id=message.pk, status="failed")
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_receipt_for_an_unknown_message_is_not_found(api_as, settings):
    settings.YINGJI_GATEWAY_TOKEN = TOKEN
    r = api_as(None).post("/api/messaging/receipts", {"message_id": 999999, "status": "delivered"},
                          headers={"X-Yingji-Gateway-Token": TOKEN})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_receipt_over_the_api_reaches_the_listeners(api_as, message, listeners, settings):
    settings.YINGJI_GATEWAY_TOKEN = TOKEN
    heard = []
    services.register_reply_batch_listener(lambda replies: heard.extend((m.pk, reply) for m, reply in replies))
    r = api_as(None).post("/api/messaging/receipts",
                          {"message_id": message.pk, "status": "delivered", "reply": "收到"},
                          headers={"X-Yingji-Gateway-Token": TOKEN})
    assert r.status_code == 200 and r.json()["reply"] == "收到"
    assert heard == [(message.pk, "收到")]


def test_receipt_with_an_unknown_status_is_refused(api_as, message, settings):
    settings.YINGJI_GATEWAY_TOKEN = TOKEN
    r = api_as(None).post("/api/messaging/receipts", {"message_id": message.pk, "status": "read"},
                          headers={"X-Yingji-Gateway-Token": TOKEN})
    assert r.status_code == 422 and "status" in r.json()["error"]["fields"]


# Lists of receipts (the extension of the same endpoint) ----------------------------

def _three():
    return [services.send(channel="sms", to=f"1380000000{i}", text="请回复1确认", idempotency_key=f"list{i}",
                          region_code=f"33108100{i}") for i in range(3)]


def test_a_list_of_receipts_is_recorded_in_order_with_one_audit_record(api_as, listeners, settings):
    settings.YINGJI_GATEWAY_TOKEN = TOKEN
    a, b, c = _three()
    heard = []
    services.register_reply_batch_listener(lambda replies: heard.append([(m.pk, r) for m, r in replies]))
    before = AuditRecord.objects.count()
    r = api_as(None).post("/api/messaging/receipts", [
        {"message_id": a.pk, "status": "delivered", "reply": "1"},
        {"message_id": 999999, "status": "delivered"},
        {"message_id": b.pk, "status": "failed", "error": "空号"},
        {"message_id": c.pk, "status": "delivered"},
    ], headers={"X-Yingji-Gateway-Token": TOKEN})
    assert r.status_code == 200, r.content
    body = r.json()
    assert [(x["message_id"], x["status"]) for x in body] == [
        (a.pk, "delivered"), (999999, None), (b.pk, "failed"), (c.pk, "delivered")]
    assert body[1]["error"]["code"] == "not_found" and body[0]["reply"] == "1"
    assert heard == [[(a.pk, "1")]]
    records = list(AuditRecord.objects.filter(seq__gt=before))
    assert len(records) == 1
    assert audit.batch_ids(records[0]) == {"deliver": sorted([a.pk, c.pk]), "fail": [b.pk], "reply": [a.pk]}
    assert records[0].region_code == "331081"
    assert audit.verify().ok


def test_the_same_receipt_twice_in_a_list_counts_once(message, listeners):
    heard = []
    services.register_reply_batch_listener(lambda replies: heard.extend(reply for m, reply in replies))
    services.record_receipts([services.Receipt(message.pk, "delivered", "1"),
                              services.Receipt(message.pk, "delivered", "1")])
    message.refresh_from_db()
    assert (message.status, message.reply, heard) == (MessageStatus.DELIVERED, "1", ["1"])


def test_a_bad_receipt_in_a_list_is_named_by_its_position(api_as, message, settings):
    settings.YINGJI_GATEWAY_TOKEN = TOKEN
    r = api_as(None).post("/api/messaging/receipts", [{"message_id": message.pk, "status": "delivered"},
                                                      {"message_id": message.pk, "status": "read"}],
                          headers={"X-Yingji-Gateway-Token": TOKEN})
    assert r.status_code == 422 and set(r.json()["error"]["fields"]) == {"1.status"}
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED  # nothing of a refused list is recorded


@pytest.mark.parametrize("body", [[], "not json", [{"message_id": 1, "status": "delivered"}] * 1001, 7])
def test_an_empty_oversized_or_malformed_list_is_refused(api_as, body, settings):
    settings.YINGJI_GATEWAY_TOKEN = TOKEN
    raw = body if isinstance(body, str) else json.dumps(body)
    r = api_as(None).post("/api/messaging/receipts", raw, content_type="application/json",
                          headers={"X-Yingji-Gateway-Token": TOKEN})
    assert r.status_code == 422 and r.json()["error"]["fields"]
