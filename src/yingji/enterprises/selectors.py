"""Reads of the enterprise register, always through the caller's scope."""

from django.db.models import Q

from ..core.scope import Scope
from .models import Enterprise, Licence


def enterprise_list(*, scope: Scope, region: str = "", risk_grade: str = "", tag: str = "",
                    industry: str = "", q: str = ""):
    qs = scope.filter(Enterprise.objects.select_related("region").prefetch_related("tags"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    if risk_grade:
        qs = qs.filter(risk_grade=risk_grade)
    if industry:
        qs = qs.filter(industry=industry)
    if tag:
        qs = qs.filter(tags__name=tag)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(uscc__startswith=q.upper()) | Q(address__contains=q))
    return qs.order_by("region_id", "name", "id")


def enterprise_get(*, scope: Scope, id: int) -> Enterprise:
    qs = Enterprise.objects.select_related("region").prefetch_related("tags", "licences")
    return scope.get(qs, pk=id)


def licence_get(*, scope: Scope, id: int) -> Licence:
    return scope.get(Licence.objects.select_related("enterprise"), pk=id)
