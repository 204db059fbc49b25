"""Benchmark of the accident figures (事故统计) over a large synthetic set.

Builds a throw-away SQLite database (in a temporary directory, or DATABASE_URL if set:
then it must be an empty database of its own), loads the official Zhejiang regions
and N accidents spread over every township and three years, and times
`accidents.selectors.figures` (with its previous-year period and control targets):
the province by city, a city by county, a county by township, and the province by
class (GB 6441) — each the median of `--repeat` runs.

    .venv/bin/python benchmarks/accident_figures.py                  # 200,000 accidents
    .venv/bin/python benchmarks/accident_figures.py --accidents 50000 --repeat 5
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


def load(count: int, seed: int) -> None:
    from django.db import transaction

    from yingji.accidents.choices import AccidentKind, Industry
    from yingji.accidents.models import Accident
    from yingji.core.models import Region
    from yingji.core.services import import_official_regions
    from yingji.duty.grades import accident_grade

    import_official_regions()
    towns = list(Region.objects.filter(level=4).values_list("code", flat=True)) or ["331081001"]
    rng = random.Random(seed)
    beijing = dt.timezone(dt.timedelta(hours=8))
    start = dt.datetime(2024, 1, 1, tzinfo=beijing)
    batch = []
    with transaction.atomic():
        for _ in range(count):
            deaths = rng.choice([0, 0, 1, 1, 2, 3])
            batch.append(Accident(region_id=rng.choice(towns), party_name="某单位",
                                  occurred_at=start + dt.timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)),
                                  industry=rng.choice(Industry.values), kind=rng.choice(AccidentKind.values),
                                  deaths=deaths, grade=accident_grade(deaths=deaths)))
            if len(batch) == 5000:
                Accident.objects.bulk_create(batch)
                batch = []
        Accident.objects.bulk_create(batch)


def timed(repeat: int, fn) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accidents", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        t = time.perf_counter()
        load(args.accidents, args.seed)
        print(f"loaded {args.accidents:,} accidents in {time.perf_counter() - t:.1f} s")
        from yingji.accidents.selectors import figures
        from yingji.core.scope import SYSTEM

        year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        for label, region, group_by in [("province by city", "33", "region"), ("city by county", "3310", "region"),
                                        ("county by township", "331081", "region"),
                                        ("province by class", "33", "kind")]:
            seconds = timed(args.repeat, lambda r=region, g=group_by: figures(
                scope=SYSTEM, region=r, start=year[0], end=year[1], group_by=g))
            print(f"{label:22s} {seconds * 1000:8.1f} ms (median of {args.repeat})")


if __name__ == "__main__":
    main()
