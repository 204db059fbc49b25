"""Benchmark of evacuation (人员转移) during a province-wide typhoon: household steps
recorded from phones through the HTTP API while the figures of random regions are read.

Builds its own PostgreSQL database (created if missing; the names of other work are
refused), migrates it, loads the official Zhejiang tree, and with COPY: villages under
every township (one per `--per-village` households), `--shelters` shelters spread over
the townships, and N households in danger zones, each planned for a shelter of its
township, all "to move"; then rebuilds the village counters (COPY bypasses the
services that keep them). It starts gunicorn (gthread) on a free port and runs, for
`--seconds`:

  * `--writers` client threads posting household steps (move → shelter at the planned
    shelter → return) to `POST /api/evacuation/households/{id}/actions/...`, paced
    together at `--rate` steps a second (each thread owns its own households, as each
    cadre records their own), and
  * `--readers` client threads asking `GET /api/evacuation/figures?region=` for random
    regions of every level (province, city, county, township, village).

Meanwhile the scheduler's tick that seals new steps into the audit chain runs every
5 s in this process, as in production. It prints the achieved step rate, the refusals
(a full shelter), p50/p95/max of the figures and of the steps, and finally checks that
the figures through the API equal a count from scratch over the households (province, every city, some counties,
townships and villages) and the number of steps the clients saw accepted.

    python benchmarks/evacuation.py                          # 1,000,000 households, 5,000 shelters
    python benchmarks/evacuation.py --households 100000 --seconds 30
    python benchmarks/evacuation.py --batch 100              # 100 steps a request (a phone syncing its queue)

With `--batch N` (N > 1) each writer posts N steps of N different households of its own
in one request to `POST /api/evacuation/households/actions` (paced so that all writers
together still aim at `--rate` steps a second); each item's result moves that household
on as a one-step answer would. N = 1 (the default) is one step per request as above.

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/yingji_evacuation_bench.
Targets (issue 17): 1,000 steps a second while figures answer in under 200 ms p95.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/yingji_evacuation_bench"
FORBIDDEN_DATABASES = {"yingji", "test_yingji", "postgres", "template0", "template1"}
PASSWORD = "bench-password"
USERNAME = "bench-province"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
KINDS = ["school", "hall", "purpose_built", "gym", "office"]


def django_env(url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "yingji.settings",
            "PYTHONPATH": str(ROOT / "src"), "DEBUG": "0", "DB_CONN_MAX_AGE": "600"}


def manage(url: str, *args: str) -> None:
    subprocess.run([PYTHON, "-m", "django", *args], check=True, cwd=ROOT, env=django_env(url),
                   stdout=subprocess.DEVNULL)


def ensure_database(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if name in FORBIDDEN_DATABASES:
        sys.exit(f"refusing to use the database {name!r}: it belongs to other work")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(url: str) -> None:
    os.environ.update({k: v for k, v in django_env(url).items() if k != "PYTHONPATH"})
    sys.path.insert(0, str(ROOT / "src"))
    manage(url, "migrate")
    import django

    django.setup()
    from yingji.core.models import Region

    if not Region.objects.exists():
        manage(url, "import_regions")


# Synthetic province ------------------------------------------------------------------

def copy(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
        for row in rows:
            out.write_row(row)


def load(n_households: int, n_shelters: int, per_village: int, rng: random.Random) -> None:
    from django.db import connection
    from django.utils import timezone

    from yingji.core.models import Region

    now = timezone.now()
    towns = list(Region.objects.filter(level=4).order_by("code").values_list("code", "full_name"))
    n_villages = max(len(towns), n_households // per_village)
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM response_householdtransition")
        cur.execute("DELETE FROM response_shelterredirect")
        cur.execute("DELETE FROM response_household")
        cur.execute("DELETE FROM response_villagetally")
        cur.execute("DELETE FROM response_shelter")
        existing = set(Region.objects.filter(level=5).values_list("code", flat=True))
        villages, new = [], []
        for i in range(n_villages):
            town, town_name = towns[i % len(towns)]
            number = i // len(towns) + 1
            code = f"{town}{number:03d}"
            villages.append(code)
            if code not in existing:
                new.append((code, f"第{number}村", 5, town, f"{town_name}第{number}村", ""))
        copy(cur, "core_region", ["code", "name", "level", "parent_id", "full_name", "initials"], new)
        shelters_by_town: dict[str, list[int]] = {}
        rows = []
        for i in range(n_shelters):
            town = towns[i % len(towns)][0]
            rows.append((f"避灾安置点{i + 1}", town, rng.choice(KINDS), "township", rng.randint(1500, 4000), "",
                         "", "", 121.0 + rng.random(), 28.5 + rng.random(), "open", now))
        copy(cur, "response_shelter", ["name", "region_id", "kind", "level", "capacity", "phone", "address",
                                       "supplies", "longitude", "latitude", "state", "created_at"], rows)
        cur.execute("SELECT id, region_id FROM response_shelter")
        for pk, town in cur.fetchall():
            shelters_by_town.setdefault(town, []).append(pk)
        print(f"  {len(villages):,} villages, {n_shelters:,} shelters ({time.perf_counter() - started:.1f} s)")

        def households():
            for i in range(n_households):
                village = villages[i % len(villages)]
                members = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6))
                plan = shelters_by_town.get(village[:9])
                yield (village, rng.choice(SURNAMES) + "某", members, rng.randint(0, min(2, members)), 0,
                       rng.randint(0, max(0, members - 2)), 0, "", "", "", "", rng.choice(plan) if plan else None,
                       "to_move", now)
        copy(cur, "response_household", ["region_id", "head", "members", "elderly", "disabled", "children",
                                         "pregnant", "phone", "address", "route", "danger_zone", "shelter_id",
                                         "state", "created_at"], households())
        print(f"  {n_households:,} households ({time.perf_counter() - started:.1f} s)")
    from yingji.response.services.evacuation import tally_rebuild

    tally_rebuild()
    with connection.cursor() as cur:
        for table in ("core_region", "response_shelter", "response_household", "response_villagetally"):
            cur.execute(f"VACUUM ANALYZE {table}")
    print(f"  counters rebuilt, analysed ({time.perf_counter() - started:.1f} s)")


def ensure_user() -> None:
    from django.contrib.auth import get_user_model

    from yingji.core.models import Person

    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    user.set_password(PASSWORD)
    user.save()
    Person.objects.update_or_create(user=user, defaults={"name": USERNAME, "region_id": "33", "role": "admin"})


# Server and clients --------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    server = subprocess.Popen([PYTHON, "-m", "gunicorn", "yingji.wsgi", "--workers", str(workers),
                               "--worker-class", "gthread", "--threads", str(threads), "--bind",
                               f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "120"],
                              cwd=ROOT, env=django_env(url))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn exited before it listened")
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not listen within 90 s")


class Client:
    """One keep-alive connection with the bench user's token."""

    def __init__(self, port: int, token: str = ""):
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, params: dict | None = None, body: dict | None = None):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        target = path + ("?" + urlencode(params) if params else "")
        for attempt in (1, 2):
            try:
                self.conn.request(method, target, body=json.dumps(body) if body is not None else None,
                                  headers=headers)
                response = self.conn.getresponse()
                return response.status, json.loads(response.read() or b"null")
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def login(self) -> str:
        status, body = self.request("POST", "/api/auth/token", body={"username": USERNAME, "password": PASSWORD})
        assert status == 200, body
        self.token = body["token"]
        return self.token


NEXT = {"to_move": ("move", "moved"), "moved": ("shelter", "sheltered"), "sheltered": ("return", "returned"),
        "no_room": ("return", "returned")}  # moved, its shelter full: home from where it went


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.step_seconds: list[float] = []
        self.figure_seconds: list[float] = []
        self.accepted = 0
        self.write_requests = 0
        self.refused: dict[str, int] = {}
        self.errors: list[str] = []


def writer(port: int, token: str, households: list[tuple[int, int | None]], interval: float, until: float,
           stats: Stats, rng: random.Random) -> None:
    client = Client(port, token)
    state = {pk: "to_move" for pk, _ in households}
    plan = dict(households)
    live = [pk for pk, _ in households]
    due = time.perf_counter()
    while time.perf_counter() < until and live:
        due += interval
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        i = rng.randrange(len(live))
        pk = live[i]
        action, to = NEXT[state[pk]]
        if action == "shelter" and plan[pk] is None:  # no shelter in its township: home from where it went
            action, to = "return", "returned"
        body = {"shelter_id": plan[pk]} if action == "shelter" else {}
        started = time.perf_counter()
        status, reply = client.request("POST", f"/api/evacuation/households/{pk}/actions/{action}", body=body)
        took = time.perf_counter() - started
        with stats.lock:
            stats.step_seconds.append(took)
            if status == 200:
                stats.accepted += 1
            else:
                code = (reply or {}).get("error", {}).get("code", str(status))
                stats.refused[code] = stats.refused.get(code, 0) + 1
                if status >= 500 and len(stats.errors) < 5:
                    stats.errors.append(f"{status} {reply}")
        if status == 200:
            state[pk] = to
        elif action == "shelter":  # a full shelter: this household goes home from where it went
            state[pk] = "no_room"
        if to == "returned":
            live[i] = live[-1]
            live.pop()


def batch_writer(port: int, token: str, households: list[tuple[int, int | None]], interval: float, until: float,
                 stats: Stats, rng: random.Random, size: int) -> None:
    """As `writer`, `size` steps of different households a request, through the batch endpoint."""
    client = Client(port, token)
    state = {pk: "to_move" for pk, _ in households}
    plan = dict(households)
    live = [pk for pk, _ in households]
    due = time.perf_counter()
    while time.perf_counter() < until and live:
        due += interval
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        picked = rng.sample(live, min(size, len(live)))
        items, sent = [], {}
        for pk in picked:
            action, to = NEXT[state[pk]]
            if action == "shelter" and plan[pk] is None:
                action, to = "return", "returned"
            item = {"id": pk, "action": action, "expected_state": "moved" if state[pk] == "no_room" else state[pk]}
            if action == "shelter":
                item["shelter_id"] = plan[pk]
            items.append(item)
            sent[pk] = (action, to)
        started = time.perf_counter()
        status, reply = client.request("POST", "/api/evacuation/households/actions", body={"items": items})
        took = time.perf_counter() - started
        results = (reply or {}).get("results", []) if status == 200 else []
        with stats.lock:
            stats.step_seconds.append(took)
            stats.write_requests += 1
            if status != 200:
                code = (reply or {}).get("error", {}).get("code", str(status))
                stats.refused[code] = stats.refused.get(code, 0) + len(items)
                if status >= 500 and len(stats.errors) < 5:
                    stats.errors.append(f"{status} {reply}")
            for result in results:
                if result["ok"]:
                    stats.accepted += 1
                else:
                    stats.refused[result["code"]] = stats.refused.get(result["code"], 0) + 1
        returned = set()
        for result in results:
            pk = result["id"]
            action, to = sent[pk]
            if result["ok"]:
                state[pk] = to
            elif action == "shelter":  # a full shelter: this household goes home from where it went
                state[pk] = "no_room"
            if result["ok"] and to == "returned":
                returned.add(pk)
        if returned:
            live = [pk for pk in live if pk not in returned]


def reader(port: int, token: str, regions: list[list[str]], until: float, stats: Stats, rng: random.Random) -> None:
    client = Client(port, token)
    while time.perf_counter() < until:
        level = rng.choice(regions)
        region = rng.choice(level)
        started = time.perf_counter()
        status, reply = client.request("GET", "/api/evacuation/figures", {"region": region})
        took = time.perf_counter() - started
        with stats.lock:
            stats.figure_seconds.append(took)
            if status != 200 and len(stats.errors) < 5:
                stats.errors.append(f"figures {region}: {status} {reply}")


def sealer(until: float, stats: Stats) -> None:
    """The scheduler's tick, as production runs it: seal new steps into the audit chain every 5 s."""
    from django.db import connection

    from yingji.response.services.evacuation import seal_steps

    while time.perf_counter() < until:
        time.sleep(5)
        sealed = seal_steps(limit=20_000)
        with stats.lock:
            stats.sealed = getattr(stats, "sealed", 0) + sealed
    connection.close()


def cpu_seconds(root: int) -> float:
    """User + system CPU seconds of `root` and its children (gunicorn's workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in [root, *_children(root)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return (values or [0.0])[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] * 1000


def check(port: int, token: str, rng: random.Random) -> bool:
    from yingji.core.models import Region
    from yingji.response.selectors_evacuation import FIELDS, figures_from_scratch

    client = Client(port, token)
    regions = ["33", *Region.objects.filter(level=2).values_list("code", flat=True)]
    for level in (3, 4, 5):
        codes = list(Region.objects.filter(level=level, code__startswith="33").values_list("code", flat=True))
        regions += rng.sample(codes, min(20, len(codes)))
    ok = True
    for region in regions:
        _, api = client.request("GET", "/api/evacuation/figures", {"region": region})
        scratch = figures_from_scratch(region)
        if {f: api[f] for f in FIELDS} != scratch:
            ok = False
            print(f"  MISMATCH {region}: api {({f: api[f] for f in FIELDS})} scratch {scratch}")
    print(f"  figures equal a count from scratch in {len(regions)} regions: {'yes' if ok else 'NO'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--shelters", type=int, default=5_000)
    parser.add_argument("--per-village", type=int, default=40, help="households per village")
    parser.add_argument("--rate", type=float, default=1000, help="target steps a second, all writers together")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1,
                        help="steps per write request (1: one step per request; N > 1: the batch endpoint, N ≤ 500)")
    parser.add_argument("--reuse", action="store_true", help="keep the data if it holds N households, all to move")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("this benchmark needs PostgreSQL (DATABASE_URL=postgres://...)")
    rng = random.Random(args.seed)
    ensure_database(url)
    setup_django(url)
    from django.db import connection

    from yingji.core.models import Region
    from yingji.response.models import Household

    fresh = Household.objects.count() == args.households and not Household.objects.exclude(state="to_move").exists()
    if not (args.reuse and fresh):
        print(f"loading {args.households:,} households, {args.shelters:,} shelters:")
        load(args.households, args.shelters, args.per_village, rng)
    else:
        from yingji.response.services.evacuation import tally_rebuild

        print(f"reusing {args.households:,} households; counters rebuilt for {tally_rebuild():,} villages")
    ensure_user()
    ids = list(Household.objects.order_by("id").values_list("id", "shelter_id"))
    regions = [["33"], *[list(Region.objects.filter(level=level).values_list("code", flat=True))
                         for level in (2, 3, 4)],
               list(Household.objects.values_list("region_id", flat=True).distinct()[:50_000])]
    connection.close()
    port = free_port()
    server = start_server(url, port, args.workers, args.threads)
    stats = Stats()
    try:
        token = Client(port).login()
        quiet = Stats()  # the figures alone first: what a query costs without the write load
        for _ in range(args.workers * args.threads):
            Client(port, token).request("GET", "/api/evacuation/figures", {"region": "33"})  # warm up
        reader(port, token, regions, time.perf_counter() + 10, quiet, random.Random(args.seed - 1))
        print(f"figures without writers: {len(quiet.figure_seconds)} requests in 10 s, p50 "
              f"{percentile(quiet.figure_seconds, 50):.0f} ms, p95 {percentile(quiet.figure_seconds, 95):.0f} ms")
        rng.shuffle(ids)
        shares = [ids[i::args.writers] for i in range(args.writers)]
        size = max(1, min(args.batch, 500))
        interval = args.writers * size / args.rate
        cpu_before, load_before = cpu_seconds(server.pid), os.getloadavg()[0]
        started = time.perf_counter()
        until = started + args.seconds
        if size == 1:
            threads = [threading.Thread(target=writer, args=(port, token, share, interval, until, stats,
                                                             random.Random(args.seed + i)))
                       for i, share in enumerate(shares)]
        else:
            threads = [threading.Thread(target=batch_writer, args=(port, token, share, interval, until, stats,
                                                                   random.Random(args.seed + i), size))
                       for i, share in enumerate(shares)]
        threads += [threading.Thread(target=reader, args=(port, token, regions, until, stats,
                                                          random.Random(args.seed + 1000 + i)))
                    for i in range(args.readers)]
        threads.append(threading.Thread(target=sealer, args=(until, stats)))
        print(f"gunicorn {args.workers} workers × {args.threads} threads on 127.0.0.1:{port}; "
              f"{args.writers} writers at {args.rate:.0f}/s target, {size} step(s) a request, {args.readers} readers, "
              f"{args.seconds:.0f} s")
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds(server.pid) - cpu_before
        print(f"\nPostgreSQL, {args.households:,} households, {args.shelters:,} shelters")
        print(f"  steps accepted   {stats.accepted:,} in {elapsed:.1f} s = {stats.accepted / elapsed:,.0f}/s "
              f"(target {args.rate:.0f}/s); refused: {stats.refused or 'none'}")
        writes = stats.write_requests if size > 1 else stats.accepted + sum(stats.refused.values())
        requests = max(writes + len(stats.figure_seconds), 1)
        print(f"  gunicorn CPU     {cpu:.1f} s = {1000 * cpu / requests:.1f} ms per request; "
              f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"  write requests   {writes:,} of {size} step(s)")
        print(f"  {'step' if size == 1 else 'batch'} latency    p50 {percentile(stats.step_seconds, 50):.0f} ms, "
              f"p95 {percentile(stats.step_seconds, 95):.0f} ms")
        print(f"  figures          {len(stats.figure_seconds):,} requests, p50 "
              f"{percentile(stats.figure_seconds, 50):.0f} ms, p95 {percentile(stats.figure_seconds, 95):.0f} ms, "
              f"max {max(stats.figure_seconds, default=0) * 1000:.0f} ms (target p95 < 200 ms)")
        if stats.errors:
            print("  errors:", *stats.errors, sep="\n    ")
        from yingji.core.models import AuditRecord
        from yingji.response.models import HouseholdTransition
        from yingji.response.services.evacuation import seal_steps, steps_digest

        during = getattr(stats, "sealed", 0)
        while seal_steps(limit=20_000):
            pass
        records = AuditRecord.objects.filter(action="household_steps").order_by("-seq")[:3]
        good = all(r.after["digest"] == steps_digest([i for v in r.after["ids"].values() for i in v])
                   for r in records)
        print(f"  audit: {during:,} steps sealed during the run by the 5-s tick; all sealed now: "
              f"{not HouseholdTransition.objects.filter(sealed=False).exists()}; latest digests match: {good}")
        transitions = HouseholdTransition.objects.count()
        print(f"  history rows {transitions:,}; accepted steps {stats.accepted:,}: "
              f"{'equal' if transitions == stats.accepted else 'DIFFERENT'}")
        check(port, token, rng)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
