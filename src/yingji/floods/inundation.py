"""Inundation runs (二维淹没模拟) in the platform: services, selectors and map layers.

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

Georeference (see `InundationRun`): "local" grids are metres on a transverse-Mercator
plane whose origin is the lower-left corner at the given lon/lat; otherwise an EPSG
code of a projected CRS in metres (UTM "EPSG:32650" for Lin'an). Map layers are
resampled (nearest cell) onto a lon/lat-aligned raster over the grid's bounds, which
is what Leaflet's `L.imageOverlay` stretches between two corners; over a watershed of
a few km the difference between lat-linear and Web-Mercator-linear rows is far below
a cell.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from ..core import audit
from ..core.errors import DomainError, NotFound
from ..core.scope import Scope
from ..core.services import save_audited
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
RESULT_NAMES = ("max_depth", "arrival", "duration")


# DEM files ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Dem:
    """A DEM in memory: ``z[0]`` is the northernmost row, NaN is NODATA; metres."""

    z: np.ndarray
    xllcorner: float
    yllcorner: float
    cellsize: float
    crs: str = ""  # from a GeoTIFF's keys, "" when the file does not say


def read_dem(data: bytes, name: str) -> Dem:
    """Read an uploaded DEM: GeoTIFF by its magic bytes, else ESRI ASCII (gz allowed)."""
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return _read_geotiff(data)
    return _read_ascii(data, name)


def _read_ascii(data: bytes, name: str) -> Dem:
    import tempfile

    from ..kernels.lisflood_io import read_ascii_grid

    # The kernel's reader takes a path and detects gzip by content.
    with tempfile.NamedTemporaryFile(suffix=Path(name).suffix) as fh:
        fh.write(data)
        fh.flush()
        try:
            grid = read_ascii_grid(fh.name)
        except (ValueError, KeyError, IndexError, UnicodeDecodeError, OSError, EOFError) as exc:
            raise _bad_dem(f"ESRI ASCII: {exc}") from exc
    return Dem(grid.data, grid.xllcorner, grid.yllcorner, grid.cellsize)


GEOTIFF_PIXEL_SCALE, GEOTIFF_TIEPOINT, GEOTIFF_KEYS, GDAL_NODATA = 33550, 33922, 34735, 42113
RASTER_TYPE_KEY, PROJECTED_CRS_KEY, PIXEL_IS_POINT = 1025, 3072, 2


def _read_geotiff(data: bytes) -> Dem:
    """A single-band GeoTIFF with square cells and no rotation (ModelPixelScale and
    one ModelTiepoint, as GDAL writes north-up rasters)."""
    from PIL import Image

    try:
        img = Image.open(io.BytesIO(data))
        z = np.array(img, dtype=float)
        tags = img.tag_v2
        sx, sy = tags[GEOTIFF_PIXEL_SCALE][:2]
        i, j, _k, x, y = tags[GEOTIFF_TIEPOINT][:5]
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise _bad_dem(f"GeoTIFF: {exc}") from exc
    if z.ndim != 2 or not math.isclose(sx, sy, rel_tol=1e-6):
        raise _bad_dem("GeoTIFF: one band of square cells expected")
    keys = _geokeys(tags.get(GEOTIFF_KEYS))
    if keys.get(RASTER_TYPE_KEY) == PIXEL_IS_POINT:  # the tiepoint is a cell centre
        x, y = x - sx / 2, y + sy / 2
    nodata = tags.get(GDAL_NODATA)
    if nodata not in (None, ""):
        z[z == float(str(nodata).strip("\x00 "))] = np.nan
    epsg = keys.get(PROJECTED_CRS_KEY)
    return Dem(z, x - i * sx, y + j * sy - z.shape[0] * sy, float(sx), f"EPSG:{epsg}" if epsg else "")


def _geokeys(directory) -> dict[int, int]:
    """GeoKeyDirectory entries held inline (the short ones: codes, not strings)."""
    if not directory:
        return {}
    d = list(directory)
    return {d[k]: d[k + 3] for k in range(4, 4 + 4 * d[3], 4) if d[k + 1] == 0}


def _bad_dem(detail: str) -> DomainError:
    return DomainError(f"无法读取高程文件（{detail}）", f"Cannot read the DEM ({detail})",
                       fields={"dem": "无效 / invalid"})


# Georeference ------------------------------------------------------------------------

class Georef:
    """Lon/lat ⇄ the run's grid (rows from the north, columns from the west)."""

    def __init__(self, run: InundationRun):
        from pyproj import CRS, Transformer

        self.run = run
        if run.crs == "local":
            crs = CRS.from_proj4(f"+proj=tmerc +lat_0={run.origin_lat} +lon_0={run.origin_lon} +k=1 "
                                 f"+x_0={run.xllcorner} +y_0={run.yllcorner} +ellps=WGS84 +units=m +no_defs")
        else:
            crs = CRS.from_user_input(run.crs)
        self.forward = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        self.inverse = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def cell_of(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """(row, col) arrays of the points; −1 where outside the grid."""
        r = self.run
        x, y = self.forward.transform(np.asarray(lon, float), np.asarray(lat, float))
        col = np.floor((np.asarray(x) - r.xllcorner) / r.cellsize).astype(np.int64)
        row = r.nrows - 1 - np.floor((np.asarray(y) - r.yllcorner) / r.cellsize).astype(np.int64)
        outside = (col < 0) | (col >= r.ncols) | (row < 0) | (row >= r.nrows)
        return np.where(outside, -1, row), np.where(outside, -1, col)

    def bounds(self) -> list[list[float]]:
        """[[south, west], [north, east]] around the grid (its edges sampled, since a
        projected rectangle is not a lon/lat one)."""
        r = self.run
        w, s = r.xllcorner, r.yllcorner
        e, n = w + r.ncols * r.cellsize, s + r.nrows * r.cellsize
        t = np.linspace(0, 1, 33)
        xs = np.concatenate([w + (e - w) * t, np.full_like(t, e), e - (e - w) * t, np.full_like(t, w)])
        ys = np.concatenate([np.full_like(t, s), s + (n - s) * t, np.full_like(t, n), n - (n - s) * t])
        lon, lat = self.inverse.transform(xs, ys)
        return [[float(np.min(lat)), float(np.min(lon))], [float(np.max(lat)), float(np.max(lon))]]


# Services ----------------------------------------------------------------------------

def inundation_create(*, by, watershed: str, region_id: str, dem_name: str, dem_data: bytes,
                      start: dt.datetime, observed_hours: int = 0, gauges: list[str] | None = None,
                      forecast_rain_mm: list[float] | None = None, duration_hours: float | None = None,
                      manning_n: float = 0.05, depth_threshold: float = 0.3, crs: str = "local",
                      origin_lon: float | None = None, origin_lat: float | None = None) -> InundationRun:
    """Register a run in the caller's region and queue it (after commit).

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
    dem = read_dem(dem_data, dem_name)
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
        return read_dem(fh.read(), run.dem_path)


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


# Selectors ---------------------------------------------------------------------------

def inundation_list(scope: Scope, *, region: str = "", status: str = "") -> QuerySet:
    qs = scope.filter(InundationRun.objects.select_related("region"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def inundation_get(scope: Scope, id: int) -> InundationRun:
    return scope.get(InundationRun.objects.select_related("region").prefetch_related("gauges"), pk=id)


def affected_places(run: InundationRun) -> QuerySet:
    """The run's affected places, earliest arrival first (the order of evacuation)."""
    return run.affected.select_related("risk_point", "risk_point__region", "risk_point__kind").order_by(
        "arrival_s", "id")


def affected_totals(run: InundationRun) -> dict:
    totals = run.affected.aggregate(population=Sum("population"), households=Sum("households"))
    return {"places": run.affected.count(), "population": totals["population"] or 0,
            "households": totals["households"] or 0}


def result_grid(run: InundationRun, name: str) -> np.ndarray:
    """One stored result grid (m or s; NaN where the threshold was never reached)."""
    if run.status != InundationStatus.DONE or name not in RESULT_NAMES:
        raise NotFound("结果尚未生成", "No results yet")
    with inundation_storage().open(f"{run.result_dir}/{name}.npy", "rb") as fh:
        return np.load(fh)


# Map layers --------------------------------------------------------------------------

@dataclass(frozen=True)
class ColourScale:
    """Fixed classes: a value in [lower_k, lower_k+1) takes colour k; below the first
    lower bound (or NaN) a cell is transparent. Units as in `unit`."""

    title: str
    unit: str
    lowers: tuple[float, ...]
    colours: tuple[str, ...]
    scale: float = 1.0  # grid value × scale = value in `unit`

    def legend(self) -> list[dict]:
        bounds = list(self.lowers) + [None]
        return [{"from": lo, "to": hi, "colour": c} for lo, hi, c in zip(bounds, bounds[1:], self.colours)]

    def rgba(self, values: np.ndarray) -> np.ndarray:
        v = np.asarray(values, float) * self.scale
        k = np.searchsorted(np.asarray(self.lowers), np.nan_to_num(v, nan=-np.inf), side="right") - 1
        table = np.array([_hex(c) + (200,) for c in self.colours] + [(0, 0, 0, 0)], np.uint8)
        k = np.where((k < 0) | ~np.isfinite(v), len(self.colours), k)
        return table[k]


def _hex(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


# Depth: below 10 cm is the sheet flow that rain on the grid leaves on every hillside
# (a few cm on the demo's slopes), shown as dry so that the flood stands out.
LAYERS = {
    "max_depth": ColourScale("最大水深", "m", (0.1, 0.3, 0.5, 1.0, 2.0, 3.0),
                             ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b")),
    "arrival": ColourScale("到达时间", "h", (0.0, 1.0, 2.0, 3.0, 6.0, 12.0),
                           ("#bd0026", "#f03b20", "#fd8d3c", "#feb24c", "#fed976", "#ffffb2"), scale=1 / HOUR),
    "duration": ColourScale("淹没历时", "h", (0.0, 0.5, 1.0, 2.0, 4.0, 8.0),
                            ("#edf8e9", "#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c"), scale=1 / HOUR),
}
MAX_IMAGE_SIDE = 2000  # pixels: a 5 M-cell grid still makes a PNG a browser shows at once


def layer_png(run: InundationRun, name: str) -> bytes:
    """The named result grid as an RGBA PNG over `run.bounds` (lon/lat-aligned rows and
    columns), dry cells transparent."""
    from PIL import Image

    grid = result_grid(run, name)
    rows, cols = _resample_index(run)
    picked = np.where(rows >= 0, grid[np.clip(rows, 0, None), np.clip(cols, 0, None)], np.nan)
    buf = io.BytesIO()
    Image.fromarray(LAYERS[name].rgba(picked), "RGBA").save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def _resample_index(run: InundationRun) -> tuple[np.ndarray, np.ndarray]:
    """For each pixel of the output image, the grid cell under its centre (−1 outside)."""
    (south, west), (north, east) = run.bounds
    factor = max(1.0, max(run.nrows, run.ncols) / MAX_IMAGE_SIDE)
    height, width = max(1, round(run.nrows / factor)), max(1, round(run.ncols / factor))
    lat = north - (np.arange(height) + 0.5) * (north - south) / height
    lon = west + (np.arange(width) + 0.5) * (east - west) / width
    lon2, lat2 = np.meshgrid(lon, lat)
    rows, cols = Georef(run).cell_of(lon2.ravel(), lat2.ravel())
    return rows.reshape(height, width), cols.reshape(height, width)
