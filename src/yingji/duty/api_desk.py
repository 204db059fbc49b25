"""API of the duty desk, mounted at /api/duty: rosters, who is on duty now, the duty
log and its handovers. Thin: scope, parse, one service."""

import datetime as dt

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from ..core.choices import ShiftRole
from ..core.errors import DomainError
from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import selectors_desk as selectors
from .services import log, roster

router = Router(tags=["duty"])


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A time without a zone is Beijing time (the desk's clock)."""
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.astimezone(dt.UTC) if value is not None else None


def _range(start, end) -> tuple[dt.datetime | None, dt.datetime | None]:
    """`from`/`to` as dates (whole days, `to` included) or times."""
    def edge(value, upper):
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return aware(value)
        day = value + dt.timedelta(days=1) if upper else value
        return timezone.make_aware(dt.datetime.combine(day, dt.time())).astimezone(dt.UTC)
    lo, hi = edge(start, False), edge(end, True)
    if lo is not None and hi is not None and hi < lo:
        raise DomainError("结束早于开始", "`to` is before `from`", fields={"to": "早于开始 / before from"})
    return lo, hi


class PersonOut(Schema):
    id: int
    name: str
    mobile: str
    title: str


# Rosters -------------------------------------------------------------------------------

class ShiftOut(Schema):
    id: int
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.name")
    person: PersonOut
    role: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    reinforced: bool
    note: str


class ShiftIn(Schema):
    region: str = Field(..., max_length=15)
    person: int = Field(..., ge=1, lt=2**63)
    role: ShiftRole = ShiftRole.OFFICER
    starts_at: dt.datetime
    ends_at: dt.datetime
    reinforced: bool = False
    note: str = Field("", max_length=200)

    def service_kwargs(self) -> dict:
        return {"region_code": self.region, "person_id": self.person, "role": str(self.role.value),
                "starts_at": aware(self.starts_at), "ends_at": aware(self.ends_at),
                "reinforced": self.reinforced, "note": self.note}


class ShiftPatch(Schema):
    person: int | None = Field(None, ge=1, lt=2**63)
    role: ShiftRole | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    reinforced: bool | None = None
    note: str | None = Field(None, max_length=200)


class ShiftFilter(Schema):
    region: str = Field("", max_length=15)
    start: dt.date | dt.datetime | None = Field(None, alias="from")
    end: dt.date | dt.datetime | None = Field(None, alias="to")
    role: ShiftRole | None = None


class ShiftsOut(Schema):
    items: list[ShiftOut]


class ReinforceIn(Schema):
    region: str = Field(..., max_length=15)
    people: list[int] = Field(..., min_length=1, max_length=50)
    role: ShiftRole = ShiftRole.OFFICER
    note: str = Field("", max_length=200)


@router.get("/rosters", response=Page[ShiftOut])
def list_shifts(request, filters: Query[ShiftFilter], paging: Query[PageQuery]):
    """Shifts of the region and the regions below it overlapping [from, to]
    (dates: whole days, `to` included)."""
    start, end = _range(filters.start, filters.end)
    return paginate(selectors.shift_list(scope=Scope.for_user(request.user), region=filters.region, start=start,
                                         end=end, role=filters.role.value if filters.role else ""), paging)


@router.post("/rosters", response={201: ShiftsOut})
def create_shifts(request, data: ShiftIn | list[ShiftIn]):
    """One shift, or a list of shifts (all or none: the first refusal names `items.N`)."""
    items = data if isinstance(data, list) else [data]
    if not items or len(items) > 500:
        raise DomainError("一次提交 1 至 500 个班次", "Post 1 to 500 shifts at a time")
    if isinstance(data, list):
        shifts = roster.shifts_create(by=request.user, items=[i.service_kwargs() for i in items])
    else:
        shifts = [roster.shift_create(by=request.user, **data.service_kwargs())]
    scope = Scope.for_user(request.user)
    return Status(201, {"items": [roster.shift_get(scope=scope, id=s.pk) for s in shifts]})


@router.post("/rosters/reinforce", response={201: ShiftsOut})
def reinforce_today(request, data: ReinforceIn):
    """联合值班: the people join today's desk from now to the next shift change."""
    shifts = roster.reinforce(by=request.user, region_code=data.region, person_ids=data.people,
                              role=str(data.role.value), note=data.note)
    return Status(201, {"items": shifts})


@router.patch("/rosters/{id}", response=ShiftOut)
def update_shift(request, id: int, data: ShiftPatch):
    shift = roster.shift_get(scope=Scope.for_user(request.user), id=id)
    changes = data.model_dump(exclude_none=True)
    if "role" in changes:
        changes["role"] = str(data.role.value)
    for name in ("starts_at", "ends_at"):
        if name in changes:
            changes[name] = aware(changes[name])
    return roster.shift_update(by=request.user, shift=shift, **changes)


@router.delete("/rosters/{id}", response={204: None})
def remove_shift(request, id: int):
    shift = roster.shift_get(scope=Scope.for_user(request.user), id=id)
    roster.shift_remove(by=request.user, shift=shift)
    return Status(204, None)


# Who is on duty now ----------------------------------------------------------------------

class TodayQuery(Schema):
    region: str = Field("", max_length=15)


class DeskOut(Schema):
    region: str
    region_name: str
    at: dt.datetime
    rostered: bool = Field(..., description="false: no shift covers now; the standing duty officers answer")
    officers: list[PersonOut]
    leaders: list[PersonOut]
    backups: list[PersonOut]


def desk_out(desk: selectors.Desk) -> dict:
    return {"region": desk.region.code, "region_name": desk.region.name, "at": desk.at, "rostered": desk.rostered,
            "officers": desk.officers, "leaders": desk.leaders, "backups": desk.backups}


@router.get("/today", response=DeskOut)
def today(request, query: Query[TodayQuery]):
    """Who is on duty now at the region's desk (default: the caller's region)."""
    scope = Scope.for_user(request.user)
    code = selectors.home_region(scope, query.region)
    return desk_out(selectors.desk_now(region_code=code, at=timezone.now()))


# The duty log -----------------------------------------------------------------------------

class EntryOut(Schema):
    id: int
    region: str = Field(..., alias="region_id")
    occurred_at: dt.datetime
    source: str
    caller: str
    caller_phone: str
    summary: str
    actions: str
    state: str
    closed_at: dt.datetime | None
    closing_note: str
    recorded_by: str | None = Field(None, alias="recorded_by.name")
    recorded_at: dt.datetime
    version: int
    replaces: int | None = Field(None, alias="replaces_id")
    superseded: bool
    correction_note: str


class EntryIn(Schema):
    region: str = Field("", max_length=15, description="default: the caller's region")
    occurred_at: dt.datetime | None = None
    source: str = Field("phone", max_length=16)
    caller: str = Field("", max_length=100)
    caller_phone: str = Field("", max_length=30)
    summary: str = Field(..., min_length=1, max_length=500)
    actions: str = Field("", max_length=4000)
    closed: bool = False


class EntryFilter(Schema):
    region: str = Field("", max_length=15)
    state: str = Field("", pattern="^(|open|closed)$")
    source: str = Field("", max_length=16)
    start: dt.date | dt.datetime | None = Field(None, alias="from")
    end: dt.date | dt.datetime | None = Field(None, alias="to")
    q: str = Field("", max_length=100)
    history: bool = Field(False, description="include the superseded versions")


class CloseIn(Schema):
    note: str = Field("", max_length=500)


class CorrectIn(Schema):
    note: str = Field(..., min_length=1, max_length=500)
    occurred_at: dt.datetime | None = None
    source: str | None = Field(None, max_length=16)
    caller: str | None = Field(None, max_length=100)
    caller_phone: str | None = Field(None, max_length=30)
    summary: str | None = Field(None, min_length=1, max_length=500)
    actions: str | None = Field(None, max_length=4000)


@router.get("/log", response=Page[EntryOut])
def list_log(request, filters: Query[EntryFilter], paging: Query[PageQuery]):
    start, end = _range(filters.start, filters.end)
    return paginate(selectors.log_list(scope=Scope.for_user(request.user), region=filters.region,
                                       state=filters.state, source=filters.source, start=start, end=end,
                                       q=filters.q, history=filters.history), paging)


@router.post("/log", response={201: EntryOut})
def create_entry(request, data: EntryIn):
    scope = Scope.for_user(request.user)
    region = data.region or scope.region_code
    entry = log.entry_create(by=request.user, region_code=region, occurred_at=aware(data.occurred_at),
                             source=data.source, caller=data.caller, caller_phone=data.caller_phone,
                             summary=data.summary, actions=data.actions, closed=data.closed)
    return Status(201, selectors.log_get(scope=scope, id=entry.pk))


@router.get("/log/{id}", response=EntryOut)
def get_entry(request, id: int):
    return selectors.log_get(scope=Scope.for_user(request.user), id=id)


@router.post("/log/{id}/close", response=EntryOut)
def close_entry(request, id: int, data: CloseIn):
    entry = selectors.log_get(scope=Scope.for_user(request.user), id=id)
    return log.entry_close(by=request.user, entry=entry, note=data.note)


@router.post("/log/{id}/correct", response={201: EntryOut})
def correct_entry(request, id: int, data: CorrectIn):
    """A new version of the entry; the old one stays (superseded)."""
    scope = Scope.for_user(request.user)
    entry = selectors.log_get(scope=scope, id=id)
    changes = data.model_dump(exclude_none=True)
    note = changes.pop("note")
    if "occurred_at" in changes:
        changes["occurred_at"] = aware(changes["occurred_at"])
    new = log.entry_correct(by=request.user, entry=entry, note=note, **changes)
    return Status(201, selectors.log_get(scope=scope, id=new.pk))


# Handovers -----------------------------------------------------------------------------------

class HandoverOut(Schema):
    id: int
    region: str = Field(..., alias="region_id")
    period_start: dt.datetime
    handed_at: dt.datetime
    outgoing: PersonOut
    incoming: PersonOut | None
    notes: str
    entries: int
    carried: list[int]
    state: str
    accepted_at: dt.datetime | None
    signed_off_by: PersonOut | None
    signed_off_at: dt.datetime | None
    sign_off_note: str

    @staticmethod
    def resolve_carried(obj) -> list[int]:
        return sorted(obj.carried.values_list("pk", flat=True))


class HandoverIn(Schema):
    region: str = Field("", max_length=15, description="default: the caller's region")
    notes: str = Field("", max_length=4000)
    incoming: int | None = Field(None, ge=1, lt=2**63)


class HandoverFilter(Schema):
    region: str = Field("", max_length=15)


class SignOffIn(Schema):
    note: str = Field("", max_length=500)


@router.get("/handovers", response=Page[HandoverOut])
def list_handovers(request, filters: Query[HandoverFilter], paging: Query[PageQuery]):
    return paginate(selectors.handover_list(scope=Scope.for_user(request.user), region=filters.region), paging)


@router.post("/handovers", response={201: HandoverOut})
def hand_over(request, data: HandoverIn):
    """The caller hands the desk over; the open entries are carried (they stay open)."""
    scope = Scope.for_user(request.user)
    handover = log.handover_create(by=request.user, region_code=data.region or scope.region_code,
                                   notes=data.notes, incoming_id=data.incoming)
    return Status(201, selectors.handover_get(scope=scope, id=handover.pk))


@router.post("/handovers/{id}/accept", response=HandoverOut)
def accept_handover(request, id: int):
    handover = selectors.handover_get(scope=Scope.for_user(request.user), id=id)
    return log.handover_accept(by=request.user, handover=handover)


@router.post("/handovers/{id}/sign-off", response=HandoverOut)
def sign_off(request, id: int, data: SignOffIn):
    """The leader on duty signs the shift's log."""
    handover = selectors.handover_get(scope=Scope.for_user(request.user), id=id)
    return log.handover_sign_off(by=request.user, handover=handover, note=data.note)
