"""API of risk control (风险清单管控): control rounds, the state of risk points
reported from phones, the board with its counts and the uncontrolled by region.
Thin: scope, parse, one service. The risk points themselves (GET/POST
/api/risk-points, the import) are the floods app's."""

import datetime as dt
from typing import Literal

from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from ..core import exports
from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import selectors_riskcontrol as selectors
from .models.riskcontrol import ControlState, RoundHazard
from .services import riskcontrol as services
from .views_riskcontrol import BOARD_EXPORT

router = Router(tags=["response: risk control"])


class StateIn(Schema):
    state: ControlState
    note: str = Field("", max_length=500)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    round: int | None = Field(None, ge=1, le=2**62, description="control round; default: the open one over the point")


class ReportOut(Schema):
    id: int
    risk_point: int = Field(..., alias="risk_point_id")
    round: int | None = Field(None, alias="round_id")
    region: str = Field(..., alias="region_id")
    state: str
    note: str
    lat: float | None = Field(None, alias="latitude")
    lon: float | None = Field(None, alias="longitude")
    photo: bool
    reported_by: str = Field(..., alias="reporter_name")
    reported_at: dt.datetime

    @staticmethod
    def resolve_photo(obj):
        return bool(obj.photo)


class RoundIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    hazard: RoundHazard
    region: str = Field(..., min_length=2, max_length=15)
    drill: bool = False


class RoundOut(Schema):
    id: int
    name: str
    hazard: str
    region: str = Field(..., alias="region_id")
    drill: bool
    started_at: dt.datetime
    ended_at: dt.datetime | None


class BoardQuery(Schema):
    round: int | None = Field(None, ge=1, le=2**62, description="default: the current open round, else none")
    region: str = Field("", max_length=15)
    kind: str = Field("", max_length=40)
    state: Literal["checked", "controlled", "evacuated", "closed", "none", "uncontrolled", ""] = ""
    q: str = Field("", max_length=100)


class BoardExportQuery(BoardQuery):
    format: Literal["xlsx", "csv"] = "xlsx"


class BoardItem(Schema):
    id: int
    name: str
    kind: str = Field(..., alias="kind_id")
    kind_name: str = Field(..., alias="kind.name")
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    longitude: float | None
    latitude: float | None
    responsible_name: str
    responsible_phone: str
    state: str | None = Field(None, alias="control_state", description="null: no report yet")
    state_at: dt.datetime | None = Field(None, alias="control_at")


class TownshipCount(Schema):
    region: str
    name: str
    uncontrolled: int


class CountyCount(TownshipCount):
    townships: list[TownshipCount]


class CountsOut(Schema):
    round: int | None
    total: int
    controlled: int
    uncontrolled: int
    by_state: dict[str, int]
    by_kind: list[dict]
    by_region: list[CountyCount]


def _round(scope: Scope, id: int | None):
    if id is not None:
        return selectors.round_get(scope=scope, id=id)
    return selectors.current_round(scope=scope)


@router.post("/risk-points/{id}/state", response={201: ReportOut})
def report_state(request, id: int, data: StateIn):
    """Report a risk point's state from the field (checked, controlled, evacuated,
    closed) with the reporter's position. Appended to its history, never overwritten."""
    report = services.state_report(by=request.user, risk_point_id=id, state=data.state, note=data.note,
                                   latitude=data.lat, longitude=data.lon, round_id=data.round)
    return Status(201, report)


@router.post("/risk-points/{id}/state/photo", response={201: ReportOut})
def report_state_with_photo(request, id: int, state: Form[ControlState], photo: File[UploadedFile] = None,
                            note: Form[str] = "", lat: Form[float | None] = None, lon: Form[float | None] = None,
                            round: Form[int | None] = None):
    """The same report as multipart form data, with a photo (field `photo`)."""
    report = services.state_report(by=request.user, risk_point_id=id, state=state, note=note[:500],
                                   latitude=lat, longitude=lon, photo=photo, round_id=round)
    return Status(201, report)


@router.get("/risk-points/{id}/states", response=list[ReportOut])
def state_history(request, id: int):
    """Every state reported for a risk point, newest first."""
    return selectors.point_history(scope=Scope.for_user(request.user), id=id)


@router.post("/risk-control/rounds", response={201: RoundOut})
def start_round(request, data: RoundIn):
    return Status(201, services.round_start(by=request.user, name=data.name, hazard=data.hazard,
                                            region_id=data.region, drill=data.drill))


@router.get("/risk-control/rounds", response=Page[RoundOut])
def list_rounds(request, paging: Query[PageQuery]):
    return paginate(selectors.round_list(scope=Scope.for_user(request.user)), paging)


@router.post("/risk-control/rounds/{id}/end", response=RoundOut)
def end_round(request, id: int):
    scope = Scope.for_user(request.user)
    return services.round_end(by=request.user, round=selectors.round_get(scope=scope, id=id))


@router.get("/risk-control/board", response=Page[BoardItem])
def board(request, filters: Query[BoardQuery], paging: Query[PageQuery]):
    """The risk points with their current state in the round (filters: kind, state
    (uncontrolled: no report or only checked), region)."""
    scope = Scope.for_user(request.user)
    rnd = _round(scope, filters.round)
    return paginate(selectors.board(scope=scope, round=rnd, region=filters.region, kind=filters.kind,
                                    state=filters.state, q=filters.q), paging)


@router.get("/risk-control/counts", response=CountsOut)
def counts(request, filters: Query[BoardQuery]):
    """Counts by state and by kind, and the uncontrolled by county and township."""
    scope = Scope.for_user(request.user)
    rnd = _round(scope, filters.round)
    return {"round": rnd.pk if rnd else None,
            **selectors.counts(scope=scope, round=rnd, region=filters.region, kind=filters.kind)}


@router.get("/risk-control/board/export", response={200: None})
def export_board(request, filters: Query[BoardExportQuery]):
    scope = Scope.for_user(request.user)
    rnd = _round(scope, filters.round)
    qs = selectors.board(scope=scope, round=rnd, region=filters.region, kind=filters.kind, state=filters.state,
                         q=filters.q)
    return exports.response(request, BOARD_EXPORT, qs, fmt=filters.format)
