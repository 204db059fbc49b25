"""One response event (一次应急响应) as one picture: for each area of a declared level,
its orders' confirmations, the risk points of the control rounds started for it, the
evacuation figures and the shelters' occupancy.

The page, `GET /api/response/levels/{id}/summary` and the Excel export all read
`event_summary`, so the three cannot disagree. Each count comes from the subject's
own selector (tasks, `selectors_riskcontrol.counts`, `selectors_evacuation.figures`,
`shelter_list`), within the caller's scope: a county officer under a city's response
sees the county's part of it.
"""

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from ..core import regioncodes
from ..core.models import Region
from ..core.scope import Scope
from . import selectors_evacuation as evacuation
from . import selectors_riskcontrol as riskcontrol
from .choices_levels import TaskState
from .models import ResponseLevel, RiskControlRound, ShelterState
from .selectors_levels import tasks_in_scope

TASK_FIELDS = ("tasks", "confirmed", "open", "escalated")
RISK_FIELDS = ("risk_points", "controlled", "uncontrolled")
EVACUATION_FIELDS = ("planned", "moved", "sheltered", "returned", "planned_households", "moved_households",
                     "sheltered_households", "returned_households")
SHELTER_FIELDS = ("shelters", "capacity", "occupancy", "shelters_full", "shelters_closed")
FIELDS = (*TASK_FIELDS, *RISK_FIELDS, *EVACUATION_FIELDS, *SHELTER_FIELDS)


def visible_areas(*, scope: Scope, level: ResponseLevel) -> list[str]:
    """The level's areas as the caller sees them: an area inside the caller's
    jurisdiction whole, an area above the caller only the caller's own region."""
    codes = []
    for code in level.areas.values_list("region_id", flat=True).order_by("region_id"):
        if scope.covers_region(code):
            codes.append(code)
        elif scope.region_code and regioncodes.in_subtree(scope.region_code, code):
            codes.append(scope.region_code)
    return sorted(set(codes))


def event_rounds(*, scope: Scope, level: ResponseLevel) -> list[RiskControlRound]:
    """The control rounds started for this response that the caller sees."""
    return list(riskcontrol.round_list(scope=scope).filter(level=level))


def _in(code: str) -> Q:
    lo, hi = regioncodes.subtree_bounds(code)
    return Q(region_id__gte=lo, region_id__lte=hi)


def _tasks(scope: Scope, level: ResponseLevel, code: str) -> dict:
    qs = tasks_in_scope(scope).filter(_in(code), level=level).exclude(state=TaskState.CANCELLED)
    sums = qs.aggregate(tasks=Count("id"), confirmed=Count("id", filter=Q(state=TaskState.CONFIRMED)),
                        open=Count("id", filter=Q(state=TaskState.OPEN)),
                        escalated=Count("id", filter=Q(state=TaskState.ESCALATED)))
    return {k: sums[k] for k in TASK_FIELDS}


def _risk(scope: Scope, rounds: list[RiskControlRound], code: str) -> dict:
    """The risk points of the rounds that overlap this area, within the area. A round
    covers a region (its points are counted within it), so a city area with two county
    rounds adds the two."""
    sums = dict.fromkeys(RISK_FIELDS, 0)
    for r in rounds:
        if regioncodes.in_subtree(code, r.region_id):
            part = code  # the round covers the area: the area's points
        elif regioncodes.in_subtree(r.region_id, code):
            part = r.region_id  # the round is inside the area: all its points
        else:
            continue
        c = riskcontrol.counts(scope=scope, round=r, region=part)
        sums["risk_points"] += c["total"]
        sums["controlled"] += c["controlled"]
        sums["uncontrolled"] += c["uncontrolled"]
    return sums


def _evacuation(scope: Scope, code: str) -> dict:
    f = evacuation.figures(scope=scope, region=code)
    return {k: f[k] for k in EVACUATION_FIELDS}


def _shelters(scope: Scope, code: str) -> dict:
    qs = evacuation.shelter_list(scope=scope, region=code)
    sums = qs.aggregate(n=Count("id"), capacity=Coalesce(Sum("capacity"), 0),
                        full=Count("id", filter=Q(state=ShelterState.FULL)),
                        closed=Count("id", filter=Q(state=ShelterState.CLOSED)))
    occupancy = sum(qs.values_list("occupancy", flat=True))
    return {"shelters": sums["n"], "capacity": sums["capacity"], "occupancy": occupancy,
            "shelters_full": sums["full"], "shelters_closed": sums["closed"]}


def event_summary(*, scope: Scope, level: ResponseLevel) -> dict:
    """Per visible area and in total: tasks (total, confirmed, open, escalated), risk
    points of the event's rounds (total, controlled, uncontrolled), evacuation
    (persons and households planned, moved, sheltered, returned) and shelters (count,
    capacity, occupancy, full, closed)."""
    rounds = event_rounds(scope=scope, level=level)
    codes = visible_areas(scope=scope, level=level)
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "full_name"))
    areas = []
    for code in codes:
        areas.append({"region": code, "name": names.get(code, code), **_tasks(scope, level, code),
                      **_risk(scope, rounds, code), **_evacuation(scope, code), **_shelters(scope, code)})
    totals = {k: sum(a[k] for a in areas) for k in FIELDS}
    totals["completeness"] = evacuation.completeness(totals["moved"], totals["planned"])
    for a in areas:
        a["completeness"] = evacuation.completeness(a["moved"], a["planned"])
    return {"level": level.pk, "rounds": [{"id": r.pk, "region": r.region_id, "open": r.ended_at is None}
                                          for r in rounds],
            "risk_started": bool(rounds), "areas": areas, "totals": totals}


MAP_SHELTERS = 500
MAP_POINTS = 1000


def event_map_points(*, scope: Scope, level: ResponseLevel) -> dict:
    """For the response's map: the shelters of its area with their occupancy, and the
    risk points its control rounds still list as uncontrolled (bounded: a map of more is
    the one map's job, with clustering)."""
    codes = visible_areas(scope=scope, level=level)
    shelters, points = [], []
    for code in codes:
        for s in evacuation.shelter_list(scope=scope, region=code).filter(latitude__isnull=False,
                                                                           longitude__isnull=False):
            shelters.append({"name": s.name, "lat": s.latitude, "lon": s.longitude, "capacity": s.capacity,
                             "occupancy": s.occupancy, "state": s.state})
            if len(shelters) >= MAP_SHELTERS:
                break
    for r in event_rounds(scope=scope, level=level):
        for code in codes:
            if not (regioncodes.in_subtree(code, r.region_id) or regioncodes.in_subtree(r.region_id, code)):
                continue
            part = code if len(code) >= len(r.region_id) else r.region_id
            rows = riskcontrol.board(scope=scope, round=r, region=part, state=riskcontrol.UNCONTROLLED) \
                .filter(latitude__isnull=False, longitude__isnull=False)
            points += [{"name": p.name, "kind": p.kind.name, "lat": p.latitude, "lon": p.longitude,
                        "state": p.control_state or ""} for p in rows.select_related("kind")[:MAP_POINTS]]
    return {"shelters": shelters[:MAP_SHELTERS], "uncontrolled": points[:MAP_POINTS]}
