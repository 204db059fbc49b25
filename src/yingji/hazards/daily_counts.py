"""Hazards found per region and day, and per region and month
(models.DailyHazardCount, MonthlyHazardCount), kept in step with the hazards table
so that the regional figures of a city or the province sum a few ten thousand small
rows instead of reading millions of hazards.

Only what does not depend on the day the figures are taken is counted here: found,
of them major, of them ever listed for supervision. Whether a hazard was closed by a
given day is read from the hazards themselves (indexes.figures_by_prefix), where
only the ones still pending then need reading.

Exactness: every change of a hazard's key (region, day found, level, ever listed)
goes through `Hazard.save()` or a delete, both of which call `move()` in the same
transaction as the write, with the stored row locked. `QuerySet.update()` and
`bulk_create()` of those fields would bypass it and are not used on hazards; a bulk
import (benchmarks/hazards_scale.py) calls `rebuild()` afterwards, and `yingji
hazard-counts` checks the tables against the hazards (14 s at 6 M). The tests compare
the tables with `from_scratch()` after random work through the services.
"""

import datetime as dt
from typing import NamedTuple

from django.db import connection, transaction

from .choices import HazardLevel

KEY_FIELDS = ("region_id", "found_on", "level", "ever_supervised")
COLUMNS = ("found", "major_found", "supervised")


class Key(NamedTuple):
    """What one hazard contributes to the counts."""

    region_id: str
    found_on: dt.date
    level: str
    ever_supervised: bool

    def deltas(self, sign: int) -> tuple[int, int, int]:
        return sign, sign * (self.level == HazardLevel.MAJOR), sign * bool(self.ever_supervised)


def key_of(hazard) -> Key:
    # to_python: a hazard saved with found_on="2026-03-01" still holds the text.
    return Key(*(hazard._meta.get_field(f.removesuffix("_id")).to_python(getattr(hazard, f))
                 if f == "found_on" else getattr(hazard, f) for f in KEY_FIELDS))


def split_period(start: dt.date, end: dt.date) -> tuple[list[tuple[dt.date, dt.date]], tuple | None]:
    """The days of [start, end] outside whole calendar months, as ranges, and the
    first days of the first and last whole months inside it (None if there are none):
    what the daily and the monthly counts are summed over."""
    first_whole = start if start.day == 1 else _next_month(start)
    after_last_whole = _next_month(end) if _next_month(end) - dt.timedelta(days=1) == end else end.replace(day=1)
    if first_whole >= after_last_whole:
        return [(start, end)], None
    days = [(a, b) for a, b in ((start, first_whole - dt.timedelta(days=1)),
                                (after_last_whole, end)) if a <= b]
    return days, (first_whole, _previous_month(after_last_whole))


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _previous_month(first: dt.date) -> dt.date:
    return (first - dt.timedelta(days=1)).replace(day=1)


def stored_key(model, pk) -> Key | None:
    """The key of the row as stored, locked until the transaction ends, so that a
    concurrent change of the same hazard cannot slip between reading and counting."""
    row = model.objects.select_for_update().filter(pk=pk).values_list(*KEY_FIELDS).first()
    return Key(*row) if row else None


def move(old: Key | None, new: Key | None) -> None:
    """Take a hazard's contribution off `old` and put it on `new` (either may be
    None: created, deleted). Must run inside the transaction of the write."""
    if old == new:
        return
    if old is not None:
        _add(old, -1)
    if new is not None:
        _add(new, +1)


def _tables():
    from .models import DailyHazardCount, MonthlyHazardCount

    quote = connection.ops.quote_name
    return quote(DailyHazardCount._meta.db_table), quote(MonthlyHazardCount._meta.db_table)


def _add(key: Key, sign: int) -> None:
    daily, monthly = _tables()
    deltas = list(key.deltas(sign))
    with connection.cursor() as cursor:
        for table, day_column, day in ((daily, "found_on", key.found_on),
                                        (monthly, "month", key.found_on.replace(day=1))):
            # An upsert adds atomically, whoever else counts the same region and day at
            # once. PostgreSQL and SQLite (3.24+) share this syntax.
            cursor.execute(
                f"INSERT INTO {table} (region_id, {day_column}, {', '.join(COLUMNS)}) VALUES (%s, %s, %s, %s, %s) "
                f"ON CONFLICT (region_id, {day_column}) DO UPDATE SET "
                + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COLUMNS),
                [key.region_id, day, *deltas])


def from_scratch() -> tuple[dict, dict]:
    """({(region, day): counts}, {(region, month): counts}), counted in Python from
    the hazards: the slow reference the tables must equal."""
    from .models import Hazard

    daily, monthly = {}, {}
    for values in Hazard.objects.values_list(*KEY_FIELDS).iterator():
        key = Key(*values)
        for table, day in ((daily, key.found_on), (monthly, key.found_on.replace(day=1))):
            before = table.get((key.region_id, day), (0, 0, 0))
            table[(key.region_id, day)] = tuple(a + b for a, b in zip(before, key.deltas(+1)))
    return daily, monthly


def counted_by_database() -> tuple[dict, dict]:
    """The same as `from_scratch()`, grouped by the database (fast enough for millions
    of hazards: `yingji hazard-counts`)."""
    from django.db.models import Count, Q
    from django.db.models.functions import TruncMonth

    from .models import Hazard

    counts = {"n": Count("id"), "m": Count("id", filter=Q(level=HazardLevel.MAJOR)),
              "s": Count("id", filter=Q(ever_supervised=True))}
    daily = {(r["region_id"], r["found_on"]): (r["n"], r["m"], r["s"])
             for r in Hazard.objects.values("region_id", "found_on").order_by().annotate(**counts)}
    monthly = {}
    for r in Hazard.objects.annotate(month=TruncMonth("found_on")).values("region_id", "month").order_by().annotate(
            **counts):
        month = r["month"].date() if isinstance(r["month"], dt.datetime) else r["month"]
        monthly[(r["region_id"], month)] = (r["n"], r["m"], r["s"])
    return daily, monthly


def stored() -> tuple[dict, dict]:
    """The tables as they are, in the shape of `from_scratch()`, without the rows
    that count nothing any more."""
    from .models import DailyHazardCount, MonthlyHazardCount

    def rows(model, day):
        return {(r[0], r[1]): tuple(r[2:]) for r in model.objects.values_list("region_id", day, *COLUMNS)
                if any(r[2:])}

    return rows(DailyHazardCount, "found_on"), rows(MonthlyHazardCount, "month")


def rebuild() -> None:
    """Count everything again from the hazards, in the database (after a bulk import)."""
    from .models import Hazard

    daily, monthly = _tables()
    hazards = connection.ops.quote_name(Hazard._meta.db_table)
    counts = ("COUNT(*), SUM(CASE WHEN level = %s THEN 1 ELSE 0 END), "
              "SUM(CASE WHEN ever_supervised THEN 1 ELSE 0 END)")
    # The month's first day: SQLite keeps dates as 'YYYY-MM-DD' text.
    month = ("CAST(date_trunc('month', found_on) AS date)" if connection.vendor == "postgresql"
             else "SUBSTR(found_on, 1, 7) || '-01'")
    with transaction.atomic(), connection.cursor() as cursor:
        for table, day_column, day in ((daily, "found_on", "found_on"), (monthly, "month", month)):
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(
                f"INSERT INTO {table} (region_id, {day_column}, {', '.join(COLUMNS)}) "
                f"SELECT region_id, {day}, {counts} FROM {hazards} GROUP BY region_id, {day}",
                [str(HazardLevel.MAJOR)])
