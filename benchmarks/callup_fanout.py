"""Benchmark of the call-up fan-out (叫应): a province-wide red rainstorm warning over
N village flood chiefs, delivered by real Celery workers over RabbitMQ to a local
HTTP SMS gateway.

Builds a throw-away PostgreSQL database of its own (dropped and created again on
every run; the names `yingji` and `test_yingji` are refused), loads the official
Zhejiang tree, adds one village per 10 persons under the real townships and N
persons with the village flood-chief duty, and a province policy "one SMS, nothing
after" (so the figures are the first messages alone). Then, for each scenario:

  1. issue the warning (targets resolved, one timer per target written);
  2. two Celery worker processes (solo pool, prefetch 1, acks late) on a queue of
     their own run `alerts.process_due_actions` and `messaging.deliver_due`, which
     this script publishes every second as Celery beat would, and the
     `messaging.deliver_message` task each new message enqueues;
  3. wait until every first message is SENT, and report the time from issuing to
     the gateway's acceptance of the last of them, and messages per second;
  4. check the gateway's log: every message id accepted exactly once, none lost.

Scenario "ok": the gateway accepts everything. Then acknowledgements: a sample of
SMS replies "1" posted to `POST /api/messaging/receipts` (gunicorn, 2 workers, with
YINGJI_GATEWAY_TOKEN) from 8 client threads; acks ingested per second, and the
targets acknowledged are counted in the database. Scenario "flaky": the gateway
answers 503 to 30% of requests (seeded); retries back off from 1 s (4 s cap, 20
attempts) and every message is still accepted exactly once.

    .venv/bin/python benchmarks/callup_fanout.py                    # 150,000 persons
    .venv/bin/python benchmarks/callup_fanout.py --persons 2000     # a quick run

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/yingji_callup_bench)
and RabbitMQ (BROKER_URL, default amqp://guest:guest@127.0.0.1:5672//).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/yingji_callup_bench"
DEFAULT_BROKER = "amqp://guest:guest@127.0.0.1:5672//"
PROTECTED_DBS = {"yingji", "test_yingji", "postgres", "template0", "template1"}
TOKEN = "bench-gateway-token"
WORKER_ENV = {
    "DEBUG": "0",
    # A 503 is retried after 1, 2, 4, 4, ... s; 20 tries make giving up after 30%
    # failures a 0.3**20 event. The defaults (30 s, 8 tries) suit a real gateway.
    "YINGJI_MESSAGING_RETRY_BASE_SECONDS": "1", "YINGJI_MESSAGING_RETRY_CAP_SECONDS": "4",
    "YINGJI_MESSAGING_MAX_ATTEMPTS": "20",
}


# Database --------------------------------------------------------------------

def fresh_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if name in PROTECTED_DBS or not name:
        sys.exit(f"refusing to drop the database {name!r}: give the benchmark a database of its own")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load_people(persons: int) -> None:
    from yingji.alerts.models import CallUpPolicy, CallUpStep
    from yingji.core.models import Duty, Person, Region
    from yingji.core.services import import_official_regions

    import_official_regions()
    towns = list(Region.objects.filter(level=4).order_by("code"))
    villages, per_town = [], Counter()
    for i in range(max(1, math.ceil(persons / 10))):
        town = towns[i % len(towns)]
        per_town[town.code] += 1
        name = f"第{per_town[town.code]}村"
        villages.append(Region(code=f"{town.code}{per_town[town.code]:03d}", name=name, level=5,
                               parent_id=town.code, full_name=town.full_name + name))
    Region.objects.bulk_create(villages, batch_size=5000)
    people = Person.objects.bulk_create(
        [Person(name=f"责任人{i}", mobile=f"139{i:08d}", region_id=villages[i % len(villages)].code)
         for i in range(persons)], batch_size=5000)
    Duty.objects.bulk_create([Duty(person_id=p.pk, kind_id="village_flood_chief", region_id=p.region_id)
                              for p in people], batch_size=5000)
    policy = CallUpPolicy.objects.create(name="基准：仅短信", region_id="33", escalate_after_minutes=None,
                                         notify_duty_officer=False)
    policy.duty_kinds.set(["village_flood_chief"])
    CallUpStep.objects.create(policy=policy, number=1, channel="sms", delay_minutes=0)
    print(f"  {persons:,} persons in {len(villages):,} villages under {len(towns):,} townships")


# The gateway -----------------------------------------------------------------

class Gateway:
    """A local SMS gateway: answers 503 to a seeded fraction of requests, 200 to the
    rest, and counts, per message id, the requests and the acceptances."""

    def __init__(self):
        self.lock = threading.Lock()
        self.fail_rate, self.rng = 0.0, random.Random(1)
        self.accepted: Counter = Counter()
        self.refused = 0
        self.last_accept = 0.0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.request_queue_size = 128
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self, fail_rate: float) -> None:
        with self.lock:
            self.fail_rate, self.accepted, self.refused, self.last_accept = fail_rate, Counter(), 0, 0.0

    def _handler(self):
        gw = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gw.lock:
                    refuse = gw.rng.random() < gw.fail_rate
                    if refuse:
                        gw.refused += 1
                    else:
                        gw.accepted[body["message_id"]] += 1
                        gw.last_accept = time.monotonic()
                data = b'{"error": "busy"}' if refuse else b"{}"
                self.send_response(503 if refuse else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler


# Workers and the beat ----------------------------------------------------------

def start_workers(n: int, queue: str, env: dict, log_dir: Path) -> list[subprocess.Popen]:
    launcher = (
        "import sys; from yingji.celery import app; app.conf.task_default_queue = sys.argv[1]; "
        "app.worker_main(['worker', '-P', 'solo', '-Q', sys.argv[1], '--prefetch-multiplier', '1', "
        "'-n', sys.argv[2], '--without-gossip', '--without-mingle', '--without-heartbeat', '-l', 'warning'])"
    )
    procs = []
    for i in range(n):
        with open(log_dir / f"worker{i}.log", "wb") as log:
            procs.append(subprocess.Popen([sys.executable, "-c", launcher, queue, f"bench{i}@%h"], env=env,
                                          stdout=log, stderr=subprocess.STDOUT))
    return procs


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()


class Beat:
    """Publishes the two ticks as Celery tasks to our queue."""

    def __init__(self, broker: str, queue: str):
        from yingji.alerts import tasks as alerts_tasks
        from yingji.celery import app
        from yingji.messaging import tasks as messaging_tasks

        app.conf.task_always_eager = False
        self.app, self.queue = app, queue
        self.conn = app.connection_for_write(broker)
        self.ticks = [alerts_tasks.process_due_actions, messaging_tasks.deliver_due]

    def publish(self) -> None:
        for task in self.ticks:
            task.apply_async(queue=self.queue, connection=self.conn)

    def close(self) -> None:
        self.conn.default_channel.queue_delete(self.queue)
        self.conn.close()


# One scenario --------------------------------------------------------------------

def run_scenario(label: str, fail_rate: float, gateway: Gateway, beat: Beat, deadline_s: float) -> dict:
    from django.db import close_old_connections
    from django.db.models import Q

    from yingji.alerts import services
    from yingji.alerts.models import CallUpAction
    from yingji.messaging.choices import MessageStatus
    from yingji.messaging.models import Message

    gateway.reset(fail_rate)
    t0 = time.monotonic()
    warning = services.warning_issue(by=None, type="rainstorm", level="red", region_codes=["33"],
                                     headline=f"浙江省暴雨红色预警（基准 {label}）")
    issued = time.monotonic() - t0
    callup = warning.callup
    targets = callup.targets.count()
    print(f"  [{label}] issued in {issued:.1f} s: {targets:,} targets", flush=True)
    # Open: a first timer not yet run, or its message not yet accepted by the gateway.
    unsent = Message.objects.exclude(status=MessageStatus.SENT).values("pk")
    open_firsts = CallUpAction.objects.filter(Q(message_id__isnull=True) | Q(message_id__in=unsent),
                                              target__callup=callup, index=0)
    while True:
        close_old_connections()
        remaining = open_firsts.count()
        if not remaining:
            break
        if time.monotonic() - t0 > deadline_s:
            sys.exit(f"\n  [{label}] not done after {deadline_s:.0f} s: {remaining:,} of {targets:,} open")
        beat.publish()
        print(f"\r  [{label}] {len(gateway.accepted):,} accepted, {remaining:,} open, "
              f"{time.monotonic() - t0:.0f} s   ", end="", flush=True)
        time.sleep(1.0)
    ids = list(CallUpAction.objects.filter(target__callup=callup, index=0).values_list("message_id", flat=True))
    elapsed = gateway.last_accept - t0
    messages = set(ids)
    accepted = gateway.accepted
    twice = {m: n for m, n in accepted.items() if n > 1}
    lost = messages - set(accepted)
    stray = set(accepted) - messages
    attempts = Counter(Message.objects.filter(pk__in=ids).values_list("attempts", flat=True))
    print(f"\r  [{label}] every first message handed to the gateway after {elapsed:.1f} s "
          f"({len(messages) / elapsed:,.0f} messages/s); gateway refused {gateway.refused:,} requests")
    print(f"  [{label}] messages {len(messages):,}, accepted ids {len(accepted):,}, "
          f"accepted twice {len(twice)}, lost {len(lost)}, unknown ids {len(stray)}; "
          f"attempts per message {dict(sorted(attempts.items()))}")
    return {"callup": callup, "ids": ids, "ok": not twice and not lost and not stray}


# Acknowledgements ----------------------------------------------------------------

def ingest_acks(ids: list[int], env: dict, log_dir: Path, clients: int = 8) -> float:
    from yingji.alerts.choices import TargetState
    from yingji.alerts.models import CallUpTarget

    port = free_port()
    with open(log_dir / "gunicorn.log", "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "yingji.wsgi:application", "-w", "2", "-b", f"127.0.0.1:{port}",
             "--keep-alive", "30", "--log-level", "warning"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_listening(port)
        chunks = [ids[i::clients] for i in range(clients)]
        t0 = time.monotonic()
        with ThreadPoolExecutor(clients) as pool:
            statuses = Counter(s for part in pool.map(lambda c: post_receipts(port, c), chunks) for s in part)
        elapsed = time.monotonic() - t0
    finally:
        stop([server])
    acked = CallUpTarget.objects.filter(messages_acked(ids), state=TargetState.ACKNOWLEDGED).count()
    print(f"  acks: {len(ids):,} receipts with reply \"1\" in {elapsed:.1f} s = {len(ids) / elapsed:,.0f} acks/s "
          f"({clients} clients, gunicorn 2 workers); HTTP {dict(statuses)}; targets acknowledged: {acked:,}")
    return len(ids) / elapsed


def messages_acked(ids):
    from django.db.models import Q

    from yingji.alerts.models import CallUpAction

    targets = CallUpAction.objects.filter(message_id__in=ids).values("target_id")
    return Q(pk__in=targets)


def post_receipts(port: int, ids: list[int]) -> list[int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    statuses = []
    for mid in ids:
        body = json.dumps({"message_id": mid, "status": "delivered", "reply": "1"})
        conn.request("POST", "/api/messaging/receipts", body=body,
                     headers={"Content-Type": "application/json", "X-Yingji-Gateway-Token": TOKEN})
        response = conn.getresponse()
        response.read()
        statuses.append(response.status)
    conn.close()
    return statuses


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, seconds: float = 60) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    sys.exit(f"gunicorn did not listen on {port} within {seconds:.0f} s")


# Main ------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=150_000)
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--acks", type=int, default=5000, help="receipts posted (a sample of the messages)")
    parser.add_argument("--fail-rate", type=float, default=0.3, help="503 share of the flaky scenario")
    parser.add_argument("--deadline", type=float, default=None,
                        help="seconds a scenario may take before the run fails (default: max(600, persons/10))")
    args = parser.parse_args()

    db_url = os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    broker = os.environ.get("BROKER_URL") or DEFAULT_BROKER
    fresh_database(db_url)
    os.environ.update(WORKER_ENV)
    os.environ["YINGJI_GATEWAY_TOKEN"] = TOKEN
    os.environ.pop("BROKER_URL", None)  # this process publishes explicitly; Django's app stays eager
    t = time.monotonic()
    setup_django()
    load_people(args.persons)
    print(f"  database ready in {time.monotonic() - t:.0f} s", flush=True)

    gateway = Gateway()
    queue = f"yingji-bench-{uuid.uuid4().hex[:8]}"
    log_dir = Path(tempfile.mkdtemp(prefix="yingji-callup-bench-"))
    env = {**os.environ, "BROKER_URL": broker, "YINGJI_SMS_URL": gateway.url}
    env.pop("YINGJI_FAKE_GATEWAY", None)
    beat = Beat(broker, queue)
    workers = start_workers(args.workers, queue, env, log_dir)
    deadline = args.deadline or max(600.0, args.persons / 10)
    results = []
    try:
        ok = run_scenario("gateway accepts all", 0.0, gateway, beat, deadline)
        results.append(ok["ok"])
        stop(workers)
        sample = ok["ids"][: args.acks]
        ingest_acks(sample, env, log_dir)
        workers = start_workers(args.workers, queue, env, log_dir)
        results.append(run_scenario(f"{args.fail_rate:.0%} answered 503", args.fail_rate, gateway, beat,
                                    deadline)["ok"])
    finally:
        stop(workers)
        beat.close()
    print("  exactly once, nothing lost:", "yes" if all(results) else "NO")
    print(f"  logs in {log_dir}")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
