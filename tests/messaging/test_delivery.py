"""The outbox against a real local HTTP gateway: accepted, retried, refused, timed
out; idempotency; claims and leases; audit."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core import audit
from yingji.core.models import AuditRecord
from yingji.messaging import services
from yingji.messaging.choices import AttemptOutcome, MessageStatus
from yingji.messaging.models import DeliveryAttempt, Message
from yingji.messaging.services import RetryPolicy
from yingji.messaging.transports import transport_for

from .conftest import Answer

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC)
POLICY = RetryPolicy(base_seconds=30, cap_seconds=600, max_attempts=5, lease_seconds=120)


def sms(key="k1", to="13800000001", text="红色暴雨预警，请回复1确认", **kw):
    return services.send(channel="sms", to=to, text=text, idempotency_key=key, due_at=T0, **kw)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def outcomes(message) -> list[str]:
    return list(DeliveryAttempt.objects.filter(message=message).order_by("number")
                .values_list("outcome", flat=True))


def test_accepted_sms_is_sent_with_our_message_id(gateway):
    message = sms()
    assert services.deliver_due(now=T0, policy=POLICY) == {"sent": 1}
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at == T0
    assert gateway.received[0].path == "/sms"
    assert gateway.bodies() == [{"message_id": message.pk, "to": "13800000001", "text": "红色暴雨预警，请回复1确认"}]
    attempt = DeliveryAttempt.objects.get(message=message)
    assert (attempt.outcome, attempt.http_status, attempt.number) == (AttemptOutcome.ACCEPTED, 200, 1)


def test_gateway_message_id_in_the_answer_is_kept(gateway):
    gateway.answer(Answer(200, {"id": "gw-777"}))
    message = sms()
    services.deliver_due(now=T0, policy=POLICY)
    message.refresh_from_db()
    assert message.provider_message_id == "gw-777"


def test_message_is_not_sent_before_it_is_due(gateway):
    sms()
    assert services.deliver_due(now=at(-1), policy=POLICY) == {}
    assert gateway.received == []


def test_server_errors_are_retried_with_doubling_backoff_then_sent(gateway):
    gateway.answer(Answer(503, "busy"), Answer(502, "bad gateway"))
    message = sms()
    services.deliver_due(now=T0, policy=POLICY)
    message.refresh_from_db()
    # First failure: wait base = 30 s.
    assert (message.status, message.due_at, message.attempts) == (MessageStatus.QUEUED, at(30), 1)
    assert "HTTP 503" in message.last_error
    services.deliver_due(now=at(29), policy=POLICY)
    assert len(gateway.received) == 1
    services.deliver_due(now=at(30), policy=POLICY)
    message.refresh_from_db()
    # Second failure at t=30: wait 2·base = 60 s.
    assert (message.status, message.due_at) == (MessageStatus.QUEUED, at(90))
    services.deliver_due(now=at(90), policy=POLICY)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 3, "")
    assert outcomes(message) == ["temporary_error", "temporary_error", "accepted"]
    assert {b["message_id"] for b in gateway.bodies()} == {message.pk}


def test_backoff_doubles_up_to_the_cap():
    policy = RetryPolicy(base_seconds=30, cap_seconds=300)
    assert [policy.backoff(n).total_seconds() for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]
    assert policy.backoff(10_000).total_seconds() == 300


def test_client_error_fails_permanently_without_retry(gateway):
    gateway.answer(Answer(400, {"error": "invalid number"}))
    message = sms(to="1380")
    services.deliver_due(now=T0, policy=POLICY)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.due_at is None
    assert "HTTP 400" in message.last_error and "invalid number" in message.last_error
    services.deliver_due(now=at(3600), policy=POLICY)
    assert len(gateway.received) == 1
    assert outcomes(message) == ["permanent_error"]


def test_rate_limit_is_temporary(gateway):
    gateway.answer(Answer(429, "slow down"))
    message = sms()
    services.deliver_due(now=T0, policy=POLICY)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED


def test_timeout_is_a_temporary_error(gateway, settings):
    settings.YINGJI_MESSAGING_TIMEOUT_SECONDS = 0.2
    gateway.answer(Answer(200, {}, delay=1.0))
    message = sms()
    services.deliver_due(now=T0, policy=POLICY)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and message.due_at == at(30)
    assert "timed out" in message.last_error
    assert outcomes(message) == ["temporary_error"]


def test_unreachable_gateway_is_a_temporary_error(gateway, monkeypatch):
    gateway.server.shutdown()
    gateway.server.server_close()
    message = sms()
    services.deliver_due(now=T0, policy=POLICY)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and "cannot reach" in message.last_error


def test_temporary_errors_until_the_last_attempt_give_up(gateway):
    policy = RetryPolicy(base_seconds=30, cap_seconds=600, max_attempts=3)
    gateway.answer(*[Answer(503, "busy")] * 10)
    message = sms()
    for seconds in (0, 30, 90, 210, 450):  # each retry time, and later ones
        services.deliver_due(now=at(seconds), policy=policy)
    message.refresh_from_db()
    assert message.status == MessageStatus.GIVEN_UP and message.attempts == 3
    assert len(gateway.received) == 3


def test_same_idempotency_key_twice_is_one_message_and_one_request(gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.send(channel="sms", to="13800000001", text="a", idempotency_key="callup:1:person:7")
    with django_capture_on_commit_callbacks(execute=True):
        second = services.send(channel="sms", to="13800000001", text="a", idempotency_key="callup:1:person:7")
    assert first.pk == second.pk and Message.objects.count() == 1
    assert len(gateway.received) == 1
    services.deliver_due(policy=POLICY)
    assert len(gateway.received) == 1


def test_delivery_starts_only_after_the_callers_commit(gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        message = services.send(channel="sms", to="13800000001", text="a", idempotency_key="k")
        assert gateway.received == []
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and len(gateway.received) == 1


def test_two_workers_never_both_send_a_message(gateway):
    messages = [sms(key=f"k{i}", to=f"1380000000{i}") for i in range(5)]
    seen_by_a = services.due_message_ids(now=T0, limit=100, policy=POLICY)
    # Worker B runs between A's look at the queue and A's claims.
    assert services.deliver_due(now=T0, worker="worker-b", policy=POLICY) == {"sent": 5}
    assert [services.claim(i, worker="worker-a", now=T0, policy=POLICY) for i in seen_by_a] == [None] * 5
    assert services.deliver_due(now=T0, worker="worker-a", policy=POLICY) == {}
    assert sorted(b["message_id"] for b in gateway.bodies()) == sorted(m.pk for m in messages)


def test_a_fresh_claim_is_left_to_its_worker(gateway):
    message = sms()
    assert services.claim(message.pk, worker="worker-a", now=T0, policy=POLICY) is not None
    assert services.deliver_due(now=at(119), worker="worker-b", policy=POLICY) == {}
    assert gateway.received == []


def test_expired_lease_is_retried_with_the_same_message_id(gateway):
    message = sms()
    claimed = services.claim(message.pk, worker="worker-a", now=T0, policy=POLICY)
    # Worker A gets the message out, then dies before it can record that.
    transport_for("sms").send(claimed)
    assert services.deliver_due(now=at(121), worker="worker-b", policy=POLICY) == {"sent": 1}
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2
    assert [b["message_id"] for b in gateway.bodies()] == [message.pk, message.pk]  # the gateway can dedupe
    lost, retried = DeliveryAttempt.objects.filter(message=message).order_by("number")
    assert (lost.outcome, lost.worker, lost.started_at) == (AttemptOutcome.TEMPORARY_ERROR, "worker-a", T0)
    assert "lease expired" in lost.error
    assert (retried.outcome, retried.worker) == (AttemptOutcome.ACCEPTED, "worker-b")


def test_lost_lease_on_the_last_attempt_gives_up(gateway):
    policy = RetryPolicy(max_attempts=1, lease_seconds=120)
    message = sms()
    services.claim(message.pk, worker="worker-a", now=T0, policy=policy)
    services.deliver_due(now=at(121), worker="worker-b", policy=policy)
    message.refresh_from_db()
    assert message.status == MessageStatus.GIVEN_UP and "lease expired" in message.last_error
    assert gateway.received == []


def test_worker_that_lost_its_lease_does_not_overwrite_the_new_claim(gateway):
    message = sms()
    stale = services.claim(message.pk, worker="worker-a", now=T0, policy=POLICY)
    services.claim(message.pk, worker="worker-b", now=at(121), policy=POLICY)
    result = transport_for("sms").send(stale)
    services.delivery._finish(stale, result=result, error=None, started=T0, finished=at(122), duration_ms=1,
                              policy=POLICY)
    message.refresh_from_db()
    assert (message.status, message.claimed_by, message.attempts) == (MessageStatus.SENDING, "worker-b", 2)


def test_every_send_and_status_change_is_audited(gateway):
    """Creation by `send()` is one record; the worker's tries and the gateway's
    receipts are machine events, audited as one record per batch that lists the
    message under what happened to it."""
    gateway.answer(Answer(503, "busy"))
    message = sms(region_code="331081")
    services.deliver_due(now=T0, policy=POLICY)
    services.deliver_due(now=at(30), policy=POLICY)
    services.record_receipt(message_id=message.pk, status="delivered", reply="收到")
    records = AuditRecord.objects.filter(object_type="messaging.message").order_by("seq")
    single = [r.action for r in records if r.object_id == str(message.pk)]
    batches = [(r.action, audit.batch_ids(r)) for r in records if audit.batch_ids(r)]
    assert single == ["create"]
    assert batches == [("deliver_batch", {"retry": [message.pk]}), ("deliver_batch", {"send": [message.pk]}),
                       ("receipts", {"deliver": [message.pk], "reply": [message.pk]})]
    assert {r.region_code for r in records} == {"331081"}
    assert audit.verify().ok


def test_a_batch_is_one_audit_record_listing_each_message_by_outcome(gateway):
    gateway.answer(Answer(200, {}), Answer(400, "bad number"), Answer(200, {}))
    messages = [sms(key=f"k{i}", region_code=f"33108100{i}") for i in range(3)]
    before = AuditRecord.objects.count()
    services.deliver_due(now=T0, policy=POLICY)
    record = AuditRecord.objects.get(seq__gt=before)  # exactly one record for the three
    # The answers are given in the order the requests arrive, which the threads decide.
    failed = [m.pk for m in messages if Message.objects.get(pk=m.pk).status == MessageStatus.FAILED]
    assert len(failed) == 1
    assert audit.batch_ids(record) == {"send": sorted({m.pk for m in messages} - set(failed)), "fail": failed}
    assert record.region_code == "331081"  # the common prefix of 331081000..331081002
    assert audit.verify().ok


def test_region_defaults_to_the_persons_region(gateway, regions):
    from ..factories import PersonFactory

    person = PersonFactory(region_id="331081001", mobile="13900000009")
    message = services.send(channel="sms", to="", text="a", idempotency_key="k", person=person)
    assert (message.region_code, message.to) == ("331081001", "13900000009")


def test_unknown_channel_is_refused():
    from yingji.core.errors import DomainError

    with pytest.raises(DomainError):
        services.send(channel="pigeon", to="x", text="a", idempotency_key="k")


def test_due_at_can_delay_a_message(gateway):
    message = services.send(channel="sms", to="1", text="a", idempotency_key="k",
                            due_at=timezone.now() + dt.timedelta(hours=1))
    assert services.deliver_message(message.pk) is None
    assert gateway.received == []


def test_a_claimed_batch_is_the_rows_as_claimed_oldest_first():
    """PostgreSQL builds the claimed messages from the claim's RETURNING; they must be
    what a fresh read gives (JSON context as a dict, aware times), oldest due first."""
    late = services.send(channel="sms", to="13800000002", text="b", idempotency_key="late", due_at=at(-10),
                         context={"alerts_target": 7, "名": "村"}, region_code="331081001001")
    early = services.send(channel="sms", to="13800000001", text="a", idempotency_key="early", due_at=at(-20))
    not_due = services.send(channel="sms", to="13800000003", text="c", idempotency_key="later", due_at=at(5))
    claimed = services.claim_batch(worker="worker-a", now=T0, limit=10, policy=POLICY)
    assert [m.pk for m in claimed] == [early.pk, late.pk]
    fresh = {m.pk: m for m in Message.objects.filter(pk__in=[early.pk, late.pk])}
    fields = [f.attname for f in Message._meta.concrete_fields]
    for message in claimed:
        assert {f: getattr(message, f) for f in fields} == {f: getattr(fresh[message.pk], f) for f in fields}
    assert (claimed[1].status, claimed[1].claimed_by, claimed[1].attempts) == (MessageStatus.SENDING, "worker-a", 1)
    assert claimed[1].context == {"alerts_target": 7, "名": "村"}
    assert claimed[1].claimed_at == T0
    assert Message.objects.get(pk=not_due.pk).status == MessageStatus.QUEUED


def outgoing(key, **kw):
    fields = {"channel": "sms", "to": " 13800000001 ", "text": "红色暴雨预警", "idempotency_key": key,
              "region_code": "331081001", "subject": "暴雨", "context": {"alerts_target": 7}} | kw
    return services.Outgoing(**fields)


def test_send_many_gives_ids_in_order_and_keeps_what_a_key_already_has(gateway):
    earlier = sms(key="b")
    before = AuditRecord.objects.count()
    ids = services.send_many([outgoing("a"), outgoing("b"), outgoing("c", region_code="331081002"), outgoing("a")],
                             due_at=T0)
    assert ids[1] == earlier.pk and ids[0] == ids[3] and len(set(ids)) == 3
    a, c = Message.objects.get(pk=ids[0]), Message.objects.get(pk=ids[2])
    assert (a.idempotency_key, a.to, a.status, a.due_at, a.context) == ("a", "13800000001", MessageStatus.QUEUED,
                                                                          T0, {"alerts_target": 7})
    assert (c.idempotency_key, c.region_code, c.subject) == ("c", "331081002", "暴雨")
    record = AuditRecord.objects.get(seq__gt=before)  # one record for the two new messages
    assert audit.batch_ids(record) == {"create": sorted([a.pk, c.pk])} and record.region_code == "331081"
    services.deliver_due(now=T0, policy=POLICY)
    assert sorted(b["message_id"] for b in gateway.bodies()) == sorted(set(ids))


def test_send_many_refuses_an_unknown_channel_before_writing_anything():
    from yingji.core.errors import DomainError

    with pytest.raises(DomainError):
        services.send_many([outgoing("a"), outgoing("b", channel="pigeon")])
    assert not Message.objects.exists()
