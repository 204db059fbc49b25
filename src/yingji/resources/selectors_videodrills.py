"""Reads of video-dispatch drills, always through the caller's scope, and the three
rates (三率).

The definitions used here (and printed on the drill's page):
- called (呼叫节点数): the nodes a drill called, one call per node;
- connection rate (连通率) = calls connected / calls;
- 30-minute response rate (30分钟响应率) = calls whose node answered within the
  drill's window (answer time − call time ≤ `response_minutes`, 30 by default) / calls;
- quality rate (连线质量达标率) = connected calls of acceptable quality / connected
  calls (a connected call whose quality nobody recorded counts as not acceptable;
  a call never connected has no quality and is left out of this rate).
A rate with a zero denominator is None (shown "—"). Per region: the county (6-digit
code) and township (9-digit code) each call's node belongs to, and the total.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from ..core.models import Region
from ..core.scope import Scope, fits_database
from .models import DrillState, VideoCall, VideoDrill, VideoNode

DEFINITION_ZH = ("连通率 = 接通节点数 ÷ 呼叫节点数；30分钟响应率 = 呼叫后 30 分钟（演练设定的时限）内应答的节点数 ÷ "
                 "呼叫节点数；连线质量达标率 = 质量达标的接通节点数 ÷ 接通节点数（接通而未记录质量的按不达标计）。")


def _government(scope: Scope, queryset):
    """Video drills are the government's: none for enterprise accounts."""
    if scope.organization_id is not None:
        return queryset.none()
    return scope.filter(queryset)


def node_list(*, scope: Scope, region: str = "", kind: str = "", active: bool | None = None, q: str = ""):
    qs = _government(scope, VideoNode.objects.select_related("region", "team"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    if kind:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(active=active)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(endpoint_id__icontains=q))
    return qs.order_by("region_id", "kind", "name", "pk")


def node_get(*, scope: Scope, id: int) -> VideoNode:
    return scope.get(_government(scope, VideoNode.objects.select_related("region", "team")), pk=id)


def drill_list(*, scope: Scope, region: str = "", state: str = "", date_from: dt.date | None = None,
               date_to: dt.date | None = None):
    qs = _government(scope, VideoDrill.objects.select_related("region"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    if state:
        qs = qs.filter(state=state)
    if date_from:
        qs = qs.filter(scheduled_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(scheduled_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return qs.annotate(call_count=Count("calls")).order_by("-scheduled_at", "-pk")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def drill_get(*, scope: Scope, id: int) -> VideoDrill:
    return scope.get(_government(scope, VideoDrill.objects.select_related("region")), pk=id)


def call_list(*, scope: Scope, drills) -> "list[VideoCall] | object":
    """The calls of `drills` (a drill or a queryset of drills) in the caller's area."""
    qs = _government(scope, VideoCall.objects.select_related("node", "region", "drill"))
    if isinstance(drills, VideoDrill):
        return qs.filter(drill=drills).order_by("region_id", "node__kind", "pk")
    return qs.filter(drill__in=drills).order_by("drill_id", "region_id", "pk")


def call_get(*, scope: Scope, id: int, drill: VideoDrill | None = None) -> VideoCall:
    qs = _government(scope, VideoCall.objects.select_related("node", "region", "drill"))
    if drill is not None:
        qs = qs.filter(drill=drill)
    return scope.get(qs, pk=id)


# The three rates -------------------------------------------------------------------

@dataclass
class Tally:
    """The counts behind the three rates for one region (or the total)."""

    region: str
    name: str
    level: str
    called: int = 0
    connected: int = 0
    within: int = 0
    quality_ok: int = 0
    failing: list = field(default_factory=list, repr=False)

    def add(self, call: VideoCall) -> None:
        self.called += 1
        self.connected += bool(call.connected)
        self.within += call.responded_within(call.drill.response_minutes)
        self.quality_ok += bool(call.connected and call.quality_ok)

    def as_dict(self) -> dict:
        return {"region": self.region, "name": self.name, "level": self.level, "called": self.called,
                "connected": self.connected, "within": self.within, "quality_ok": self.quality_ok,
                "connection_rate": _rate(self.connected, self.called),
                "response_rate": _rate(self.within, self.called),
                "quality_rate": _rate(self.quality_ok, self.connected)}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def failures(call: VideoCall) -> list[str]:
    """Why a call fails the three rates: not connected, no answer within the window,
    quality not acceptable (codes; the page words them)."""
    if not call.connected:
        return ["not_connected", "late"]
    reasons = [] if call.responded_within(call.drill.response_minutes) else ["late"]
    if not call.quality_ok:
        reasons.append("quality")
    return reasons


def rates(*, scope: Scope, drills) -> dict:
    """The three rates of a drill (or of a queryset of drills: a period) in the
    caller's area: the total, per county and per township, with the counts, and the
    calls that fail any rate."""
    calls = list(call_list(scope=scope, drills=drills))
    total = Tally(region=scope.region_code or "", name="合计", level="total")
    counties: dict[str, Tally] = {}
    townships: dict[str, Tally] = {}
    failing = []
    for call in calls:
        code = call.region_id
        rows = [total, counties.setdefault(code[:6], Tally(code[:6], "", "county"))]
        if len(code) >= 9:
            rows.append(townships.setdefault(code[:9], Tally(code[:9], "", "township")))
        for row in rows:
            row.add(call)
        reasons = failures(call)
        if reasons:
            failing.append({"call": call.pk, "drill": call.drill_id, "node": call.node_id, "name": call.node.name,
                            "kind": call.node.kind, "region": code, "endpoint_id": call.node.endpoint_id,
                            "reasons": reasons})
    names = dict(Region.objects.filter(pk__in=[*counties, *townships]).values_list("code", "name"))
    for row in (*counties.values(), *townships.values()):
        row.name = names.get(row.region, row.region)
    return {"total": total.as_dict(),
            "counties": [counties[k].as_dict() for k in sorted(counties)],
            "townships": [townships[k].as_dict() for k in sorted(townships)],
            "failing": failing, "definition": DEFINITION_ZH}


def drills_in_period(*, scope: Scope, region: str = "", date_from: dt.date | None = None,
                     date_to: dt.date | None = None):
    """The drills held (started) in a period: the set the period's rates count."""
    return drill_list(scope=scope, region=region, date_from=date_from, date_to=date_to).filter(
        state__in=[DrillState.RUNNING, DrillState.DONE])


def fits(value) -> bool:
    return fits_database(value)
