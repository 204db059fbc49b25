"""Reads of enforcement, always through the caller's scope; the figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from ..core import regioncodes
from ..core.errors import DomainError, Forbidden, NotFound
from ..core.models import Region
from ..core.scope import Scope
from .choices import Party, Step
from .models import Case, CaseStep, CustodyEvent, Decision, Evidence, PoliceTransfer, StopOrder


def case_list(*, scope: Scope, region: str = "", state: str = "", q: str = ""):
    qs = scope.filter(Case.objects.select_related("region", "enterprise"))
    if region:
        low, high = regioncodes.subtree_bounds(region)
        qs = qs.filter(region_id__gte=low, region_id__lte=high)
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(summary__icontains=q) | Q(enterprise__name__icontains=q) | Q(party_uscc__startswith=q.upper())
                       | Q(number__icontains=q))
    return qs.prefetch_related("steps")


def case_get(*, scope: Scope, id: int) -> Case:
    qs = Case.objects.select_related("region", "enterprise").prefetch_related(
        "steps", "decisions", "evidence", "stop_orders")
    return scope.get(qs, pk=id)


def evidence_get(*, scope: Scope, case: Case, id: int) -> Evidence:
    return scope.get(Evidence.objects.filter(case=case), pk=id)


def stop_order_get(*, scope: Scope, id: int) -> StopOrder:
    return scope.get(StopOrder.objects.select_related("case"), pk=id)


def custody(*, scope: Scope, case: Case):
    return scope.filter(CustodyEvent.objects.filter(evidence__case=case).select_related("by"))


def transfer_of(case: Case) -> PoliceTransfer | None:
    return PoliceTransfer.objects.filter(case=case).first()


def current_light(case: Case) -> str:
    """The light of the step the case is at (green once it has ended)."""
    steps = [s for s in case.steps.all() if s.completed_at is None]
    return steps[-1].light if steps else "green"


def overdue_steps(*, scope: Scope):
    """Open steps past their deadline (red lights), most overdue first."""
    return scope.filter(CaseStep.objects.filter(completed_at__isnull=True, due_at__lte=timezone.now())
                        .select_related("case").order_by("due_at"))


# Figures -----------------------------------------------------------------------------

def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def figures(*, scope: Scope, region: str, start: dt.date, end: dt.date) -> dict:
    """Cases opened, fines and confiscations decided, stop-production orders, transfers
    to the police and 一案三罚 cases in the subtree of `region` over the local days
    `start`..`end` inclusive, in total and by child region."""
    if scope.organization_id is not None:
        raise Forbidden("企业用户不能查看区域统计", "Enterprise users cannot read regional figures")
    if end < start:
        raise DomainError("结束日期不能早于开始日期", "'to' cannot be before 'from'", fields={"to": "无效 / invalid"})
    if Region.objects.filter(pk=region).first() is None or not scope.covers_region(region):
        raise NotFound()
    low, high = regioncodes.subtree_bounds(region)
    since, until = _day_start(start), _day_start(end + dt.timedelta(days=1))
    children = list(Region.objects.filter(parent_id=region).order_by("code").values_list("code", "name"))
    cases = scope.filter(Case.objects.filter(region_id__gte=low, region_id__lte=high))
    rows = {code: _zero() | {"region": code, "name": name} for code, name in children}
    total = _zero() | {"region": region, "name": Region.objects.get(pk=region).name}

    def child_of(code: str) -> str | None:
        for child, _ in children:
            if regioncodes.in_subtree(code, child):
                return child
        return None

    def add(code: str, key: str, value) -> None:
        total[key] += value
        child = child_of(code)
        if child is not None:
            rows[child][key] += value

    for code in cases.filter(created_at__gte=since, created_at__lt=until).values_list("region_id", flat=True):
        add(code, "cases", 1)
    decided = Decision.objects.filter(case__in=cases, decided_on__gte=start, decided_on__lte=end)
    sums = decided.values("case__region_id").order_by().annotate(f=Sum("fine"), c=Sum("confiscated"))
    for row in sums:
        add(row["case__region_id"], "fines", row["f"] or Decimal(0))
        add(row["case__region_id"], "confiscated", row["c"] or Decimal(0))
    three = decided.values("case_id", "case__region_id").order_by().annotate(
        parties=Count("party", distinct=True)).filter(parties__gte=len(Party.values))
    for row in three:
        add(row["case__region_id"], "three_penalties", 1)
    for code in StopOrder.objects.filter(case__in=cases, ordered_at__gte=since, ordered_at__lt=until).values_list(
            "case__region_id", flat=True):
        add(code, "stop_orders", 1)
    for code in PoliceTransfer.objects.filter(case__in=cases, transferred_at__gte=since,
                                              transferred_at__lt=until).values_list("case__region_id", flat=True):
        add(code, "transfers", 1)
    return {"region": region, "from": start, "to": end, "total": total, "items": list(rows.values())}


def _zero() -> dict:
    return {"cases": 0, "fines": Decimal("0.00"), "confiscated": Decimal("0.00"), "stop_orders": 0, "transfers": 0,
            "three_penalties": 0}


OPEN_STATES = [s for s in Step.values if s not in (Step.CLOSED, Step.TRANSFERRED)]
