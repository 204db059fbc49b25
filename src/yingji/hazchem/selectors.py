"""Reads of the hazardous-chemical app, always through the caller's scope (the
catalogue is reference data, the same for everyone)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from ..core.errors import Forbidden
from ..core.scope import Scope
from .models import Chemical, Flow, HazchemLicence, WorkOrder


def chemical_list(*, scope: Scope, q: str = "", highly_toxic: bool | None = None,
                  explosive_precursor: bool | None = None):
    """Catalogue entries whose name, alias or CAS number contains `q`."""
    if scope.is_nobody:
        return Chemical.objects.none()
    qs = Chemical.objects.all()
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(aliases__contains=q) | Q(cas__contains=q))
    if highly_toxic is not None:
        qs = qs.filter(highly_toxic=highly_toxic)
    if explosive_precursor is not None:
        qs = qs.filter(explosive_precursor=explosive_precursor)
    return qs


def licence_list(*, scope: Scope, holder_uscc: str = "", kind: str = "", region: str = ""):
    qs = scope.filter(HazchemLicence.objects.select_related("enterprise").prefetch_related("chemicals"))
    if holder_uscc:
        qs = qs.filter(enterprise__uscc=holder_uscc.strip().upper())
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(enterprise__region__code__startswith=region)
    return qs.order_by("enterprise_id", "valid_from", "id")


def licence_get(*, scope: Scope, id: int) -> HazchemLicence:
    return scope.get(HazchemLicence.objects.select_related("enterprise").prefetch_related("chemicals"), pk=id)


def flow_list(*, scope: Scope, direction: str = "", start: dt.date | None = None, end: dt.date | None = None,
              region: str = "", q: str = ""):
    qs = scope.filter(Flow.objects.select_related("enterprise", "chemical"))
    if direction:
        qs = qs.filter(direction=direction)
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    if region:
        qs = qs.filter(enterprise__region__code__startswith=region)
    if q:
        qs = qs.filter(Q(chemical__name__contains=q) | Q(counterparty_uscc__startswith=q.upper()) |
                       Q(enterprise__name__contains=q))
    return qs.order_by("-date", "-id")


def work_order_list(*, scope: Scope, region: str = "", state: str = "", kind: str = ""):
    if scope.organization_id is not None:
        raise Forbidden("企业用户不能查看监管工单", "Enterprise users cannot read work orders")
    qs = scope.filter(WorkOrder.objects.select_related("region", "chemical", "party"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-updated_at", "-id")


def work_order_get(*, scope: Scope, id: int) -> WorkOrder:
    if scope.organization_id is not None:
        raise Forbidden("企业用户不能查看监管工单", "Enterprise users cannot read work orders")
    return scope.get(WorkOrder.objects.select_related("region", "chemical", "party"), pk=id)


def work_order_evidence(*, order: WorkOrder):
    """The flow rows of a work order the caller already holds (scope checked by `work_order_get`)."""
    return order.evidence.select_related("enterprise", "chemical").order_by("date", "id")
