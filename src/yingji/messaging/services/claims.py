"""Claims: the retry policy, which messages are due, and the conditional UPDATEs by
which a worker takes them (a claim is a lease; a lost one is retried or given up)."""

import datetime as dt
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from ...core import audit
from ...core.queues import head_in_index_order
from ..choices import AttemptOutcome, MessageStatus
from ..models import DeliveryAttempt, Message


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


def batch_size() -> int:
    return max(1, int(settings.YINGJI_MESSAGING_BATCH))


def concurrency() -> int:
    return max(1, int(settings.YINGJI_MESSAGING_CONCURRENCY))


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
