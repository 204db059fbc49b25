"""Benchmark of the set-based reconciliation of hazardous-chemical flows (issue 19):
ten million flow rows from 50,000 enterprises reconciled in under 60 s, with findings
equal to a reference.

Builds its own PostgreSQL database (created if missing; the names of other work are
refused), migrates it and loads the official regions, then generates a province's
three years of trade (2022–2024) with numpy and loads it by binary COPY:

  * sellers (one in twenty enterprises), each selling two chemicals of the catalogue
    (some highly toxic or explosive precursors, which need a use permit), to about thirty
    regular buyers each; a buyer's first purchase from a seller comes at least two days
    after the previous new buyer's, so no seven-day window has five new buyers by chance;
  * each sale recorded by the buyer (inbound) and, for three in ten, by the seller too
    (outbound, the same quantity and amount);
  * licences: every seller a trading licence for its chemicals over the whole period
    (some as two consecutive licences), every buyer of a permit chemical a use licence;

and plants known violations: sellers with no licence, sellers whose licence ends on
2023-06-25 with no renewal, sellers the register lacks (buyers record them), buyers of a
permit chemical without a use licence, sales whose two sides disagree by one tonne, and
sellers who take on six new buyers in three days.

It then times `services.reconcile_all()` — read every row (binary COPY), reconcile
(`reconcile_sets`), write the work orders — and checks the findings against two
references:

  1. the planted violations at full size: the number of findings of each kind, and each
     unlicensed seller's illegal gains, summed by the generator from the sales it made;
  2. the row-by-row rules (`reconcile.findings` for every row, through the ORM) on a
     small data set from the same generator (`--reference-rows`): every finding equal,
     key, evidence, gains, quantity and text.

    python benchmarks/hazchem_reconcile.py                        # 10,000,000 rows, 50,000 enterprises
    python benchmarks/hazchem_reconcile.py --rows 1000000 --enterprises 5000
    python benchmarks/hazchem_reconcile.py --reuse --reference-rows 0   # the rows loaded before

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/yingji_hazchem_bench.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/yingji_hazchem_bench"
FORBIDDEN_DATABASES = {"yingji", "test_yingji", "postgres", "template0", "template1"}
FIRST_DAY = dt.date(2022, 1, 1)
DAYS = 1096  # 2022-01-01 .. 2024-12-31
EXPIRY = 540  # the day (2023-06-25) the planted expiring licences end
BUYERS_PER_PAIR = 30
OUT_SHARE = 0.3  # sales the seller records too


def ensure_database(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if name in FORBIDDEN_DATABASES:
        sys.exit(f"refusing to use the database {name!r}: it belongs to other work")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "yingji.settings", "DEBUG": "0",
           "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-m", "django", "migrate"], check=True, cwd=ROOT, env=env,
                   stdout=subprocess.DEVNULL)
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from yingji.core.models import Region

    if not Region.objects.exists():
        subprocess.run([sys.executable, "-m", "django", "import_regions"], check=True, cwd=ROOT, env=env,
                       stdout=subprocess.DEVNULL)


# The synthetic province -------------------------------------------------------------------

class Trade:
    """Sales as columns (one row per sale), the licences to issue, and what was planted."""

    def __init__(self, n_rows: int, n_enterprises: int, seed: int):
        rng = np.random.default_rng(seed)
        self.n_ent = n_enterprises
        self.n_sellers = max(5, n_enterprises // 20)
        self.n_strangers = max(1, self.n_sellers // 250)
        n_sales = int(n_rows / (1 + OUT_SHARE))
        # Pairs (seller, chemical): two per seller, then one per stranger (unregistered seller).
        pair_seller = np.concatenate([np.repeat(np.arange(self.n_sellers), 2),
                                      n_enterprises + np.arange(self.n_strangers)])
        n_pairs = len(pair_seller)
        self.permit_pair = rng.random(n_pairs) < 0.15
        self.permit_pair[-self.n_strangers:] = False
        # Chemical slots: permit pairs draw from the permit list, others from the rest (ids mapped later).
        self.pair_chem_slot = rng.integers(0, 1 << 30, n_pairs)
        # Relationships: BUYERS_PER_PAIR per pair, starts at least two days apart.
        rel_pair = np.repeat(np.arange(n_pairs), BUYERS_PER_PAIR)
        k = np.tile(np.arange(BUYERS_PER_PAIR), n_pairs)
        n_buyers = n_enterprises - self.n_sellers
        rel_buyer = self.n_sellers + (rel_pair * 7919 + k) % n_buyers
        gaps = 2 + rng.integers(0, 20, len(rel_pair))
        gaps[k == 0] = rng.integers(0, 60, n_pairs)
        starts = np.cumsum(gaps)
        pair_base = starts[k == 0] - gaps[k == 0]
        rel_start = starts - np.repeat(pair_base, BUYERS_PER_PAIR)
        # Planted: six new buyers in three days for some licensed sellers' pairs.
        self.burst_pairs = rng.choice(np.flatnonzero(~self.permit_pair[:2 * self.n_sellers:2]) * 2,
                                      max(1, self.n_sellers // 125), replace=False)
        burst_day = rng.integers(800, 1000, len(self.burst_pairs))
        b_pair = np.repeat(self.burst_pairs, 6)
        b_buyer = self.n_sellers + (b_pair * 7919 + BUYERS_PER_PAIR + np.tile(np.arange(6), len(self.burst_pairs))
                                    ) % n_buyers
        b_start = np.repeat(burst_day, 6) + np.tile([0, 0, 1, 1, 2, 2], len(self.burst_pairs))
        rel_pair = np.concatenate([rel_pair, b_pair])
        rel_buyer = np.concatenate([rel_buyer, b_buyer])
        rel_start = np.concatenate([rel_start, b_start])
        # Sales: spread evenly from each relationship's start to the end, distinct days.
        span = DAYS - rel_start
        per_rel = np.maximum(1, np.minimum(span, rng.poisson(n_sales / len(rel_pair), len(rel_pair))))
        rel_of_sale = np.repeat(np.arange(len(rel_pair)), per_rel)
        first = np.cumsum(per_rel) - per_rel
        idx = np.arange(len(rel_of_sale)) - np.repeat(first, per_rel)
        self.day = rel_start[rel_of_sale] + (idx * span[rel_of_sale]) // per_rel[rel_of_sale]
        self.pair = rel_pair[rel_of_sale]
        self.seller = pair_seller[self.pair]
        self.buyer = rel_buyer[rel_of_sale]
        self.grams = rng.integers(500, 30000, len(self.day)) * 1000  # 0.5–30 t, three decimals
        self.cents = self.grams // 1000 * rng.integers(250, 400, len(self.day))  # RMB 2.5–4.0 per kg
        self.kg_unit = rng.random(len(self.day)) < 0.2
        self.mirrored = rng.random(len(self.day)) < OUT_SHARE
        self.mirrored[self.seller >= n_enterprises] = False  # strangers keep no books here
        # Planted: sellers without licence / with an expiring one; buyers without a use permit.
        licensed = np.arange(self.n_sellers)
        planted = rng.choice(licensed, 2 * max(1, self.n_sellers // 100), replace=False)
        self.no_licence, self.expiring = planted[::2], planted[1::2]
        self.renewed = rng.random(self.n_sellers) < 0.3
        permit_rels = np.flatnonzero(self.permit_pair[rel_pair])
        self.unpermitted_rels = rng.choice(permit_rels, min(len(permit_rels), max(1, self.n_sellers // 25)),
                                           replace=False)
        self.rel_pair, self.rel_buyer = rel_pair, rel_buyer
        # Planted: a tonne more on the seller's side of some mirrored sales.
        mirrored = np.flatnonzero(self.mirrored)
        self.mismatched = rng.choice(mirrored, min(len(mirrored), max(1, n_sales // 50000)), replace=False)
        self.out_grams = self.grams.copy()
        self.out_grams[self.mismatched] += 1_000_000
        order = np.argsort(self.day, kind="stable")  # recorded in date order
        for name in ("day", "pair", "seller", "buyer", "grams", "cents", "kg_unit", "mirrored", "out_grams"):
            setattr(self, name, getattr(self, name)[order])
        self.mismatched = np.flatnonzero(np.isin(order, self.mismatched))
        self.pair_seller = pair_seller

    def expected(self) -> dict:
        """The planted findings: how many of each kind, and each unlicensed seller's gains."""
        unpermitted = {(int(b), int(self.pair_chem[p])) for p, b in
                       zip(self.rel_pair[self.unpermitted_rels], self.rel_buyer[self.unpermitted_rels], strict=True)}
        licensed_use = self.use_licences()
        unpermitted -= licensed_use
        gains = {}
        for s in np.concatenate([self.no_licence, self.expiring, self.n_ent + np.arange(self.n_strangers)]):
            for c in {int(self.pair_chem[p]) for p in np.flatnonzero(self.pair_seller == s)}:
                pick = (self.seller == s) & (self.pair_chem[self.pair] == c)
                if s in self.expiring:
                    pick &= self.day > EXPIRY
                if pick.any():
                    gains[(int(s), c)] = int(self.cents[pick].sum())
        return {"unlicensed_seller": gains, "quantity_mismatch": len(self.mismatched),
                "use_outside_permit": len(unpermitted), "many_new_buyers": len(self.burst_pairs)}

    def use_licences(self) -> set[tuple[int, int]]:
        rels = np.flatnonzero(self.permit_pair[self.rel_pair])
        rels = np.setdiff1d(rels, self.unpermitted_rels)
        return {(int(b), int(self.pair_chem[p])) for p, b in zip(self.rel_pair[rels], self.rel_buyer[rels],
                                                                   strict=True)}


def load(trade: Trade, reuse: bool) -> tuple[list[str], float]:
    """Enterprises, licences and flows into the database (unless `reuse`: the rows a run
    with the same arguments loaded); returns the USCC of each index."""
    from django.db import connection

    from yingji.core.models import Region
    from yingji.enterprises import uscc as codes
    from yingji.enterprises.models import Enterprise
    from yingji.hazchem.models import Chemical, Flow, HazchemLicence, WorkOrder

    started = time.perf_counter()
    WorkOrder.objects.all().delete()
    towns = list(Region.objects.filter(level=4).order_by("code").values_list("code", flat=True))
    uscc = [codes.make("91", towns[i % len(towns)][:6], f"B{i:07d}X") for i in range(trade.n_ent)]
    strangers = [codes.make("91", "330000", f"W{i:07d}X") for i in range(trade.n_strangers)]
    # Chemicals: permit pairs take a highly-toxic or precursor entry, the others any other.
    chemicals = list(Chemical.objects.order_by("pk"))
    permit = np.array([c.pk for c in chemicals if c.requires_use_permit])
    plain = np.array([c.pk for c in chemicals if not c.requires_use_permit])
    trade.pair_chem = np.where(trade.permit_pair, permit[trade.pair_chem_slot % len(permit)],
                               plain[trade.pair_chem_slot % min(len(plain), 200)])
    if reuse:
        return uscc + strangers, 0.0
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {Flow._meta.db_table}, {HazchemLicence._meta.db_table} CASCADE")
    Enterprise.objects.filter(name__startswith="基准企业").delete()
    Enterprise.objects.bulk_create([Enterprise(name=f"基准企业{i}", uscc=u, region_id=towns[i % len(towns)])
                                    for i, u in enumerate(uscc)], batch_size=5000)
    pk = dict(Enterprise.objects.filter(name__startswith="基准企业").values_list("uscc", "pk"))
    ent_pk = np.array([pk[u] for u in uscc], dtype=np.int64)
    _licences(trade, ent_pk)
    _flows(trade, ent_pk, np.array(uscc + strangers, dtype="S18"))
    return uscc + strangers, time.perf_counter() - started


def _licences(trade: Trade, ent_pk: np.ndarray) -> None:
    from yingji.hazchem.models import HazchemLicence

    day = [FIRST_DAY + dt.timedelta(days=d) for d in (-400, 500, 501, 1500)]
    rows, chems = [], []
    for s in range(trade.n_sellers):
        if s in set(trade.no_licence.tolist()):
            continue
        own = sorted({int(trade.pair_chem[p]) for p in (2 * s, 2 * s + 1)})
        periods = [(day[0], day[3])]
        if s in set(trade.expiring.tolist()):
            periods = [(day[0], FIRST_DAY + dt.timedelta(days=EXPIRY))]
        elif trade.renewed[s]:
            periods = [(day[0], day[1]), (day[2], day[3])]
        for n, (start, end) in enumerate(periods):
            rows.append(HazchemLicence(enterprise_id=int(ent_pk[s]), kind="trading", number=f"T{s}-{n}",
                                       valid_from=start, valid_to=end, authority="基准应急管理局"))
            chems.append(own)
    for n, (b, c) in enumerate(sorted(trade.use_licences())):
        rows.append(HazchemLicence(enterprise_id=int(ent_pk[b]), kind="use", number=f"U{n}", valid_from=day[0],
                                   valid_to=day[3], authority="基准应急管理局"))
        chems.append([c])
    HazchemLicence.objects.bulk_create(rows, batch_size=5000)
    through = HazchemLicence.chemicals.through
    through.objects.bulk_create([through(hazchemlicence_id=r.pk, chemical_id=c) for r, cs in zip(rows, chems,
                                                                                                  strict=True)
                                 for c in cs], batch_size=10000)


def _flows(trade: Trade, ent_pk: np.ndarray, uscc: np.ndarray) -> None:
    """The buyers' inbound rows and the mirrored outbound ones, by binary COPY into a
    staging table and one INSERT … SELECT (numeric columns are not worth encoding here)."""
    from django.db import connection

    from yingji.hazchem.models import Flow

    registered = trade.seller < trade.n_ent
    out = np.flatnonzero(trade.mirrored & registered)
    n_in, n = len(trade.day), len(trade.day) + len(out)
    recorder = np.concatenate([trade.buyer, trade.seller[out]])
    other = np.concatenate([trade.seller, trade.buyer[out]])
    dtype = np.dtype([("n", ">i2"), ("l0", ">i4"), ("ent", ">i8"), ("l1", ">i4"), ("out", "u1"), ("l2", ">i4"),
                      ("day", ">i4"), ("l3", ">i4"), ("chem", ">i8"), ("l4", ">i4"), ("grams", ">i8"),
                      ("l5", ">i4"), ("cents", ">i8"), ("l6", ">i4"), ("kg", "u1"), ("l7", ">i4"), ("cp", "S18")])
    t = np.zeros(n, dtype=dtype)
    t["n"] = 8
    for i, width in enumerate((8, 1, 4, 8, 8, 8, 1, 18)):
        t[f"l{i}"] = width
    t["ent"] = ent_pk[recorder]
    t["out"][n_in:] = 1
    t["day"] = np.concatenate([trade.day, trade.day[out]])
    t["chem"] = trade.pair_chem[np.concatenate([trade.pair, trade.pair[out]])]
    t["grams"] = np.concatenate([trade.grams, trade.out_grams[out]])
    t["cents"] = np.concatenate([trade.cents, trade.cents[out]])
    t["kg"] = np.concatenate([trade.kg_unit, trade.kg_unit[out]])
    t["cp"] = uscc[other]
    t = t[np.argsort(t["day"], kind="stable")]
    data = b"PGCOPY\n\xff\r\n\x00" + bytes(8) + t.tobytes() + b"\xff\xff"
    table = Flow._meta.db_table
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_flow (ent int8, out bool, day int4, chem int8, grams int8, "
                    "cents int8, kg bool, cp text)")
        with cur.cursor.copy("COPY bench_flow FROM STDIN (FORMAT BINARY)") as copy:
            for i in range(0, len(data), 1 << 24):
                copy.write(data[i:i + (1 << 24)])
        # The table's secondary indexes rebuilt after the load (ten times faster than kept
        # up row by row), and no FK triggers during it.
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE %s",
                    [table, "%_pkey"])
        indexes = cur.fetchall()
        for name, _definition in indexes:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS "{name}"')
            cur.execute(f'DROP INDEX IF EXISTS "{name}"')
        cur.execute("SET session_replication_role = replica")
        cur.execute(f"INSERT INTO {table} (enterprise_id, direction, date, chemical_id, quantity, unit, "
                    "counterparty_uscc, amount, import_key, created_at) SELECT ent, "
                    "CASE WHEN out THEN 'out' ELSE 'in' END, DATE '2022-01-01' + day, chem, "
                    "CASE WHEN kg THEN grams / 1000.0 ELSE grams / 1000000.0 END, CASE WHEN kg THEN 'kg' ELSE 't' END, "
                    "cp, cents / 100.0, '', now() FROM bench_flow")
        cur.execute("SET session_replication_role = DEFAULT")
        for _name, definition in indexes:
            cur.execute(definition)
        cur.execute("DROP TABLE bench_flow")
        cur.execute(f"ANALYZE {table}")


# The references ---------------------------------------------------------------------------

def check_planted(trade: Trade, uscc: list[str], counts: Counter, gains: dict) -> bool:
    expected = trade.expected()
    ok = True
    for kind, want in expected.items():
        n = len(want) if isinstance(want, dict) else want
        same = "equal" if n == counts[kind] else "DIFFERENT"
        print(f"  {kind:20s} planted {n:6d}   found {counts[kind]:6d}   {same}")
        ok &= n == counts[kind]
    want = {f"unlicensed_seller:{uscc[s]}:{c}": Decimal(v) / 100
            for (s, c), v in expected["unlicensed_seller"].items()}
    same = want == gains
    print(f"  unlicensed sellers' illegal gains equal the generator's sums: {same} "
          f"(RMB {sum(want.values()):,.2f} over {len(want)} sellers)")
    return ok and same


def check_row_by_row() -> bool:
    from yingji.hazchem import reconcile, reconcile_run
    from yingji.hazchem.models import Flow

    def said(f):
        return (f.kind, f.party_uscc, f.chemical.pk, tuple(f.evidence), f.illegal_gains,
                f.quantity_t.quantize(Decimal("0.001")), f.summary)

    started = time.perf_counter()
    reference: dict[str, tuple] = {}
    for flow in Flow.objects.select_related("enterprise", "chemical").order_by("id"):
        for f in reconcile.findings(flow):
            reference[f.key] = (said(f), flow.pk)
    slow = time.perf_counter() - started
    started = time.perf_counter()
    got = {f.key: (said(f), last) for f, last in reconcile_run.findings()}
    fast = time.perf_counter() - started
    kinds = Counter(k.split(":")[0] for k in reference)
    print(f"  {Flow.objects.count():,} rows: row by row {slow:.1f} s, set-based {fast:.2f} s; "
          f"{len(reference)} findings {dict(kinds)}; equal: {got == reference}")
    return got == reference


def run(rows: int, enterprises: int, seed: int, reuse: bool = False) -> tuple[float, Counter, dict, list[str], Trade,
                                                                            dict]:
    from yingji.hazchem import services
    from yingji.hazchem.models import WorkOrder

    trade = Trade(rows, enterprises, seed)
    uscc, loaded = load(trade, reuse)
    if not reuse:
        print(f"  loaded the flow rows of {enterprises:,} enterprises in {loaded:.0f} s")
    timings: dict = {}
    started = time.perf_counter()
    counts = services.reconcile_all(timings=timings)
    took = time.perf_counter() - started
    print(f"  {timings['rows']:,} rows: read {timings['read']:.1f} s, reconcile {timings['reconcile']:.1f} s, "
          f"write {took - timings['read'] - timings['reconcile']:.1f} s")
    orders = Counter(WorkOrder.objects.values_list("kind", flat=True))
    gains = dict(WorkOrder.objects.filter(kind="unlicensed_seller").values_list("key", "illegal_gains"))
    return took, orders, gains, uscc, trade, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--reference-rows", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--reuse", action="store_true", help="the rows an earlier run with the same arguments loaded")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    setup_django(url)
    from django.conf import settings

    print(f"window {settings.HAZCHEM_NEW_BUYERS_WINDOW_DAYS} days, threshold "
          f"{settings.HAZCHEM_NEW_BUYERS_THRESHOLD} new buyers")
    ok = True
    if args.reference_rows and args.reuse:
        print("Reference 2 skipped: its small data set would replace the rows --reuse reads")
    elif args.reference_rows:
        print("Reference 2: the row-by-row rules on a small data set of the same generator")
        took, orders, gains, uscc, trade, _ = run(args.reference_rows, max(200, args.reference_rows // 15),
                                                  args.seed + 1)
        ok &= check_row_by_row()
        ok &= check_planted(trade, uscc, orders, gains)
    print(f"Full size: {args.rows:,} rows, {args.enterprises:,} enterprises")
    took, orders, gains, uscc, trade, counts = run(args.rows, args.enterprises, args.seed, args.reuse)
    print(f"  reconcile_all: {took:.1f} s (read, reconcile, write {counts['findings']} work orders: {counts})")
    print("Reference 1: the planted violations")
    ok &= check_planted(trade, uscc, orders, gains)
    started = time.perf_counter()
    from yingji.hazchem import services

    again = services.reconcile_all()
    print(f"  a second run over unchanged rows: {time.perf_counter() - started:.1f} s, {again}")
    print(f"target: under 60 s — {'met' if took < 60 else 'NOT met'}; findings equal the references: {ok}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
