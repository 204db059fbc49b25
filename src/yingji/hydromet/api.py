"""Stations and observations API: thin over the selectors and the ingest service."""

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from ..core.errors import DomainError
from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import selectors, services
from .choices import Quality, Quantity, StationKind

router = Router(tags=["hydromet"])

MAX_BATCH = 10_000
MAX_RANGE = dt.timedelta(days=31)


class StationOut(Schema):
    code: str
    name: str
    kind: StationKind
    longitude: float
    latitude: float
    altitude: float | None
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    source: str
    active: bool


class ObservationOut(Schema):
    time: dt.datetime
    value: float
    interval_minutes: int | None
    quality: str
    reason: str

    @staticmethod
    def resolve_quality(obj):
        return Quality(obj.quality).key


class RainTotal(Schema):
    hours: int
    total_mm: float


class StationDetail(StationOut):
    latest: dict[str, ObservationOut]
    rain_totals: list[RainTotal]
    totals_end: dt.datetime


class StationFilter(Schema):
    region: str = Field("", max_length=15, description="region code: the stations of its subtree")
    kind: StationKind | None = None
    q: str = Field("", max_length=100, description="text search in code and name")


class ObservationQuery(Schema):
    quantity: Literal["rain", "stage"] = "rain"
    start: dt.datetime | None = Field(None, description="exclusive; default: 24 h before end")
    end: dt.datetime | None = Field(None, description="inclusive; default: now")


class DetailQuery(Schema):
    end: dt.datetime | None = Field(None, description="end of the rain-total windows; default: now")


class BatchIn(Schema):
    readings: list[Any] = Field(..., max_length=MAX_BATCH, description=(
        'objects {"station", "time" (ISO 8601 with offset), "quantity": "rain"|"stage", "value"'
        '[, "interval_minutes"]}'))


class ItemProblem(Schema):
    index: int
    station: str
    reason: str


class BatchOut(Schema):
    accepted: int
    duplicates: int
    rejected: list[ItemProblem]
    flagged: list[ItemProblem] = Field(..., description="stored, but marked suspect")
    notes: list[ItemProblem] = Field(..., description="stored; e.g. late (out-of-order) data")


@router.get("/stations", response=Page[StationOut])
def list_stations(request, filters: Query[StationFilter], paging: Query[PageQuery]):
    qs = selectors.station_list(scope=Scope.for_user(request.user), region=filters.region,
                                kind=filters.kind or "", q=filters.q)
    return paginate(qs, paging)


@router.get("/stations/{code}", response=StationDetail)
def get_station(request, code: str, query: Query[DetailQuery]):
    scope = Scope.for_user(request.user)
    station = selectors.station_get(scope=scope, code=code)
    end = _aware(query.end) or timezone.now()
    totals = selectors.rain_totals(scope=scope, station_codes=[station.code], end=end,
                                   hours=selectors.DETAIL_TOTAL_HOURS).get(station.code, {})
    station.latest = selectors.latest(scope=scope, station=station)
    station.rain_totals = [{"hours": h, "total_mm": t} for h, t in totals.items()]
    station.totals_end = end
    return station


@router.get("/stations/{code}/observations", response=list[ObservationOut])
def station_observations(request, code: str, query: Query[ObservationQuery]):
    scope = Scope.for_user(request.user)
    station = selectors.station_get(scope=scope, code=code)
    end = _aware(query.end) or timezone.now()
    start = _aware(query.start) or end - dt.timedelta(hours=24)
    if not dt.timedelta(0) <= end - start <= MAX_RANGE:
        raise DomainError("时间范围应为 0 至 31 天", "The range must be between 0 and 31 days",
                          fields={"start": "范围无效 / invalid range"})
    return list(selectors.observations(scope=scope, station=station, quantity=Quantity.from_name(query.quantity),
                                       start=start, end=end))


@router.post("/observations", response=BatchOut)
def post_observations(request, body: BatchIn):
    """Ingest a batch; the answer says what became of each reading (by its index)."""
    report = services.ingest(by=request.user, readings=body.readings, source="api")
    return {"accepted": report.accepted, "duplicates": report.duplicates, "rejected": report.rejected,
            "flagged": report.flagged, "notes": report.notes}


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if not 1900 <= value.year <= 2200:  # keeps window arithmetic and UTC conversion in range
        raise DomainError("时间应在 1900 至 2200 年之间", "Times must be between 1900 and 2200",
                          fields={"time": "超出范围 / out of range"})
    # a time without offset is read as local (Beijing) time, as people type it
    return value if timezone.is_aware(value) else timezone.make_aware(value)
