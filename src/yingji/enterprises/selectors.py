"""Reads of the enterprise register, always through the caller's scope."""

from django.db.models import Count, Q

from ..core import regioncodes
from ..core.scope import Scope
from .models import Enterprise, Licence, Tag


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


def enterprises_in_scope(*, scope: Scope):
    """Every enterprise the scope may see, unordered: for other apps to narrow
    (`enterprise_id__in=...values("pk")`) without importing the model."""
    return scope.filter(Enterprise.objects.all())


def enterprises_in_region(*, scope: Scope, region: str, industry: str = "", tag_id: int | None = None):
    """The scope's enterprises in the subtree of `region` (as a code range, so the
    region index serves it), optionally of one industry and one tag."""
    low, high = regioncodes.subtree_bounds(region)
    qs = enterprises_in_scope(scope=scope).filter(region_id__gte=low, region_id__lte=high)
    if industry:
        qs = qs.filter(industry=industry)
    if tag_id:
        qs = qs.filter(tags=tag_id)
    return qs


def enterprise_counts_by_region(*, scope: Scope, region: str) -> dict[str, int]:
    """{region code: enterprises registered directly in it} over the subtree of `region`."""
    rows = enterprises_in_region(scope=scope, region=region).values("region_id").order_by().annotate(n=Count("id"))
    return {r["region_id"]: r["n"] for r in rows}


def tag_find(*, name: str) -> Tag | None:
    """The tag of that name, or None. Tags are a shared list, not scoped."""
    return Tag.objects.filter(name=name).first()
