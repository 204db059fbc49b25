"""Queue heads are read in index order whatever the planner's statistics say
(core/queues.py): a flood of rows that the statistics have not seen yet must not
make each claim fetch and sort every open row."""

import pytest
from django.db import connection
from django.utils import timezone

from yingji.alerts.choices import ActionState
from yingji.alerts.models import CallUpAction
from yingji.core.queues import head_in_index_order
from yingji.messaging.choices import MessageStatus
from yingji.messaging.models import Message

pytestmark = pytest.mark.django_db

FLOOD = 20_000


def forget_statistics(model) -> None:
    """Make the table look as nobody had ever analyzed it: no row count (reltuples -1)
    and no column statistics. Autovacuum may have analyzed the test database's table at
    any time before, so the precondition is set here rather than hoped for. The catalog
    rows are changed inside the test's transaction (a superuser's right, as CI's
    `postgres` is) and come back with its rollback; autovacuum is off for the table
    meanwhile, and sees none of the test's uncommitted rows anyway."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
        cursor.execute("UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid = %s::regclass", [table])
        cursor.execute("DELETE FROM pg_statistic WHERE starelid = %s::regclass", [table])
        cursor.execute("SELECT reltuples, (SELECT count(*) FROM pg_stats WHERE tablename = %s)"
                       " FROM pg_class WHERE oid = %s::regclass", [table, table])
        assert cursor.fetchone() == (-1, 0)


@pytest.fixture
def stale_statistics_then_a_flood():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no planner statistics to go stale")
    # No statistics at all, as for a table nobody has analyzed yet: the planner
    # guesses ~0.5 % of the rows match, fewer than the batch asked for, and would
    # fetch them all and sort them.
    forget_statistics(Message)
    now = timezone.now()
    # One due time for the lot, as a call-up's batch has: the order is by id within it.
    Message.objects.bulk_create([Message(channel="sms", to="139", text="t", idempotency_key=f"k{i}",
                                         due_at=now) for i in range(FLOOD)], batch_size=5000)
    return now


def plan(queryset) -> str:
    with head_in_index_order():
        return queryset.explain()


def test_the_outbox_is_read_from_its_queue_index(stale_statistics_then_a_flood):
    due = Message.objects.filter(status=MessageStatus.QUEUED, due_at__lte=stale_statistics_then_a_flood)
    text = plan(due.order_by("due_at", "id").select_for_update(skip_locked=True)[:200])
    assert "messaging_queue_idx" in text and "Sort" not in text
    # The same order as sorting would give.
    with head_in_index_order():
        head = list(due.order_by("due_at", "id").values_list("id", flat=True)[:200])
    assert head == sorted(head, key=lambda pk: (Message.objects.get(pk=pk).due_at, pk))


def test_expired_leases_are_read_from_the_lease_index(stale_statistics_then_a_flood):
    Message.objects.update(status=MessageStatus.SENDING, claimed_at=stale_statistics_then_a_flood)
    expired = Message.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=timezone.now())
    text = plan(expired.order_by("claimed_at", "id").values("id")[:100])
    assert "messaging_lease_idx" in text and "Sort" not in text


def test_the_call_up_timers_are_read_from_their_queue_index():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no planner statistics to go stale")
    due = CallUpAction.objects.filter(state=ActionState.PENDING, due_at__lte=timezone.now())
    text = plan(due.order_by("due_at", "id")[:500])
    assert "alerts_action_queue_idx" in text and "Sort" not in text


def test_sorting_is_back_on_after_the_block():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with head_in_index_order(), connection.cursor() as cursor:
        cursor.execute("SHOW enable_sort")
        assert cursor.fetchone() == ("off",)
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_sort")
        assert cursor.fetchone() == ("on",)


def test_the_receipts_inbox_is_read_from_its_queue_index():
    """After a call-up the inbox holds many applied receipts and a few waiting: the
    claim must not walk the primary key past every applied one."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no planner statistics to go stale")
    from yingji.messaging.inbox import _claim
    from yingji.messaging.models import InboundReceipt

    forget_statistics(InboundReceipt)
    now = timezone.now()
    message = Message.objects.create(channel="sms", to="139", text="t", idempotency_key="k", due_at=now)
    InboundReceipt.objects.bulk_create([InboundReceipt(message=message, status="delivered", received_at=now,
                                                       applied_at=now if i < FLOOD else None)
                                        for i in range(FLOOD + 3)], batch_size=5000)
    waiting = InboundReceipt.objects.filter(applied_at__isnull=True).order_by("id")
    text = plan(waiting.select_for_update(skip_locked=True).values_list("pk")[:1000])
    assert "messaging_inbox_idx" in text and "Sort" not in text
    assert [row[0] for row in _claim(1000)] == list(waiting.values_list("pk", flat=True))
