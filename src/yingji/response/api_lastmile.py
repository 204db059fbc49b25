"""API of the last mile: the registry of broadcast terminals and on-site devices,
an officer's "send to villages", and a warning's delivery summary. Thin: scope,
parse, one service."""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import selectors_lastmile as selectors
from .models.lastmile import DeviceKind, TerminalState
from .services import lastmile as services

router = Router(tags=["response: last mile"])


class TerminalOut(Schema):
    id: int
    terminal_id: str
    name: str
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.name")
    endpoint_group: str
    state: str
    last_seen_at: dt.datetime | None


class TerminalIn(Schema):
    terminal_id: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    name: str = Field(..., min_length=1, max_length=100)
    region: str = Field(..., min_length=2, max_length=15)
    endpoint_group: str = Field("", max_length=64)
    state: TerminalState = TerminalState.ONLINE


class TerminalFilter(Schema):
    region: str = Field("", max_length=15)
    state: str = Field("", max_length=10)
    q: str = Field("", max_length=50)


class DeviceOut(Schema):
    id: int
    device_id: str
    kind: str
    name: str
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.name")
    topic: str
    state: str
    last_seen_at: dt.datetime | None
    last_command_id: int | None
    last_ack_id: int | None
    last_ack_at: dt.datetime | None
    battery: int | None
    fault: str


class DeviceIn(Schema):
    device_id: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    kind: DeviceKind
    name: str = Field(..., min_length=1, max_length=100)
    region: str = Field(..., min_length=2, max_length=15)


class DeviceFilter(TerminalFilter):
    kind: str = Field("", max_length=12)


class SendIn(Schema):
    warning_id: int = Field(..., ge=1, le=2**62)
    regions: list[str] = Field(..., min_length=1, max_length=500)
    channels: list[str] = Field(default_factory=lambda: ["broadcast", "device"], max_length=3)
    extra_text: str = Field("", max_length=500)


class DispatchOut(Schema):
    id: int
    warning_id: int
    version: int
    kind: str
    level: str
    region: str = Field(..., alias="region_code")
    regions: list[str]
    channels: list[str]
    targets: int
    created_at: dt.datetime

    @staticmethod
    def resolve_targets(obj):
        return obj.sends.count()


class ChannelFigures(Schema):
    targets: int
    pending: int
    sent: int
    delivered: int
    failed: int


class SummaryOut(Schema):
    warning: dict
    channels: dict[str, ChannelFigures]
    dispatches: list[dict]
    targets: list[dict]


@router.get("/terminals", response=Page[TerminalOut])
def list_terminals(request, filters: Query[TerminalFilter], paging: Query[PageQuery]):
    return paginate(selectors.terminal_list(scope=Scope.for_user(request.user), **filters.model_dump()), paging)


@router.post("/terminals", response={201: TerminalOut})
def register_terminal(request, data: TerminalIn):
    """Register a broadcast terminal of a village (or change the one with this id)."""
    terminal = services.terminal_register(by=request.user, **data.model_dump())
    return Status(201, selectors.terminal_get(scope=Scope.for_user(request.user), id=terminal.pk))


@router.get("/terminals/{id}", response=TerminalOut)
def get_terminal(request, id: int):
    return selectors.terminal_get(scope=Scope.for_user(request.user), id=id)


@router.get("/devices", response=Page[DeviceOut])
def list_devices(request, filters: Query[DeviceFilter], paging: Query[PageQuery]):
    return paginate(selectors.device_list(scope=Scope.for_user(request.user), **filters.model_dump()), paging)


@router.post("/devices", response={201: DeviceOut})
def register_device(request, data: DeviceIn):
    """Register a siren, warning light or rain alarm (topic yingji/devices/<id>/cmd)."""
    device = services.device_register(by=request.user, **data.model_dump())
    return Status(201, selectors.device_get(scope=Scope.for_user(request.user), id=device.pk))


@router.get("/devices/{id}", response=DeviceOut)
def get_device(request, id: int):
    return selectors.device_get(scope=Scope.for_user(request.user), id=id)


@router.post("/sends", response={201: DispatchOut})
def send_to_villages(request, data: SendIn):
    """Send a warning in force to the terminals and devices (and perhaps the cell
    area) of the chosen villages or townships in the caller's area, now."""
    return Status(201, services.send_to_villages(by=request.user, **data.model_dump()))


@router.get("/dispatches", response=Page[DispatchOut])
def list_dispatches(request, paging: Query[PageQuery], warning: int | None = None):
    return paginate(selectors.dispatch_list(scope=Scope.for_user(request.user), warning=warning), paging)


@router.get("/warnings/{id}", response=SummaryOut)
def warning_summary(request, id: int):
    """Sent, delivered, failed and pending per channel for one warning, in the caller's area."""
    return selectors.warning_summary(scope=Scope.for_user(request.user), warning_id=id)
