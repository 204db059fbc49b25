"""Delivery: send a claimed batch side by side over keep-alive connections, and record
the attempts and the messages' new states in bulk."""

import datetime as dt
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass

from django.db import connection, transaction

from ...core import audit
from ...core.bulk import insert_rows, json_rows, rows_table
from ..choices import AttemptOutcome, MessageStatus
from ..httpclient import Outcome, Post, exchanges
from ..models import DeliveryAttempt, Message
from ..transports import HttpTransport, SendResult, TransportError, transport_for
from .claims import (
    _ACTIONS,
    RetryPolicy,
    _clock,
    batch_size,
    claim,
    claim_batch,
    concurrency,
    default_worker_name,
    expired_lease_ids,
)
from .outbox import _common_region

log = logging.getLogger(__name__)

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
