"""API of dispatch (调度): one POST sends a team and/or supplies; the leader's steps
(acknowledge, depart, arrive with the position, complete) and an officer's cancel;
the list and one order with the time of each step and the durations. Thin."""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import selectors_dispatch as selectors
from .choices_dispatch import DestinationKind, DispatchState
from .models.supplies import MAX_QUANTITY
from .services import dispatch as services

router = Router(tags=["resources"])


class SupplyIn(Schema):
    warehouse_id: int = Field(..., ge=1, le=2**62)
    kind: str = Field(..., min_length=1, max_length=30, description="the supply kind's code")
    quantity: int = Field(..., gt=0, le=MAX_QUANTITY)


class DestinationIn(Schema):
    kind: DestinationKind = DestinationKind.POSITION
    id: int | None = Field(None, ge=1, le=2**62, description="the report, risk point or shelter")
    text: str = Field("", max_length=200)


class DispatchIn(Schema):
    team_id: int | None = Field(None, ge=1, le=2**62)
    lat: float | None = Field(None, description="the destination; taken from the row when omitted")
    lon: float | None = None
    task: str = Field(..., min_length=1, max_length=500)
    supplies: list[SupplyIn] = Field(default_factory=list, max_length=services.MAX_SUPPLY_LINES)
    destination: DestinationIn | None = None
    region: str = Field("", max_length=15, description="the destination's region for a plain position")
    drill: bool = False
    ack_minutes: int = Field(services.DEFAULT_ACK_MINUTES, ge=1, le=services.MAX_ACK_MINUTES)


class StepIn(Schema):
    lat: float | None = None
    lon: float | None = None
    note: str = Field("", max_length=300)


class CreatedOut(Schema):
    id: int
    state: str


class StepOut(Schema):
    state: str
    at: dt.datetime
    person: str | None = None
    channel: str
    lat: float | None
    lon: float | None
    note: str

    @staticmethod
    def resolve_person(obj):
        return obj.person.name if obj.person_id else None


class SupplyOut(Schema):
    warehouse_id: int
    warehouse: str = Field(..., alias="warehouse.name")
    kind: str = Field(..., alias="kind.code")
    kind_name: str = Field(..., alias="kind.name")
    quantity: int
    movement_id: int | None


class DispatchOut(Schema):
    id: int
    state: str
    drill: bool
    team_id: int | None
    team: str | None = None
    leader: str | None = None
    region: str = Field(..., alias="region_id")
    source_region: str = Field(..., alias="source_region_id")
    destination: dict
    task: str
    requested_at: dt.datetime
    acknowledged_at: dt.datetime | None
    departed_at: dt.datetime | None
    arrived_at: dt.datetime | None
    completed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    arrived: dict | None = None
    ack_due_at: dt.datetime
    escalated_at: dt.datetime | None
    durations: dict
    supplies: list[SupplyOut]

    @staticmethod
    def resolve_team(obj):
        return obj.team.name if obj.team_id else None

    @staticmethod
    def resolve_leader(obj):
        return obj.leader.name if obj.leader_id else None

    @staticmethod
    def resolve_destination(obj):
        ids = {"report": obj.report_id, "risk_point": obj.risk_point_id, "shelter": obj.shelter_id}
        return {"kind": obj.destination_kind, "id": ids.get(obj.destination_kind), "name": obj.destination,
                "lat": obj.lat, "lon": obj.lon}

    @staticmethod
    def resolve_arrived(obj):
        return {"lat": obj.arrived_lat, "lon": obj.arrived_lon} if obj.arrived_lat is not None else None

    @staticmethod
    def resolve_durations(obj):
        return services.durations(obj)

    @staticmethod
    def resolve_supplies(obj):
        return list(obj.supplies.all())


class DispatchDetail(DispatchOut):
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(obj):
        return list(obj.steps.all())


class DispatchFilter(Schema):
    state: DispatchState | None = None
    drill: bool | None = None
    team: int | None = Field(None, ge=1, le=2**62)
    region: str = Field("", max_length=15)


@router.get("/dispatches", response=Page[DispatchOut])
def list_dispatches(request, filters: Query[DispatchFilter], paging: Query[PageQuery]):
    qs = selectors.dispatch_list(scope=Scope.for_user(request.user), state=filters.state or "",
                                 drill=filters.drill, team=filters.team, region=filters.region)
    return paginate(qs, paging)


@router.post("/dispatches", response={201: CreatedOut})
def create_dispatch(request, data: DispatchIn):
    where = data.destination or DestinationIn()
    dispatch = services.dispatch_create(
        by=request.user, task=data.task, team_id=data.team_id, lat=data.lat, lon=data.lon, region=data.region,
        supplies=[services.SupplyLine(s.warehouse_id, s.kind, s.quantity) for s in data.supplies],
        destination_kind=where.kind, destination_id=where.id, destination_text=where.text, drill=data.drill,
        ack_minutes=data.ack_minutes)
    return Status(201, {"id": dispatch.pk, "state": dispatch.state})


@router.get("/dispatches/{id}", response=DispatchDetail)
def get_dispatch(request, id: int):
    return selectors.dispatch_get(scope=Scope.for_user(request.user), id=id, person_id=_person_id(request))


@router.post("/dispatches/{id}/actions/{action}", response=DispatchDetail)
def step_dispatch(request, id: int, action: Literal["acknowledge", "depart", "arrive", "complete", "cancel"],
                  data: StepIn | None = None):
    scope = Scope.for_user(request.user)
    dispatch = selectors.dispatch_get(scope=scope, id=id, person_id=_person_id(request))
    data = data or StepIn()
    services.dispatch_step(dispatch=dispatch, action=action, by=request.user, lat=data.lat, lon=data.lon,
                           note=data.note)
    return selectors.dispatch_get(scope=scope, id=id, person_id=_person_id(request))


def _person_id(request) -> int | None:
    person = getattr(request.user, "person", None)
    return person.pk if person is not None and person.active else None
