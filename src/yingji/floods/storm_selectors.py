"""Reads of design storms, typical-frequency floods and forecast rain, always through
the caller's scope: `(*, scope, ...)`. (Beside `selectors` to keep merges apart.)"""

from django.db.models import QuerySet

from ..core.scope import Scope
from .design_models import DesignFlood, DesignStormTable
from .feed_models import RainForecast, RainForecastBatch


def design_table_list(*, scope: Scope, region: str = "") -> QuerySet:
    qs = scope.filter(DesignStormTable.objects.select_related("region"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    return qs.order_by("region_id", "watershed", "id")


def design_table_get(*, scope: Scope, id: int) -> DesignStormTable:
    return scope.get(DesignStormTable.objects.select_related("region"), pk=id)


def design_flood_list(*, scope: Scope, region: str = "", watershed: str = "") -> QuerySet:
    qs = scope.filter(DesignFlood.objects.select_related("run", "run__region", "table"))
    if region:
        qs = qs.filter(run__region__code__startswith=region)
    if watershed:
        qs = qs.filter(run__watershed=watershed)
    return qs.order_by("run__region_id", "run__watershed", "duration_hours", "return_period", "-created_at", "-id")


def typical_floods(*, scope: Scope) -> list[dict]:
    """The latest typical-frequency flood of each watershed, duration and return period,
    grouped as the page shows them: one row per (region, watershed, duration)."""
    groups: dict[tuple, dict] = {}
    for flood in design_flood_list(scope=scope)[:2000]:
        run = flood.run
        key = (run.region_id, run.watershed, flood.duration_hours)
        group = groups.setdefault(key, {"region": run.region, "watershed": run.watershed,
                                        "duration_hours": flood.duration_hours, "floods": {}})
        group["floods"].setdefault(flood.return_period, flood)  # newest first: the first seen stays
    for group in groups.values():
        group["floods"] = [group["floods"][p] for p in sorted(group["floods"])]
    return list(groups.values())


def rain_forecast_list(*, scope: Scope, station: str = "", issued_at=None) -> QuerySet:
    qs = scope.filter(RainForecast.objects.select_related("station"))
    if station:
        qs = qs.filter(station__code=station)
    if issued_at is not None:
        qs = qs.filter(issued_at=issued_at)
    return qs.order_by("-issued_at", "id")


def rain_forecast_batch_list(*, scope: Scope) -> QuerySet:
    return scope.filter(RainForecastBatch.objects.all()).order_by("-created_at", "-id")
