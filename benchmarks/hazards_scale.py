"""Benchmark of the hazard list, figures and ranking through the HTTP API, over
millions of hazards in PostgreSQL.

Creates (or reuses) its own database, migrates it, loads the official Zhejiang
regions, then bulk-loads with COPY: enterprises spread unevenly over every township,
a year of inspections, and N hazards found over the last 365 days with realistic
levels, sources, deadlines, states and closing dates; then rebuilds the daily and
monthly hazard counts the figures read (COPY bypasses the model that keeps them). It then starts the app with
gunicorn (2 workers) on a free local port, takes tokens from `POST /api/auth/token`
for a province admin and a county officer, and times:
  the hazard list with filters (`--requests` requests per case),
  county figures, township ranking of a county, county ranking of a city and city
  ranking of the province (`--repeat` requests each),
reporting p50/p95 of the wall time seen by the client, and finally checks the
province's figures through the API against a plain count over the whole table.

    .venv/bin/python benchmarks/hazards_scale.py                     # 6,000,000 hazards
    .venv/bin/python benchmarks/hazards_scale.py --hazards 200000
    .venv/bin/python benchmarks/hazards_scale.py --reuse             # keep loaded data

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/yingji_bench; the
database is created if missing and its hazards, inspections and enterprises are
replaced unless --reuse finds exactly N hazards there. Targets (the issue): p95 under
100 ms for lists, under 500 ms for figures and rankings, on a 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/yingji_bench"
# Databases of other people's work on the same server: never load into these.
FORBIDDEN_DATABASES = {"yingji", "test_yingji", "postgres", "template0", "template1"}
CHUNK = 100_000
PASSWORD = "bench-password"
USERS = {"province": ("bench-province", "33", "admin"), "county": ("bench-wenling", "331081", "officer")}

CATEGORIES = ["fire", "electrical", "equipment", "hot_work", "hazchem", "confined_space", "dust", "management",
              "other"]
CATEGORY_P = [0.25, 0.2, 0.15, 0.05, 0.05, 0.04, 0.04, 0.17, 0.05]
SOURCES = ["inspection", "self_inspection", "public_report", "monitoring"]
SOURCE_P = [0.55, 0.35, 0.03, 0.07]
DESCRIPTIONS = ["灭火器压力不足", "安全出口堵塞", "电线私拉乱接", "配电箱未接地", "设备防护罩缺失", "动火作业未审批",
                "危化品超量存放", "有限空间作业未检测", "粉尘未及时清扫", "安全培训记录缺失", "应急预案未演练",
                "消防通道占用"]
LOCATIONS = ["一号车间", "二号车间", "仓库", "配电房", "办公楼", "锅炉房", "危化品库", "宿舍"]
GENERAL_OPEN = (["registered", "rectifying", "submitted"], [0.2, 0.6, 0.2])
MAJOR_OPEN = (["reported", "planned", "rectifying", "submitted"], [0.15, 0.25, 0.45, 0.15])


# Progress ------------------------------------------------------------------------

def progress(label: str, done: int, total: int, started: float, width: int = 30) -> None:
    filled = width * done // max(total, 1)
    rate = done / max(time.perf_counter() - started, 1e-9)
    sys.stderr.write(f"\r  {label:12s} [{'#' * filled}{'.' * (width - filled)}] {done:>10,}/{total:,} "
                     f"({rate:,.0f}/s)")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


# Database setup --------------------------------------------------------------------

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


def yingji(*args: str) -> None:
    subprocess.run([str(VENV_BIN / "yingji"), *args], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
    sys.path.insert(0, str(ROOT / "src"))
    yingji("migrate")
    import django

    django.setup()
    from yingji.core.models import Region

    if not Region.objects.exists():
        yingji("import-regions", "--quiet-progress")


# Synthetic data ----------------------------------------------------------------------

def townships() -> list[str]:
    from yingji.core.models import Region

    return list(Region.objects.filter(level=4).order_by("code").values_list("code", flat=True))


def copy_rows(cursor, table: str, columns: list[str], chunks, total: int, label: str) -> None:
    """COPY text lines from `chunks` (lists of tab-separated rows) into `table`."""
    started, done = time.perf_counter(), 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for lines in chunks:
            copy.write("\n".join(lines) + "\n")
            done += len(lines)
            progress(label, done, total, started)


def secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's indexes that back no constraint: those are
    dropped during the load and rebuilt after it, which is much faster than keeping
    a dozen b-trees up to date row by row."""
    cursor.execute("""SELECT i.indexname, i.indexdef FROM pg_indexes i
                      WHERE i.tablename = %s AND NOT EXISTS (
                        SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""", [table])
    return cursor.fetchall()


class World:
    """The random shape of the province: how busy each township and enterprise is,
    and how diligent each township's officers are (faster closing, more visits), so
    that rankings have something to separate."""

    def __init__(self, towns: list[str], n_firms: int, rng: np.random.Generator):
        self.towns = np.array(towns)
        town_weight = rng.lognormal(0, 0.8, len(towns))
        self.diligence = rng.uniform(0.5, 1.5, len(towns))
        self.firm_town = np.sort(rng.choice(len(towns), n_firms, p=town_weight / town_weight.sum()))
        firm_weight = rng.lognormal(0, 1.0, n_firms)
        self.firm_p = firm_weight / firm_weight.sum()
        visit_weight = self.diligence[self.firm_town]
        self.visit_p = visit_weight / visit_weight.sum()


def enterprise_chunks(world: World, rng: np.random.Generator, now: str):
    from yingji.enterprises import uscc

    industries = ["chemical", "machinery", "light", "textile", "trade", "other"]
    grades = ["red", "orange", "yellow", "blue"]
    for lo in range(0, len(world.firm_town), CHUNK):
        lines = []
        for i in range(lo, min(lo + CHUNK, len(world.firm_town))):
            town = world.towns[world.firm_town[i]]
            code = uscc.make("91", town[:6], f"B{i:07d}X")
            lines.append(f"基准企业{i}\t{code}\t{town}\t{industries[i % 6]}\tsmall\t{grades[i % 4]}\t{now}\t{now}"
                         f"\t\t\t")
        yield lines


ENTERPRISE_COLUMNS = ["name", "uscc", "region_id", "industry", "scale", "risk_grade", "created_at", "updated_at",
                      "address", "legal_representative", "contact_phone"]


def inspection_chunks(world: World, firm_ids: np.ndarray, n: int, first_day: dt.date, rng: np.random.Generator):
    kinds = np.array(["planned", "ad_hoc", "self"])
    for lo in range(0, n, CHUNK):
        size = min(CHUNK, n - lo)
        firms = rng.choice(len(firm_ids), size, p=world.visit_p)
        days = rng.integers(0, 365, size)
        kind = kinds[rng.choice(3, size, p=[0.5, 0.3, 0.2])]
        yield [f"{kind[k]}\t{first_day + dt.timedelta(days=int(days[k]))}\t\t{first_day}T09:00:00+08\t"
               f"{firm_ids[firms[k]]}\t{world.towns[world.firm_town[firms[k]]]}" for k in range(size)]


INSPECTION_COLUMNS = ["kind", "date", "note", "created_at", "enterprise_id", "region_id"]


def hazard_block(world: World, lo: int, size: int, n: int, first_day: dt.date, today: dt.date,
                 rng: np.random.Generator) -> dict:
    """Columns of hazards `lo` .. `lo + size` of `n` as arrays. They are registered
    as they are found, so the day found grows with the row (give or take the few days
    a registration lags): the table's physical order follows time, as in real use.
    Closing time is gamma-distributed around two thirds of the allowed time, scaled
    by the township's diligence, so some close late and the recent ones are still open."""
    firm = rng.choice(len(world.firm_town), size, p=world.firm_p)
    town = world.firm_town[firm]
    found = np.clip((np.arange(lo, lo + size) * 365) // n - rng.integers(0, 4, size), 0, 364)
    major = rng.random(size) < 0.02
    allowed = np.where(major, rng.choice([60, 90, 120], size), rng.choice([7, 15, 30], size))
    on_spot = ~major & (rng.random(size) < 0.08)
    to_close = np.ceil(rng.gamma(2.0, allowed / 3 / world.diligence[town]))
    to_close = np.where(on_spot, 0, to_close)
    stuck = rng.random(size) < 0.02
    age = (today - first_day).days - found
    closed = ~stuck & (to_close < age)
    supervised = major & ~closed & (rng.random(size) < 0.4)
    ever = supervised | (major & closed & (rng.random(size) < 0.3))
    general_state = np.array(GENERAL_OPEN[0])[rng.choice(3, size, p=GENERAL_OPEN[1])]
    major_state = np.array(MAJOR_OPEN[0])[rng.choice(4, size, p=MAJOR_OPEN[1])]
    state = np.where(closed, "closed", np.where(major, major_state, general_state))
    return {"firm": firm, "town": town, "found": found, "major": major, "allowed": allowed, "to_close": to_close,
            "closed": closed, "supervised": supervised, "ever": ever, "state": state,
            "category": rng.choice(len(CATEGORIES), size, p=CATEGORY_P),
            "source": np.where(on_spot, 0, rng.choice(len(SOURCES), size, p=SOURCE_P)),
            "text": rng.integers(0, len(DESCRIPTIONS), size), "place": rng.integers(0, len(LOCATIONS), size)}


def hazard_chunks(world: World, firm_ids: np.ndarray, n: int, first_day: dt.date, today: dt.date,
                  rng: np.random.Generator):
    days = [first_day + dt.timedelta(days=d) for d in range(365 + 400)]
    flag = {True: "t", False: "f"}
    for lo in range(0, n, CHUNK):
        b = hazard_block(world, lo, min(CHUNK, n - lo), n, first_day, today, rng)
        lines = []
        for k in range(len(b["firm"])):
            town = world.towns[b["town"][k]]
            found = days[b["found"][k]]
            closed_on = str(days[b["found"][k] + int(b["to_close"][k])]) if b["closed"][k] else r"\N"
            lines.append(
                f"YH-{town[:6]}-{found.year}-{lo + k + 1:07d}\t{firm_ids[b['firm'][k]]}\t{town}\t"
                f"{LOCATIONS[b['place'][k]]}\t{DESCRIPTIONS[b['text'][k]]}\t{CATEGORIES[b['category'][k]]}\t"
                f"{SOURCES[b['source'][k]]}\t{'major' if b['major'][k] else 'general'}\t{b['state'][k]}\t{found}\t"
                f"{days[b['found'][k] + int(b['allowed'][k])]}\t{closed_on}\t{flag[bool(b['supervised'][k])]}\t"
                f"{flag[bool(b['ever'][k])]}\t{found}T09:00:00+08")
        yield lines


HAZARD_COLUMNS = ["number", "enterprise_id", "region_id", "location", "description", "category", "source", "level",
                  "state", "found_on", "deadline", "closed_on", "supervised", "ever_supervised", "created_at"]


def load(n_hazards: int, n_firms: int, n_inspections: int, today: dt.date, seed: int) -> None:
    from django.db import connection, transaction

    rng = np.random.default_rng(seed)
    world = World(townships(), n_firms, rng)
    first_day = today - dt.timedelta(days=365)
    now = f"{today}T08:00:00+08"
    print(f"loading {n_firms:,} enterprises over {len(world.towns):,} townships, {n_inspections:,} inspections, "
          f"{n_hazards:,} hazards found {first_day} .. {today - dt.timedelta(days=1)}")
    started = time.perf_counter()
    tables = ["hazards_hazard", "hazards_inspection", "enterprises_enterprise"]
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own cursor, for copy()
        # Only generated rows live here; the foreign keys are all satisfied by
        # construction, so the per-row checks are skipped during the load.
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        dropped = [ix for table in tables for ix in secondary_indexes(cursor, table)]
        for name, _ in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
        copy_rows(cursor, "enterprises_enterprise", ENTERPRISE_COLUMNS, enterprise_chunks(world, rng, now), n_firms,
                  "enterprises")
        cursor.execute("SELECT id FROM enterprises_enterprise ORDER BY id")
        firm_ids = np.array([r[0] for r in cursor.fetchall()])
        copy_rows(cursor, "hazards_inspection", INSPECTION_COLUMNS,
                  inspection_chunks(world, firm_ids, n_inspections, first_day, rng), n_inspections, "inspections")
        copy_rows(cursor, "hazards_hazard", HAZARD_COLUMNS,
                  hazard_chunks(world, firm_ids, n_hazards, first_day, today, rng), n_hazards, "hazards")
        index_started = time.perf_counter()
        for i, (_, definition) in enumerate(dropped, start=1):
            cursor.execute(definition)
            progress("indexes", i, len(dropped), index_started)
        count_hazards()
    analyze(tables)
    if not counts_match():
        sys.exit("the daily counts do not hold every hazard once after the load")
    print(f"  loaded in {time.perf_counter() - started:.0f} s")


def count_hazards() -> None:
    """The daily and monthly counts the regional figures read (hazards/daily_counts.py):
    COPY bypasses `Hazard.save()`, which keeps them in step in normal use."""
    from yingji.hazards import daily_counts

    started = time.perf_counter()
    daily_counts.rebuild()
    print(f"  daily and monthly counts rebuilt in {time.perf_counter() - started:.1f} s")


COUNT_TABLES = ["hazards_dailyhazardcount", "hazards_monthlyhazardcount"]


def analyze(tables: list[str]) -> None:
    from django.db import connection

    connection.ensure_connection()
    with connection.cursor() as cursor:
        for table in tables + COUNT_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")


def counts_match() -> bool:
    """Whether the daily counts hold every hazard once (a database loaded before they
    existed holds none)."""
    from django.db.models import Sum

    from yingji.hazards.models import DailyHazardCount

    return (DailyHazardCount.objects.aggregate(n=Sum("found"))["n"] or 0) == hazard_count()


def hazard_count() -> int:
    from yingji.hazards.models import Hazard

    return Hazard.objects.count()


def ensure_users() -> None:
    from django.contrib.auth import get_user_model

    from yingji.core.models import Person

    for username, region, role in USERS.values():
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.set_password(PASSWORD)
        user.save()
        Person.objects.update_or_create(user=user, defaults={"name": username, "region_id": region, "role": role})


# The server and the client -------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "DB_CONN_MAX_AGE": "600",
           "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "yingji.wsgi", "--workers", "2", "--bind",
                               f"127.0.0.1:{port}", "--log-level", "warning",
                               # a first request (imports, password hashing) outlives gunicorn's 30 s on a busy machine
                               "--timeout", "120"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn exited before it listened")
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not listen within 60 s")


class Client:
    def __init__(self, port: int):
        self.port = port
        self.token = ""

    def request(self, method: str, path: str, params: dict | None = None, body: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        target = path + ("?" + urlencode(params) if params else "")
        try:
            conn.request(method, target, body=json.dumps(body) if body is not None else None, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        if response.status != 200:
            raise RuntimeError(f"{method} {target}: {response.status} {data[:300]!r}")
        return json.loads(data)

    def login(self, username: str) -> Client:
        self.token = self.request("POST", "/api/auth/token", body={"username": username,
                                                                    "password": PASSWORD})["token"]
        return self

    def timed(self, path: str, params: dict) -> tuple[float, dict]:
        started = time.perf_counter()
        data = self.request("GET", path, params)
        return time.perf_counter() - started, data


# Cases -------------------------------------------------------------------------------

def list_cases(today: dt.date, rng: np.random.Generator) -> list[tuple[str, str, callable]]:
    """(label, user, params maker): each request draws its own filter values and a
    page among the first five, as people paging through a filtered list do."""
    from yingji.core.models import Region

    cities = list(Region.objects.filter(level=2).values_list("code", flat=True))
    counties = list(Region.objects.filter(level=3).values_list("code", flat=True))
    towns = list(Region.objects.filter(level=4, code__startswith="331081").values_list("code", flat=True))

    def page():
        return int(rng.integers(1, 6))

    def pick(xs):
        return xs[int(rng.integers(len(xs)))]

    return [
        ("province: city, major", "province", lambda: {"region": pick(cities), "level": "major", "page": page()}),
        ("province: county, red light", "province", lambda: {"region": pick(counties), "light": "red",
                                                             "page": page()}),
        ("province: county, state", "province", lambda: {"region": pick(counties), "page": page(),
                                                         "state": pick(["registered", "rectifying", "submitted"])}),
        ("county: all", "county", lambda: {"page": page()}),
        ("county: township, overdue", "county", lambda: {"region": pick(towns), "overdue": "true",
                                                         "page": page()}),
        ("county: yellow light", "county", lambda: {"light": "yellow", "page": page()}),
    ]


def stats_cases(today: dt.date) -> list[tuple[str, str, str, dict]]:
    period = {"from": str(today - dt.timedelta(days=365)), "to": str(today)}
    return [
        ("county figures (331081)", "county", "/api/stats/hazards", {"region": "331081", **period}),
        ("township ranking of a county (331081)", "county", "/api/stats/ranking", {"region": "331081", **period}),
        ("county ranking of a city (3310)", "province", "/api/stats/ranking", {"region": "3310", **period}),
        ("city ranking of the province (33)", "province", "/api/stats/ranking", {"region": "33", **period}),
    ]


def percentiles(seconds: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


def measure(clients: dict[str, Client], today: dt.date, requests: int, repeat: int, seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed + 1)
    rows = []
    for label, user, params in list_cases(today, rng):
        client = clients[user]
        for _ in range(3):  # warm both workers' imports and connections
            client.timed("/api/hazards", params())
        times, counts = [], []
        for _ in range(requests):
            t, data = client.timed("/api/hazards", params())
            times.append(t)
            counts.append(data["count"])
        rows.append(("list", label, statistics.median(counts), *percentiles(times), 100))
        print(f"  {rows[-1][1]:40s} p50 {rows[-1][3]:7.1f} ms  p95 {rows[-1][4]:7.1f} ms")
    for label, user, path, params in stats_cases(today):
        client = clients[user]
        client.timed(path, params)
        times = []
        for _ in range(repeat):
            t, data = client.timed(path, params)
            times.append(t)
        size = len(data["items"]) if "items" in data else data["found"]
        rows.append(("stats", label, size, *percentiles(times), 500))
        print(f"  {rows[-1][1]:40s} p50 {rows[-1][3]:7.1f} ms  p95 {rows[-1][4]:7.1f} ms")
    return rows


def print_table(rows: list[tuple], n_hazards: int, requests: int, repeat: int) -> None:
    print(f"\nPostgreSQL, {n_hazards:,} hazards; gunicorn 2 workers; lists: {requests} requests per case, "
          f"figures/rankings: {repeat} requests each")
    print(f"| {'case':42s} | {'rows':>9s} | {'p50 ms':>8s} | {'p95 ms':>8s} | {'target':>7s} | ok  |")
    print(f"|{'-' * 44}|{'-' * 11}|{'-' * 10}|{'-' * 10}|{'-' * 9}|-----|")
    for kind, label, size, p50, p95, target in rows:
        name = f"{kind}: {label}"
        print(f"| {name:42s} | {size:>9,.0f} | {p50:8.1f} | {p95:8.1f} | {target:>7d} | "
              f"{'yes' if p95 < target else 'NO ':3s} |")
    print("(rows: median `count` of the list pages, which stops at 10,000; hazards found for figures; regions ranked "
          "for rankings)")


def check_figures(client: Client, today: dt.date) -> None:
    """The province's figures through the API (daily counts + pending hazards) against
    one plain count over the whole hazards table, as a check that the fast path is
    exact at this size too (the tests check it on random data)."""
    from django.db import connection

    start = today - dt.timedelta(days=365)
    api = client.request("GET", "/api/stats/hazards", {"region": "33", "from": str(start), "to": str(today)})
    with connection.cursor() as cursor:
        cursor.execute("""SELECT COUNT(*), COUNT(*) FILTER (WHERE closed_on <= %(d)s),
                                 COUNT(*) FILTER (WHERE deadline < %(d)s AND (closed_on IS NULL OR closed_on > %(d)s)),
                                 COUNT(*) FILTER (WHERE level = 'major'),
                                 COUNT(*) FILTER (WHERE level = 'major' AND closed_on <= %(d)s),
                                 COUNT(*) FILTER (WHERE ever_supervised)
                          FROM hazards_hazard WHERE found_on BETWEEN %(s)s AND %(d)s""", {"s": start, "d": today})
        direct = dict(zip(["found", "closed", "overdue", "major_found", "major_closed", "supervised"],
                          cursor.fetchone()))
    same = all(api[k] == v for k, v in direct.items())
    print(f"check: province figures through the API {'equal' if same else 'DIFFER FROM'} a plain count over the table: "
          + ", ".join(f"{k} {api[k]:,}" + ("" if api[k] == v else f" (table {v:,})") for k, v in direct.items()))
    if not same:
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hazards", type=int, default=6_000_000)
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--inspections", type=int, help="default: one per 10 hazards")
    parser.add_argument("--requests", type=int, default=200, help="requests per list case")
    parser.add_argument("--repeat", type=int, default=20, help="requests per figures/ranking case")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep the data if it holds exactly N hazards")
    args = parser.parse_args()
    # A plain `kill` still stops the gunicorn this script started (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("this benchmark needs PostgreSQL (DATABASE_URL=postgres://...)")
    ensure_database(url)
    setup_django(url)
    from django.utils import timezone

    today = timezone.localdate()
    if not (args.reuse and hazard_count() == args.hazards):
        load(args.hazards, args.enterprises, args.inspections or args.hazards // 10, today, args.seed)
    else:
        print(f"reusing {args.hazards:,} hazards in the database")
        if not counts_match():
            count_hazards()
            analyze([])
    ensure_users()
    from django.db import connection

    connection.close()
    port = free_port()
    server = start_server(url, port)
    try:
        clients = {key: Client(port).login(username) for key, (username, _, _) in USERS.items()}
        print(f"gunicorn on 127.0.0.1:{port}, timing:")
        rows = measure(clients, today, args.requests, args.repeat, args.seed)
        check_figures(clients["province"], today)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print_table(rows, args.hazards, args.requests, args.repeat)


if __name__ == "__main__":
    main()
