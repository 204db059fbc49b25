"""The hand-off of new observations to the apps that act on them (floods, insurance).

Rows, not callbacks. `ingest` writes one `ObservationBatch` row in the transaction that
stores the batch's observations: once the readings are committed, so is the news of
them. Each consumer keeps a `ConsumerCursor` (the id of the last batch it processed),
and its scheduler tick calls `consume`, which hands it the batches after its cursor,
oldest first, each in one transaction that also moves the cursor. A crash anywhere
loses nothing: before the commit neither the work nor the cursor's move happened, and
the next tick (in this process or another) does it. Heavy work (a flood call-up, a
payout evaluation) runs in the worker's tick, never in the request or the MQTT loop
that ingested the reading.

Why a cursor by id cannot skip a batch: PostgreSQL gives ids at insert, not at
commit, so batch 8 could commit before batch 7, and a consumer that had moved to 8
would never see 7. `record_batch` therefore locks the batch table (SHARE ROW
EXCLUSIVE conflicts only with itself: reads go on) before inserting, and holds the
lock until its transaction ends: the next batch gets its id only after this one has
committed or rolled back, so ids are committed in id order, and when a consumer sees
batch n, every batch below n is committed or will never be. SQLite has one writer at
a time: its commit order is its id order already.

Why a batch cannot be processed twice: the cursor moves by a conditional UPDATE
(`position = seen` → the batch's id) at the start of the transaction that does the
work. A second worker's UPDATE waits for the first transaction, then finds the
position moved and stops; if the work raises, the work and the move roll back
together and a later tick tries the batch again (logged each time: a batch that
always fails holds its consumer back, visibly, rather than being dropped).
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from .models import ConsumerCursor, Observation, ObservationBatch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewObservation:
    """One observation of a batch, as consumers get it."""

    station: str  # station code
    quantity: int  # choices.Quantity
    time: dt.datetime
    quality: int  # choices.Quality


def record_batch(observations: list[Observation], *, source: str) -> ObservationBatch:
    """Write the hand-off row of `observations`; call inside the transaction that
    stores them, as its last statement (the lock below lasts until the commit)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_batch must run inside the ingesting transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {ObservationBatch._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    rows = [[o.station.code, int(o.quantity), o.time.isoformat(), int(o.quality)] for o in observations]
    return ObservationBatch.objects.create(source=source[:100], observations=rows)


def new_observations(batch: ObservationBatch) -> list[NewObservation]:
    return [NewObservation(code, quantity, dt.datetime.fromisoformat(time), quality)
            for code, quantity, time, quality in batch.observations]


def consume(*, consumer: str, handle: Callable[[list[NewObservation]], object], limit: int = 100) -> int:
    """Hand the batches after `consumer`'s cursor to `handle`, oldest first, at most
    `limit`; each call of `handle` runs in the transaction that moves the cursor past
    its batch. Returns how many batches were processed. Stops at the first batch
    whose handling raises (logged; retried by the next call)."""
    ConsumerCursor.objects.get_or_create(consumer=consumer)
    done = 0
    while done < limit:
        seen = ConsumerCursor.objects.values_list("position", flat=True).get(consumer=consumer)
        batch = ObservationBatch.objects.filter(pk__gt=seen).order_by("pk").first()
        if batch is None:
            break
        try:
            with transaction.atomic():
                won = (ConsumerCursor.objects.filter(consumer=consumer, position=seen)
                       .update(position=batch.pk, updated_at=timezone.now()))
                if not won:  # another worker took this batch: it is its to finish
                    break
                handle(new_observations(batch))
        except Exception:
            log.exception("consumer %s failed on observation batch %s; it is retried next round", consumer, batch.pk)
            break
        done += 1
    return done


KEEP_DAYS = 7  # processed batches kept this long, for the operator looking at what arrived


def prune(*, now: dt.datetime | None = None) -> int:
    """Delete the batches every consumer has passed and that are older than KEEP_DAYS;
    how many. A consumer that never ran has no cursor yet: it will start after what
    was deleted, which arrived before it was installed."""
    lowest = min(ConsumerCursor.objects.values_list("position", flat=True), default=None)
    if lowest is None:
        return 0
    before = (now or timezone.now()) - dt.timedelta(days=KEEP_DAYS)
    deleted, _ = ObservationBatch.objects.filter(pk__lte=lowest, created_at__lt=before).delete()
    return deleted
