"""API of rescue teams and stations: `GET/POST /api/teams` (items with `members`, the
member count, and `base` {lat, lon}), a team with its members and equipment, members
and equipment added and removed, the manpower shortfalls; `GET/POST /api/rescue-stations`
with `coverage` (the 15-minute radius, m) and `GET /api/rescue-stations/coverage` (the
villages left outside). `/api/stations` was already hydromet's weather stations, hence
the longer name. Government users only; thin: scope, parse, one service."""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from ..core.errors import Forbidden
from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import selectors_teams as selectors
from .models.teams import EquipmentState, Readiness
from .services import teams as services

router = Router(tags=["resources"])

ID = Field(..., ge=1, le=2**62)


def government(request) -> Scope:
    """Teams and stations are the government's: an enterprise account is refused (403)."""
    scope = Scope.for_user(request.user)
    if scope.organization_id is not None:
        raise Forbidden("企业用户不能查看救援队伍和站点", "Enterprise users cannot read rescue teams and stations")
    return scope


class Position(Schema):
    lat: float | None = Field(None, ge=3, le=54)
    lon: float | None = Field(None, ge=73, le=136)


class TeamOut(Schema):
    id: int
    name: str
    kind: str = Field(..., alias="kind_id")
    kind_name: str = Field(..., alias="kind.name")
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    members: int
    base: Position
    leader: int | None = Field(None, alias="leader_id")
    leader_name: str | None = None
    phone: str
    readiness: str
    active: bool
    note: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_members(obj):
        count = getattr(obj, "member_count", None)
        return count if count is not None else obj.members.count()

    @staticmethod
    def resolve_base(obj):
        return {"lat": obj.base_lat, "lon": obj.base_lon}

    @staticmethod
    def resolve_leader_name(obj):
        return obj.leader.name if obj.leader_id else None


class MemberOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    name: str = Field(..., alias="person.name")
    mobile: str = Field(..., alias="person.mobile")
    role: str
    joined_at: dt.datetime


class EquipmentOut(Schema):
    id: int
    name: str
    quantity: int
    unit: str
    state: str


class TeamDetail(TeamOut):
    member_list: list[MemberOut]
    equipment: list[EquipmentOut]

    @staticmethod
    def resolve_member_list(obj):
        return list(selectors.members(obj))

    @staticmethod
    def resolve_equipment(obj):
        return list(selectors.equipment(obj))


class TeamFilter(Schema):
    kind: str = Field("", max_length=30)
    region: str = Field("", max_length=15)
    readiness: Readiness | None = None
    q: str = Field("", max_length=50)
    active: bool | None = None


class TeamIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    kind: str = Field(..., min_length=1, max_length=30)
    region: str = Field(..., min_length=2, max_length=15)
    leader: int | None = Field(None, ge=1, le=2**62)
    phone: str = Field("", max_length=30)
    base: Position | None = None
    readiness: Readiness = Readiness.READY
    active: bool = True
    note: str = Field("", max_length=300)


class TeamPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: str | None = Field(None, min_length=1, max_length=30)
    region: str | None = Field(None, min_length=2, max_length=15)
    leader: int | None = Field(None, ge=1, le=2**62)
    phone: str | None = Field(None, max_length=30)
    base: Position | None = None
    readiness: Readiness | None = None
    active: bool | None = None
    note: str | None = Field(None, max_length=300)


class MemberIn(Schema):
    person: int = ID
    role: str = Field("", max_length=50)


class EquipmentIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    quantity: int = Field(1, ge=0, le=1_000_000)
    unit: str = Field("", max_length=20)
    state: EquipmentState = EquipmentState.GOOD


class ShortTeam(Schema):
    id: int
    name: str
    members: int


class ShortfallOut(Schema):
    region: str
    name: str
    full_name: str
    level: int
    kind: str
    kind_name: str
    minimum: int
    reason: str = Field(..., description='"none": no team of the kind; "below": only teams under the minimum')
    best: int
    teams: list[ShortTeam]


class ShortfallFilter(Schema):
    region: str = Field("", max_length=15)


def _team_fields(data: Schema, *, partial: bool) -> dict:
    fields = data.dict(exclude_unset=partial)
    base = fields.pop("base", None)
    if "base" in (data.model_fields_set if partial else {"base"}):
        fields["base_lat"] = base["lat"] if base else None
        fields["base_lon"] = base["lon"] if base else None
    if partial:
        for name in ("name", "kind", "region", "phone", "readiness", "active", "note"):
            if name in fields and fields[name] is None:
                fields.pop(name)
    return fields


@router.get("/teams", response=Page[TeamOut])
def list_teams(request, filters: Query[TeamFilter], paging: Query[PageQuery]):
    qs = selectors.team_list(scope=government(request), kind=filters.kind, region=filters.region,
                             readiness=filters.readiness or "", q=filters.q, active=filters.active)
    return paginate(qs, paging)


@router.post("/teams", response={201: TeamDetail})
def create_team(request, data: TeamIn):
    scope = government(request)
    team = services.team_create(by=request.user, **_team_fields(data, partial=False))
    return Status(201, selectors.team_get(scope=scope, id=team.pk))


@router.get("/teams/shortfalls", response=Page[ShortfallOut])
def list_shortfalls(request, filters: Query[ShortfallFilter], paging: Query[PageQuery]):
    """The regions short of the manpower standards (town teams ≥ 50, village teams ≥ 30)."""
    rows = selectors.shortfalls(scope=government(request), region=filters.region)
    start = (paging.page - 1) * paging.page_size
    return {"items": rows[start:start + paging.page_size], "count": len(rows), "page": paging.page,
            "page_size": paging.page_size}


@router.get("/teams/{id}", response=TeamDetail)
def get_team(request, id: int):
    return selectors.team_get(scope=government(request), id=id)


@router.patch("/teams/{id}", response=TeamDetail)
def update_team(request, id: int, data: TeamPatch):
    scope = government(request)
    team = selectors.team_get(scope=scope, id=id)
    services.team_update(by=request.user, team=team, **_team_fields(data, partial=True))
    return selectors.team_get(scope=scope, id=id)


@router.post("/teams/{id}/members", response={201: MemberOut})
def add_member(request, id: int, data: MemberIn):
    team = selectors.team_get(scope=government(request), id=id)
    return Status(201, services.member_add(by=request.user, team=team, person_id=data.person, role=data.role))


@router.delete("/teams/{id}/members/{member_id}", response={204: None})
def remove_member(request, id: int, member_id: int):
    scope = government(request)
    team = selectors.team_get(scope=scope, id=id)
    services.member_remove(by=request.user, member=selectors.member_get(scope=scope, team=team, id=member_id))
    return Status(204, None)


@router.post("/teams/{id}/equipment", response={201: EquipmentOut})
def add_equipment(request, id: int, data: EquipmentIn):
    team = selectors.team_get(scope=government(request), id=id)
    return Status(201, services.equipment_add(by=request.user, team=team, **data.dict()))


@router.delete("/teams/{id}/equipment/{item_id}", response={204: None})
def remove_equipment(request, id: int, item_id: int):
    scope = government(request)
    team = selectors.team_get(scope=scope, id=id)
    services.equipment_remove(by=request.user, item=selectors.equipment_get(scope=scope, team=team, id=item_id))
    return Status(204, None)


# -- Stations -----------------------------------------------------------------------------

class StationOut(Schema):
    id: int
    name: str
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    team: int | None = Field(None, alias="team_id")
    lat: float
    lon: float
    speed_kmh: float
    minutes: int
    coverage: float = Field(..., description="radius of the 15-minute area, m (speed × 15 min, straight line)")
    active: bool

    @staticmethod
    def resolve_minutes(obj):
        return selectors.coverage.MINUTES

    @staticmethod
    def resolve_coverage(obj):
        return round(selectors.station_radius_m(obj), 1)


class StationFilter(Schema):
    region: str = Field("", max_length=15)
    q: str = Field("", max_length=50)
    active: bool | None = None


class StationIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    region: str = Field(..., min_length=2, max_length=15)
    team: int | None = Field(None, ge=1, le=2**62)
    lat: float = Field(..., ge=3, le=54)
    lon: float = Field(..., ge=73, le=136)
    speed_kmh: float | None = Field(None, ge=1, le=200)
    active: bool = True


class StationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    region: str | None = Field(None, min_length=2, max_length=15)
    team: int | None = Field(None, ge=1, le=2**62)
    lat: float | None = Field(None, ge=3, le=54)
    lon: float | None = Field(None, ge=73, le=136)
    speed_kmh: float | None = Field(None, ge=1, le=200)
    active: bool | None = None


class OutsideVillage(Schema):
    region: str
    name: str
    full_name: str
    lat: float
    lon: float
    nearest_station: int | None
    nearest_station_name: str
    distance_m: int | None


class CoverageOut(Schema):
    minutes: int
    stations: int
    villages: int
    covered: int
    unplaced: int = Field(..., description="villages with no position, not judged")
    count: int
    page: int
    page_size: int
    items: list[OutsideVillage]


@router.get("/rescue-stations", response=Page[StationOut])
def list_rescue_stations(request, filters: Query[StationFilter], paging: Query[PageQuery]):
    qs = selectors.station_list(scope=government(request), region=filters.region, q=filters.q,
                                active=filters.active)
    return paginate(qs, paging)


@router.post("/rescue-stations", response={201: StationOut})
def create_rescue_station(request, data: StationIn):
    scope = government(request)
    station = services.station_create(by=request.user, **data.dict())
    return Status(201, selectors.station_get(scope=scope, id=station.pk))


@router.get("/rescue-stations/coverage", response=CoverageOut)
def rescue_station_coverage(request, filters: Query[ShortfallFilter], paging: Query[PageQuery]):
    """The villages left outside every station's 15-minute area (straight line at each
    station's speed), nearest station named."""
    result = selectors.village_coverage(scope=government(request), region=filters.region)
    start = (paging.page - 1) * paging.page_size
    return {"minutes": selectors.coverage.MINUTES, "stations": result.stations, "villages": result.villages,
            "covered": result.covered, "unplaced": result.unplaced, "count": len(result.outside),
            "page": paging.page, "page_size": paging.page_size,
            "items": result.outside[start:start + paging.page_size]}


@router.get("/rescue-stations/{id}", response=StationOut)
def get_rescue_station(request, id: int):
    return selectors.station_get(scope=government(request), id=id)


@router.patch("/rescue-stations/{id}", response=StationOut)
def update_rescue_station(request, id: int, data: StationPatch):
    scope = government(request)
    station = selectors.station_get(scope=scope, id=id)
    fields = {k: v for k, v in data.dict(exclude_unset=True).items() if v is not None or k == "team"}
    services.station_update(by=request.user, station=station, **fields)
    return selectors.station_get(scope=scope, id=id)
