"""API of design storms, typical-frequency floods and the forecast-rain feed (mounted
on the floods router). Thin: scope, parse, one service."""

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import selectors, storm_selectors
from .services import design_storms, rain_feed

router = Router(tags=["floods"])

MAX_CELLS = 20  # rows or columns of a DDF table


# Design storm tables (设计暴雨表) ----------------------------------------------------------

class DesignTableOut(Schema):
    id: int
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    watershed: str
    source: str
    durations_hours: list[float]
    return_periods: list[int]
    depths_mm: list[list[float]]
    peak_ratio: float
    updated_at: dt.datetime


class DesignTableIn(Schema):
    region: str = Field(..., max_length=15)
    watershed: str = Field("", max_length=100, description="empty: the whole region")
    source: str = Field("", max_length=200, description="where the table comes from (atlas, study)")
    durations_hours: list[float] = Field(..., max_length=MAX_CELLS, description="increasing; the shortest ≤ 1 h")
    return_periods: list[int] = Field(..., max_length=MAX_CELLS, description="years, increasing, e.g. 5,10,20,50,100")
    depths_mm: list[list[float]] = Field(..., max_length=MAX_CELLS,
                                         description="one row per return period, one column per duration")
    peak_ratio: float = Field(0.5, ge=0, le=1, description="where the peak hour lies (0 first, 1 last)")


class DesignTablePatch(Schema):
    watershed: str | None = Field(None, max_length=100)
    source: str | None = Field(None, max_length=200)
    durations_hours: list[float] | None = Field(None, max_length=MAX_CELLS)
    return_periods: list[int] | None = Field(None, max_length=MAX_CELLS)
    depths_mm: list[list[float]] | None = Field(None, max_length=MAX_CELLS)
    peak_ratio: float | None = Field(None, ge=0, le=1)


class TableFilter(Schema):
    region: str = Field("", max_length=15)


class StormQuery(Schema):
    return_period: int = Field(..., ge=1, le=100_000)
    duration_hours: int = Field(..., ge=1, le=72)


class StormOut(Schema):
    return_period: int
    duration_hours: int
    peak_ratio: float
    depth_mm: float
    hourly_mm: list[float]


@router.get("/design-storm-tables", response=Page[DesignTableOut])
def list_design_tables(request, filters: Query[TableFilter], paging: Query[PageQuery]):
    return paginate(storm_selectors.design_table_list(scope=Scope.for_user(request.user), region=filters.region),
                    paging)


@router.post("/design-storm-tables", response={201: DesignTableOut})
def create_design_table(request, data: DesignTableIn):
    fields = data.model_dump()
    table = design_storms.design_table_create(by=request.user, region_id=fields.pop("region"), **fields)
    return Status(201, storm_selectors.design_table_get(scope=Scope.for_user(request.user), id=table.pk))


@router.get("/design-storm-tables/{id}", response=DesignTableOut)
def get_design_table(request, id: int):
    return storm_selectors.design_table_get(scope=Scope.for_user(request.user), id=id)


@router.patch("/design-storm-tables/{id}", response=DesignTableOut)
def update_design_table(request, id: int, data: DesignTablePatch):
    table = storm_selectors.design_table_get(scope=Scope.for_user(request.user), id=id)
    return design_storms.design_table_update(by=request.user, table=table, **data.model_dump(exclude_none=True))


@router.get("/design-storm-tables/{id}/storm", response=StormOut)
def get_design_storm(request, id: int, query: Query[StormQuery]):
    """The hourly design storm of a return period and duration (alternating blocks)."""
    table = storm_selectors.design_table_get(scope=Scope.for_user(request.user), id=id)
    hourly = design_storms.design_storm(table=table, return_period=query.return_period,
                                        duration_hours=query.duration_hours)
    return {"return_period": query.return_period, "duration_hours": query.duration_hours,
            "peak_ratio": table.peak_ratio, "depth_mm": round(sum(hourly), 3), "hourly_mm": hourly}


# Typical-frequency floods (典型频率洪水) ---------------------------------------------------

class DesignFloodIn(Schema):
    run: int = Field(..., description="an inundation run of the watershed: its DEM, roughness and threshold are used")
    duration_hours: int = Field(..., ge=1, le=72)
    return_periods: list[int] = Field(default_factory=list, max_length=design_storms.MAX_RUNS,
                                      description="default: every return period of the table")


class DesignFloodOut(Schema):
    id: int
    run: int = Field(..., alias="run_id")
    region: str = Field(..., alias="run.region_id")
    watershed: str = Field(..., alias="run.watershed")
    table: int | None = Field(None, alias="table_id")
    return_period: int
    duration_hours: int
    depth_mm: float
    peak_ratio: float
    status: str = Field(..., alias="run.status")
    max_depth_m: float | None = Field(None, alias="run.max_depth_m")
    flooded_area_m2: float | None = Field(None, alias="run.flooded_area_m2")
    created_at: dt.datetime


class DesignFloodFilter(Schema):
    region: str = Field("", max_length=15)
    watershed: str = Field("", max_length=100)


@router.post("/design-floods", response={201: list[DesignFloodOut]})
def start_design_floods(request, data: DesignFloodIn):
    """Queue an inundation run for each return period of the design storm."""
    base = selectors.inundation_get(Scope.for_user(request.user), data.run)
    return Status(201, design_storms.design_floods_start(by=request.user, base_run=base,
                                                         duration_hours=data.duration_hours,
                                                         return_periods=data.return_periods or None))


@router.get("/design-floods", response=Page[DesignFloodOut])
def list_design_floods(request, filters: Query[DesignFloodFilter], paging: Query[PageQuery]):
    return paginate(storm_selectors.design_flood_list(scope=Scope.for_user(request.user), region=filters.region,
                                                      watershed=filters.watershed), paging)


# Forecast rain (预报雨量) ---------------------------------------------------------------

class RainPushIn(Schema):
    issued_at: dt.datetime | None = Field(None, description="the issue time of every item without its own")
    source: str = Field("", max_length=80, description="e.g. the bureau's product name")
    forecasts: list[Any] = Field(..., max_length=rain_feed.MAX_ITEMS, description=(
        'objects {"station"} or {"lon", "lat", "cell_deg"[, "region"]}, with "rain_1h", "rain_3h", '
        '"rain_6h", "rain_24h" (cumulative mm, any of them)[, "issued_at"]'))


class RainProblem(Schema):
    index: int
    key: str
    reason: str


class RainPushOut(Schema):
    accepted: int
    duplicates: int
    batches: list[int]
    rejected: list[RainProblem]


class RainForecastOut(Schema):
    id: int
    issued_at: dt.datetime
    station: str | None = Field(None, alias="station.code")
    cell_lon: float | None
    cell_lat: float | None
    cell_deg: float | None
    region: str | None = Field(None, alias="region_id")
    rain_1h: float | None
    rain_3h: float | None
    rain_6h: float | None
    rain_24h: float | None


class RainFilter(Schema):
    station: str = Field("", max_length=20)
    issued_at: dt.datetime | None = None


class RainBatchOut(Schema):
    id: int
    issued_at: dt.datetime
    source: str
    region: str | None = Field(None, alias="region_id")
    created_at: dt.datetime
    stations: list[str]
    cells: int
    due_at: dt.datetime | None
    attempts: int
    done_at: dt.datetime | None
    last_error: str
    result: dict


@router.post("/rain-forecasts", response=RainPushOut)
def push_rain_forecasts(request, data: RainPushIn):
    """The weather bureau's push (an officer account's token): good items stored,
    bad ones reported; a repeated push of the same issue time stores nothing new."""
    issued = data.issued_at
    if issued is not None and timezone.is_naive(issued):
        issued = issued.isoformat()  # refused item by item: an issue time needs its offset
    source = f"api:{data.source or request.user.get_username()}"
    return rain_feed.store_forecasts(by=request.user, items=data.forecasts, source=source, issued_at=issued).as_dict()


@router.get("/rain-forecasts", response=Page[RainForecastOut])
def list_rain_forecasts(request, filters: Query[RainFilter], paging: Query[PageQuery]):
    return paginate(storm_selectors.rain_forecast_list(scope=Scope.for_user(request.user), station=filters.station,
                                                       issued_at=filters.issued_at), paging)


@router.get("/rain-forecast-batches", response=Page[RainBatchOut])
def list_rain_forecast_batches(request, paging: Query[PageQuery]):
    return paginate(storm_selectors.rain_forecast_batch_list(scope=Scope.for_user(request.user)), paging)
