"""Reads of accident work, always through the caller's scope; the figures (统计)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from ..core import regioncodes
from ..core.errors import DomainError, Forbidden, NotFound
from ..core.models import Region
from ..core.scope import Scope
from .choices import GRADE_CHOICES, AccidentKind, Industry
from .models import Accident, ControlTarget, InvestigationTimer, RemedialItem

GROUPS = ("region", "industry", "kind", "grade")
_CHOICES = {"industry": Industry.choices, "kind": AccidentKind.choices, "grade": GRADE_CHOICES}


def accident_list(*, scope: Scope, region: str = "", start: dt.date | None = None, end: dt.date | None = None,
                  grade: str = "", kind: str = "", industry: str = "", q: str = ""):
    qs = scope.filter(Accident.objects.select_related("region", "enterprise"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    if start:
        qs = qs.filter(occurred_at__gte=day_start(start))
    if end:
        qs = qs.filter(occurred_at__lt=day_start(end + dt.timedelta(days=1)))
    for name, value in (("grade", grade), ("kind", kind), ("industry", industry)):
        if value:
            qs = qs.filter(**{name: value})
    if q:
        qs = qs.filter(Q(party_name__icontains=q) | Q(enterprise__name__icontains=q) | Q(description__icontains=q))
    return qs


def accident_get(*, scope: Scope, id: int) -> Accident:
    return scope.get(Accident.objects.select_related("region", "enterprise"), pk=id)


def remedial_item_get(*, scope: Scope, id: int) -> RemedialItem:
    return scope.get(RemedialItem.objects.select_related("supervision__accident"), pk=id)


def overdue_investigations(*, scope: Scope):
    """Timers past due on open investigations, most overdue first."""
    return scope.filter(InvestigationTimer.objects.select_related("investigation__accident__region").filter(
        cancelled_at__isnull=True, due_at__lte=timezone.now(), investigation__concluded_on__isnull=True))


def target_list(*, scope: Scope, year: int | None = None, region: str = ""):
    qs = scope.filter(ControlTarget.objects.select_related("region"))
    if year:
        qs = qs.filter(year=year)
    if region:
        qs = qs.filter(region__code__startswith=region)
    return qs


# Figures -----------------------------------------------------------------------------

def day_start(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the project's time zone (Beijing): periods are local days."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def year_earlier(day: dt.date, *, end: bool) -> dt.date:
    """The same day one year earlier. 29 February has no twin: as the end of a period
    it becomes 28 February, as the start 1 March, so the earlier period holds no day
    that is not in the same place of its year."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return dt.date(day.year - 1, 2, 28) if end else dt.date(day.year - 1, 3, 1)


def check_region(scope: Scope, code: str) -> Region:
    if scope.organization_id is not None:
        raise Forbidden("企业用户不能查看区域统计", "Enterprise users cannot read regional figures")
    region = Region.objects.filter(pk=code).first() if code else None
    if region is None or not scope.covers_region(code):
        raise NotFound()
    return region


def check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise DomainError("结束日期不能早于开始日期", "'to' cannot be before 'from'", fields={"to": "无效 / invalid"})
    if start.year < 1950 or end.year > 2200:
        raise DomainError("日期超出范围", "Date out of range", fields={"from": "1950–2200"})


def in_subtree(region: str):
    """Accidents in the subtree of `region`, as a code range (the (region, occurred_at)
    index serves it; LIKE 'code%' would not on PostgreSQL)."""
    low, high = regioncodes.subtree_bounds(region)
    return Accident.objects.filter(region_id__gte=low, region_id__lte=high)


def _sums(qs) -> dict:
    row = qs.aggregate(accidents=Count("id"), deaths=Sum("deaths"), serious_injuries=Sum("serious_injuries"),
                       direct_loss=Sum("direct_loss"))
    return _clean(row)


def _clean(row: dict) -> dict:
    return {"accidents": row.get("accidents") or 0, "deaths": row.get("deaths") or 0,
            "serious_injuries": row.get("serious_injuries") or 0,
            "direct_loss": Decimal(row.get("direct_loss") or 0).quantize(Decimal("0.01"))}


def figures(*, scope: Scope, region: str, start: dt.date, end: dt.date, group_by: str = "region") -> dict:
    """Accidents, deaths, serious injuries and direct loss in `region` over the local
    days `start`..`end` (inclusive), grouped by child region, industry, class or grade
    (every group listed, zeros included), with the total, the same period one year
    earlier, and the year's control targets of `end`'s year beside the counts."""
    if group_by not in GROUPS:
        raise DomainError("分组方式无效", "Unknown grouping", fields={"group_by": " / ".join(GROUPS)})
    place = check_region(scope, region)
    check_period(start, end)
    base = in_subtree(region)
    current = base.filter(occurred_at__gte=day_start(start), occurred_at__lt=day_start(end + dt.timedelta(days=1)))
    p_start, p_end = year_earlier(start, end=False), year_earlier(end, end=True)
    previous = base.filter(occurred_at__gte=day_start(p_start), occurred_at__lt=day_start(p_end + dt.timedelta(days=1)))
    items = _grouped(current, place, group_by)
    total, before = _sums(current), _sums(previous)
    targets = {t.region_id: t for t in ControlTarget.objects.filter(year=end.year)}
    if group_by == "region":
        for item in items:
            _attach_target(item, targets.get(item["key"]))
    _attach_target(total, targets.get(region))
    return {"region": region, "name": place.full_name or place.name, "from": start, "to": end,
            "group_by": group_by, "items": items, "total": total,
            "previous_year": {"from": p_start, "to": p_end, **before}, "change": _change(total, before)}


def _attach_target(item: dict, target: ControlTarget | None) -> None:
    if target is None:
        item["target"] = None
        return
    item["target"] = {"year": target.year, "max_accidents": target.max_accidents, "max_deaths": target.max_deaths,
                      "accidents_used": _share(item["accidents"], target.max_accidents),
                      "deaths_used": _share(item["deaths"], target.max_deaths)}


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _change(now: dict, before: dict) -> dict:
    """Year on year: the difference and the percentage (None where last year was zero)."""
    return {k: {"diff": now[k] - before[k], "percent": _share(now[k] - before[k], before[k])}
            for k in ("accidents", "deaths", "serious_injuries")}


def _grouped(qs, place: Region, group_by: str) -> list[dict]:
    aggregates = {"accidents": Count("id"), "deaths": Sum("deaths"), "serious_injuries": Sum("serious_injuries"),
                  "direct_loss": Sum("direct_loss")}
    if group_by != "region":
        rows = {r[group_by]: _clean(r) for r in qs.values(group_by).annotate(**aggregates).order_by()}
        return [{"key": value, "name": str(label), **rows.get(value, _clean({}))}
                for value, label in _CHOICES[group_by]]
    children = list(Region.objects.filter(parent_id=place.code).order_by("code"))
    length = len(children[0].code) if children else len(place.code)
    rows = {r["prefix"]: _clean(r) for r in qs.annotate(prefix=Substr("region_id", 1, length)).values(
        "prefix").annotate(**aggregates).order_by()}
    items = [{"key": c.code, "region": c.code, "name": c.name, **rows.pop(c.code, _clean({}))} for c in children]
    # Accidents registered at the region itself (no child): their own line.
    own = _sums(qs.filter(region_id=place.code)) if children else _clean({})
    if own["accidents"]:
        items.append({"key": place.code, "region": place.code, "name": f"{place.name}（本级）", **own})
    elif not children:
        items.append({"key": place.code, "region": place.code, "name": place.name, **_sums(qs)})
    return items


def ranking(*, scope: Scope, region: str, start: dt.date, end: dt.date) -> list[dict]:
    """The child regions ranked worst first: by deaths, then accidents (ties by code)."""
    items = figures(scope=scope, region=region, start=start, end=end, group_by="region")["items"]
    items = sorted(items, key=lambda i: (-i["deaths"], -i["accidents"], i["key"]))
    for rank, item in enumerate(items, start=1):
        item["rank"] = rank
    return items


def monthly(*, scope: Scope, region: str, year: int) -> list[dict]:
    """Accidents and deaths of each month of `year` (for the charts)."""
    check_region(scope, region)
    out = []
    for month in range(1, 13):
        start = dt.date(year, month, 1)
        end = dt.date(year + (month == 12), month % 12 + 1, 1)
        qs = in_subtree(region).filter(occurred_at__gte=day_start(start), occurred_at__lt=day_start(end))
        out.append({"month": f"{year}-{month:02d}", **_sums(qs)})
    return out
