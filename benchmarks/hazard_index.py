"""Benchmark of the regional hazard figures and ranking (晾晒) over a large synthetic set.

Builds a throw-away SQLite database (in a temporary directory, or DATABASE_URL if set:
then it must be an empty database of its own), loads the official Zhejiang regions,
one enterprise per 20 hazards and N hazards spread over every township with
inspections (then the daily and monthly hazard counts are rebuilt), and times:
  county figures (one county), township ranking of a county, county ranking of a
  city, city ranking of the province — each the median of `--repeat` runs.

    .venv/bin/python benchmarks/hazard_index.py                 # 1,000,000 hazards
    .venv/bin/python benchmarks/hazard_index.py --hazards 200000 --repeat 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def setup_django(var_dir: str) -> None:
    os.environ.setdefault("YINGJI_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load(hazards: int, seed: int) -> None:
    from yingji.core.models import Region
    from yingji.core.services import import_official_regions
    from yingji.enterprises import uscc
    from yingji.enterprises.models import Enterprise
    from yingji.hazards.models import Hazard, Inspection

    import_official_regions()
    rng = random.Random(seed)
    towns = list(Region.objects.filter(level=4).values_list("code", flat=True))
    n_firms = max(hazards // 20, len(towns))
    firms = [Enterprise(name=f"企业{i}", uscc=uscc.make("91", towns[i % len(towns)][:6], f"{i:08d}X"),
                        region_id=towns[i % len(towns)]) for i in range(n_firms)]
    Enterprise.objects.bulk_create(firms, batch_size=5000)
    firm_rows = list(Enterprise.objects.values_list("id", "region_id"))
    start = dt.date(2025, 1, 1)
    batch, t0 = [], time.perf_counter()
    for n in range(hazards):
        firm, region = firm_rows[rng.randrange(len(firm_rows))]
        found = start + dt.timedelta(days=rng.randrange(365))
        closed = found + dt.timedelta(days=rng.randrange(40)) if rng.random() < 0.9 else None
        batch.append(Hazard(number=f"B-{n}", enterprise_id=firm, region_id=region, description="-",
                            level="major" if rng.random() < 0.02 else "general", found_on=found,
                            deadline=found + dt.timedelta(days=30), closed_on=closed,
                            state="closed" if closed else "rectifying", ever_supervised=rng.random() < 0.005))
        if len(batch) == 20000:
            Hazard.objects.bulk_create(batch)
            batch = []
            print(f"\r  {n + 1:,} hazards loaded ({time.perf_counter() - t0:.0f} s)", end="", flush=True)
    Hazard.objects.bulk_create(batch)
    visits = [Inspection(enterprise_id=f, region_id=r, kind="planned",
                         date=start + dt.timedelta(days=rng.randrange(365)))
              for f, r in (firm_rows[rng.randrange(len(firm_rows))] for _ in range(hazards // 2))]
    Inspection.objects.bulk_create(visits, batch_size=20000)
    # bulk_create bypasses Hazard.save(), which keeps the daily and monthly counts the
    # figures read in step; count them once, as an import would.
    from yingji.hazards import daily_counts

    daily_counts.rebuild()
    print(f"\r  {hazards:,} hazards, {len(visits):,} inspections, {n_firms:,} enterprises, "
          f"{len(towns):,} townships loaded in {time.perf_counter() - t0:.0f} s")


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hazards", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        load(args.hazards, args.seed)
        from yingji.core.scope import SYSTEM
        from yingji.hazards import indexes

        period = {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 12, 31), "today": dt.date(2026, 1, 15)}
        cases = [
            ("county figures (温岭 331081)", lambda: indexes.region_figures(scope=SYSTEM, code="331081", **period)),
            ("township ranking of a county (331081)", lambda: indexes.ranking(scope=SYSTEM, code="331081", **period)),
            ("county ranking of a city (台州 3310)", lambda: indexes.ranking(scope=SYSTEM, code="3310", **period)),
            ("city ranking of the province (33)", lambda: indexes.ranking(scope=SYSTEM, code="33", **period)),
        ]
        from django.db import connection

        print(f"database: {connection.vendor}; median of {args.repeat} runs")
        for label, fn in cases:
            print(f"  {label:42s} {timed(fn, args.repeat) * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
