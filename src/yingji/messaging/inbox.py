"""The receipts inbox (回执收件箱): gateways' reports are written as they arrive and
applied to their messages by the workers, in batches.

Why: a province-wide call-up brings hundreds of thousands of receipts within
minutes (each message is reported delivered, and many get a reply "1"). Applied
one at a time in the request (the message, the call-up target it acknowledges,
the next timer, two audit records: a dozen statements), a receipt cost ~10 ms of
CPU, and two cores took ~120 a second (`benchmarks/callup_fanout.py`). An
acknowledgement recorded late means a voice call, then an escalation, for someone
who had answered. Here the endpoint writes one row and answers; a worker applies
up to BATCH waiting rows in one transaction through `services.record_receipts`
(one audit record for the batch, as for a gateway's list).

- A receipt is durable before the gateway has its answer; a crash between writing
  and applying loses nothing, the next round applies it.
- The times are those of arrival: a reply "1" that waited in the inbox still
  acknowledges at the second it came.
- Without a broker (the demo, most tests) the receipts are applied before the
  answer, as if there were no inbox.
- The rows are the record of what arrived; applying them is what changes messages
  and targets, and that is audited.
"""

import datetime as dt
import logging
import threading
import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..core.bulk import json_rows, row_values
from ..core.queues import head_in_index_order
from . import services
from .models import InboundReceipt, Message

log = logging.getLogger(__name__)

BATCH = 1000
# With a broker, each web process asks the workers to apply at most once a second
# (a task per receipt would apply them one by one again), and the scheduler's tick
# applies, every second, what a skipped request left. Measured with 8 gateway
# clients sending one receipt per request: asking every 0.2 s made batches so
# small that 300 receipts a second were applied; every 1 s, 450 (as fast as they
# came).
KICK_EVERY_SECONDS = 1.0


def receive(receipts: list[services.Receipt]) -> list[bool]:
    """Write the receipts whose message exists, stamped now; for each receipt,
    whether it was written (False: there is no such message)."""
    services.check_receipt_statuses(receipts)
    rows = [(r.message_id, r.status, r.reply, r.error[:500]) for r in receipts]
    with transaction.atomic():
        stored = _store(rows, timezone.now())
        if stored and settings.BROKER_URL:
            transaction.on_commit(_ask_workers)
    if stored and not settings.BROKER_URL:
        apply_waiting()
    return [r.message_id in stored for r in receipts]


def _store(rows: list[tuple], now: dt.datetime) -> set[int]:
    """Insert the rows (message id, status, reply, error) whose message exists; the
    ids of those messages. On PostgreSQL one statement, the request's only one."""
    if connection.vendor != "postgresql":
        known = set(Message.objects.filter(pk__in={row[0] for row in rows}).values_list("pk", flat=True))
        InboundReceipt.objects.bulk_create([InboundReceipt(message_id=m, status=s, reply=r, error=e, received_at=now)
                                            for m, s, r, e in rows if m in known])
        return known
    message_id, *others = row_values(InboundReceipt, ["message_id", "status", "reply", "error"])
    with connection.cursor() as cursor:
        # In the order given (a list may hold a message's "在路上" and then its "1").
        cursor.execute(
            f"INSERT INTO {InboundReceipt._meta.db_table} (message_id, status, reply, error, received_at) "
            f"SELECT {message_id}, {', '.join(others)}, %s "
            "FROM json_array_elements(%s::json) WITH ORDINALITY AS e(r, n) "
            f"WHERE EXISTS (SELECT 1 FROM {Message._meta.db_table} AS m WHERE m.id = {message_id}) "
            "ORDER BY e.n RETURNING message_id", [now, json_rows(rows)])
        return {row[0] for row in cursor.fetchall()}


def apply_waiting(limit: int = 20_000) -> int:
    """Apply waiting receipts in arrival order, BATCH at a time; how many were
    applied. Safe in many processes at once: a batch is claimed with SKIP LOCKED
    and marked applied in the transaction that applies it."""
    done = 0
    while done < limit:
        with transaction.atomic():
            rows = _claim(min(BATCH, limit - done))
            if not rows:
                break
            services.record_receipts([services.Receipt(m, s, r, e, at) for _, m, s, r, e, at in rows])
            InboundReceipt.objects.filter(pk__in=[row[0] for row in rows]).update(applied_at=timezone.now())
        done += len(rows)
    return done


def _claim(limit: int) -> list[tuple]:
    waiting = InboundReceipt.objects.filter(applied_at__isnull=True).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        waiting = waiting.select_for_update(skip_locked=True)
    with head_in_index_order():
        return list(waiting.values_list("pk", "message_id", "status", "reply", "error", "received_at")[:limit])


_kick_lock = threading.Lock()
_last_kick = float("-inf")


def _ask_workers(clock=time.monotonic) -> bool:
    """After a receipt's commit: ask the workers to apply, unless this process asked
    less than KICK_EVERY_SECONDS ago. Whether it asked."""
    global _last_kick
    with _kick_lock:
        now = clock()
        if now - _last_kick < KICK_EVERY_SECONDS:
            return False
        _last_kick = now
    from . import tasks

    try:
        tasks.apply_receipts.delay()
    except Exception:
        log.exception("asking for the receipts to be applied failed; the tick will apply them")
    return True
