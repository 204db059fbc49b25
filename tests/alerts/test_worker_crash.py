"""Killing the Celery worker in the middle of a call-up loses no message and
duplicates none but the one that was on the wire.

A real worker process (solo pool, prefetch 1) consumes a queue of its own on
RabbitMQ and reads the test's PostgreSQL database; a local HTTP server stands in
for the SMS gateway. The gateway holds its answer to the K-th request until the
test has killed the worker with SIGKILL, so the kill lands, every run, exactly
while one message is in flight: the gateway has it, the worker never learnt so.
The worker sends in batches of HOLD_AT messages from 4 threads, so the held request
is the last of its first batch; the test kills it once the other messages of that
batch are recorded (the worker records answers at least every quarter second while
a gateway holds the rest, for just this case). A second worker then finishes the
call-up, driven by `messaging.deliver_due` tasks that the test sends the way Celery
beat or `yingji worker` would.

The contract (at-least-once delivery, idempotent by message id, ARCHITECTURE.md's
outbox): every target's first message ends SENT, the gateway has seen the id of
every message and no other, each id exactly once, except the one in flight when
the worker died, which is sent again with the SAME id once its claim has expired
(twice in all, no more), so a gateway that drops duplicates by message_id delivers
each message exactly once.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection

from yingji.alerts import services
from yingji.alerts import tasks as alerts_tasks
from yingji.alerts.models import CallUpAction, CallUpPolicy, CallUpStep
from yingji.celery import app
from yingji.core.models import Duty, DutyKind, Region
from yingji.messaging import tasks as messaging_tasks
from yingji.messaging.choices import AttemptOutcome, MessageStatus
from yingji.messaging.models import Message
from yingji.messaging.services import LEASE_EXPIRED

from ..conftest import TAIZHOU, WENLING_TOWN
from ..factories import PersonFactory

BROKER = os.environ.get("YINGJI_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
PERSONS = 30
HOLD_AT = 10  # the gateway holds its answer to this request until the worker is dead
BATCH = HOLD_AT  # messages claimed at once by a worker
SENDER_THREADS = 4
LEASE_SECONDS = 2  # a dead worker's claim expires this fast (must exceed the send timeout)
DEADLINE_SECONDS = 60
VILLAGE = WENLING_TOWN + "299"

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


class HoldingGateway:
    """An SMS gateway that records every message_id it is given and answers 200,
    except that it keeps the `hold_at`-th request waiting until `release` is set, and
    takes `delay` seconds over each answer (a real gateway's round trip)."""

    def __init__(self, hold_at: int, delay: float = 0.0):
        self.ids: list[int] = []
        self.lock = threading.Lock()
        self.hold_at = hold_at
        self.delay = delay
        self.holding = threading.Event()
        self.release = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.server.handle_error = lambda request, address: None  # the dead worker's socket
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def count(self) -> int:
        with self.lock:
            return len(self.ids)

    def _handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                with gateway.lock:
                    gateway.ids.append(body["message_id"])
                    held = len(gateway.ids) == gateway.hold_at
                if held:
                    gateway.holding.set()
                    gateway.release.wait(DEADLINE_SECONDS)
                time.sleep(gateway.delay)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        return Handler


class Workers:
    """Starts real Celery worker processes on one queue of our own; the tasks they
    enqueue themselves (each new message's delivery) go to that queue too."""

    def __init__(self, queue: str, gateway_url: str, log_dir):
        db = connection.settings_dict
        self.queue, self.log_dir, self.procs = queue, log_dir, []
        self.env = {**os.environ, "BROKER_URL": BROKER, "YINGJI_SMS_URL": gateway_url,
                    "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
                    "YINGJI_MESSAGING_LEASE_SECONDS": str(LEASE_SECONDS),
                    "YINGJI_MESSAGING_TIMEOUT_SECONDS": "1", "YINGJI_MESSAGING_RETRY_BASE_SECONDS": "0.5",
                    "YINGJI_MESSAGING_BATCH": str(BATCH), "YINGJI_MESSAGING_CONCURRENCY": str(SENDER_THREADS)}
        self.env.pop("YINGJI_FAKE_GATEWAY", None)
        self.env.pop("RESULT_BACKEND", None)

    def start(self) -> subprocess.Popen:
        launcher = (
            "import sys; from yingji.celery import app; "
            "app.conf.task_default_queue = sys.argv[1]; "
            "app.worker_main(['worker', '-P', 'solo', '-Q', sys.argv[1], '--prefetch-multiplier', '1', "
            "'--without-gossip', '--without-mingle', '--without-heartbeat', '-l', 'warning', '-n', sys.argv[2]])"
        )
        # A node name of its own: two workers of one name cannot both hold its control queue.
        name = f"w{len(self.procs)}-{self.queue}@%h"
        # The child keeps its own copy of the file descriptor; ours can close.
        with open(self.log_dir / f"worker{len(self.procs)}.log", "wb") as log:
            proc = subprocess.Popen([sys.executable, "-c", launcher, self.queue, name], env=self.env,
                                    stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.log_dir.glob("worker*.log")))

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def broker(moved_clock):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot see an in-memory SQLite test database")
    if moved_clock:
        pytest.skip("the worker processes would live in the real present while this one is moved (YINGJI_TEST_TODAY)")
    queue = f"yingji-crash-{uuid.uuid4().hex[:8]}"
    with app.connection_for_write(BROKER) as conn:
        yield queue, conn
        conn.default_channel.queue_delete(queue)


@pytest.fixture
def gateway():
    gw = HoldingGateway(hold_at=HOLD_AT)
    yield gw
    gw.release.set()
    gw.server.shutdown()
    gw.server.server_close()


@pytest.fixture
def workers(broker, gateway, tmp_path):
    w = Workers(broker[0], gateway.url, tmp_path)
    yield w
    w.stop()


def publish(task, broker) -> None:
    """Send through RabbitMQ even though this process's app runs tasks eagerly."""
    queue, conn = broker
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        task.apply_async(queue=queue, connection=conn)
    finally:
        app.conf.task_always_eager = eager


def wait_for(condition, what: str, workers: Workers, seconds: float = DEADLINE_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}\n{workers.logs()}")
        time.sleep(0.05)


def sms_only_policy() -> None:
    """One SMS per target and nothing after it, for Taizhou (more specific than the
    shipped province-wide defaults, so it is the one in force)."""
    DutyKind.objects.get_or_create(code="village_flood_chief", defaults={"name": "村防汛责任人", "level": 5})
    policy = CallUpPolicy.objects.create(name="测试：仅短信", warning_type="rainstorm", level="red",
                                         region_id=TAIZHOU, escalate_after_minutes=None, notify_duty_officer=False)
    policy.duty_kinds.set(["village_flood_chief"])
    CallUpStep.objects.create(policy=policy, number=1, channel="sms", delay_minutes=0)


def village_chiefs(n: int) -> None:
    Region(code=VILLAGE, name="测试村", level=5, parent_id=WENLING_TOWN).save()
    for _ in range(n):
        person = PersonFactory(region_id=VILLAGE, user=None, role="viewer")
        Duty.objects.create(person=person, kind_id="village_flood_chief", region_id=VILLAGE)


def test_killed_worker_loses_no_message_and_resends_only_the_one_in_flight(regions, broker, gateway, workers):
    sms_only_policy()
    village_chiefs(PERSONS)
    warning = services.warning_issue(by=None, type="rainstorm", level="red", region_codes=[VILLAGE],
                                     headline="温岭市暴雨红色预警")
    assert warning.callup.targets.count() == PERSONS

    first = workers.start()
    publish(alerts_tasks.process_due_actions, broker)
    wait_for(gateway.holding.is_set, f"the gateway's request #{HOLD_AT}", workers)
    wait_for(lambda: Message.objects.filter(status=MessageStatus.SENT).count() == HOLD_AT - 1,
             "the rest of the batch to be recorded", workers)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    in_flight = gateway.ids[HOLD_AT - 1]
    gateway.release.set()
    assert gateway.count() == HOLD_AT  # the worker died before it could send more

    workers.start()
    last_tick = 0.0

    def all_sent() -> bool:
        nonlocal last_tick
        if not Message.objects.exclude(status=MessageStatus.SENT).exists():
            return True
        if time.monotonic() - last_tick > 0.5:  # what beat or `yingji worker` does every few seconds
            publish(messaging_tasks.deliver_due, broker)
            last_tick = time.monotonic()
        return False

    wait_for(all_sent, "every message to be sent", workers)

    messages = set(Message.objects.values_list("pk", flat=True))
    first_steps = set(CallUpAction.objects.filter(target__callup=warning.callup, index=0)
                      .values_list("message_id", flat=True))
    assert first_steps == messages and len(messages) == PERSONS
    seen = Counter(gateway.ids)
    assert set(seen) == messages
    assert {pk: n for pk, n in seen.items() if n != 1} == {in_flight: 2}
    resent = Message.objects.get(pk=in_flight)
    outcomes = list(resent.delivery_attempts.values_list("outcome", "error"))
    assert outcomes == [(AttemptOutcome.TEMPORARY_ERROR, LEASE_EXPIRED), (AttemptOutcome.ACCEPTED, "")]
    assert set(Message.objects.exclude(pk=in_flight).values_list("attempts", flat=True)) == {1}
