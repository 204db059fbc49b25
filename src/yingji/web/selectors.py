"""Reads the pages need beyond the apps' own selectors, built on top of them.

Everything here starts from a scoped selector (or `Scope.filter`), so it can never show
more than the caller may see. Candidates to move into core/enterprises selectors once
another caller needs them.
"""

import datetime as dt
from collections import Counter

from django.db.models import Count
from django.utils import timezone

from ..core.models import Region
from ..core.scope import Scope
from ..enterprises.choices import RISK_COLOURS, RiskGrade
from ..enterprises.models import EXPIRING_WITHIN_DAYS, Licence, Tag
from ..enterprises.selectors import enterprise_list


def risk_grade_counts(*, scope: Scope, region: str = "") -> list[dict]:
    """Enterprises per four-colour grade, every grade listed (zero included), red first."""
    rows = (enterprise_list(scope=scope, region=region)
            .order_by().values("risk_grade").annotate(n=Count("id")))
    counts = {r["risk_grade"]: r["n"] for r in rows}
    return [{"grade": g.value, "label": g.label, "colour": RISK_COLOURS[g], "count": counts.get(g.value, 0)}
            for g in RiskGrade]


def enterprise_counts_by_child(*, scope: Scope, region: Region, children) -> dict[str, int]:
    """Enterprises under each child region (its whole subtree), in one query."""
    per_region = (enterprise_list(scope=scope, region=region.code)
                  .order_by().values("region_id").annotate(n=Count("id")))
    totals: Counter = Counter()
    codes = [c.code for c in children]
    for row in per_region:
        for code in codes:
            if row["region_id"].startswith(code):
                totals[code] += row["n"]
                break
    return totals


def licences_expiring(*, scope: Scope, today: dt.date | None = None,
                      within_days: int = EXPIRING_WITHIN_DAYS):
    """Licences in scope that end between today and `within_days` from now, soonest first."""
    today = today or timezone.localdate()
    qs = scope.filter(Licence.objects.select_related("enterprise"))
    return qs.filter(valid_to__gte=today, valid_to__lte=today + dt.timedelta(days=within_days)).order_by(
        "valid_to", "id")


def licences_expired_count(*, scope: Scope, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return scope.filter(Licence.objects.all()).filter(valid_to__lt=today).count()


def ancestors_in_scope(*, scope: Scope, region: Region) -> list[Region]:
    """The breadcrumb: the region's ancestors the caller may open, top first."""
    chain = []
    parent = region.parent
    while parent is not None and scope.covers_region(parent.code):
        chain.append(parent)
        parent = parent.parent
    return chain[::-1]




def tag_names(*, scope: Scope) -> list[str]:
    """Tags used by enterprises the caller may see (not other counties' tags)."""
    used = enterprise_list(scope=scope).order_by().values("pk")
    return list(Tag.objects.filter(enterprises__in=used).distinct().values_list("name", flat=True))
