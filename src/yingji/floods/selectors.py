"""Reads of the floods app, always through the caller's scope: `(*, scope, ...)`."""

import datetime as dt

import numpy as np
from django.db.models import QuerySet, Sum

from ..core.errors import NotFound
from ..core.scope import SYSTEM, Scope
from ..hydromet.choices import Quantity
from ..hydromet.selectors import latest_observation, rain_totals
from .choices import WINDOWS_HOURS
from .models import (
    FloodAlert,
    Forecast,
    InundationRun,
    InundationStatus,
    RiskPoint,
    RiskPointKind,
    Section,
    inundation_storage,
)

RESULT_NAMES = ("max_depth", "arrival", "duration")  # the grids an inundation run stores


def risk_point_list(*, scope: Scope, region: str = "", kind: str = "", q: str = "") -> QuerySet:
    qs = scope.filter(RiskPoint.objects.select_related("kind", "region"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    if kind:
        qs = qs.filter(kind_id=kind)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.prefetch_related("critical_rainfalls", "gauges").order_by("region_id", "name", "id")


def risk_point_get(*, scope: Scope, id: int) -> RiskPoint:
    return scope.get(RiskPoint.objects.select_related("kind", "region")
                     .prefetch_related("critical_rainfalls", "gauges", "responsible"), pk=id)


def risk_point_kinds() -> QuerySet:
    return RiskPointKind.objects.all()


def section_list(*, scope: Scope, region: str = "") -> QuerySet:
    qs = scope.filter(Section.objects.select_related("region", "stage_station"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    return qs.prefetch_related("gauges").order_by("region_id", "name", "id")


def section_get(*, scope: Scope, id: int) -> Section:
    return scope.get(Section.objects.select_related("region", "stage_station").prefetch_related("gauges"), pk=id)


def latest_forecast(*, section: Section) -> Forecast | None:
    return section.forecasts.order_by("-issued_at", "-id").first()


def latest_stage(*, scope: Scope, section: Section) -> dict | None:
    """The latest good reading of the section's stage gauge (time, stage m) and the
    level it reaches ("prepare", "move_now" or ""); None without gauge or reading."""
    if section.stage_station_id is None or not scope.covers_region(section.region_id):
        return None
    reading = latest_observation(scope=SYSTEM, station=section.stage_station, quantity=Quantity.STAGE)
    if reading is None:
        return None
    return {"time": reading.time, "stage": reading.value, "level": section.stage_level(reading.value) or ""}


def alert_list(*, scope: Scope, region: str = "", level: str = "", source: str = "") -> QuerySet:
    qs = scope.filter(FloodAlert.objects.select_related("risk_point", "section", "region"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    if level:
        qs = qs.filter(level=level)
    if source:
        qs = qs.filter(source=source)
    return qs.order_by("-created_at", "-id")


def current_totals(*, scope: Scope, point: RiskPoint, at: dt.datetime) -> dict[int, float]:
    """The point's rain in the last 1/3/6/24 h before `at`: the largest of its gauges'
    (the rule the warnings use; the point's gauges count whoever reads the point)."""
    if not scope.covers_region(point.region_id):
        raise NotFound()
    codes = [g.code for g in point.gauges.all()]
    if not codes:
        return {h: 0.0 for h in WINDOWS_HOURS}
    found = rain_totals(scope=SYSTEM, station_codes=codes, end=at, hours=WINDOWS_HOURS)
    return {h: max((t[h] for t in found.values()), default=0.0) for h in WINDOWS_HOURS}


# Inundation runs ---------------------------------------------------------------------

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
    try:
        with inundation_storage().open(f"{run.result_dir}/{name}.npy", "rb") as fh:
            return np.load(fh)
    except FileNotFoundError:  # removed from the storage since the run finished: missing, not a fault
        raise NotFound("结果文件已不存在", "The result file is gone") from None
