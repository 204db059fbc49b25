"""Reads of the hazardous-chemical app, always through the caller's scope (the
catalogue is reference data, the same for everyone)."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q
from django.utils import timezone

from ..core.errors import DomainError, Forbidden
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


# The licences page's validity filter: valid on the day, valid but ending within
# EXPIRING_DAYS, or ended before it.
EXPIRING_DAYS = 30
VALIDITY = {"valid": "有效", "expiring": f"{EXPIRING_DAYS}日内到期", "expired": "已过期"}


def licence_page_list(*, scope: Scope, q: str = "", kind: str = "", validity: str = "",
                      today: dt.date | None = None):
    """Licences in the caller's scope (an officer's region, an enterprise user's own) for
    the licences page: `q` part of the holder's name or its USCC, `kind`, and `validity`
    (a key of VALIDITY) as of `today`."""
    today = today or timezone.localdate()
    qs = licence_list(scope=scope, kind=kind)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(enterprise__name__contains=q) | Q(enterprise__uscc__startswith=q.upper()))
    valid_now = Q(valid_from__lte=today, valid_to__gte=today)
    if validity == "valid":
        qs = qs.filter(valid_now)
    elif validity == "expiring":
        qs = qs.filter(valid_now, valid_to__lte=today + dt.timedelta(days=EXPIRING_DAYS))
    elif validity == "expired":
        qs = qs.filter(valid_to__lt=today)
    return qs


def licence_standing(licence: HazchemLicence, today: dt.date) -> str:
    """未生效, 已过期, N日内到期 or 有效: what the licences page shows of one licence on `today`."""
    if licence.valid_from > today:
        return "未生效"
    if licence.valid_to < today:
        return VALIDITY["expired"]
    if licence.valid_to <= today + dt.timedelta(days=EXPIRING_DAYS):
        return VALIDITY["expiring"]
    return VALIDITY["valid"]


def chemicals_named(*, scope: Scope, text: str) -> list[int]:
    """The catalogue ids of the chemicals a form lists by CAS number or catalogue serial
    number (目录序号), separated by commas, 、, semicolons, spaces or new lines. A name
    that matches no entry, or a CAS number of several entries, is a field error."""
    ids = []
    for token in [t for t in re.split(r"[\s,，、;；]+", text or "") if t][:500]:
        if token.isdigit():
            found = list(chemical_list(scope=scope).filter(serial_no=int(token))) if len(token) <= 6 else []
        else:
            found = [c for c in chemical_list(scope=scope).filter(cas__contains=token) if token in c.cas_list]
        if len(found) != 1:
            why = ("目录中没有该品名" if not found else f"对应目录中 {len(found)} 个条目，请改用目录序号")
            raise DomainError(f"{token[:40]}：{why}", f"{token[:40]}: not one catalogue entry",
                              fields={"chemical_ids": f"{token[:40]}：{why}"})
        ids.append(found[0].pk)
    return ids
