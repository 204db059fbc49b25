"""Benchmark of the call-up fan-out (叫应): a province-wide red rainstorm warning over
N village flood chiefs, delivered by real Celery workers over RabbitMQ to a local
HTTP SMS gateway.

Builds a throw-away PostgreSQL database of its own (dropped and created again on
every run; the names `yingji` and `test_yingji` are refused), loads the official
Zhejiang tree, adds one village per 10 persons under the real townships and N
persons with the village flood-chief duty, and a province policy "one SMS, nothing
after" (so the figures are the first messages alone). Then, for each scenario:

  1. issue the warning (targets resolved, one timer per target written);
  2. four Celery worker processes (solo pool, prefetch 1, acks late) on a queue of
     their own run `alerts.process_due_actions` and `messaging.deliver_due`, which
     this script publishes every second as Celery beat would, and the
     `messaging.deliver_message` task each new message enqueues;
  3. wait until every first message is SENT, and report the time from issuing to
     the gateway's acceptance of the last of them, and messages per second;
  4. check the gateway's log: every message id accepted exactly once, none lost.

Scenario "ok": the gateway accepts everything. Then acknowledgements through
`POST /api/messaging/receipts` (gunicorn, 2 gthread workers × 4 threads, with
YINGJI_GATEWAY_TOKEN): replies "1" one per request from 8 client threads, then in
lists of 500 (the endpoint's extension) from 2. The endpoint stores each receipt
(the receipts inbox) and the same workers apply them: receipts answered per
second, and acks per second up to the last target acknowledged in the database. Scenario "flaky": the gateway
answers 503 to 30% of requests (seeded); retries back off from 1 s (4 s cap, 20
attempts) and every message is still accepted exactly once.

Each scenario also prints where the CPU went (from /proc): the Celery workers,
this process (issuing, the gateway thread), PostgreSQL (every backend, those that
ended included, through the postmaster's children's time), RabbitMQ, other
programs; "unaccounted" is busy time of other processes that ended within the
window (other people's jobs) and the kernel's own threads.
`--profile` writes cProfile statistics of the workers to the log folder.

    .venv/bin/python benchmarks/callup_fanout.py                    # 150,000 persons
    .venv/bin/python benchmarks/callup_fanout.py --persons 2000     # a quick run

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/yingji_callup_bench)
and RabbitMQ (BROKER_URL, default amqp://guest:guest@127.0.0.1:5672//).
"""

from __future__ import annotations

import argparse
import asyncio
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
    "DB_CONN_MAX_AGE": "60",  # a worker keeps its database connection between tasks
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
    from django.db import connection

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
    # The register of a running system is years old and has statistics; this one is
    # a minute old. (The call-up's own tables get none: they fill during the run.)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_region, core_person, core_duty")
    print(f"  {persons:,} persons in {len(villages):,} villages under {len(towns):,} townships")


# The gateway -----------------------------------------------------------------

OK_ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
BUSY_ANSWER = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
               b"Content-Length: 17\r\n\r\n{\"error\": \"busy\"}")
BAD_ANSWER = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class Gateway:
    """A local SMS gateway: answers 503 to a seeded fraction of requests, 200 to the
    rest, and counts, per message id, the requests and the acceptances.

    It shares the two cores with everything it measures, so it is a small asyncio
    HTTP/1.1 server (keep-alive, Content-Length bodies, pipelining) on one thread
    rather than a thread per connection: honest HTTP that the workers' client
    library parses like any other, at a few tens of microseconds per request."""

    def __init__(self):
        self.fail_rate, self.rng = 0.0, random.Random(1)
        self.accepted: Counter = Counter()
        self.refused = 0
        self.last_accept = 0.0
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        threading.Thread(target=self._serve, args=(ready,), daemon=True).start()
        ready.wait()
        self.url = f"http://127.0.0.1:{self.port}/sms"

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            self.loop.create_server(lambda: GatewayConnection(self), "127.0.0.1", 0, backlog=512))
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    def reset(self, fail_rate: float) -> None:
        self.fail_rate, self.accepted, self.refused, self.last_accept = fail_rate, Counter(), 0, 0.0

    def answer(self, body: bytes) -> bytes:
        # Runs on the loop's one thread: no lock.
        message_id = json.loads(body)["message_id"]
        if self.rng.random() < self.fail_rate:
            self.refused += 1
            return BUSY_ANSWER
        self.accepted[message_id] += 1
        self.last_accept = time.monotonic()
        return OK_ANSWER


class GatewayConnection(asyncio.Protocol):
    """One keep-alive connection: requests are read as they arrive (head up to the
    blank line, then Content-Length bytes of body) and answered in order."""

    def __init__(self, gateway: Gateway):
        self.gateway, self.buffer, self.transport = gateway, b"", None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        answers = []
        while (head_end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:head_end].lower()
            at = head.find(b"\r\ncontent-length:")
            if not head.startswith(b"post ") or at < 0:
                self.transport.write(b"".join(answers) + BAD_ANSWER)
                self.transport.close()
                return
            line_end = head.find(b"\r\n", at + 2)
            length = int(head[at + 17:line_end if line_end > 0 else len(head)])
            end = head_end + 4 + length
            if len(self.buffer) < end:
                break
            answers.append(self.gateway.answer(self.buffer[head_end + 4:end]))
            self.buffer = self.buffer[end:]
        if answers:
            self.transport.write(b"".join(answers))


# Workers and the beat ----------------------------------------------------------

def start_workers(n: int, queue: str, env: dict, log_dir: Path, profile: bool = False) -> list[subprocess.Popen]:
    # With --profile, each worker's main thread runs under cProfile (the sender
    # threads do not show: their time is the gateway's and the HTTP client's).
    launcher = (
        "import sys, cProfile; from yingji.celery import app; app.conf.task_default_queue = sys.argv[1]; "
        "prof = cProfile.Profile() if sys.argv[3] else None; prof and prof.enable()\n"
        "try:\n"
        "    app.worker_main(['worker', '-P', 'solo', '-Q', sys.argv[1], '--prefetch-multiplier', '1', "
        "'-n', sys.argv[2], '--without-gossip', '--without-mingle', '--without-heartbeat', '-l', 'warning'])\n"
        "finally:\n"
        "    prof and (prof.disable(), prof.dump_stats(sys.argv[3]))"
    )
    procs = []
    for i in range(n):
        stats = str(log_dir / f"worker{i}-{time.monotonic_ns()}.prof") if profile else ""
        with open(log_dir / f"worker{i}.log", "ab") as log:
            procs.append(subprocess.Popen([sys.executable, "-c", launcher, queue, f"bench{i}@%h", stats], env=env,
                                          stdout=log, stderr=subprocess.STDOUT))
    return procs


def wait_ready(beat: Beat, n: int, seconds: float = 120) -> None:
    """Until `n` workers consume our queue: the clock starts with workers up, as in
    production, not with their start-up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with beat.conn.channel() as channel:
                if channel.queue_declare(queue=beat.queue, passive=True).consumer_count >= n:
                    return
        except Exception:  # not declared yet
            pass
        time.sleep(0.5)
    sys.exit(f"workers did not start within {seconds:.0f} s")


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()


class Beat:
    """Publishes the ticks as Celery tasks to our queue."""

    def __init__(self, broker: str, queue: str):
        from yingji.alerts import tasks as alerts_tasks
        from yingji.celery import app
        from yingji.messaging import tasks as messaging_tasks

        app.conf.task_always_eager = False
        self.app, self.queue = app, queue
        self.conn = app.connection_for_write(broker)
        self.ticks = [alerts_tasks.process_due_actions, messaging_tasks.deliver_due, messaging_tasks.apply_receipts]

    def publish(self) -> None:
        for task in self.ticks:
            task.apply_async(queue=self.queue, connection=self.conn)

    def close(self) -> None:
        self.conn.default_channel.queue_delete(self.queue)
        self.conn.close()


# Where the CPU goes ----------------------------------------------------------------

def _is_postgres(pid: str) -> bool:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().startswith("postgres")
    except OSError:
        return False


def cpu_seconds(workers: list[subprocess.Popen]) -> Counter:
    """CPU seconds used so far, by who: PostgreSQL's processes, RabbitMQ, the Celery
    workers, this process (issuing, the gateway thread, polling), everything else;
    "all" is the machine's busy time from /proc/stat."""
    tick = os.sysconf("SC_CLK_TCK")
    worker_pids = {p.pid for p in workers}
    used = Counter()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                raw = f.read()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if comm.startswith("postgres") and not _is_postgres(fields[1]):
            # The postmaster: its children's time includes every backend that has
            # ended (closed connections), which a sum over live processes misses.
            seconds += (int(fields[13]) + int(fields[14])) / tick
        pid = int(entry)
        who = ("workers" if pid in worker_pids else "benchmark+gateway" if pid == os.getpid()
               else "postgres" if comm.startswith("postgres") else "rabbitmq" if comm.startswith("beam")
               else f"other:{comm}")
        used[who] += seconds
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    used["all"] = (sum(cpu) - cpu[3] - cpu[4]) / tick  # minus idle and iowait
    return used


def print_cpu(label: str, before: Counter, after: Counter, elapsed: float, messages: int) -> None:
    used = {k: after[k] - before[k] for k in after}
    # A process that ended meanwhile (another program's test run, a closed database
    # connection) is missing from both snapshots' sums: "unaccounted" is the rest of
    # the machine's busy time.
    others = sum(v for k, v in used.items() if k.startswith("other:"))
    top = sorted(((k[6:], v) for k, v in used.items() if k.startswith("other:") and v >= 0.5), key=lambda kv: -kv[1])
    used = {k: v for k, v in used.items() if not k.startswith("other:")} | {"other processes": others}
    used["unaccounted"] = used["all"] - sum(v for k, v in used.items() if k != "all")
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in sorted(used.items(), key=lambda kv: -kv[1]) if k != "all")
    parts += " (" + ", ".join(f"{k} {v:.1f} s" for k, v in top[:4]) + ")" if top else ""
    print(f"  [{label}] CPU over {elapsed:.1f} s: machine busy {used['all']:.1f} s of {2 * elapsed:.1f} "
          f"({used['all'] * 1e3 / max(messages, 1):.2f} ms per message); {parts}")


# One scenario --------------------------------------------------------------------

def run_scenario(label: str, fail_rate: float, gateway: Gateway, beat: Beat, deadline_s: float,
                 workers: list[subprocess.Popen]) -> dict:
    from django.db import close_old_connections
    from django.db.models import Q

    from yingji.alerts import services
    from yingji.alerts.models import CallUpAction
    from yingji.messaging.choices import MessageStatus
    from yingji.messaging.models import Message

    gateway.reset(fail_rate)
    cpu_before = cpu_seconds(workers)
    t0 = time.monotonic()
    warning = services.warning_issue(by=None, type="rainstorm", level="red", region_codes=["33"],
                                     headline=f"浙江省暴雨红色预警（基准 {label}）")
    issued = time.monotonic() - t0
    callup = warning.callup
    targets = callup.targets.count()
    print(f"  [{label}] issued in {issued:.1f} s: {targets:,} targets", flush=True)
    # Open: a first timer not yet run, or its message not yet accepted by the gateway.
    # Counting that in the database costs a join over every target, so it is asked
    # only once the gateway has accepted as many ids as there are targets.
    unsent = Message.objects.exclude(status=MessageStatus.SENT).values("pk")
    open_firsts = CallUpAction.objects.filter(Q(message_id__isnull=True) | Q(message_id__in=unsent),
                                              target__callup=callup, index=0)
    last_beat = 0.0
    while True:
        accepted = len(gateway.accepted)
        if accepted >= targets:
            close_old_connections()
            remaining = open_firsts.count()
            if not remaining:
                break
        if time.monotonic() - t0 > deadline_s:
            sys.exit(f"\n  [{label}] not done after {deadline_s:.0f} s: {accepted:,} of {targets:,} accepted")
        if time.monotonic() - last_beat >= 1.0:
            beat.publish()
            last_beat = time.monotonic()
            print(f"\r  [{label}] {accepted:,} accepted, {time.monotonic() - t0:.0f} s   ", end="", flush=True)
        time.sleep(0.1)
    elapsed = gateway.last_accept - t0
    print_cpu(label, cpu_before, cpu_seconds(workers), time.monotonic() - t0, targets)
    ids = list(CallUpAction.objects.filter(target__callup=callup, index=0).values_list("message_id", flat=True))
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

def ingest_acks(singles: list[int], lists: list[int], env: dict, log_dir: Path, beat: Beat, clients: int = 8,
                list_size: int = 500) -> None:
    """Replies "1" through the receipts API: one receipt per request from `clients`
    threads, then (the list extension) `list_size` receipts per request from 2. The
    endpoint stores them (the receipts inbox) and the workers apply them: both rates
    are reported, the second up to the last target acknowledged."""
    from yingji.alerts.choices import TargetState
    from yingji.alerts.models import CallUpTarget

    port = free_port()
    with open(log_dir / "gunicorn.log", "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "yingji.wsgi:application", "-w", "2", "-b", f"127.0.0.1:{port}",
             "-k", "gthread", "--threads", "4", "--keep-alive", "30", "--log-level", "warning"],
            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_listening(port)
        for label, ids, threads, size in (("one per request", singles, clients, 1),
                                          (f"lists of {list_size}", lists, 2, list_size)):
            if not ids:
                continue
            chunks = [ids[i::threads] for i in range(threads)]
            t0 = time.monotonic()
            with ThreadPoolExecutor(threads) as pool:
                statuses = Counter(s for part in pool.map(lambda c, size=size: post_receipts(port, c, size), chunks)
                                   for s in part)
            answered = time.monotonic() - t0
            acked = wait_acknowledged(CallUpTarget.objects.filter(messages_acked(ids), state=TargetState.ACKNOWLEDGED),
                                      len(ids), beat)
            applied = time.monotonic() - t0
            print(f"  acks, {label}: {len(ids):,} receipts with reply \"1\" ({threads} clients, gunicorn 2 workers × "
                  f"4 threads): answered in {answered:.1f} s = {len(ids) / answered:,.0f}/s; all applied "
                  f"(targets acknowledged) after {applied:.1f} s = {len(ids) / applied:,.0f} acks/s; "
                  f"HTTP {dict(statuses)}; targets acknowledged: {acked:,} of {len(ids):,}", flush=True)
    finally:
        stop([server])


def wait_acknowledged(targets, expected: int, beat: Beat, seconds: float = 600) -> int:
    """Until `expected` targets are acknowledged (the workers apply the inbox; the
    beat's tick as in production picks up what no request asked for)."""
    end, last_beat = time.monotonic() + seconds, 0.0
    while (count := targets.count()) < expected and time.monotonic() < end:
        if time.monotonic() - last_beat >= 1.0:
            beat.publish()
            last_beat = time.monotonic()
        time.sleep(0.1)
    return count


def messages_acked(ids):
    from django.db.models import Q

    from yingji.alerts.models import CallUpAction

    targets = CallUpAction.objects.filter(message_id__in=ids).values("target_id")
    return Q(pk__in=targets)


def post_receipts(port: int, ids: list[int], size: int) -> list[int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    statuses = []
    for start in range(0, len(ids), size):
        receipts = [{"message_id": mid, "status": "delivered", "reply": "1"} for mid in ids[start:start + size]]
        body = json.dumps(receipts[0] if size == 1 else receipts)
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
    # Four on two cores: a solo worker spends much of its time waiting for PostgreSQL
    # and the gateway; with two, a fifth of the machine stayed idle (measured).
    parser.add_argument("--workers", type=int, default=4, help="Celery worker processes")
    parser.add_argument("--acks", type=int, default=2000, help="receipts posted one per request (a sample)")
    parser.add_argument("--ack-lists", type=int, default=20000,
                        help="further receipts posted in lists of 500 (the next messages)")
    parser.add_argument("--scenarios", default="ok,flaky", help="which of ok, flaky to run")
    parser.add_argument("--profile", action="store_true", help="cProfile the workers (stats in the log folder)")
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
    env = {**os.environ, "BROKER_URL": broker, "YINGJI_SMS_URL": gateway.url, "YINGJI_TASK_QUEUE": queue}
    env.pop("YINGJI_FAKE_GATEWAY", None)
    beat = Beat(broker, queue)
    workers = []
    deadline = args.deadline or max(600.0, args.persons / 10)
    results = []
    scenarios = args.scenarios.split(",")
    try:
        if "ok" in scenarios:
            workers = start_workers(args.workers, queue, env, log_dir, args.profile)
            wait_ready(beat, args.workers)
            ok = run_scenario("gateway accepts all", 0.0, gateway, beat, deadline, workers)
            results.append(ok["ok"])
            ingest_acks(ok["ids"][: args.acks], ok["ids"][args.acks: args.acks + args.ack_lists], env, log_dir,
                        beat)
            stop(workers)
        if "flaky" in scenarios:
            workers = start_workers(args.workers, queue, env, log_dir, args.profile)
            wait_ready(beat, args.workers)
            results.append(run_scenario(f"{args.fail_rate:.0%} answered 503", args.fail_rate, gateway, beat,
                                        deadline, workers)["ok"])
    finally:
        stop(workers)
        beat.close()
    print(f"  load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("  exactly once, nothing lost:", "yes" if all(results) else "NO")
    print(f"  logs in {log_dir}")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
