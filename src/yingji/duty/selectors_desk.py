"""Reads of the duty desk, always through the caller's scope: shifts, who is on duty
now, the log and its handovers, and the roster laid out as a table (days × roles)."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from ..core import regioncodes
from ..core.choices import ShiftRole
from ..core.errors import DomainError, NotFound
from ..core.models import Person, Region, RosterShift
from ..core.scope import Scope
from ..core.selectors import on_duty
from .choices_desk import LogState
from .models import Handover, LogEntry
from .services.roster import desk_day, desk_day_bounds

MAX_RANGE_DAYS = 62


def home_region(scope: Scope, region: str = "") -> str:
    """The region asked for, or the caller's own; NotFound outside the caller's scope."""
    code = region or scope.region_code or "33"
    if not scope.covers_region(code) or not Region.objects.filter(pk=code).exists():
        raise NotFound("区划不存在或不在管辖范围内", "Region not found in your jurisdiction")
    return code


def shift_list(*, scope: Scope, region: str = "", start: dt.datetime | None = None,
               end: dt.datetime | None = None, role: str = "", exact: bool = False):
    qs = scope.filter(RosterShift.objects.select_related("person", "region"))
    if region:
        qs = qs.filter(region_id=region) if exact else qs.filter(region__code__startswith=region)
    if start is not None:
        qs = qs.filter(ends_at__gt=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("starts_at", "region_id", "role", "person__name", "pk")


@dataclass
class Desk:
    """Who holds one region's desk at a moment."""

    region: Region
    at: dt.datetime
    officers: list[Person]
    leaders: list[Person]
    backups: list[Person]
    rostered: bool  # False: no shift covers the moment, the standing duty officers answer


def desk_now(*, region_code: str, at: dt.datetime) -> Desk:
    """Not scoped (like on_duty): the caller decides whose desk it shows (its own and
    those above it: a county desk must know whom to call at the city)."""
    rostered = RosterShift.objects.filter(region_id=region_code, starts_at__lte=at, ends_at__gt=at).exists()
    return Desk(region=Region.objects.get(pk=region_code), at=at,
                officers=on_duty(region_code=region_code, at=at),
                leaders=on_duty(region_code=region_code, at=at, roles=(ShiftRole.LEADER,)),
                backups=on_duty(region_code=region_code, at=at, roles=(ShiftRole.BACKUP,)),
                rostered=rostered)


def desks_up(*, scope: Scope, region_code: str, at: dt.datetime) -> list[Desk]:
    """The caller's desk and the desks above it (city, province), nearest first."""
    codes = [c for c in reversed(regioncodes.prefixes(region_code))
             if Region.objects.filter(pk=c).exists()]
    return [desk_now(region_code=c, at=at) for c in codes[:3]]


def log_list(*, scope: Scope, region: str = "", state: str = "", start: dt.datetime | None = None,
             end: dt.datetime | None = None, source: str = "", q: str = "", history: bool = False):
    qs = scope.filter(LogEntry.objects.select_related("region", "recorded_by"))
    if not history:
        qs = qs.filter(superseded=False)
    if region:
        qs = qs.filter(region__code__startswith=region)
    if state:
        qs = qs.filter(state=state)
    if source:
        qs = qs.filter(source=source)
    if start is not None:
        qs = qs.filter(occurred_at__gte=start)
    if end is not None:
        qs = qs.filter(occurred_at__lt=end)
    if q:
        qs = qs.filter(summary__icontains=q) | qs.filter(caller__icontains=q)
    return qs.order_by("-occurred_at", "-pk")


def log_get(*, scope: Scope, id: int) -> LogEntry:
    return scope.get(LogEntry.objects.select_related("region", "recorded_by", "replaces"), pk=id)


def entry_versions(entry: LogEntry) -> list[LogEntry]:
    """Every version of an entry, oldest first."""
    first = entry
    while first.replaces_id is not None:
        first = first.replaces
    versions = [first]
    while True:
        nxt = LogEntry.objects.filter(replaces=versions[-1]).select_related("recorded_by").first()
        if nxt is None:
            return versions
        versions.append(nxt)


def open_items(*, scope: Scope, region: str):
    return log_list(scope=scope, region=region, state=LogState.OPEN).filter(region_id=region)


def handover_list(*, scope: Scope, region: str = ""):
    qs = scope.filter(Handover.objects.select_related("region", "outgoing", "incoming", "signed_off_by"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    return qs.order_by("-handed_at", "-pk")


def handover_get(*, scope: Scope, id: int) -> Handover:
    return scope.get(Handover.objects.select_related("region", "outgoing", "incoming", "signed_off_by"), pk=id)


# The roster as a table ---------------------------------------------------------------

@dataclass
class RosterDay:
    day: dt.date
    cells: dict[str, list[RosterShift]] = field(default_factory=dict)  # role -> shifts of that day

    @property
    def columns(self) -> list[list[RosterShift]]:
        """The cells in the order of the roles (officer, leader, backup)."""
        return [self.cells[r] for r in ShiftRole.values]


def period(view: str, anchor: dt.date) -> tuple[dt.date, dt.date]:
    """The days a roster page shows: the week (Monday to Sunday) or the month of `anchor`."""
    if view == "month":
        first = anchor.replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        return first, nxt - dt.timedelta(days=1)
    monday = anchor - dt.timedelta(days=anchor.weekday())
    return monday, monday + dt.timedelta(days=6)


def roster_table(*, scope: Scope, region: str, first: dt.date, last: dt.date) -> list[RosterDay]:
    """Days × roles: each cell the shifts of the region's desk that start on that duty day."""
    if (last - first).days > MAX_RANGE_DAYS or last < first:
        raise DomainError(f"一次最多显示 {MAX_RANGE_DAYS} 天", f"At most {MAX_RANGE_DAYS} days at a time")
    start, end = desk_day_bounds(first)[0], desk_day_bounds(last)[1]
    days = {first + dt.timedelta(days=i): RosterDay(first + dt.timedelta(days=i), {r: [] for r in ShiftRole.values})
            for i in range((last - first).days + 1)}
    for shift in shift_list(scope=scope, region=region, start=start, end=end, exact=True):
        day = days.get(desk_day(shift.starts_at)) or days.get(desk_day(max(shift.starts_at, start)))
        if day is not None:
            day.cells[shift.role].append(shift)
    return list(days.values())


def today() -> dt.date:
    return desk_day(timezone.now())
