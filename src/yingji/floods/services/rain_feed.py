"""Forecast rain from the weather bureau (预报雨量): pushed through the API, or dropped as
CSV files in a folder that a tick watches. Per station or per grid cell, cumulative mm
for the next 1, 3, 6 and 24 hours from an issue time.

Every delivery goes through `store_forecasts`: each item is checked on its own, good
ones are stored and bad ones reported with their reason (Chinese and English). An item
already stored with the same values is a duplicate, counted and ignored, so repeating
a push of the same issue time changes nothing; different values for a stored issue
time are refused, never overwritten (a correction is a new issue time). The new
forecasts of each issue time make one `RainForecastBatch` row, due now: the
`floods.rain_forecasts` tick evaluates it (`forecast_rain`), never the request.

Scope: the pusher is an officer account of the bureau; its stations must lie in its
region, and a cell's forecast applies within the pusher's region (or the `region`
given, inside it). The folder feed is the system's: its cells apply province-wide
unless a row names a region.

CSV layouts (UTF-8, a header row; rain columns any of rain_1h, rain_3h, rain_6h,
rain_24h, blank = not given): ``station,issued_at,rain_1h,...`` or
``lon,lat,cell_deg,issued_at,rain_1h,...[,region]`` (lon/lat the cell's centre, WGS84
degrees; cell_deg its size). Read with the shared bounded reader (`core.tabular`,
the observation files' limits).
"""

import datetime as dt
import json
import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ...core import audit, tabular
from ...core.errors import DomainError
from ...core.models import Region
from ...core.scope import Scope
from ...hydromet.selectors import station_list
from ..feed_models import RAIN_FIELDS, RainForecast, RainForecastBatch

log = logging.getLogger(__name__)

MAX_ITEMS = 200_000  # a 0.01° grid over Zhejiang in one push
MAX_MM = 2000.0  # over the world's 24-hour record (1,825 mm): a typing error
FUTURE_TOLERANCE = dt.timedelta(minutes=10)  # clocks differ; an issue time later than this is an error
YEARS = (2000, 2100)
PLACES = 6  # cell coordinates are rounded to this many decimals, so a repeated cell matches itself


class BadItem(Exception):
    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.reason = f"{zh} / {en}"


@dataclass(frozen=True)
class Item:
    issued_at: dt.datetime
    values: tuple  # (rain_1h, rain_3h, rain_6h, rain_24h), None where not given
    station: str = ""
    cell: tuple = ()  # (lon, lat, deg)
    region: str | None = None

    @property
    def key(self) -> tuple:
        return (self.station, self.cell, self.region if not self.station else None, self.issued_at)


@dataclass
class Problem:
    index: int  # position in the push (0-based), or the CSV line
    key: str
    reason: str


@dataclass
class FeedReport:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[Problem] = field(default_factory=list)
    batches: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"accepted": self.accepted, "duplicates": self.duplicates, "batches": self.batches,
                "rejected": [{"index": p.index, "key": p.key, "reason": p.reason} for p in self.rejected]}


# Storing -----------------------------------------------------------------------------

def store_forecasts(*, by, items: list, source: str, issued_at=None, now: dt.datetime | None = None) -> FeedReport:
    """Check and store forecast items (dicts: `station` or `lon`/`lat`/`cell_deg`,
    `issued_at` unless given for all, rain_1h ... rain_24h); see the module docstring."""
    scope = Scope.for_user(by)
    scope.require_officer()
    if len(items) > MAX_ITEMS:
        raise DomainError(f"一次最多 {MAX_ITEMS} 条", f"At most {MAX_ITEMS} items at once",
                          fields={"forecasts": "太多 / too many"})
    now = now or timezone.now()
    report = FeedReport()
    parsed = []
    for index, raw in enumerate(items):
        try:
            parsed.append((index, _parse(raw, issued_at, now, scope)))
        except BadItem as exc:
            report.rejected.append(Problem(index, _key_text(raw), exc.reason))
    stations = _stations(scope, {i.station for _, i in parsed if i.station})
    new = _classify(parsed, stations, report)
    with transaction.atomic():
        for when in sorted({i.issued_at for _, i in new}):
            rows = [(idx, i) for idx, i in new if i.issued_at == when]
            report.batches.append(_batch(by, scope, source, when, rows, stations, now).pk)
        report.accepted = len(new)
    report.rejected.sort(key=lambda p: p.index)
    return report


def _parse(raw, issued_at, now: dt.datetime, scope: Scope) -> Item:
    if not isinstance(raw, dict):
        raise BadItem("每条预报应为对象", "Each forecast must be an object")
    when = _time(raw.get("issued_at") or issued_at, now)
    values = tuple(_mm(raw.get(name), name) for name in RAIN_FIELDS.values())
    given = [v for v in values if v is not None]
    if not given:
        raise BadItem("至少需要一个时段的预报雨量（rain_1h/rain_3h/rain_6h/rain_24h）",
                      "At least one of rain_1h, rain_3h, rain_6h, rain_24h is needed")
    if any(b < a for a, b in zip(given, given[1:])):
        raise BadItem("累计雨量不能随时段减少", "Cumulative rain cannot decrease with the window")
    station = raw.get("station")
    if station not in (None, ""):
        if isinstance(station, bool) or not isinstance(station, (str, int)) or len(str(station).strip()) > 20:
            raise BadItem("测站编号无效", "Bad station code")
        return Item(when, values, station=str(station).strip())
    cell = (_degree(raw.get("lon"), 73, 136, "经度", "lon"), _degree(raw.get("lat"), 3, 54, "纬度", "lat"),
            _degree(raw.get("cell_deg"), 0, 1, "网格大小", "cell_deg"))
    if cell[2] <= 0:
        raise BadItem("网格大小应大于 0", "cell_deg must be positive")
    return Item(when, values, cell=cell, region=_region(raw.get("region"), scope))


def _time(value, now: dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        when = value
    else:
        try:
            when = dt.datetime.fromisoformat(str(value).strip()) if value else None
        except ValueError:
            raise BadItem("发布时间格式错误，应为 ISO 8601", "Bad issue time, ISO 8601 expected") from None
    if when is None:
        raise BadItem("缺少发布时间 issued_at", "issued_at is missing")
    if when.tzinfo is None or when.utcoffset() is None:
        raise BadItem("发布时间缺少时区（如 +08:00）", "The issue time has no UTC offset (e.g. +08:00)")
    if not YEARS[0] <= when.year <= YEARS[1]:
        raise BadItem(f"发布时间应在 {YEARS[0]}–{YEARS[1]} 年之间", f"The issue time must be in {YEARS[0]}-{YEARS[1]}")
    if when > now + FUTURE_TOLERANCE:
        raise BadItem("发布时间在未来", "The issue time is in the future")
    return when


def _mm(value, name: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not 0 <= number <= MAX_MM:  # NaN fails too
        raise BadItem(f"{name} 应为 0–{MAX_MM:g} 毫米", f"{name} must be 0 to {MAX_MM:g} mm")
    return round(number, 2)


def _degree(value, low: float, high: float, zh: str, en: str) -> float:
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not low <= number <= high:
        raise BadItem(f"{zh}应在 {low:g}–{high:g} 之间", f"{en} must be {low:g} to {high:g}")
    return round(number, PLACES)


def _region(value, scope: Scope) -> str | None:
    code = str(value).strip() if value not in (None, "") else ""
    if not code:
        return scope.region_code or root_region()
    if not scope.covers_region(code) or not Region.objects.filter(pk=code).exists():
        raise BadItem("区划不存在或不在管辖范围内", "Unknown region or outside your jurisdiction")
    return code


def root_region() -> str | None:
    """The system's own region: the top of the region tree when there is one top
    (the province), so that province officers see the folder feed's rows."""
    roots = list(Region.objects.filter(parent__isnull=True).values_list("pk", flat=True)[:2])
    return roots[0] if len(roots) == 1 else None


def _key_text(raw) -> str:
    if not isinstance(raw, dict):
        return ""
    if raw.get("station") not in (None, ""):
        return str(raw.get("station"))[:20]
    return f"{raw.get('lon')},{raw.get('lat')}"[:40]


def _stations(scope: Scope, codes: set[str]) -> dict:
    return {s.code: s for s in station_list(scope=scope).filter(code__in=codes)}


def _classify(parsed: list, stations: dict, report: FeedReport) -> list:
    """New items; duplicates counted, conflicts and unknown stations reported."""
    stored = _stored(parsed, stations)
    seen: dict[tuple, tuple] = {}
    new = []
    for index, item in parsed:
        if item.station and item.station not in stations:
            report.rejected.append(Problem(index, item.station, "测站不存在或不在管辖范围内 / "
                                                                "Unknown station or outside your jurisdiction"))
            continue
        before = seen.get(item.key, stored.get(item.key))
        if before is None:
            seen[item.key] = item.values
            new.append((index, item))
        elif before == item.values:
            report.duplicates += 1
        else:
            report.rejected.append(Problem(index, item.station or f"{item.cell[0]},{item.cell[1]}",
                                           "该发布时间已收到不同的预报，不覆盖（更正请用新的发布时间） / A different "
                                           "forecast for this issue time was already received; not overwritten"))
    return new


def _stored(parsed: list, stations: dict) -> dict[tuple, tuple]:
    times = {i.issued_at for _, i in parsed}
    if not times:
        return {}
    out = {}
    qs = RainForecast.objects.filter(issued_at__in=times).select_related("station")
    codes = {i.station for _, i in parsed if i.station}
    with_cells = any(not i.station for _, i in parsed)
    if not with_cells:
        qs = qs.filter(station__code__in=codes)
    for row in qs:
        values = tuple(getattr(row, name) for name in RAIN_FIELDS.values())
        if row.station_id:
            out[(row.station.code, (), None, row.issued_at)] = values
        else:
            out[("", (row.cell_lon, row.cell_lat, row.cell_deg), row.region_id, row.issued_at)] = values
    return out


def _batch(by, scope, source, when, rows, stations, now) -> RainForecastBatch:
    codes = sorted({i.station for _, i in rows if i.station})
    batch = RainForecastBatch.objects.create(
        issued_at=when, source=source[:100], region_id=scope.region_code or root_region(),
        created_by=by if by is not None and by.is_authenticated else None, created_at=now, stations=codes,
        cells=sum(1 for _, i in rows if not i.station), due_at=now)
    RainForecast.objects.bulk_create([
        RainForecast(batch=batch, issued_at=when, station=stations[i.station] if i.station else None,
                     cell_lon=i.cell[0] if i.cell else None, cell_lat=i.cell[1] if i.cell else None,
                     cell_deg=i.cell[2] if i.cell else None,
                     region_id=stations[i.station].region_id if i.station else i.region,
                     **dict(zip(RAIN_FIELDS.values(), i.values)))
        for _, i in rows], batch_size=1000, ignore_conflicts=True)  # a concurrent identical push: skipped
    # One audit record per delivery, not per cell: a province grid is thousands of rows.
    audit.record(actor=by, action="import", obj=batch, region_code=scope.region_code,
                 after={"issued_at": when.isoformat(), "source": batch.source, "stations": len(codes),
                        "cells": batch.cells})
    return batch


# CSV files ---------------------------------------------------------------------------

def import_csv(*, by, content: bytes, source: str, now: dt.datetime | None = None) -> FeedReport:
    """A forecast CSV (see the module docstring); problems name the file's lines."""
    limits = tabular.Limits.from_settings(max_rows=settings.YINGJI_IMPORT_MAX_OBSERVATION_ROWS + 1,
                                          max_bytes=settings.YINGJI_IMPORT_MAX_OBSERVATION_BYTES)
    table = tabular.read_csv(content, limits=limits, encodings=tabular.UTF8_ONLY)
    header = {str(h).strip().lower() for h in (table.rows[0][1] if table.rows else ())}
    if "issued_at" not in header or not header & set(RAIN_FIELDS.values()) \
            or not ("station" in header or {"lon", "lat", "cell_deg"} <= header):
        raise DomainError("表头应为 station,issued_at,rain_1h,... 或 lon,lat,cell_deg,issued_at,rain_1h,...",
                          "Header must be station,issued_at,rain_1h,... or lon,lat,cell_deg,issued_at,rain_1h,...",
                          code="bad_file")
    lines, items = [], []
    for line, row in table.records():
        lines.append(line)
        items.append(row)
    report = store_forecasts(by=by, items=items, source=source, now=now)
    for problem in report.rejected:
        problem.index = lines[problem.index]
    return report


# The folder feed ---------------------------------------------------------------------

STALE_CLAIM = dt.timedelta(minutes=10)  # a file left in processing/ this long lost its worker


def scan_feed_folder() -> int:
    """The `floods.rain_feed_folder` tick: import each CSV dropped in
    settings.YINGJI_RAIN_FEED_DIR (off when empty). A file is claimed by renaming it
    into processing/ (one worker wins the rename), then moved to done/ with its report
    (`NAME.report.json`), or to failed/ when the file as a whole is refused. A claim
    older than STALE_CLAIM goes back to the folder: importing a file twice is harmless."""
    folder = settings.YINGJI_RAIN_FEED_DIR
    if not folder:
        return 0
    folder = Path(folder)
    for sub in ("processing", "done", "failed"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    _release_stale(folder)
    done = 0
    for path in sorted(folder.glob("*.csv")):
        claimed = folder / "processing" / path.name
        try:
            os.rename(path, claimed)
        except OSError:
            continue  # another worker took it
        os.utime(claimed)  # the claim's time, for _release_stale
        _import_file(folder, claimed)
        done += 1
    return done


def _import_file(folder: Path, path: Path) -> None:
    outcome, body = "done", {}
    try:
        if path.stat().st_size > settings.YINGJI_IMPORT_MAX_OBSERVATION_BYTES:
            raise tabular.FileRejected("文件太大", "The file is too large")
        body = import_csv(by=None, content=path.read_bytes(), source=f"folder:{path.name}"[:100]).as_dict()
    except DomainError as exc:
        outcome, body = "failed", {"error": f"{exc.zh} / {exc.en}"}
    except Exception as exc:  # logged and kept aside: one bad file must not stop the feed
        log.exception("rain feed file %s failed", path.name)
        outcome, body = "failed", {"error": f"{type(exc).__name__}: {exc}"}
    target = folder / outcome / path.name
    (folder / outcome / f"{path.name}.report.json").write_text(json.dumps(body, ensure_ascii=False, indent=1))
    os.replace(path, target)


def _release_stale(folder: Path) -> None:
    limit = timezone.now().timestamp() - STALE_CLAIM.total_seconds()
    for path in (folder / "processing").glob("*.csv"):
        try:
            if path.stat().st_mtime < limit:
                os.rename(path, folder / path.name)
        except OSError:
            continue
