"""Reads of evacuation and shelters, always through the caller's scope: `(*, scope, ...)`.

The figures of a region are sums of the village counters (`VillageTally`) whose code
lies in the region's code range: one range scan of the primary key, however many
households there are."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Substr

from ..core import regioncodes
from ..core.errors import NotFound
from .models import Household, HouseholdState, HouseholdTransition, QuickReport, Shelter, ShelterRedirect, VillageTally

COUNTERS = ("planned", "moved", "sheltered", "returned")
FIELDS = (*COUNTERS, *(f"{c}_households" for c in COUNTERS))


def _occupancy():
    persons = Household.objects.filter(sheltered_in=OuterRef("pk"), state=HouseholdState.SHELTERED) \
        .values("sheltered_in").annotate(n=Sum("members")).values("n")
    return Coalesce(Subquery(persons, output_field=IntegerField()), Value(0))


def shelter_list(*, scope, region: str = "", state: str = "", q: str = "") -> QuerySet:
    qs = scope.filter(Shelter.objects.select_related("region", "manager"))
    if region:
        lo, hi = regioncodes.subtree_bounds(region)
        qs = qs.filter(region_id__gte=lo, region_id__lte=hi)
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.annotate(occupancy=_occupancy()).order_by("region_id", "name", "id")


def shelter_get(*, scope, id: int) -> Shelter:
    return scope.get(Shelter.objects.select_related("region", "manager").annotate(occupancy=_occupancy()), pk=id)


def shelter_redirects(*, scope, shelter: Shelter) -> QuerySet:
    return scope.filter(ShelterRedirect.objects.filter(shelter=shelter))


def household_list(*, scope, region: str = "", state: str = "", shelter: int | None = None, q: str = "") -> QuerySet:
    qs = scope.filter(Household.objects.select_related("region", "shelter", "sheltered_in", "cadre"))
    if region:
        lo, hi = regioncodes.subtree_bounds(region)
        qs = qs.filter(region_id__gte=lo, region_id__lte=hi)
    if state:
        qs = qs.filter(state=state)
    if shelter is not None:
        qs = qs.filter(Q(shelter_id=shelter) | Q(sheltered_in_id=shelter))
    if q:
        qs = qs.filter(Q(head__icontains=q) | Q(address__icontains=q) | Q(phone__startswith=q))
    return qs.order_by("region_id", "id")


def household_get(*, scope, id: int) -> Household:
    return scope.get(Household.objects.select_related("region", "shelter", "sheltered_in", "cadre"), pk=id)


def household_history(*, scope, household: Household) -> QuerySet:
    return scope.filter(HouseholdTransition.objects.filter(household=household).select_related("shelter")) \
        .order_by("at", "id")


def _in(code: str) -> Q:
    lo, hi = regioncodes.subtree_bounds(code)
    return Q(region_id__gte=lo, region_id__lte=hi)


def figures(*, scope, region: str) -> dict:
    """Planned, moved, sheltered and returned of a region (persons, and households), its
    completeness (moved ÷ planned), and the townships' latest quick reports beside them.
    No region: the caller's own; a region outside the caller's subtree is not found."""
    region = region_in_scope(scope, region)
    qs = VillageTally.objects.all()
    if region:
        qs = qs.filter(_in(region))
    sums = qs.aggregate(**{f: Coalesce(Sum(f), 0) for f in FIELDS})
    return {"region": region, **sums, "away": sums["moved"] - sums["returned"],
            "completeness": completeness(sums["moved"], sums["planned"]),
            "reported": reported(scope=scope, region=region)}


def region_in_scope(scope, region: str) -> str:
    region = region or scope.region_code or ""
    if scope.is_nobody or scope.organization_id is not None or not scope.covers_region(region) \
            or (region and not region.isdigit()):
        raise NotFound("区划不存在或不在管辖范围内", "No such region in your jurisdiction")
    return region


def completeness(moved: int, planned: int) -> float | None:
    return round(moved / planned, 4) if planned else None


def figures_by_child(*, scope, region: str) -> list[dict]:
    """The figures of each region one level below `region` that has households, for
    the drill-down (villages are their own rows)."""
    region = region_in_scope(scope, region)
    length = next((n for n in regioncodes.LENGTHS if n > len(region)), None)
    if length is None or length > regioncodes.LENGTHS[-2]:  # below villages: nothing
        return []
    qs = VillageTally.objects.all()
    if region:
        qs = qs.filter(_in(region))
    rows = qs.annotate(child=Substr("region_id", 1, length)).values("child") \
        .annotate(**{f: Sum(f) for f in FIELDS}).order_by("child")
    return [{"region": r["child"], **{f: r[f] or 0 for f in FIELDS},
             "completeness": completeness(r["moved"] or 0, r["planned"] or 0)} for r in rows]


def quick_report_list(*, scope, region: str = "") -> QuerySet:
    qs = scope.filter(QuickReport.objects.select_related("region"))
    if region:
        qs = qs.filter(_in(region))
    return qs.order_by("-as_of", "-id")


def reported(*, scope, region: str) -> dict:
    """The sum of each township's latest quick report in the region (reported figures,
    kept apart from the household counts)."""
    latest = {}
    for report in quick_report_list(scope=scope, region=region).only("region_id", "moved", "sheltered",
                                                                      "returned", "as_of"):
        latest.setdefault(report.region_id, report)
    return {"townships": len(latest), **{k: sum(getattr(r, k) for r in latest.values())
                                         for k in ("moved", "sheltered", "returned")},
            "as_of": max((r.as_of for r in latest.values()), default=None)}


def figures_from_scratch(region: str = "") -> dict:
    """The same figures counted from the households themselves (tests, the benchmark)."""
    left = [HouseholdState.MOVED, HouseholdState.SHELTERED, HouseholdState.RETURNED]
    qs = Household.objects.all()
    if region:
        qs = qs.filter(_in(region))
    sums = qs.aggregate(
        planned_households=Count("id"), planned=Coalesce(Sum("members"), 0),
        moved_households=Count("id", filter=Q(state__in=left)),
        moved=Coalesce(Sum("members", filter=Q(state__in=left)), 0),
        sheltered_households=Count("id", filter=Q(state=HouseholdState.SHELTERED)),
        sheltered=Coalesce(Sum("members", filter=Q(state=HouseholdState.SHELTERED)), 0),
        returned_households=Count("id", filter=Q(state=HouseholdState.RETURNED)),
        returned=Coalesce(Sum("members", filter=Q(state=HouseholdState.RETURNED)), 0))
    return {f: sums[f] for f in FIELDS}
