"""Two real Celery workers claim one message queue in parallel during a call-up.

Not an interleaving the test chooses: two worker processes (solo pool, prefetch 1,
4 sender threads each) consume the same RabbitMQ queue and claim batches of the same
outbox rows in PostgreSQL at the same time; a local HTTP server stands in for the SMS
gateway and records every message id it is given. The contract (ARCHITECTURE.md's
outbox): with no worker dying, each message reaches the gateway exactly once, from
one attempt, both workers took part, and the audit chain verifies intact afterwards.
"""

import time
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from yingji.alerts import services
from yingji.alerts import tasks as alerts_tasks
from yingji.messaging import tasks as messaging_tasks
from yingji.messaging.choices import MessageStatus
from yingji.messaging.models import DeliveryAttempt, Message

from .test_worker_crash import (  # noqa: F401  (broker is a fixture)
    VILLAGE,
    HoldingGateway,
    Workers,
    broker,
    publish,
    sms_only_policy,
    village_chiefs,
    wait_for,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PERSONS = 200


@pytest.fixture
def recording_gateway():
    # Holds nothing; 50 ms an answer, so that one worker cannot send all 200 before the
    # other's first tick (0.5 s) reaches it: with instant answers one drain did it all.
    gw = HoldingGateway(hold_at=10**9, delay=0.05)
    yield gw
    gw.server.shutdown()
    gw.server.server_close()


@pytest.fixture
def two_workers(broker, recording_gateway, tmp_path):
    w = Workers(broker[0], recording_gateway.url, tmp_path)
    # Nobody dies here: a long lease and send timeout, so that a slow machine cannot
    # make a claim expire mid-send (a resend would be at-least-once, not a race).
    # Batches of 10, so that a drain leaves rows for the other worker to claim.
    w.env.update({"YINGJI_MESSAGING_LEASE_SECONDS": "120", "YINGJI_MESSAGING_TIMEOUT_SECONDS": "30",
                  "YINGJI_MESSAGING_BATCH": "10"})
    yield w
    w.stop()


def _consumers(broker) -> int:
    queue, conn = broker
    try:
        with conn.channel() as channel:
            return channel.queue_declare(queue, passive=True).consumer_count
    except Exception:  # the queue does not exist until the first worker declares it
        return 0


def test_two_workers_send_every_message_exactly_once_and_the_audit_chain_holds(
        regions, broker, recording_gateway, two_workers):
    sms_only_policy()
    village_chiefs(PERSONS)
    warning = services.warning_issue(by=None, type="rainstorm", level="red", region_codes=[VILLAGE],
                                     headline="温岭市暴雨红色预警")
    assert warning.callup.targets.count() == PERSONS
    two_workers.start()
    two_workers.start()
    # Each worker takes its first message only once both are ready, or one alone could do it all.
    wait_for(lambda: _consumers(broker) == 2, "both workers to consume the queue", two_workers, seconds=180)

    publish(alerts_tasks.process_due_actions, broker)
    last_tick = 0.0

    def all_sent() -> bool:
        nonlocal last_tick
        if Message.objects.count() == PERSONS and not Message.objects.exclude(status=MessageStatus.SENT).exists():
            return True
        if time.monotonic() - last_tick > 0.5:  # what beat or `yingji worker` does every few seconds
            publish(messaging_tasks.deliver_due, broker)
            last_tick = time.monotonic()
        return False

    wait_for(all_sent, "every message to be sent", two_workers, seconds=120)

    messages = set(Message.objects.values_list("pk", flat=True))
    seen = Counter(recording_gateway.ids)
    assert set(seen) == messages and len(messages) == PERSONS
    assert {pk: n for pk, n in seen.items() if n != 1} == {}  # exactly once each
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}
    assert DeliveryAttempt.objects.count() == PERSONS
    # Both processes sent (a worker's name is host:pid:thread): the claims really ran side by side.
    pids = Counter(int(name.split(":")[1]) for name in DeliveryAttempt.objects.values_list("worker", flat=True))
    assert set(pids) == {proc.pid for proc in two_workers.procs}, pids
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "audit chain intact" in out.getvalue()
