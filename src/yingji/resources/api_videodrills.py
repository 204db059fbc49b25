"""API of video-dispatch drills (视频调度演练) and the three rates: nodes, drills,
call outcomes, the rates per region, and the video system's event callback. Thin:
scope, parse, one service."""

import datetime as dt
import hmac
from typing import Literal

from django.conf import settings
from ninja import Field, Query, Router, Schema, Status

from ..core.errors import DomainError, Forbidden
from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import selectors_videodrills as selectors
from .models import DrillState, NodeKind
from .services import videodrills as services
from .video import TOKEN_HEADER

router = Router(tags=["resources: video drills"])


class NodeOut(Schema):
    id: int
    kind: str
    name: str
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.name")
    team_id: int | None
    endpoint_id: str
    active: bool


class NodeFilter(Schema):
    region: str = Field("", max_length=15)
    kind: NodeKind | Literal[""] = ""
    active: bool | None = None
    q: str = Field("", max_length=50)


class NodePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    endpoint_id: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    active: bool | None = None


class GenerateIn(Schema):
    region: str = Field(..., min_length=2, max_length=15)


class GenerateOut(Schema):
    region: str
    created: int
    total: int


class DrillIn(Schema):
    region: str = Field(..., min_length=2, max_length=15)
    title: str = Field(..., min_length=1, max_length=100)
    scheduled_at: dt.datetime
    response_minutes: int | None = Field(None, ge=1, le=1440)


class DrillFilter(Schema):
    region: str = Field("", max_length=15)
    state: DrillState | Literal[""] = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class DrillOut(Schema):
    id: int
    title: str
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.name")
    state: str
    scheduled_at: dt.datetime
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    response_minutes: int
    place_error: str
    calls: int

    @staticmethod
    def resolve_calls(obj):
        count = getattr(obj, "call_count", None)
        return count if count is not None else obj.calls.count()


class CallOut(Schema):
    id: int
    drill_id: int
    node_id: int
    node_name: str = Field(..., alias="node.name")
    kind: str = Field(..., alias="node.kind")
    endpoint_id: str = Field(..., alias="node.endpoint_id")
    region: str = Field(..., alias="region_id")
    placed_at: dt.datetime | None
    connected: bool | None
    connected_at: dt.datetime | None
    answered_at: dt.datetime | None
    quality_ok: bool | None
    source: str
    note: str


class DrillDetail(DrillOut):
    call_list: list[CallOut]


class OutcomeIn(Schema):
    connected: bool | None
    connected_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    quality_ok: bool | None = None
    note: str = Field("", max_length=200)


class RateRow(Schema):
    region: str
    name: str
    level: str
    called: int
    connected: int
    within: int
    quality_ok: int
    connection_rate: float | None
    response_rate: float | None
    quality_rate: float | None


class FailingCall(Schema):
    call: int
    drill: int
    node: int
    name: str
    kind: str
    region: str
    endpoint_id: str
    reasons: list[str]


class RatesOut(Schema):
    total: RateRow
    counties: list[RateRow]
    townships: list[RateRow]
    failing: list[FailingCall]
    definition: str


class PeriodFilter(Schema):
    region: str = Field("", max_length=15)
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class EventIn(Schema):
    event_id: str = Field(..., min_length=1, max_length=100)
    call_id: int = Field(..., ge=1, le=2**62)
    kind: Literal["connected", "failed", "answered", "quality"]
    at: dt.datetime | None = None
    acceptable: bool | None = None


class EventOut(Schema):
    event_id: str
    applied: bool
    call: CallOut


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


# Nodes -----------------------------------------------------------------------------

@router.get("/video-nodes", response=Page[NodeOut])
def list_nodes(request, filters: Query[NodeFilter], paging: Query[PageQuery]):
    return paginate(selectors.node_list(scope=Scope.for_user(request.user), **filters.model_dump()), paging)


@router.post("/video-nodes/generate", response=GenerateOut)
def generate_nodes(request, data: GenerateIn):
    """Command-post nodes for a region and every county, township and village under
    it, and one node per active team there (existing nodes are kept)."""
    return services.nodes_generate(by=request.user, region=data.region)


@router.get("/video-nodes/{id}", response=NodeOut)
def get_node(request, id: int):
    return selectors.node_get(scope=Scope.for_user(request.user), id=id)


@router.patch("/video-nodes/{id}", response=NodeOut)
def update_node(request, id: int, data: NodePatch):
    node = selectors.node_get(scope=Scope.for_user(request.user), id=id)
    return services.node_update(by=request.user, node=node, data=data.model_dump(exclude_none=True))


# Drills ----------------------------------------------------------------------------

@router.get("/video-drills", response=Page[DrillOut])
def list_drills(request, filters: Query[DrillFilter], paging: Query[PageQuery]):
    return paginate(selectors.drill_list(scope=Scope.for_user(request.user), **filters.model_dump()), paging)


@router.post("/video-drills", response={201: DrillOut})
def create_drill(request, data: DrillIn):
    """Schedule a drill of every node under the region (started at `scheduled_at`)."""
    drill = services.drill_create(by=request.user, **data.model_dump())
    return Status(201, selectors.drill_get(scope=Scope.for_user(request.user), id=drill.pk))


@router.get("/video-drills/rates", response=RatesOut)
def period_rates(request, filters: Query[PeriodFilter]):
    """The three rates over every drill held in a period (by scheduled date), per region."""
    scope = Scope.for_user(request.user)
    return selectors.rates(scope=scope, drills=selectors.drills_in_period(scope=scope, **filters.model_dump()))


@router.post("/video-drills/events", response=EventOut, auth=None)
def video_event(request, data: EventIn):
    """For the video system: report a call connected, failed, answered, or its
    quality. Send the shared secret YINGJI_VIDEO_SYSTEM_TOKEN in the header
    X-Yingji-Video-Token. Each `event_id` is applied once (`applied` false on a repeat)."""
    _require_token(request.headers.get(TOKEN_HEADER))
    call, applied = services.system_event(**data.model_dump())
    call = selectors.call_get(scope=Scope.for_user(None), id=call.pk)
    return {"event_id": data.event_id, "applied": applied, "call": call}


@router.get("/video-drills/{id}", response=DrillDetail)
def get_drill(request, id: int):
    scope = Scope.for_user(request.user)
    drill = selectors.drill_get(scope=scope, id=id)
    drill.call_list = list(selectors.call_list(scope=scope, drills=drill))
    return drill


@router.get("/video-drills/{id}/rates", response=RatesOut)
def drill_rates(request, id: int):
    """The three rates of one drill per county and township, with the counts behind
    each rate, and the calls that fail (in the caller's area)."""
    scope = Scope.for_user(request.user)
    return selectors.rates(scope=scope, drills=selectors.drill_get(scope=scope, id=id))


@router.post("/video-drills/{id}/start", response=DrillOut)
def start_drill(request, id: int):
    """Start a scheduled drill now."""
    scope = Scope.for_user(request.user)
    services.drill_start(by=request.user, drill=selectors.drill_get(scope=scope, id=id))
    return selectors.drill_get(scope=scope, id=id)


@router.post("/video-drills/{id}/end", response=DrillOut)
def end_drill(request, id: int):
    """End a running drill (a scheduled one is cancelled)."""
    scope = Scope.for_user(request.user)
    services.drill_end(by=request.user, drill=selectors.drill_get(scope=scope, id=id))
    return selectors.drill_get(scope=scope, id=id)


@router.post("/video-calls/{id}/outcome", response=CallOut)
def record_outcome(request, id: int, data: OutcomeIn):
    """The operator records a call's outcome: connected (and when), the node's answer
    time, whether the quality was acceptable."""
    scope = Scope.for_user(request.user)
    call = selectors.call_get(scope=scope, id=id)
    services.call_record(by=request.user, call=call, **data.model_dump())
    return selectors.call_get(scope=scope, id=id)


def _require_token(sent: str | None) -> None:
    expected = settings.YINGJI_VIDEO_SYSTEM_TOKEN or ""
    if not expected:
        raise Forbidden("未配置视频系统令牌，拒绝所有事件", "YINGJI_VIDEO_SYSTEM_TOKEN is not set: events are refused")
    if not sent:
        raise Unauthenticated("缺少视频系统令牌", f"Missing {TOKEN_HEADER} header")
    if not hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8")):
        raise Forbidden("视频系统令牌错误", "Wrong video system token")
