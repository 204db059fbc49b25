"""Every write of the outbox: enqueue, claim and deliver, receipts.

The message row is the queue (the Healthchecks shape): `send()` writes a row and,
after the caller's transaction commits, asks for an immediate delivery; the
scheduler tick `deliver_due()` picks up whatever is due anyway, so a lost task, a
broker restart or a crashed worker delays a message but never loses it.

A worker claims rows with conditional UPDATEs that name the state they read
(status, due time or expired lease, and the attempt count as a fence): two workers
never send the same attempt. Due messages are claimed in batches (see "Deliver"
below), sent side by side over keep-alive connections (httpclient.py), and their
outcomes recorded in bulk. A claim is a lease: a worker that dies after claiming
leaves its unrecorded rows in SENDING, which another worker retries once the lease has
expired, with the same message ids, so the gateway can recognise a duplicate of a
try that did get out. The message id is the idempotency key towards the gateway;
`idempotency_key` is the one towards our callers (the same key never makes a
second message). Gateways' receipts arrive through the inbox (inbox.py) and are
applied here, in batches (`record_receipts`).
"""

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..core import audit, regioncodes
from ..core.bulk import insert_rows, json_rows, rows_table, update_rows
from ..core.errors import DomainError, NotFound
from ..core.queues import head_in_index_order
from .choices import AttemptOutcome, Channel, MessageStatus
from .models import DeliveryAttempt, Message
from .httpclient import Outcome, Post, exchanges
from .transports import HttpTransport, SendResult, TransportError, transport_for

log = logging.getLogger(__name__)

RECEIPT_STATUSES = (MessageStatus.DELIVERED, MessageStatus.FAILED)
PERSON_ADDRESSED = (Channel.SMS, Channel.VOICE, Channel.DINGTALK, Channel.WECOM)


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
    def from_settings(cls) -> "RetryPolicy":
        return cls(
            base_seconds=float(settings.YINGJI_MESSAGING_RETRY_BASE_SECONDS),
            cap_seconds=float(settings.YINGJI_MESSAGING_RETRY_CAP_SECONDS),
            max_attempts=int(settings.YINGJI_MESSAGING_MAX_ATTEMPTS),
            lease_seconds=float(settings.YINGJI_MESSAGING_LEASE_SECONDS),
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
    message = Message(
        channel=channel, to=(to or _address_of(person, channel)).strip(), person=person, subject=subject,
        text=text, idempotency_key=idempotency_key,
        region_code=region_code or (person.region_id if person is not None else ""),
        context=context or {}, due_at=due_at or timezone.now(),
    )
    return _enqueue(message)


def _enqueue(message: Message) -> Message:
    existing = Message.objects.filter(idempotency_key=message.idempotency_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            message.full_clean(validate_unique=False)  # the unique index decides, race-free
            message.save()
            audit.record(actor=None, action="create", obj=message, region_code=message.region_code,
                         after=audit.snapshot(message))
    except IntegrityError:
        # Another process enqueued the same key between our look and our insert.
        return Message.objects.get(idempotency_key=message.idempotency_key)
    transaction.on_commit(partial(_deliver_soon, message.pk))
    return message


@dataclass(frozen=True)
class Outgoing:
    """One message for `send_many`: the arguments of `send()`, with the person's id
    and number already known (a call-up reads them with its targets)."""

    channel: str
    to: str
    text: str
    idempotency_key: str
    person_id: int | None = None
    subject: str = ""
    region_code: str = ""
    context: dict | None = None


# Deliveries asked for at most, however large the batch: each one drains whatever
# is due, so a few are enough to put every worker to work.
MAX_KICKS = 8


def send_many(items: list[Outgoing], *, due_at: dt.datetime | None = None) -> list[int]:
    """`send()` for many messages at once (a call-up's step for thousands of people):
    the ids of the messages in the order given, those already in the outbox under
    their key included as they are. Bulk inserts and ONE audit record for the batch.
    The caller must not enqueue the same keys concurrently (a call-up's timers are
    claimed by one worker); if it does, the unique key still decides, row by row."""
    channels = set(Channel.values)
    for item in items:
        if item.channel not in channels:
            raise DomainError("未知的消息渠道", f"Unknown channel {item.channel!r}",
                              fields={"channel": "未知 / unknown"})
        if not item.idempotency_key:
            raise DomainError("缺少幂等键", "idempotency_key is required",
                              fields={"idempotency_key": "必填 / required"})
    keys = [item.idempotency_key for item in items]
    found = dict(Message.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", "pk"))
    due_at = due_at or timezone.now()
    new = list({i.idempotency_key: i for i in items if i.idempotency_key not in found}.values())
    try:
        with transaction.atomic():
            created = _insert_messages(new, due_at=due_at)
            if created:
                audit.record_batch(actor=None, action="create_batch", object_type="messaging.message",
                                   ids={"create": created}, region_code=_common_region(new))
    except IntegrityError:
        # Someone enqueued one of these keys meanwhile: one by one, the key decides.
        return [_enqueue(_message_of(i, due_at)).pk for i in items]
    found.update(zip((i.idempotency_key for i in new), created, strict=True))
    if created:
        transaction.on_commit(partial(_deliver_batch_soon, len(created)))
    return [found[k] for k in keys]


def _message_of(item: Outgoing, due_at: dt.datetime) -> Message:
    return Message(channel=item.channel, to=(item.to or "").strip()[:300], person_id=item.person_id,
                   subject=item.subject[:200], text=item.text, idempotency_key=item.idempotency_key,
                   region_code=item.region_code, context=item.context or {}, due_at=due_at)


def _insert_messages(items: list[Outgoing], *, due_at: dt.datetime) -> list[int]:
    """The new messages' ids. On PostgreSQL from one JSON text (core/bulk.py), with
    no model instances: a call-up's hot path."""
    if connection.vendor != "postgresql" or not items:
        return [m.pk for m in Message.objects.bulk_create([_message_of(i, due_at) for i in items],
                                                         batch_size=1000)]
    fields = ["channel", "to", "person_id", "subject", "text", "idempotency_key", "region_code", "context", "due_at"]
    return insert_rows(
        Message, fields,
        [(i.channel, (i.to or "").strip()[:300], i.person_id, i.subject[:200], i.text, i.idempotency_key,
          i.region_code, i.context or {}, due_at) for i in items],
        same={"status": MessageStatus.QUEUED, "attempts": 0, "claimed_by": "", "provider_message_id": "",
              "last_error": "", "reply": "", "created_at": timezone.now()})


KICK_PER_MESSAGES = 1000


def _deliver_batch_soon(count: int) -> None:
    """Ask for deliveries now: one per KICK_PER_MESSAGES, at most MAX_KICKS (each
    drains what is due; more would only queue empty tasks). With a broker only:
    run in-process (eager), a large batch would be sent inside the caller's request;
    there the tick sends it."""
    from django.conf import settings

    from . import tasks

    if not settings.BROKER_URL:
        return
    for _ in range(min(MAX_KICKS, -(-count // KICK_PER_MESSAGES))):
        try:
            tasks.deliver_due.delay()
        except Exception:
            log.exception("asking for delivery failed; the tick will send the messages")
            return


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
#
# Batches: a worker claims up to `batch_size()` due messages in ONE statement
# (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so workers never wait on each other's rows;
# SQLite, the demo database, has no row locks and writes one at a time: there each
# row is claimed by its own conditional UPDATE), hands them to their gateways,
# `concurrency()` at a time over keep-alive connections (the work is waiting on the
# network), and records what happened every `FLUSH_ROWS` answers: the attempts by one
# bulk insert, the new states by one fenced UPDATE, and ONE audit record for the
# lot (core/audit.py explains why). A worker that dies leaves its claimed but
# unrecorded messages in SENDING; another retries them, with the same message ids,
# once their lease has expired.

# Claims and outcomes commit durably (waiting for the WAL fsync). Asynchronous commit
# (`synchronous_commit = off`) was measured and made no difference: an fsync takes
# ~0.1-0.2 ms, once per batch of hundreds of messages.
FLUSH_ROWS = 500
FLUSH_SECONDS = 0.25


def batch_size() -> int:
    return max(1, int(settings.YINGJI_MESSAGING_BATCH))


def concurrency() -> int:
    return max(1, int(settings.YINGJI_MESSAGING_CONCURRENCY))


@dataclass
class Tried:
    """One try of one message: what the transport answered, and when."""

    message: Message
    result: SendResult | None
    error: TransportError | None
    started: dt.datetime
    finished: dt.datetime
    duration_ms: int


def deliver_due(now: dt.datetime | None = None, limit: int = 100, worker: str = "", *,
                policy: RetryPolicy | None = None) -> dict[str, int]:
    """Claim and send up to `limit` due messages, batch by batch; returns how many
    ended in each status. `now` fixes the clock (tests, simulations); by default each
    step reads the real time. Safe to run in many processes at once."""
    clock = _clock(now)
    policy = policy or RetryPolicy.from_settings()
    worker = worker or default_worker_name()
    outcomes: Counter = Counter()
    remaining = limit
    # Claims whose worker died: rare, and each records the lost try, so one by one.
    for message_id in expired_lease_ids(now=clock(), limit=remaining, policy=policy):
        status = deliver_message(message_id, now=now, worker=worker, policy=policy)
        remaining -= 1
        if status:
            outcomes[str(status)] += 1
    while remaining > 0:
        claimed = claim_batch(worker=worker, now=clock(), limit=min(batch_size(), remaining), policy=policy)
        if not claimed:
            break
        remaining -= len(claimed)
        outcomes.update(str(s) for s in send_batch(claimed, clock=clock, policy=policy))
    return dict(outcomes)


def due_message_ids(*, now: dt.datetime, limit: int, policy: RetryPolicy) -> list[int]:
    # Oldest due first, so a backlog drains in order and nothing starves.
    qs = Message.objects.filter(_due(now, policy)).order_by("due_at", "id")
    return list(qs.values_list("id", flat=True)[:limit])


def expired_lease_ids(*, now: dt.datetime, limit: int, policy: RetryPolicy) -> list[int]:
    expired = now - dt.timedelta(seconds=policy.lease_seconds)
    qs = Message.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=expired).order_by("claimed_at", "id")
    with head_in_index_order():
        return list(qs.values_list("id", flat=True)[:limit])


def _due(now: dt.datetime, policy: RetryPolicy) -> Q:
    expired = now - dt.timedelta(seconds=policy.lease_seconds)
    return (Q(status=MessageStatus.QUEUED, due_at__lte=now)
            | Q(status=MessageStatus.SENDING, claimed_at__lt=expired))


def _clock(now: dt.datetime | None) -> Callable[[], dt.datetime]:
    return (lambda: now) if now is not None else timezone.now


def claim_batch(*, worker: str, now: dt.datetime, limit: int, policy: RetryPolicy) -> list[Message]:
    """Take the lease on up to `limit` queued, due messages, oldest first."""
    if not connection.features.has_select_for_update_skip_locked:
        ids = Message.objects.filter(status=MessageStatus.QUEUED, due_at__lte=now).order_by("due_at", "id")
        claimed = (claim(i, worker=worker, now=now, policy=policy) for i in ids.values_list("id", flat=True)[:limit])
        return [m for m in claimed if m is not None]
    table = Message._meta.db_table
    # The claimed rows come back whole from RETURNING (no second read).
    fields = [f for f in Message._meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with head_in_index_order(), connection.cursor() as cursor:
        # Rows another worker is claiming right now are skipped, not waited for.
        cursor.execute(
            f"UPDATE {table} SET status = %s, claimed_at = %s, claimed_by = %s, attempts = attempts + 1 "
            f"WHERE id IN (SELECT id FROM {table} WHERE status = %s AND due_at <= %s "
            f"ORDER BY due_at, id LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING {columns}",
            [MessageStatus.SENDING, now, worker, MessageStatus.QUEUED, now, limit])
        rows = cursor.fetchall()
    converters = [(i, c) for i, f in enumerate(fields) for c in f.get_db_converters(connection)]
    if converters:  # as a query would give them (JSON context, aware datetimes)
        rows = [_converted(row, converters) for row in rows]
    names = [f.attname for f in fields]
    claimed = [Message.from_db(connection.alias, names, row) for row in rows]
    return sorted(claimed, key=lambda m: (m.due_at, m.pk))


def _converted(row, converters) -> list:
    row = list(row)
    for i, converter in converters:
        row[i] = converter(row[i], None, connection)
    return row


def deliver_message(message_id: int, *, now: dt.datetime | None = None, worker: str = "",
                    policy: RetryPolicy | None = None) -> str | None:
    """Claim one message if it is due and send it; the status it ended in, or None
    when it was not due or another worker won it."""
    clock = _clock(now)
    policy = policy or RetryPolicy.from_settings()
    message = claim(message_id, worker=worker or default_worker_name(), now=clock(), policy=policy)
    if message is None:
        return None
    return send_batch([message], clock=clock, policy=policy)[0]


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


# Sending a claimed batch ----------------------------------------------------------

_pool: tuple[int, int, ThreadPoolExecutor] | None = None  # (pid, threads, executor)
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """The process's sender threads for channels that are not one HTTP POST (e-mail),
    made anew after a fork: threads do not survive one."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[:2] != (os.getpid(), concurrency()):
            _pool = (os.getpid(), concurrency(), ThreadPoolExecutor(concurrency(), thread_name_prefix="yingji-send"))
        return _pool[2]


def send_batch(messages: list[Message], *, clock: Callable[[], dt.datetime],
               policy: RetryPolicy) -> list[str]:
    """Send claimed messages and record each outcome; the statuses they ended in.
    HTTP channels go out side by side from this thread (httpclient.py), others
    (e-mail) from `concurrency()` sender threads; none of it touches the database.
    Answers are recorded every FLUSH_ROWS, and at least every FLUSH_SECONDS while a
    slow gateway holds the rest, so that a worker dying then leaves only the
    messages really on the wire to be sent again."""
    recorder = _Recorder(policy)
    posts, others = [], []
    for message in messages:
        transport = transport_for(message.channel)
        if not isinstance(transport, HttpTransport):
            others.append(message)
            continue
        started = clock()
        post, error = _post_of(transport, message)
        if isinstance(post, Post):
            posts.append(Post(post.url, post.payload, tag=(message, started)))
        else:  # refused before sending, or nothing to send (the console gateway)
            recorder.add([Tried(message, post, error, started, clock(), 0)])
    waiting = {_executor().submit(_try, m, clock) for m in others}
    for outcomes in exchanges(concurrency()).run(posts, wait_seconds=FLUSH_SECONDS):
        finished, waiting = wait(waiting, timeout=0) if waiting else ((), waiting)
        recorder.add([_answered(o, clock) for o in outcomes] + [f.result() for f in finished])
    while waiting:
        finished, waiting = wait(waiting, timeout=FLUSH_SECONDS, return_when=FIRST_COMPLETED)
        recorder.add([f.result() for f in finished])
    return recorder.close()


class _Recorder:
    """Collects tries and records them every FLUSH_ROWS or FLUSH_SECONDS."""

    def __init__(self, policy: RetryPolicy):
        self.policy, self.done, self.statuses, self.flushed = policy, [], [], time.monotonic()

    def add(self, tried: list[Tried]) -> None:
        self.done += tried
        if len(self.done) >= FLUSH_ROWS or (self.done and time.monotonic() - self.flushed >= FLUSH_SECONDS):
            self._flush()

    def close(self) -> list[str]:
        if self.done:
            self._flush()
        return self.statuses

    def _flush(self) -> None:
        self.statuses += finish_batch(self.done, policy=self.policy)
        self.done, self.flushed = [], time.monotonic()


def _post_of(transport: HttpTransport, message: Message) -> tuple[Post | SendResult | None, TransportError | None]:
    try:
        return transport.post(message), None
    except TransportError as exc:
        return None, exc
    except Exception as exc:  # a transport bug must not leave the row claimed until its lease ends
        return None, _internal_error(message, exc)


def _answered(outcome: Outcome, clock) -> Tried:
    """A finished POST as a try: the transport reads the answer (a robot's errcode)."""
    message, started = outcome.post.tag
    result, error = None, outcome.error
    if error is None:
        try:
            result = transport_for(message.channel).accepted(message, outcome.answer)
        except TransportError as exc:
            error = exc
        except Exception as exc:
            error = _internal_error(message, exc)
    return Tried(message, result, error, started, clock(), round(outcome.seconds * 1000))


def _try(message: Message, clock) -> Tried:
    started, t0 = clock(), time.monotonic()
    result, error = _attempt(message)
    return Tried(message, result, error, started, clock(), round((time.monotonic() - t0) * 1000))


def _attempt(message: Message) -> tuple[SendResult | None, TransportError | None]:
    try:
        return transport_for(message.channel).send(message), None
    except TransportError as exc:
        return None, exc
    except Exception as exc:  # a transport bug must not leave the row claimed until its lease ends
        return None, _internal_error(message, exc)


def _internal_error(message: Message, exc: Exception) -> TransportError:
    log.exception("transport for %s failed unexpectedly on message %s", message.channel, message.pk)
    return TransportError(f"内部错误 / internal error: {type(exc).__name__}: {exc}")


def _finish(message: Message, *, result: SendResult | None, error: TransportError | None,
            started: dt.datetime, finished: dt.datetime, duration_ms: int, policy: RetryPolicy) -> str:
    """Record one try (see `finish_batch`)."""
    return finish_batch([Tried(message, result, error, started, finished, duration_ms)], policy=policy)[0]


def finish_batch(tried: list[Tried], *, policy: RetryPolicy) -> list[str]:
    """Record the tries and move the messages on, each fenced by its claim: a message
    whose lease was lost meanwhile (or for which a receipt came first) is left as it
    is. One transaction: attempts, states and the batch's audit record."""
    moves = [(t, *_next_state(t.message, result=t.result, error=t.error, now=t.finished, policy=policy))
             for t in tried]
    with transaction.atomic():
        _insert_attempts(tried)
        changed = _move(moves)
        ids: dict[str, list] = {}
        for t, status, _ in moves:
            if t.message.pk in changed:
                ids.setdefault(_ACTIONS[status], []).append(t.message.pk)
        if ids:
            audit.record_batch(actor=None, action="deliver_batch", object_type="messaging.message", ids=ids,
                               region_code=_common_region(t.message for t, _, _ in moves),
                               extra={"worker": tried[0].message.claimed_by})
    for t, _, _ in moves:
        if t.message.pk not in changed:
            log.warning("message %s changed while attempt %s was out; its state is kept",
                        t.message.pk, t.message.attempts)
    return [status for _, status, _ in moves]


def _insert_attempts(tried: list[Tried]) -> None:
    rows = [(t.message.pk, t.message.attempts, t.message.claimed_by, t.started, t.finished, t.duration_ms,
             _outcome(t.error), str(t.error) if t.error else "",
             t.result.http_status if t.result else t.error.http_status) for t in tried]
    fields = ["message_id", "number", "worker", "started_at", "finished_at", "duration_ms", "outcome", "error",
              "http_status"]
    if connection.vendor == "postgresql":  # from arrays (core/bulk.py): one per message sent
        insert_rows(DeliveryAttempt, fields, rows)
    else:
        DeliveryAttempt.objects.bulk_create([DeliveryAttempt(**dict(zip(fields, row, strict=True))) for row in rows])


def _move(moves: list[tuple[Tried, str, dict]]) -> set[int]:
    """Write each message's new state if it is still in our claim; the ids written."""
    if connection.vendor == "postgresql":
        return _move_postgresql(moves)
    changed = set()
    for t, status, fields in moves:
        if Message.objects.filter(pk=t.message.pk, status=MessageStatus.SENDING, attempts=t.message.attempts).update(
                status=status, claimed_at=None, claimed_by="", **fields):
            changed.add(t.message.pk)
    return changed


MOVED = ["id", "attempts", "status", "due_at", "last_error", "sent_at", "provider_message_id"]


def _move_postgresql(moves) -> set[int]:
    # One statement for the batch: the new values as JSON rows (core/bulk.py), joined
    # by id. sent_at and the gateway's id are only written by a success.
    table = Message._meta.db_table
    rows = [(t.message.pk, t.message.attempts, status, fields.get("due_at"), fields["last_error"],
             fields.get("sent_at"), fields.get("provider_message_id", "")) for t, status, fields in moves]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS m SET status = v.status, claimed_at = NULL, claimed_by = '', "
            "due_at = v.due_at, last_error = v.last_error, sent_at = COALESCE(v.sent_at, m.sent_at), "
            "provider_message_id = CASE WHEN v.status = %s THEN v.provider_message_id "
            "ELSE m.provider_message_id END "
            f"FROM {rows_table(Message, MOVED)} AS v "
            "WHERE m.id = v.id AND m.status = %s AND m.attempts = v.attempts RETURNING m.id",
            [MessageStatus.SENT, json_rows(rows), MessageStatus.SENDING])
        return {row[0] for row in cursor.fetchall()}


def _common_region(messages) -> str:
    """The smallest region containing every message's region ("" when none does)."""
    return regioncodes.common_region(m.region_code for m in messages)


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
#
# The receipts endpoint stores what gateways report in the inbox (inbox.py); the
# workers apply it here in batches. A batch is one transaction: the messages locked
# in id order (two batches never deadlock), each receipt applied at its arrival
# time, the changed rows written, the replies handed to the listeners, and ONE
# audit record listing what happened to which message.

@dataclass(frozen=True)
class Receipt:
    """A gateway's report (回执) on one message."""

    message_id: int
    status: str
    reply: str | None = None
    error: str = ""
    at: dt.datetime | None = None  # when it arrived; None: now


ReplyBatchListener = Callable[[list[tuple[Message, str]]], object]
# Apps that act on replies (the call-up reads "1" / "收到" as acknowledgement)
# register here from their AppConfig.ready(): each gets the whole list of (message,
# reply) of a batch of receipts; interpreting a reply is their job.
reply_batch_listeners: list[ReplyBatchListener] = []


def register_reply_batch_listener(listener: ReplyBatchListener) -> None:
    """Add a listener once (ready() may run twice in tests and management commands)."""
    if listener not in reply_batch_listeners:
        reply_batch_listeners.append(listener)


def record_receipt(*, message_id: int, status: str, reply: str | None = None, error: str = "") -> Message:
    """A gateway's report on a message: delivered or failed, perhaps with the text the
    person sent back. A reply is stored and handed to every reply listener. A
    repeated receipt changes nothing; a late "failed" does not undo "delivered"."""
    message = record_receipts([Receipt(message_id, status, reply, error)])[0]
    if message is None:
        raise NotFound("消息不存在", "No such message")
    return message


def check_receipt_statuses(receipts: list[Receipt]) -> None:
    for index, receipt in enumerate(receipts):
        if receipt.status not in RECEIPT_STATUSES:
            where = f"[{index}].status" if len(receipts) > 1 else "status"
            raise DomainError("回执状态只能是 delivered 或 failed", "Receipt status must be delivered or failed",
                              fields={where: "不是允许的取值 / not an allowed value"})


def record_receipts(receipts: list[Receipt]) -> list[Message | None]:
    """Apply a list of receipts; for each, its message as it now stands, or None when
    there is no such message (the others are recorded all the same)."""
    check_receipt_statuses(receipts)
    now = timezone.now()
    with transaction.atomic():
        ids = sorted({r.message_id for r in receipts})
        messages = {m.pk: m for m in Message.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
        changed: dict[int, set[str]] = {}
        happened: dict[str, list[int]] = {}
        replies: list[tuple[Message, str]] = []
        for receipt in receipts:
            message = messages.get(receipt.message_id)
            if message is None:
                continue
            at = receipt.at or now
            fields = _apply_receipt_status(message, receipt.status, receipt.error, at)
            if fields:
                changed.setdefault(message.pk, set()).update(fields)
                happened.setdefault(_ACTIONS[receipt.status], []).append(message.pk)
            reply = (receipt.reply or "").strip()[:2000]
            if reply and reply != message.reply:
                message.reply, message.replied_at = reply, at
                changed.setdefault(message.pk, set()).update({"reply", "replied_at"})
                happened.setdefault("reply", []).append(message.pk)
                replies.append((message, reply))
        _save_changed(messages, changed)
        _tell_listeners(replies)
        # Last: the chain head stays locked from here to the commit, and concurrent
        # receipts queue on it.
        if happened:
            audit.record_batch(actor=None, action="receipts", object_type="messaging.message",
                               ids={k: sorted(set(v)) for k, v in happened.items()},
                               region_code=_common_region(messages[i] for i in changed),
                               extra={"replies": {str(m.pk): r for m, r in replies[:500]}})
    return [messages.get(r.message_id) for r in receipts]


def _apply_receipt_status(message: Message, status: str, error: str, now: dt.datetime) -> set[str]:
    """Change the message in memory; the fields changed (none for a repeat, or a late
    failure report after the delivery one)."""
    if message.status in (status, MessageStatus.DELIVERED):
        return set()
    if status == MessageStatus.DELIVERED:
        message.delivered_at = now
        message.sent_at = message.sent_at or now  # the receipt overtook the worker's report
        fields = {"delivered_at", "sent_at"}
    else:
        message.last_error = f"网关回执：发送失败 / gateway reported failure{': ' + error[:300] if error else ''}"
        fields = {"last_error"}
    message.status, message.due_at, message.claimed_at, message.claimed_by = status, None, None, ""
    return fields | {"status", "due_at", "claimed_at", "claimed_by"}


def _save_changed(messages: dict[int, Message], changed: dict[int, set[str]]) -> None:
    # Rows that changed the same fields share one statement (a list of replies "1"
    # changes the same five fields on every row).
    groups: dict[frozenset, list[Message]] = {}
    for pk, fields in changed.items():
        groups.setdefault(frozenset(fields), []).append(messages[pk])
    for fields, rows in groups.items():
        names = sorted(fields)
        if len(rows) == 1:
            rows[0].save(update_fields=names)
        elif connection.vendor == "postgresql":
            update_rows(Message, names, [(m.pk, *(getattr(m, name) for name in names)) for m in rows])
        else:
            Message.objects.bulk_update(rows, names, batch_size=200)


def _tell_listeners(replies: list[tuple[Message, str]]) -> None:
    """Hand the replies on; a failing listener rolls back only its own writes."""
    if not replies:
        return
    for listener in reply_batch_listeners:
        try:
            with transaction.atomic():
                listener(replies)
        except Exception:
            log.exception("reply batch listener %r failed", listener)
