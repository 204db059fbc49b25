"""API of the floods app: risk points and their critical rainfall, sections and their
stage forecasts, and the flash-flood alerts raised. Thin: scope, parse, one service."""

import datetime as dt
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from ..core import exports
from ..core.errors import DomainError, NotFound
from ..core.paging import Page, PageQuery, paginate
from ..core.rejects import rejects_keep
from ..core.scope import Scope
from ..core.tabular import Limits, check_size
from . import inundation, risk_point_import, selectors, services
from .choices import AlertLevel, AlertSource, Window
from .exports import RISK_POINTS
from .layers import LAYERS, layer_png
from .models import InundationStatus

router = Router(tags=["floods"])


class KindOut(Schema):
    code: str
    name: str
    description: str


class CriticalOut(Schema):
    window_hours: int
    prepare_mm: float
    move_now_mm: float


class RiskPointOut(Schema):
    id: int
    kind: str = Field(..., alias="kind_id")
    kind_name: str = Field(..., alias="kind.name")
    name: str
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    longitude: float | None
    latitude: float | None
    population: int
    households: int
    active: bool
    gauges: list[str]
    critical_rainfall: list[CriticalOut]

    @staticmethod
    def resolve_gauges(obj):
        return [g.code for g in obj.gauges.all()]

    @staticmethod
    def resolve_critical_rainfall(obj):
        return list(obj.critical_rainfalls.all())


class PersonRef(Schema):
    id: int
    name: str
    mobile: str


class RiskPointDetail(RiskPointOut):
    note: str
    responsible: list[PersonRef]
    responsible_name: str
    responsible_phone: str
    control_measures: str

    @staticmethod
    def resolve_responsible(obj):
        return list(obj.responsible.all())


class RiskPointIn(Schema):
    kind: str = Field(..., max_length=40)
    name: str = Field(..., min_length=1, max_length=100)
    region: str = Field(..., max_length=15)
    longitude: float | None = Field(None, ge=73, le=136)
    latitude: float | None = Field(None, ge=3, le=54)
    population: int = Field(0, ge=0, le=10_000_000)
    households: int = Field(0, ge=0, le=10_000_000)
    note: str = Field("", max_length=300)
    gauges: list[str] = Field(default_factory=list, max_length=50)
    responsible: list[int] = Field(default_factory=list, max_length=50)
    responsible_name: str = Field("", max_length=50, description="责任人 when no registered person is linked")
    responsible_phone: str = Field("", max_length=30)
    control_measures: str = Field("", max_length=2000, description="管控措施")


class CriticalIn(Schema):
    window_hours: Window
    prepare_mm: float = Field(..., gt=0, le=2000)
    move_now_mm: float = Field(..., gt=0, le=2000)


class RiskPointFilter(Schema):
    region: str = Field("", max_length=15)
    kind: str = Field("", max_length=40)
    q: str = Field("", max_length=100)


class SectionOut(Schema):
    id: int
    name: str
    region: str = Field(..., alias="region_id")
    longitude: float | None
    latitude: float | None
    catchment_area_km2: float
    curve_number: float
    lag_hours: float
    manning_n: float
    slope: float
    warning_stage: float
    critical_stage: float
    scour_velocity: float | None = Field(None, description="m/s; null: the installation's default")
    scour_threshold: float = Field(..., description="m/s: the scour velocity in force (own or default)")
    stage_station: str | None = None
    calibration_nse: float | None
    gauges: list[str]

    @staticmethod
    def resolve_gauges(obj):
        return [g.code for g in obj.gauges.all()]

    @staticmethod
    def resolve_stage_station(obj):
        return obj.stage_station.code if obj.stage_station_id else None


class ForecastOut(Schema):
    id: int
    section: int = Field(..., alias="section_id")
    issued_at: dt.datetime
    forecast_rain: dict[str, float]
    step_minutes: int
    times: list[str]
    discharges: list[float]
    stages: list[float]
    horizon_stages: dict[str, float]
    peak_stage: float
    peak_at: dt.datetime
    velocities: list[float] = Field(..., description="m/s, V = Q / A at each step")
    peak_velocity: float | None
    peak_velocity_at: dt.datetime | None
    crossing_level: str
    crossing_at: dt.datetime | None
    lead_minutes: int | None


class StageOut(Schema):
    time: dt.datetime
    stage: float
    level: str = Field(..., description="prepare (警戒), move_now (危急) or empty")


class SectionDetail(SectionOut):
    geometry: list[list[float]]
    route_k_hours: float
    route_x: float
    baseflow_m3s: float
    latest_forecast: ForecastOut | None
    latest_stage: StageOut | None = Field(None, description="the stage gauge's latest good reading")

    @staticmethod
    def resolve_latest_forecast(obj):
        return selectors.latest_forecast(section=obj)

    @staticmethod
    def resolve_latest_stage(obj, context):
        return selectors.latest_stage(scope=Scope.for_user(context["request"].user), section=obj)


class LevelsIn(Schema):
    warning_stage: float = Field(..., ge=-1000, le=10000, description="警戒水位, m in the stage gauge's datum")
    critical_stage: float = Field(..., ge=-1000, le=10000, description="危急水位, m, at least the warning stage")
    scour_velocity: float | None = Field(None, gt=0, le=50, description="冲刷流速, m/s; null: the default")
    stage_station: str | None = Field(None, max_length=20, description="the stage gauge's station code")


class ForecastIn(Schema):
    forecast_rain: dict[str, float] = Field(
        ..., description='cumulative mm for the next hours, e.g. {"1": 20, "3": 45, "6": 60, "24": 90}')
    now: dt.datetime | None = Field(None, description="forecast time (default: now)")


class AlertOut(Schema):
    id: int
    level: AlertLevel
    source: AlertSource
    region: str = Field(..., alias="region_id")
    risk_point: int | None = Field(None, alias="risk_point_id")
    section: int | None = Field(None, alias="section_id")
    event: int = Field(..., alias="event_id")
    headline: str
    observed_at: dt.datetime
    crossing_at: dt.datetime | None
    lead_minutes: int | None
    evidence: dict
    warning_id: int | None
    created_at: dt.datetime


class AlertFilter(Schema):
    region: str = Field("", max_length=15)
    level: AlertLevel | None = None
    source: AlertSource | None = None


class SectionFilter(Schema):
    region: str = Field("", max_length=15)


@router.get("/risk-point-kinds", response=list[KindOut])
def list_kinds(request):
    return list(selectors.risk_point_kinds())


@router.get("/risk-points", response=Page[RiskPointOut])
def list_risk_points(request, filters: Query[RiskPointFilter], paging: Query[PageQuery]):
    qs = selectors.risk_point_list(scope=Scope.for_user(request.user), region=filters.region, kind=filters.kind,
                                   q=filters.q)
    return paginate(qs, paging)


@router.post("/risk-points", response={201: RiskPointDetail})
def create_risk_point(request, data: RiskPointIn):
    fields = data.model_dump()
    fields["kind_id"], fields["region_id"] = fields.pop("kind"), fields.pop("region")
    point = services.risk_point_create(by=request.user, **fields)
    return Status(201, selectors.risk_point_get(scope=Scope.for_user(request.user), id=point.pk))


class ImportErrorOut(Schema):
    row: int
    field: str
    message: str


class RiskPointImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    rejected: int
    complete: bool
    interrupted: str
    warnings: list[str]
    errors: list[ImportErrorOut]
    rejects_token: str | None = Field(None, description="the refused rows to correct: /imports/rejected/{token}.xlsx")


class FormatQuery(Schema):
    format: Literal["xlsx", "csv"] = "xlsx"


class RiskPointExportQuery(RiskPointFilter):
    format: Literal["xlsx", "csv"] = "xlsx"


@router.post("/risk-points/import", response={200: RiskPointImportOut, 503: RiskPointImportOut})
def import_risk_points(request, file: File[UploadedFile]):
    """Upsert risk points (the risk lists, 风险清单) from an .xlsx or .csv file (field
    `file`), matched by region code, kind and name. 200 with the row report whenever
    the file could be read (refused rows listed, good rows kept), 400 for a file that
    cannot be read, 503 with the report when the database failed midway."""
    check_size(file.size, Limits.from_settings())
    report = risk_point_import.import_risk_points(by=request.user, content=file.read(), filename=file.name or "")
    kept = rejects_keep(by=request.user, name="risk-points-rejected", title="待修改的行",
                        header=[c.header for c in risk_point_import.COLUMNS], rows=report.rejected_rows)
    body = {**report.as_dict(), "rejects_token": str(kept.token) if kept else None}
    return Status(200 if report.complete else 503, body)


@router.get("/risk-points/import-template", response={200: None})
def risk_points_import_template(request, query: Query[FormatQuery]):
    """An empty risk list with the import's headers and one example row."""
    return exports.file_response(risk_point_import.risk_points_template(query.format), query.format,
                                 "risk-points-template")


@router.get("/risk-points/export", response={200: None})
def export_risk_points(request, filters: Query[RiskPointExportQuery]):
    """The risk points the list would show (same filters and scope) as .xlsx or .csv,
    with the headers the import reads back."""
    qs = selectors.risk_point_list(scope=Scope.for_user(request.user), region=filters.region, kind=filters.kind,
                                   q=filters.q)
    return exports.response(request, RISK_POINTS, qs, fmt=filters.format)


@router.get("/risk-points/{id}", response=RiskPointDetail)
def get_risk_point(request, id: int):
    return selectors.risk_point_get(scope=Scope.for_user(request.user), id=id)


@router.post("/risk-points/{id}/critical-rainfall", response=list[CriticalOut])
def set_critical_rainfall(request, id: int, data: list[CriticalIn]):
    point = selectors.risk_point_get(scope=Scope.for_user(request.user), id=id)
    return services.critical_rainfall_set(by=request.user, risk_point=point,
                                          values=[{**v.model_dump(), "window_hours": int(v.window_hours)}
                                                  for v in data])


@router.get("/sections", response=Page[SectionOut])
def list_sections(request, filters: Query[SectionFilter], paging: Query[PageQuery]):
    return paginate(selectors.section_list(scope=Scope.for_user(request.user), region=filters.region), paging)


@router.get("/sections/{id}", response=SectionDetail)
def get_section(request, id: int):
    return selectors.section_get(scope=Scope.for_user(request.user), id=id)


@router.post("/sections/{id}/levels", response=SectionDetail)
def set_section_levels(request, id: int, data: LevelsIn):
    """Set the section's warning and critical stages (observed and forecast stage are
    compared with them), its scour velocity and its stage gauge."""
    section = selectors.section_get(scope=Scope.for_user(request.user), id=id)
    services.section_levels_set(by=request.user, section=section, **data.model_dump())
    return selectors.section_get(scope=Scope.for_user(request.user), id=id)


@router.post("/sections/{id}/forecast", response={201: ForecastOut})
def forecast(request, id: int, data: ForecastIn):
    section = selectors.section_get(scope=Scope.for_user(request.user), id=id)
    now = data.now or timezone.now()
    if timezone.is_naive(now):
        now = timezone.make_aware(now)
    return Status(201, services.forecast_section(section=section, now=now, forecast_rain=data.forecast_rain,
                                                 by=request.user))


@router.get("/floods/alerts", response=Page[AlertOut])
def list_alerts(request, filters: Query[AlertFilter], paging: Query[PageQuery]):
    qs = selectors.alert_list(scope=Scope.for_user(request.user), region=filters.region, level=filters.level or "",
                              source=filters.source or "")
    return paginate(qs, paging)


# Inundation runs (淹没模拟) -------------------------------------------------------------

class InundationIn(Schema):
    """Multipart form fields beside the DEM file (field `dem`)."""

    watershed: str = Field(..., min_length=1, max_length=100)
    region: str = Field(..., max_length=15)
    start: dt.datetime = Field(..., description="simulation start; observed rain is read from here")
    observed_hours: int = Field(0, ge=0, le=240, description="hours of gauge observations from start")
    gauges: str = Field("", max_length=1000, description="rain gauge codes, comma-separated")
    forecast_rain_mm: str = Field("", max_length=5000,
                                  description="forecast rain after the observed hours, mm per hour, comma-separated")
    duration_hours: float | None = Field(None, gt=0, le=240, description="default: the rain's hours + 2")
    manning_n: float = Field(0.05, gt=0, le=1)
    depth_threshold: float = Field(0.3, gt=0, le=20, description="m: deeper cells affect a risk point")
    crs: str = Field("local", max_length=20,
                     description='"local" (metres from the lower-left corner at origin_lon/lat) or e.g. "EPSG:32650"')
    origin_lon: float | None = Field(None, ge=73, le=136)
    origin_lat: float | None = Field(None, ge=3, le=54)


class AffectedOut(Schema):
    risk_point: int = Field(..., alias="risk_point_id")
    name: str = Field(..., alias="risk_point.name")
    region: str = Field(..., alias="risk_point.region_id")
    longitude: float | None = Field(None, alias="risk_point.longitude")
    latitude: float | None = Field(None, alias="risk_point.latitude")
    population: int
    households: int
    max_depth_m: float
    arrival_s: float
    arrival_at: dt.datetime
    duration_s: float


class InundationOut(Schema):
    id: int
    watershed: str
    region: str = Field(..., alias="region_id")
    status: str
    progress: int
    error: str
    start: dt.datetime
    duration_hours: float
    depth_threshold: float
    created_at: dt.datetime
    finished_at: dt.datetime | None


class InundationDetail(InundationOut):
    nrows: int
    ncols: int
    cellsize: float
    crs: str
    manning_n: float
    hourly_rain_mm: list[float]
    observed_hours: int
    forecast_hours: int
    bounds: list[list[float]] | None
    max_depth_m: float | None
    flooded_area_m2: float | None
    mass_error: float | None
    gauges: list[str]
    affected: list[AffectedOut]
    layers: dict[str, str]

    @staticmethod
    def resolve_gauges(obj):
        return [g.code for g in obj.gauges.all()]

    @staticmethod
    def resolve_affected(obj):
        return list(selectors.affected_places(obj))

    @staticmethod
    def resolve_layers(obj):
        if obj.status != InundationStatus.DONE:
            return {}
        return {name: f"/api/inundation-runs/{obj.pk}/layers/{name}.png" for name in LAYERS}


class InundationFilter(Schema):
    region: str = Field("", max_length=15)
    status: InundationStatus | None = None


def _numbers(text: str) -> list:
    return [v.strip() for v in text.split(",") if v.strip()]


@router.post("/inundation-runs", response={201: InundationDetail})
def create_inundation_run(request, dem: File[UploadedFile], data: Form[InundationIn]):
    """Register an inundation run (multipart: the DEM as `dem`, ESRI ASCII .asc/.asc.gz
    or single-band GeoTIFF, and the fields below) and queue it."""
    if dem.size and dem.size > inundation.MAX_DEM_BYTES:  # refuse before reading it into memory
        raise DomainError("高程文件超过 200 MB", "The DEM is larger than 200 MB",
                           fields={"dem": "太大 / too large"})
    fields = data.model_dump()
    start = fields.pop("start")
    run = inundation.inundation_create(
        by=request.user, region_id=fields.pop("region"), dem_name=dem.name or "dem.asc", dem_data=dem.read(),
        start=start if timezone.is_aware(start) else timezone.make_aware(start),
        gauges=_numbers(fields.pop("gauges")), forecast_rain_mm=_numbers(fields.pop("forecast_rain_mm")), **fields)
    return Status(201, selectors.inundation_get(Scope.for_user(request.user), run.pk))


@router.get("/inundation-runs", response=Page[InundationOut])
def list_inundation_runs(request, filters: Query[InundationFilter], paging: Query[PageQuery]):
    qs = selectors.inundation_list(Scope.for_user(request.user), region=filters.region,
                                    status=filters.status or "")
    return paginate(qs, paging)


@router.get("/inundation-runs/{id}", response=InundationDetail)
def get_inundation_run(request, id: int):
    return selectors.inundation_get(Scope.for_user(request.user), id)


@router.get("/inundation-runs/{id}/layers/{name}.png", response={200: None})
def get_inundation_layer(request, id: int, name: str):
    """A result grid (max_depth, arrival or duration) as a PNG over the run's `bounds`;
    cells below the colour scale's first class are transparent."""
    run = selectors.inundation_get(Scope.for_user(request.user), id)
    if name not in LAYERS:
        raise NotFound()
    response = HttpResponse(layer_png(run, name), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"  # a finished run's layers never change
    return response


# Design storms, typical-frequency floods and the forecast-rain feed (flood-storms).
from .api_storms import router as storms_router  # noqa: E402

router.add_router("", storms_router)
