"""API of the floods app: risk points and their critical rainfall, sections and their
stage forecasts, and the flash-flood alerts raised. Thin: scope, parse, one service."""

import datetime as dt

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import selectors, services
from .choices import AlertLevel, AlertSource, Window

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
    calibration_nse: float | None
    gauges: list[str]

    @staticmethod
    def resolve_gauges(obj):
        return [g.code for g in obj.gauges.all()]


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
    crossing_level: str
    crossing_at: dt.datetime | None
    lead_minutes: int | None


class SectionDetail(SectionOut):
    geometry: list[list[float]]
    route_k_hours: float
    route_x: float
    baseflow_m3s: float
    latest_forecast: ForecastOut | None

    @staticmethod
    def resolve_latest_forecast(obj):
        return selectors.latest_forecast(obj)


class ForecastIn(Schema):
    forecast_rain: dict[str, float] = Field(..., description='cumulative mm for the next hours, e.g. {"1": 20, "3": 45, "6": 60, "24": 90}')
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
    qs = selectors.risk_point_list(Scope.for_user(request.user), region=filters.region, kind=filters.kind,
                                   q=filters.q)
    return paginate(qs, paging)


@router.post("/risk-points", response={201: RiskPointDetail})
def create_risk_point(request, data: RiskPointIn):
    fields = data.model_dump()
    fields["kind_id"], fields["region_id"] = fields.pop("kind"), fields.pop("region")
    point = services.risk_point_create(by=request.user, **fields)
    return Status(201, selectors.risk_point_get(Scope.for_user(request.user), point.pk))


@router.get("/risk-points/{id}", response=RiskPointDetail)
def get_risk_point(request, id: int):
    return selectors.risk_point_get(Scope.for_user(request.user), id)


@router.post("/risk-points/{id}/critical-rainfall", response=list[CriticalOut])
def set_critical_rainfall(request, id: int, data: list[CriticalIn]):
    point = selectors.risk_point_get(Scope.for_user(request.user), id)
    return services.critical_rainfall_set(by=request.user, risk_point=point,
                                          values=[{**v.model_dump(), "window_hours": int(v.window_hours)}
                                                  for v in data])


@router.get("/sections", response=Page[SectionOut])
def list_sections(request, filters: Query[SectionFilter], paging: Query[PageQuery]):
    return paginate(selectors.section_list(Scope.for_user(request.user), region=filters.region), paging)


@router.get("/sections/{id}", response=SectionDetail)
def get_section(request, id: int):
    return selectors.section_get(Scope.for_user(request.user), id)


@router.post("/sections/{id}/forecast", response={201: ForecastOut})
def forecast(request, id: int, data: ForecastIn):
    section = selectors.section_get(Scope.for_user(request.user), id)
    now = data.now or timezone.now()
    if timezone.is_naive(now):
        now = timezone.make_aware(now)
    return Status(201, services.forecast_section(section=section, now=now, forecast_rain=data.forecast_rain,
                                                 by=request.user))


@router.get("/floods/alerts", response=Page[AlertOut])
def list_alerts(request, filters: Query[AlertFilter], paging: Query[PageQuery]):
    qs = selectors.alert_list(Scope.for_user(request.user), region=filters.region, level=filters.level or "",
                              source=filters.source or "")
    return paginate(qs, paging)
