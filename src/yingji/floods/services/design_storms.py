"""Design storms (设计暴雨) and typical-frequency floods (典型频率洪水), each write audited.

A region (or one watershed of it) has a depth–duration–frequency table; its design
storm of a return period and duration is built by `kernels.hyetograph` (power-law
interpolation, alternating blocks about the table's peak ratio r). `design_floods_start`
turns the storms of every return period into inundation runs on the DEM of an
earlier run of the watershed, queued to the worker like any run, so that the maps of
the 5- to 100-year floods exist before any storm.

Which table applies to a watershed: the one of its own name in its region, else the
region's general table (no watershed), else the same up the region tree (a city's
table serves its counties).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ...core import audit, regioncodes
from ...core.errors import DomainError
from ...core.scope import Scope
from ...core.services import apply_fields, save_audited
from ...kernels.hyetograph import DdfTable, TableError, hyetograph
from ..design_models import DesignFlood, DesignStormTable
from ..models import InundationRun, InundationStatus

TABLE_FIELDS = {"watershed", "source", "durations_hours", "return_periods", "depths_mm", "peak_ratio"}
RECESSION_HOURS = 2.0  # simulated after the rain stops, as `inundation_create` does by default
MAX_RUNS = 10  # return periods started at once: each run is minutes of a worker


def table_error(exc: TableError) -> DomainError:
    return DomainError(exc.zh, exc.en, fields={exc.field: f"{exc.zh} / {exc.en}"})


def design_table_create(*, by, region_id: str, **data) -> DesignStormTable:
    """Register the DDF table of a region (or of one watershed of it, `watershed`)."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(region_id)
    table = DesignStormTable(region_id=region_id)
    apply_fields(table, data, TABLE_FIELDS)
    _check(table)
    with transaction.atomic():
        save_audited(table, by=by, action="create", before=None, region_code=region_id)
    return table


def design_table_update(*, by, table: DesignStormTable, **data) -> DesignStormTable:
    """Change a table (the whole table is checked again; the runs already made keep
    the storm they were given, see DesignFlood.depth_mm)."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(table.region_id)
    before = audit.snapshot(table)
    apply_fields(table, data, TABLE_FIELDS)
    _check(table)
    after = audit.snapshot(table)
    if all(after.get(k) == before.get(k) for k in TABLE_FIELDS):
        return table  # the same table again: no write, no audit record
    table.updated_at = timezone.now()
    table.updated_by = by if by is not None and by.is_authenticated else None
    with transaction.atomic():
        save_audited(table, by=by, action="update", before=before, region_code=table.region_id)
    return table


def _check(table: DesignStormTable) -> None:
    try:
        DdfTable.checked(table.durations_hours, table.return_periods, table.depths_mm)
    except TableError as exc:
        raise table_error(exc) from exc
    if table.peak_ratio is None or not 0 <= table.peak_ratio <= 1:
        raise DomainError("雨峰位置系数应在 0–1 之间", "The peak ratio must be 0 to 1",
                          fields={"peak_ratio": "无效 / invalid"})
    table.watershed = (table.watershed or "").strip()
    clash = DesignStormTable.objects.filter(region_id=table.region_id, watershed=table.watershed)
    if clash.exclude(pk=table.pk).exists():
        raise DomainError("该区划（小流域）已有设计暴雨表，请修改原表",
                          "This region (watershed) already has a table; edit it",
                          fields={"watershed": "重复 / duplicate"})


def design_storm(*, table: DesignStormTable, return_period: int, duration_hours: int) -> list[float]:
    """The hourly design storm (mm per hour) of the table's return period and duration."""
    try:
        return hyetograph(table.table(), return_period, duration_hours, table.peak_ratio)
    except TableError as exc:
        raise table_error(exc) from exc


def table_for(*, region_id: str, watershed: str) -> DesignStormTable | None:
    """The table that applies to a watershed of a region (see the module docstring).
    Reference data from above: read whatever the caller's scope, as a county reads
    its city's atlas."""
    codes = regioncodes.prefixes(region_id)[::-1]  # the region itself first, then upwards
    found = {(t.region_id, t.watershed): t for t in
             DesignStormTable.objects.filter(region_id__in=codes, watershed__in={watershed, ""})}
    for code in codes:
        for name in (watershed, ""):
            if (code, name) in found:
                return found[(code, name)]
    return None


def design_floods_start(*, by, base_run: InundationRun, duration_hours: int,
                        return_periods: list[int] | None = None) -> list[DesignFlood]:
    """Queue one inundation run per return period (all of the table's by default) of
    the design storm of `duration_hours`, on the DEM, georeference, roughness and
    threshold of `base_run`, each simulated RECESSION_HOURS past the rain."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(base_run.region_id)
    table = table_for(region_id=base_run.region_id, watershed=base_run.watershed)
    if table is None:
        raise DomainError("该小流域及其所在区划没有设计暴雨表", "No design storm table applies to this watershed",
                          fields={"table": "缺少 / missing"})
    periods = list(return_periods or table.return_periods)
    if not 0 < len(periods) <= MAX_RUNS or len(set(periods)) != len(periods):
        raise DomainError(f"重现期应为 1–{MAX_RUNS} 个不重复的值", f"Give 1 to {MAX_RUNS} distinct return periods",
                          fields={"return_periods": "无效 / invalid"})
    storms = {p: design_storm(table=table, return_period=p, duration_hours=duration_hours) for p in periods}
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    made = []
    with transaction.atomic():
        for period, rain in storms.items():
            run = _run_like(base_run, rain, start, by)
            save_audited(run, by=by, action="create", before=None, region_code=run.region_id)
            flood = DesignFlood(run=run, table=table, base_run=base_run, return_period=period,
                                duration_hours=duration_hours, depth_mm=round(sum(rain), 3),
                                peak_ratio=table.peak_ratio)
            save_audited(flood, by=by, action="create", before=None, region_code=run.region_id)
            made.append(flood)
        ids = [f.run_id for f in made]
        transaction.on_commit(lambda: _enqueue(ids))
    return made


def _run_like(base: InundationRun, rain: list[float], start: dt.datetime, by) -> InundationRun:
    """A run on the base run's DEM file (written once, never replaced: shared, not copied)."""
    return InundationRun(
        watershed=base.watershed, region_id=base.region_id, dem_path=base.dem_path, nrows=base.nrows,
        ncols=base.ncols, cellsize=base.cellsize, xllcorner=base.xllcorner, yllcorner=base.yllcorner,
        crs=base.crs, origin_lon=base.origin_lon, origin_lat=base.origin_lat, manning_n=base.manning_n,
        start=start, observed_hours=0, hourly_rain_mm=rain, forecast_hours=len(rain),
        duration_hours=len(rain) + RECESSION_HOURS, depth_threshold=base.depth_threshold,
        status=InundationStatus.QUEUED, created_by=by if by is not None and by.is_authenticated else None)


def _enqueue(run_ids: list[int]) -> None:
    from ..tasks import run_inundation

    for pk in run_ids:
        run_inundation.delay(pk)
