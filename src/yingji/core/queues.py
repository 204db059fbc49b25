"""Reading the head of a queue table (the outbox's messages, the call-up's timers).

A worker asks "the oldest N due rows" (`... ORDER BY due_at, id LIMIT N`), and each
queue has a partial index in exactly that order holding only its open rows. The
planner picks that index only if it knows how many rows are open, and during a
flood it never does: the statistics say "almost nothing is queued" (they were
taken before 150,000 messages arrived a second ago; autovacuum looks once a
minute, or not at all where it is switched off). Believing that, PostgreSQL
fetches every open row and sorts them to return the first N, once per batch:
measured here, 76 ms per claim and 190 s instead of 60 for a province-wide
call-up. Inside `head_in_index_order()` sorting is off, so the only plan left is
the ordered index scan, which stops after N rows whatever the statistics say.
"""

from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def head_in_index_order():
    """Run the queries of the block with PostgreSQL sorts disabled (in a transaction:
    the setting ends with it, or at the end of the block). No-op elsewhere: SQLite
    plans by the index it has, without statistics."""
    if connection.vendor != "postgresql":
        yield
        return
    # No savepoint inside a caller's transaction: an error there rolls it all back anyway.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        try:
            yield
        finally:
            cursor.execute("SET LOCAL enable_sort = on")
