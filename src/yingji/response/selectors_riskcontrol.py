"""Reads of risk control (风险清单管控), always through the caller's scope.

The board is the floods app's risk points (its selector, its scope) with each
point's current state in the round (or outside rounds) beside it: a point with no
report, or only "checked", is uncontrolled (未管控).
"""

from collections import Counter, defaultdict

from django.db.models import OuterRef, Q, QuerySet, Subquery

from ..core.errors import NotFound
from ..core.models import Region
from ..core.scope import Scope
from ..floods.selectors import risk_point_get, risk_point_kinds, risk_point_list
from .models.riskcontrol import CONTROLLED_STATES, ControlState, RiskControlRound, RiskPointReport, RiskPointStatus

NONE = "none"  # no report yet
UNCONTROLLED = "uncontrolled"  # no report, or only checked
STATE_FILTERS = (*ControlState.values, NONE, UNCONTROLLED)


def _covering(scope: Scope) -> list[str]:
    """The codes of the regions above the caller's (and its own): rounds over those
    areas include the caller's, who reports in them (a county officer in the city's)."""
    code = scope.region_code or ""
    return [code[:n] for n in range(2, len(code) + 1)]


def round_list(*, scope: Scope, open_only: bool = False) -> QuerySet:
    """The rounds in the caller's region and those over it."""
    if scope.is_nobody:
        return RiskControlRound.objects.none()
    qs = RiskControlRound.objects.select_related("region")
    own = scope.filter(qs).values("pk")
    qs = qs.filter(Q(pk__in=own) | Q(region_id__in=_covering(scope)))
    return qs.filter(ended_at__isnull=True) if open_only else qs


def round_get(*, scope: Scope, id: int) -> RiskControlRound:
    if not isinstance(id, int) or not -(2**63) <= id < 2**63:
        raise NotFound()
    row = round_list(scope=scope).filter(pk=id).first()
    if row is None:
        raise NotFound()
    return row


def current_round(*, scope: Scope) -> RiskControlRound | None:
    """The newest open round whose area holds the caller's whole region (the city's
    round for a township officer); a round of a smaller area is chosen by its id."""
    if scope.is_nobody:
        return None
    prefixes = _covering(scope)
    if not prefixes:
        return None  # the whole system: no round covers it
    return (RiskControlRound.objects.filter(ended_at__isnull=True, region_id__in=prefixes)
            .select_related("region").order_by("-started_at", "-id").first())


def board(*, scope: Scope, round: RiskControlRound | None, region: str = "", kind: str = "", state: str = "",
          q: str = "") -> QuerySet:
    """The active risk points the caller sees (within the round's area when there is a
    round), each annotated with `control_state` (None: no report) and `control_at`."""
    qs = risk_point_list(scope=scope, region=region, kind=kind, q=q).filter(active=True)
    if round is not None:
        qs = qs.filter(region__code__startswith=round.region_id)
    status = RiskPointStatus.objects.filter(risk_point=OuterRef("pk"))
    status = status.filter(round=round) if round is not None else status.filter(round__isnull=True)
    qs = qs.annotate(control_state=Subquery(status.values("state")[:1]),
                     control_at=Subquery(status.values("updated_at")[:1]))
    if state == NONE:
        qs = qs.filter(control_state__isnull=True)
    elif state == UNCONTROLLED:
        qs = qs.filter(Q(control_state__isnull=True) | Q(control_state=ControlState.CHECKED))
    elif state in ControlState.values:
        qs = qs.filter(control_state=state)
    return qs.prefetch_related(None).order_by("region_id", "name", "id")


def counts(*, scope: Scope, round: RiskControlRound | None, region: str = "", kind: str = "") -> dict:
    """Points by state (none, checked, controlled, evacuated, closed), by kind and
    state, the uncontrolled total, and the uncontrolled by county and township."""
    rows = list(board(scope=scope, round=round, region=region, kind=kind)
                .values_list("kind_id", "region_id", "control_state"))
    by_state = Counter({s: 0 for s in (NONE, *ControlState.values)})
    by_kind: dict[str, Counter] = defaultdict(Counter)
    county, township = Counter(), Counter()
    for kind_id, region_id, control_state in rows:
        key = control_state or NONE
        by_state[key] += 1
        by_kind[kind_id][key] += 1
        if control_state not in CONTROLLED_STATES:
            county[region_id[:6]] += 1
            if len(region_id) >= 9:
                township[region_id[:9]] += 1
    names = dict(Region.objects.filter(code__in=[*county, *township]).values_list("code", "name"))
    kinds = {k.code: k.name for k in risk_point_kinds()}
    uncontrolled = sum(county.values())
    by_region = []
    for code in sorted(county):
        towns = [{"region": t, "name": names.get(t, t), "uncontrolled": n}
                 for t, n in sorted(township.items()) if t.startswith(code)]
        by_region.append({"region": code, "name": names.get(code, code), "uncontrolled": county[code],
                          "townships": towns})
    return {
        "total": len(rows), "uncontrolled": uncontrolled, "controlled": len(rows) - uncontrolled,
        "by_state": dict(by_state),
        "by_kind": [{"kind": k, "name": kinds.get(k, k), **{s: by_kind[k][s] for s in by_state},
                     "total": sum(by_kind[k].values())} for k in sorted(by_kind, key=lambda c: (kinds.get(c, c), c))],
        "by_region": by_region,
    }


def point_history(*, scope: Scope, id: int, round: RiskControlRound | None = None,
                  all_rounds: bool = True) -> list[RiskPointReport]:
    """The reports of one risk point, newest first (in one round, or all)."""
    point = risk_point_get(scope=scope, id=id)
    qs = RiskPointReport.objects.filter(risk_point_id=point.pk).select_related("round", "reported_by__person")
    if not all_rounds:
        qs = qs.filter(round=round) if round is not None else qs.filter(round__isnull=True)
    return list(qs.order_by("-reported_at", "-id"))


def report_list(*, scope: Scope, round: RiskControlRound | None = None, region: str = "") -> QuerySet:
    qs = scope.filter(RiskPointReport.objects.select_related("round", "region"))
    if round is not None:
        qs = qs.filter(round=round)
    if region:
        qs = qs.filter(region__code__startswith=region)
    return qs.order_by("-reported_at", "-id")


def report_get(*, scope: Scope, id: int) -> RiskPointReport:
    return scope.get(RiskPointReport.objects.all(), pk=id)
