"""Every write of the outbox: enqueue, claim and deliver, receipts.

The message row is the queue (the Healthchecks shape): `send()` writes a row and,
after the caller's transaction commits, asks for an immediate delivery; the
scheduler tick `deliver_due()` picks up whatever is due anyway, so a lost task, a
broker restart or a crashed worker delays a message but never loses it.

A worker claims a row with one conditional UPDATE that names the state it read
(status, due time or expired lease, and the attempt count as a fence) and goes on
only if it changed exactly one row: two workers never send the same attempt. A
claim is a lease: a worker that dies after claiming leaves a row in SENDING that
another worker retries once the lease has expired, with the same message id, so
the gateway can recognise the duplicate if the first try did get out.
"""

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..core import audit
from ..core.errors import DomainError, NotFound
from .choices import AttemptOutcome, Channel, MessageStatus
from .models import DeliveryAttempt, Message
from .transports import SendResult, TransportError, transport_for

log = logging.getLogger(__name__)

ReplyListener = Callable[[Message, str], object]
# Apps that act on replies (the call-up reads "1" / "收到" as acknowledgement)
# register here from their AppConfig.ready(); interpreting a reply is their job.
reply_listeners: list[ReplyListener] = []

RECEIPT_STATUSES = (MessageStatus.DELIVERED, MessageStatus.FAILED)
PERSON_ADDRESSED = (Channel.SMS, Channel.VOICE, Channel.DINGTALK, Channel.WECOM)


def register_reply_listener(listener: ReplyListener) -> None:
    """Add a listener once (ready() may run twice in tests and management commands)."""
    if listener not in reply_listeners:
        reply_listeners.append(listener)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to try. Backoff doubles from `base_seconds` up to
    `cap_seconds`; after `max_attempts` tries that all failed temporarily the message
    is given up. `lease_seconds` must exceed the longest send (the transport
    timeout): a live worker must not lose its claim while it waits for a gateway."""

    base_seconds: float = 30.0
    cap_seconds: float = 1800.0
    max_attempts: int = 8
    lease_seconds: float = 120.0

    @classmethod
    def from_env(cls) -> "RetryPolicy":
        env = os.environ.get
        return cls(
            base_seconds=float(env("YINGJI_MESSAGING_RETRY_BASE_SECONDS", cls.base_seconds)),
            cap_seconds=float(env("YINGJI_MESSAGING_RETRY_CAP_SECONDS", cls.cap_seconds)),
            max_attempts=int(env("YINGJI_MESSAGING_MAX_ATTEMPTS", cls.max_attempts)),
            lease_seconds=float(env("YINGJI_MESSAGING_LEASE_SECONDS", cls.lease_seconds)),
        )

    def backoff(self, failed_attempts: int) -> dt.timedelta:
        """The wait after the n-th failed try: base, 2·base, 4·base, ... at most cap."""
        exponent = min(max(failed_attempts - 1, 0), 30)  # 2**30·base is past any cap
        return dt.timedelta(seconds=min(self.base_seconds * 2 ** exponent, self.cap_seconds))


def default_worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


# Enqueue -----------------------------------------------------------------------

def send(*, channel: str, to: str, text: str, idempotency_key: str, person=None, subject: str = "",
         region_code: str = "", context: dict | None = None, due_at: dt.datetime | None = None) -> Message:
    """Put a message in the outbox, or return the one already there under the same
    idempotency key (nothing is sent twice for one key). Delivery starts after the
    caller's transaction commits; `due_at` delays it."""
    if channel not in Channel.values:
        raise DomainError("未知的消息渠道", f"Unknown channel {channel!r}", fields={"channel": "未知 / unknown"})
    if not idempotency_key:
        raise DomainError("缺少幂等键", "idempotency_key is required", fields={"idempotency_key": "必填 / required"})
    existing = Message.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    message = Message(
        channel=channel, to=(to or _address_of(person, channel)).strip(), person=person, subject=subject,
        text=text, idempotency_key=idempotency_key,
        region_code=region_code or (person.region_id if person is not None else ""),
        context=context or {}, due_at=due_at or timezone.now(),
    )
    try:
        with transaction.atomic():
            message.full_clean(validate_unique=False)  # the unique index decides, race-free
            message.save()
            audit.record(actor=None, action="create", obj=message, region_code=message.region_code,
                         after=audit.snapshot(message))
    except IntegrityError:
        # Another process enqueued the same key between our look and our insert.
        return Message.objects.get(idempotency_key=idempotency_key)
    transaction.on_commit(partial(_deliver_soon, message.pk))
    return message


def _address_of(person, channel: str) -> str:
    if person is not None and channel in PERSON_ADDRESSED:
        return person.mobile
    return ""


def _deliver_soon(message_id: int) -> None:
    """Ask for delivery now: in-process when tasks are eager (the demo), through the
    broker otherwise. Failing here loses nothing: the tick sends due rows anyway."""
    from . import tasks

    try:
        tasks.deliver_message.delay(message_id)
    except Exception:
        log.exception("immediate delivery of message %s failed; the tick will retry it", message_id)


# Deliver -----------------------------------------------------------------------

def deliver_due(now: dt.datetime | None = None, limit: int = 100, worker: str = "", *,
                policy: RetryPolicy | None = None) -> dict[str, int]:
    """Claim and send up to `limit` due messages, one by one; returns how many ended
    in each status. `now` fixes the clock (tests, simulations); by default each step
    reads the real time. Safe to run in many processes at once."""
    clock = _clock(now)
    policy = policy or RetryPolicy.from_env()
    worker = worker or default_worker_name()
    outcomes: Counter = Counter()
    for message_id in due_message_ids(now=clock(), limit=limit, policy=policy):
        status = deliver_message(message_id, now=now, worker=worker, policy=policy)
        if status:
            outcomes[str(status)] += 1
    return dict(outcomes)


def due_message_ids(*, now: dt.datetime, limit: int, policy: RetryPolicy) -> list[int]:
    # Oldest due first, so a backlog drains in order and nothing starves.
    qs = Message.objects.filter(_due(now, policy)).order_by("due_at", "id")
    return list(qs.values_list("id", flat=True)[:limit])


def _due(now: dt.datetime, policy: RetryPolicy) -> Q:
    expired = now - dt.timedelta(seconds=policy.lease_seconds)
    return (Q(status=MessageStatus.QUEUED, due_at__lte=now)
            | Q(status=MessageStatus.SENDING, claimed_at__lt=expired))


def _clock(now: dt.datetime | None) -> Callable[[], dt.datetime]:
    return (lambda: now) if now is not None else timezone.now


def deliver_message(message_id: int, *, now: dt.datetime | None = None, worker: str = "",
                    policy: RetryPolicy | None = None) -> str | None:
    """Claim one message if it is due and send it; the status it ended in, or None
    when it was not due or another worker won it."""
    clock = _clock(now)
    policy = policy or RetryPolicy.from_env()
    message = claim(message_id, worker=worker or default_worker_name(), now=clock(), policy=policy)
    if message is None:
        return None
    started, t0 = clock(), time.monotonic()
    result, error = _attempt(message)
    duration_ms = round((time.monotonic() - t0) * 1000)
    return _finish(message, result=result, error=error, started=started, finished=clock(),
                   duration_ms=duration_ms, policy=policy)


def claim(message_id: int, *, worker: str, now: dt.datetime, policy: RetryPolicy) -> Message | None:
    """Take the lease on a due message: the conditional UPDATE changes the row only
    if it is still in the state we read (the attempt count is the fence), so of two
    workers exactly one wins. Returns the claimed message, or None."""
    seen = Message.objects.filter(_due(now, policy), pk=message_id).first()
    if seen is None:
        return None
    if seen.status == MessageStatus.SENDING and seen.attempts >= policy.max_attempts:
        _give_up_lost(seen, now=now)
        return None
    won = Message.objects.filter(_due(now, policy), pk=message_id, attempts=seen.attempts).update(
        status=MessageStatus.SENDING, claimed_at=now, claimed_by=worker, attempts=F("attempts") + 1,
    )
    if won != 1:
        return None
    if seen.status == MessageStatus.SENDING:
        _record_lost_attempt(seen, now=now)
    seen.status, seen.claimed_at, seen.claimed_by, seen.attempts = (
        MessageStatus.SENDING, now, worker, seen.attempts + 1)
    return seen


LEASE_EXPIRED = ("租约过期：发送进程未报告结果 / lease expired: the worker stopped before "
                 "reporting (the gateway may have the message already)")


def _record_lost_attempt(seen: Message, *, now: dt.datetime) -> None:
    DeliveryAttempt.objects.create(
        message_id=seen.pk, number=seen.attempts, worker=seen.claimed_by, started_at=seen.claimed_at,
        finished_at=now, outcome=AttemptOutcome.TEMPORARY_ERROR, error=LEASE_EXPIRED,
    )


def _give_up_lost(seen: Message, *, now: dt.datetime) -> None:
    """A lost lease on the last allowed attempt: no try is left."""
    with transaction.atomic():
        changed = Message.objects.filter(pk=seen.pk, status=MessageStatus.SENDING, attempts=seen.attempts,
                                         claimed_at=seen.claimed_at).update(
            status=MessageStatus.GIVEN_UP, last_error=LEASE_EXPIRED, due_at=None, claimed_at=None, claimed_by="")
        if changed:
            _record_lost_attempt(seen, now=now)
            _audit_transition(seen, MessageStatus.GIVEN_UP, last_error=LEASE_EXPIRED)


def _attempt(message: Message) -> tuple[SendResult | None, TransportError | None]:
    try:
        return transport_for(message.channel).send(message), None
    except TransportError as exc:
        return None, exc
    except Exception as exc:  # a transport bug must not leave the row claimed until its lease ends
        log.exception("transport for %s failed unexpectedly on message %s", message.channel, message.pk)
        return None, TransportError(f"内部错误 / internal error: {type(exc).__name__}: {exc}")


def _finish(message: Message, *, result: SendResult | None, error: TransportError | None,
            started: dt.datetime, finished: dt.datetime, duration_ms: int, policy: RetryPolicy) -> str:
    """Record the attempt and move the message on, fenced by our claim: if the lease
    was lost meanwhile (or a receipt came first), the row is left as it is."""
    number = message.attempts
    status, fields = _next_state(message, result=result, error=error, now=finished, policy=policy)
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            message_id=message.pk, number=number, worker=message.claimed_by, started_at=started,
            finished_at=finished, duration_ms=duration_ms,
            outcome=_outcome(error), error=str(error) if error else "",
            http_status=(result.http_status if result else error.http_status),
        )
        changed = Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING, attempts=number).update(
            status=status, claimed_at=None, claimed_by="", **fields)
        if changed:
            _audit_transition(message, status, **fields)
        else:
            log.warning("message %s changed while attempt %s was out; its state is kept", message.pk, number)
    return status


def _next_state(message, *, result, error, now, policy) -> tuple[str, dict]:
    if error is None:
        return MessageStatus.SENT, {"sent_at": now, "due_at": None, "last_error": "",
                                    "provider_message_id": result.provider_message_id}
    if error.permanent:
        return MessageStatus.FAILED, {"due_at": None, "last_error": str(error)}
    if message.attempts >= policy.max_attempts:
        return MessageStatus.GIVEN_UP, {"due_at": None, "last_error": str(error)}
    return MessageStatus.QUEUED, {"due_at": now + policy.backoff(message.attempts), "last_error": str(error)}


def _outcome(error: TransportError | None) -> str:
    if error is None:
        return AttemptOutcome.ACCEPTED
    return AttemptOutcome.PERMANENT_ERROR if error.permanent else AttemptOutcome.TEMPORARY_ERROR


# Audit actions by the status a message moves to.
_ACTIONS = {
    MessageStatus.SENT: "send", MessageStatus.QUEUED: "retry", MessageStatus.FAILED: "fail",
    MessageStatus.GIVEN_UP: "give_up", MessageStatus.DELIVERED: "deliver",
}


def _audit_transition(message: Message, status: str, **fields) -> None:
    after = {"status": status, "attempts": message.attempts,
             **{k: v for k, v in fields.items() if k in ("due_at", "last_error", "provider_message_id")}}
    audit.record(actor=None, action=_ACTIONS[status], object_type="messaging.message", object_id=message.pk,
                 region_code=message.region_code, before={"status": message.status}, after=after)


# Receipts ------------------------------------------------------------------------

def record_receipt(*, message_id: int, status: str, reply: str | None = None, error: str = "") -> Message:
    """A gateway's report on a message: delivered or failed, perhaps with the text the
    person sent back. A reply is stored and handed to every reply listener. A
    repeated receipt changes nothing; a late "failed" does not undo "delivered"."""
    if status not in RECEIPT_STATUSES:
        raise DomainError("回执状态只能是 delivered 或 failed", "Receipt status must be delivered or failed",
                          fields={"status": "不是允许的取值 / not an allowed value"})
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            raise NotFound("消息不存在", "No such message")
        _apply_receipt_status(message, status, error)
        reply = (reply or "").strip()
        if reply and reply != message.reply:
            _store_reply(message, reply)
    return message


def _apply_receipt_status(message: Message, status: str, error: str) -> None:
    if message.status in (status, MessageStatus.DELIVERED):
        return  # a repeat, or a late failure report after the delivery one
    now = timezone.now()
    before_status = message.status
    if status == MessageStatus.DELIVERED:
        message.delivered_at = now
        message.sent_at = message.sent_at or now  # the receipt overtook the worker's report
        fields = {"delivered_at": now, "sent_at": message.sent_at}
    else:
        message.last_error = f"网关回执：发送失败 / gateway reported failure{': ' + error[:300] if error else ''}"
        fields = {"last_error": message.last_error}
    message.status, message.due_at, message.claimed_at, message.claimed_by = status, None, None, ""
    message.save(update_fields=["status", "due_at", "claimed_at", "claimed_by", *fields])
    message.status = before_status  # for the audit's "before"
    _audit_transition(message, status, **fields)
    message.status = status


def _store_reply(message: Message, reply: str) -> None:
    message.reply, message.replied_at = reply, timezone.now()
    message.save(update_fields=["reply", "replied_at"])
    audit.record(actor=None, action="reply", object_type="messaging.message", object_id=message.pk,
                 region_code=message.region_code, after={"reply": reply})
    for listener in reply_listeners:
        try:
            with transaction.atomic():  # a failing listener rolls back only its own writes
                listener(message, reply)
        except Exception:
            log.exception("reply listener %r failed on message %s", listener, message.pk)
