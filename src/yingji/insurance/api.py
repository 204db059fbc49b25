"""API of the insurance app: policies and their events (scoped, see selectors), storms
and live positions, and the claim workflow."""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from ..core.paging import Page, PageQuery, paginate
from . import selectors, services
from .choices import ClaimStatus, TriggerKind

router = Router(tags=["insurance"])


class ClaimOut(Schema):
    id: int
    status: ClaimStatus
    amount: float
    notified_at: dt.datetime
    verified_at: dt.datetime | None
    paid_at: dt.datetime | None
    verified_on: dt.date | None
    paid_on: dt.date | None
    voucher: str


class EventOut(Schema):
    id: int
    kind: TriggerKind
    event_key: str
    storm: str | None
    county: str | None = Field(None, alias="county_id")
    occurred_at: dt.datetime
    force: int | None
    min_distance_km: float | None
    station_code: str
    total_mm: float | None
    payout: float
    allocation: dict[str, float]
    evidence: dict
    claim: ClaimOut | None

    @staticmethod
    def resolve_storm(obj):
        return obj.storm.code if obj.storm_id else None

    @staticmethod
    def resolve_claim(obj):
        return getattr(obj, "claim", None)


class PolicyOut(Schema):
    id: int
    name: str
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    insured: str | None
    period_start: dt.date
    period_end: dt.date
    premium_typhoon: float
    premium_rain: float
    active: bool

    @staticmethod
    def resolve_insured(obj):
        return obj.insured.name if obj.insured_id else None


class LotOut(Schema):
    name: str
    insurer: str = Field(..., alias="insurer.name")
    share: float


class TyphoonTriggerOut(Schema):
    id: int
    center_lon: float
    center_lat: float
    radius_km: float
    min_force: int
    interpolate: bool
    force_rule: str
    distance_method: str
    payouts: dict[str, float]


class StationOut(Schema):
    county: str = Field(..., alias="county_id")
    station_code: str


class RainTriggerOut(Schema):
    id: int
    window_hours: float
    threshold_mm: float
    payout_per_county: float | None
    payout_table: dict[str, float] | None
    stations: list[StationOut]

    @staticmethod
    def resolve_stations(obj):
        return list(obj.stations.all())


class ShareOut(Schema):
    county: str = Field(..., alias="county_id")
    typhoon_share: float
    rain_share: float
    gdp: float
    typhoon_history: float
    location: float
    area: float
    population: float


class PolicyDetail(PolicyOut):
    lots: list[LotOut]
    typhoon_triggers: list[TyphoonTriggerOut]
    rain_triggers: list[RainTriggerOut]
    premium_shares: list[ShareOut]
    events: list[EventOut]

    @staticmethod
    def resolve_lots(obj):
        return list(obj.lots.all())

    @staticmethod
    def resolve_typhoon_triggers(obj):
        return list(obj.typhoon_triggers.all())

    @staticmethod
    def resolve_rain_triggers(obj):
        return list(obj.rain_triggers.all())

    @staticmethod
    def resolve_premium_shares(obj):
        return list(obj.premium_shares.all())

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())


class StormOut(Schema):
    id: int
    code: str
    name: str
    year: int
    cn_id: str
    source: str


class PositionOut(Schema):
    time: dt.datetime
    lat: float
    lon: float
    wind: float | None
    pressure: float | None


class StormDetail(StormOut):
    positions: list[PositionOut]

    @staticmethod
    def resolve_positions(obj):
        return list(selectors.storm_positions(storm=obj))


class StormIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field("", max_length=60)
    year: int | None = Field(None, ge=1900, le=2200)


class StormFilter(Schema):
    year: int | None = Field(None, ge=1800, le=2200)
    q: str = Field("", max_length=60)


class PositionIn(Schema):
    time: dt.datetime = Field(..., description="ISO 8601 with a UTC offset")
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=360)
    wind: float | None = Field(None, ge=0, le=150, description="maximum sustained wind, m/s")
    pressure: float | None = Field(None, ge=500, le=1100, description="hPa")


class PositionResult(Schema):
    position: PositionOut
    events: list[EventOut]


@router.get("/policies", response=Page[PolicyOut])
def list_policies(request, paging: Query[PageQuery]):
    return paginate(selectors.policy_list(scope=selectors.PolicyScope.for_user(request.user)), paging)


@router.get("/policies/{id}", response=PolicyDetail)
def get_policy(request, id: int):
    return selectors.policy_get(scope=selectors.PolicyScope.for_user(request.user), id=id)


@router.get("/policies/{id}/events", response=Page[EventOut])
def list_policy_events(request, id: int, paging: Query[PageQuery]):
    policy = selectors.policy_get(scope=selectors.PolicyScope.for_user(request.user), id=id)
    return paginate(selectors.event_list(policy=policy), paging)


@router.get("/typhoons", response=Page[StormOut])
def list_storms(request, filters: Query[StormFilter], paging: Query[PageQuery]):
    return paginate(selectors.storm_list(scope=selectors.PolicyScope.for_user(request.user),
                                         year=filters.year, q=filters.q), paging)


@router.post("/typhoons", response={201: StormOut})
def create_storm(request, data: StormIn):
    return Status(201, services.storm_create(by=request.user, code=data.code.strip(), name=data.name, year=data.year))


@router.get("/typhoons/{id}", response=StormDetail)
def get_storm(request, id: int):
    return selectors.storm_get(scope=selectors.PolicyScope.for_user(request.user), id=id)


@router.post("/typhoons/{id}/positions", response={201: PositionResult})
def add_position(request, id: int, data: PositionIn):
    storm = selectors.storm_get(scope=selectors.PolicyScope.for_user(request.user), id=id)
    position, events = services.position_add(by=request.user, storm=storm, time=data.time, lat=data.lat,
                                             lon=data.lon, wind=data.wind, pressure=data.pressure)
    # The poster may be an officer of another city: show only the events of policies they may see.
    visible = set(selectors.policy_list(scope=selectors.PolicyScope.for_user(request.user))
                  .values_list("pk", flat=True))
    return Status(201, {"position": position, "events": [e for e in events if e.policy_id in visible]})


class ClaimVerifyIn(Schema):
    verified_on: dt.date = Field(..., description="the day the claim was verified (not in the future)")
    note: str = Field("", max_length=2000)


class ClaimPayIn(Schema):
    paid_on: dt.date = Field(..., description="the day the payment was made (not in the future)")
    voucher: str = Field(..., min_length=1, max_length=100, description="payment voucher number (凭证号)")


@router.post("/claims/{id}/verify", response=ClaimOut)
def verify_claim(request, id: int, data: ClaimVerifyIn):
    return services.claim_verify(by=request.user, verified_on=data.verified_on, note=data.note,
                                 claim=selectors.claim_get(scope=selectors.PolicyScope.for_user(request.user), id=id))


@router.post("/claims/{id}/pay", response=ClaimOut)
def pay_claim(request, id: int, data: ClaimPayIn):
    return services.claim_pay(by=request.user, paid_on=data.paid_on, voucher=data.voucher,
                              claim=selectors.claim_get(scope=selectors.PolicyScope.for_user(request.user), id=id))
