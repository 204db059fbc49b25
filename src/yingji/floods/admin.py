"""Read-only views of risk points, sections, alerts and inundation runs for
administrators: every change goes through the services (and the audit log), never
through the admin."""

from django.contrib import admin

from ..core.admin_audit import ReadOnlyAdmin, ReadOnlyInline
from .models import AffectedPlace, CriticalRainfall, FloodAlert, InundationRun, RiskPoint, RiskPointKind, Section


@admin.register(RiskPointKind)
class RiskPointKindAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]


class CriticalRainfallInline(ReadOnlyInline):
    model = CriticalRainfall
    fields = ["window_hours", "prepare_mm", "move_now_mm"]


@admin.register(RiskPoint)
class RiskPointAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "region", "population", "households", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    raw_id_fields = ["region", "responsible", "gauges"]
    inlines = [CriticalRainfallInline]


@admin.register(Section)
class SectionAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "warning_stage", "critical_stage", "calibration_nse", "calibrated_at"]
    search_fields = ["name"]
    raw_id_fields = ["region", "stage_station", "gauges", "risk_points"]


@admin.register(FloodAlert)
class FloodAlertAdmin(ReadOnlyAdmin):
    list_display = ["headline", "level", "source", "region", "observed_at", "warning_id"]
    list_filter = ["level", "source"]
    search_fields = ["headline"]
    raw_id_fields = ["event", "risk_point", "section", "forecast", "region"]
    date_hierarchy = "observed_at"


class AffectedPlaceInline(ReadOnlyInline):
    model = AffectedPlace
    fields = ["risk_point", "population", "households", "max_depth_m", "arrival_at", "duration_s"]


@admin.register(InundationRun)
class InundationRunAdmin(ReadOnlyAdmin):
    list_display = ["watershed", "region", "status", "progress", "start", "duration_hours", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["region", "gauges"]
    inlines = [AffectedPlaceInline]


# Design storms and forecast rain (flood-storms) ------------------------------------

from .models import DesignFlood, DesignStormTable, RainForecast, RainForecastBatch  # noqa: E402


@admin.register(DesignStormTable)
class DesignStormTableAdmin(ReadOnlyAdmin):
    list_display = ["region", "watershed", "source", "peak_ratio", "updated_at"]
    raw_id_fields = ["region"]


@admin.register(DesignFlood)
class DesignFloodAdmin(ReadOnlyAdmin):
    list_display = ["run", "return_period", "duration_hours", "depth_mm", "created_at"]
    raw_id_fields = ["run", "base_run", "table"]


@admin.register(RainForecastBatch)
class RainForecastBatchAdmin(ReadOnlyAdmin):
    list_display = ["issued_at", "source", "region", "stations", "cells", "due_at", "attempts", "done_at"]
    raw_id_fields = ["region"]


@admin.register(RainForecast)
class RainForecastAdmin(ReadOnlyAdmin):
    list_display = ["issued_at", "station", "cell_lon", "cell_lat", "rain_1h", "rain_3h", "rain_6h", "rain_24h"]
    raw_id_fields = ["batch", "station", "region"]
