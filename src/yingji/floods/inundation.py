"""Inundation runs (二维淹没模拟): the services (create a run, claim and execute it).

Their reads are in `selectors` (inundation_list, affected_places, result_grid ...),
their map layers in `layers`, the DEM formats and the georeferencing in `kernels.io`.

A run takes a watershed's DEM (ESRI ASCII, gzipped or not, or a single-band GeoTIFF
read by Pillow: no GDAL), the hourly areal rain of chosen gauges over a period plus
forecast hourly rain, Manning's n and a duration; `inundation_execute` (the Celery
task's body) runs the local-inertial kernel (`kernels.flood2d`) with rain on the grid
and free outflow on every edge of the DEM, stores the maximum-depth, arrival-time and
duration grids as .npy files, and lists the risk points whose cell got deeper than
the run's threshold, with their people, sorted by arrival time.

Arrival time and duration count from the first moment a cell is deeper than the
run's threshold (default 0.3 m), not from the first film of rain: with rain on the
grid every cell is wet within minutes, and "when does dangerous water reach the
village" is the question asked.

Georeference (see `InundationRun` and `kernels.io.georef`): "local" grids are metres
on a transverse-Mercator plane whose origin is the lower-left corner at the given
lon/lat; otherwise an EPSG code of a projected CRS in metres (UTM "EPSG:32650" for
Lin'an).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..core import audit
from ..core.errors import DomainError
from ..core.scope import Scope
from ..core.services import save_audited
from ..kernels.io.dem import Dem, DemError, read_dem
from ..kernels.io.georef import Georef
from .models import (
    AffectedPlace,
    InundationRun,
    InundationStatus,
    RiskPoint,
    inundation_storage,
)

log = logging.getLogger(__name__)

MAX_CELLS = 6_000_000  # the largest catchment (5 M cells) with room to spare
MAX_DEM_BYTES = 200 * 1024 * 1024
MAX_HOURS = 240
HOUR = 3600.0
PROGRESS_EVERY_S = 2.0  # a row update at most this often: the run must not wait on the database
STALE_AFTER = dt.timedelta(minutes=10)  # a running run silent this long lost its worker


# Services ----------------------------------------------------------------------------

def inundation_create(*, by, watershed: str, region_id: str, dem_name: str, dem_data: bytes,
                      start: dt.datetime, observed_hours: int = 0, gauges: list[str] | None = None,
                      forecast_rain_mm: list[float] | None = None, duration_hours: float | None = None,
                      manning_n: float = 0.05, depth_threshold: float = 0.3, crs: str = "local",
                      origin_lon: float | None = None, origin_lat: float | None = None,
                      background: bool = False) -> InundationRun:
    """Register a run in the caller's region and queue it (after commit).

    With a broker the Celery task is sent either way. Without one (tasks run eagerly,
    in the caller), `background=True` leaves the run queued for the worker's tick
    (`floods.background`), so that a page returns at once and shows the progress.

    The hourly rain is fixed now: the areal mean of `gauges` over `observed_hours`
    from `start` (hydromet's observations), then `forecast_rain_mm` (mm per hour);
    the run is reproducible whatever arrives later. `duration_hours` defaults to the
    rain plus two hours of recession."""
    from .services.forecasts import hourly_rain
    from .services.places import _gauges

    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(region_id)
    stations = _gauges(scope, gauges or [])
    forecast = _forecast_list(forecast_rain_mm)
    _check_hours(observed_hours, len(forecast), duration_hours)
    if len(dem_data) > MAX_DEM_BYTES:
        raise DomainError("高程文件超过 200 MB", "The DEM is larger than 200 MB", fields={"dem": "太大 / too large"})
    dem = _read_dem(dem_data, dem_name)
    _check_dem(dem)
    observed = hourly_rain([s.code for s in stations], start, observed_hours) if observed_hours else np.zeros(0)
    rain = [round(float(v), 3) for v in observed] + forecast
    run = InundationRun(
        watershed=watershed, region_id=region_id, nrows=dem.z.shape[0], ncols=dem.z.shape[1],
        cellsize=dem.cellsize, xllcorner=dem.xllcorner, yllcorner=dem.yllcorner, crs=_crs(crs, dem),
        origin_lon=origin_lon, origin_lat=origin_lat, manning_n=manning_n, start=start,
        observed_hours=observed_hours, forecast_hours=len(forecast), hourly_rain_mm=rain,
        duration_hours=duration_hours or len(rain) + 2, depth_threshold=depth_threshold,
        created_by=by if by is not None and by.is_authenticated else None)
    run.dem_path = "-"
    run.full_clean()  # before the file is written: a refused run leaves nothing behind
    storage = inundation_storage()
    run.dem_path = storage.save(f"floods/dem/{timezone.now():%Y/%m}/{_dem_filename(dem_name)}", ContentFile(dem_data))
    try:
        with transaction.atomic():
            save_audited(run, by=by, action="create", before=None, region_code=region_id)
            run.gauges.set(stations)
            if not (background and settings.CELERY_TASK_ALWAYS_EAGER):
                transaction.on_commit(lambda: _enqueue(run.pk))
    except Exception:
        storage.delete(run.dem_path)  # no orphan upload when the row is refused
        raise
    return run


def _forecast_list(values) -> list[float]:
    try:
        out = [float(v) for v in (values or [])]
    except (TypeError, ValueError):
        out = [-1.0]
    if not all(0 <= v <= 500 for v in out):  # 500 mm/h: well above any recorded hourly rain
        raise DomainError("预报雨量应为每小时 0–500 毫米", "Forecast rain is 0-500 mm per hour",
                          fields={"forecast_rain_mm": "无效 / invalid"})
    return out


def _check_hours(observed: int, forecast: int, duration) -> None:
    if not 0 <= observed <= MAX_HOURS or observed + forecast == 0 or observed + forecast > MAX_HOURS:
        raise DomainError("降雨时段应为 1–240 小时", "Rain must cover 1 to 240 hours",
                          fields={"observed_hours": "无效 / invalid"})
    if duration is not None and not 0 < duration <= MAX_HOURS:
        raise DomainError("模拟时长应为 0–240 小时", "Duration must be 0-240 hours",
                          fields={"duration_hours": "无效 / invalid"})


def _check_dem(dem: Dem) -> None:
    ny, nx = dem.z.shape
    if ny < 3 or nx < 3 or ny * nx > MAX_CELLS:
        raise _bad_dem(f"{nx}×{ny} cells; 3×3 to {MAX_CELLS:,} allowed")
    if not dem.cellsize > 0 or not np.isfinite(dem.z).any():
        raise _bad_dem("no valid cell")


def _crs(crs: str, dem: Dem) -> str:
    """The user's choice, else the GeoTIFF's own, else local; only projected CRS in metres."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    crs = (crs or "").strip() or dem.crs or "local"
    if crs == "local":
        return crs
    try:
        parsed = CRS.from_user_input(crs)
    except CRSError as exc:
        raise DomainError("坐标系无效", f"Unknown CRS: {exc}", fields={"crs": "无效 / invalid"}) from exc
    if not parsed.is_projected or parsed.axis_info[0].unit_name not in ("metre", "meter"):
        raise DomainError("坐标系应为米制投影坐标系（如 EPSG:32650）", "The CRS must be projected, in metres",
                          fields={"crs": "无效 / invalid"})
    return crs.upper()


def _dem_filename(name: str) -> str:
    base = Path(name or "dem.asc").name
    return base if base.lower().endswith((".asc", ".gz", ".tif", ".tiff", ".txt")) else base + ".asc"


def _enqueue(run_id: int) -> None:
    from .tasks import run_inundation

    run_inundation.delay(run_id)


def inundation_claim(run_id: int) -> InundationRun | None:
    """Take a queued run (or one whose worker went silent) for this worker: a
    conditional update, so a task delivered twice runs once."""
    now = timezone.now()
    stale = now - STALE_AFTER
    won = InundationRun.objects.filter(pk=run_id).filter(
        Q(status=InundationStatus.QUEUED) | Q(status=InundationStatus.RUNNING, heartbeat_at__lt=stale),
    ).update(status=InundationStatus.RUNNING, started_at=now, heartbeat_at=now, progress=0, error="")
    return InundationRun.objects.get(pk=run_id) if won else None


def inundation_execute(run: InundationRun) -> InundationRun:
    """Run the claimed `run` to the end: done with results, or failed with the error."""
    try:
        result = _simulate(run)
        with transaction.atomic():
            _store_results(run, result)
    except Exception as exc:  # any failure is the run's outcome, shown to the officer
        log.exception("inundation run %s failed", run.pk)
        return _finish(run, InundationStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
    return run


def _finish(run: InundationRun, status: str, *, error: str = "") -> InundationRun:
    stored = InundationRun.objects.get(pk=run.pk)  # progress was written behind this object's back
    before = audit.snapshot(stored)
    run.status, run.error, run.finished_at = status, error, timezone.now()
    run.progress = 100 if status == InundationStatus.DONE else stored.progress
    run.save()
    audit.record(actor=None, action="complete" if status == InundationStatus.DONE else "fail", obj=run,
                 region_code=run.region_id, before=before, after=audit.snapshot(run))
    return run


# The computation ---------------------------------------------------------------------

def _load_dem(run: InundationRun) -> Dem:
    with inundation_storage().open(run.dem_path, "rb") as fh:
        return _read_dem(fh.read(), run.dem_path)


def _read_dem(data: bytes, name: str) -> Dem:
    try:
        return read_dem(data, name)
    except DemError as exc:
        raise _bad_dem(str(exc)) from exc


def _bad_dem(detail: str) -> DomainError:
    return DomainError(f"无法读取高程文件（{detail}）", f"Cannot read the DEM ({detail})",
                       fields={"dem": "无效 / invalid"})


def rain_rate(hourly_mm: list[float]):
    """Rain rate (m/s) at time t (s): each hour's mm spread evenly over that hour."""
    rates = np.asarray(hourly_mm, float) / 1000.0 / HOUR

    def rate(t: float) -> float:
        k = int(t // HOUR)
        return float(rates[k]) if 0 <= k < rates.size else 0.0

    return rate


def _simulate(run: InundationRun):
    from ..kernels.flood2d import EdgeBoundary, FloodModel, simulate

    dem = _load_dem(run)
    model = FloodModel(z=dem.z, dx=dem.cellsize, manning=run.manning_n, rain=rain_rate(run.hourly_rain_mm),
                       boundaries=[EdgeBoundary(e, "free") for e in ("west", "east", "north", "south")],
                       threshold=run.depth_threshold)
    sim_time = run.duration_hours * HOUR
    return simulate(model, 0.0, sim_time, progress=_ProgressReporter(run, sim_time))


class _ProgressReporter:
    """Writes the run's progress to its row, at most every PROGRESS_EVERY_S and only
    when the percentage moved; 99 at most: 100 is written with the results."""

    def __init__(self, run: InundationRun, sim_time: float):
        self.run, self.sim_time = run, sim_time
        self.last_at, self.last_pct = time.monotonic(), 0

    def __call__(self, t: float) -> None:
        pct = min(99, int(100 * t / self.sim_time))
        now = time.monotonic()
        if pct > self.last_pct and now - self.last_at >= PROGRESS_EVERY_S:
            InundationRun.objects.filter(pk=self.run.pk).update(progress=pct, heartbeat_at=timezone.now())
            self.last_at, self.last_pct = now, pct


def _store_results(run: InundationRun, result) -> None:
    folder = f"floods/inundation/{run.pk}"
    never = ~np.isfinite(result.first_inundation)
    grids = {"max_depth": result.max_depth, "arrival": result.first_inundation,
             "duration": np.where(never, np.nan, result.duration)}  # NaN, not 0: never reached the threshold
    for name, grid in grids.items():
        buf = io.BytesIO()
        np.save(buf, np.asarray(grid, np.float32))
        path = f"{folder}/{name}.npy"
        storage = inundation_storage()
        if storage.exists(path):  # a rerun of a stale run replaces its files
            storage.delete(path)
        storage.save(path, ContentFile(buf.getvalue()))
    geo = Georef(run)
    deep = result.max_depth > run.depth_threshold
    run.result_dir, run.bounds = folder, geo.bounds()
    run.max_depth_m = float(np.nanmax(result.max_depth, initial=0.0))
    run.flooded_area_m2 = float(np.count_nonzero(deep)) * run.cellsize ** 2
    run.mass_error = float(result.mass[-1].relative_error) if result.mass else None
    AffectedPlace.objects.filter(run=run).delete()
    AffectedPlace.objects.bulk_create(_affected(run, geo, result))
    _finish(run, InundationStatus.DONE)


def _affected(run: InundationRun, geo: Georef, result) -> list[AffectedPlace]:
    """Active risk points of the run's region inside the grid whose cell got deeper than
    the threshold (the kernel's arrival time is set exactly there)."""
    points = list(RiskPoint.objects.filter(region__code__startswith=run.region_id, active=True,
                                           longitude__isnull=False, latitude__isnull=False))
    if not points:
        return []
    rows, cols = geo.cell_of([p.longitude for p in points], [p.latitude for p in points])
    out = []
    for p, r, c in zip(points, rows, cols):
        if r < 0 or not np.isfinite(result.first_inundation[r, c]):
            continue
        arrival = float(result.first_inundation[r, c])
        out.append(AffectedPlace(
            run=run, risk_point=p, population=p.population, households=p.households, row=int(r), col=int(c),
            max_depth_m=round(float(result.max_depth[r, c]), 3), arrival_s=arrival,
            arrival_at=run.start + dt.timedelta(seconds=arrival), duration_s=float(result.duration[r, c])))
    return sorted(out, key=lambda a: a.arrival_s)
