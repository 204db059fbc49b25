"""Reads of hazard work, always through the caller's scope."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from ..core import regioncodes
from ..core.models import Region
from ..core.scope import SYSTEM, Scope
from ..enterprises.selectors import enterprises_in_region, enterprises_in_scope
from ..floods.selectors import risk_point_list
from .choices import OPEN_STATES, CampaignOutcomeKind, HazardLevel
from .lights import yellow_days
from .models import (
    Campaign,
    CampaignOutcome,
    ChecklistTemplate,
    Evidence,
    Hazard,
    Inspection,
    NegativeListEntry,
    PublicReport,
)


def region_range(code: str) -> dict:
    """Lookups for "region code in the subtree of `code`" (regioncodes.subtree_bounds)."""
    low, high = regioncodes.subtree_bounds(code)
    return {"gte": low, "lte": high}


def _in_region(field: str, code: str) -> Q:
    bounds = region_range(code)
    return Q(**{f"{field}__gte": bounds["gte"], f"{field}__lte": bounds["lte"]})


def _visible_hazards(scope: Scope):
    """The hazards the scope may see: those of the enterprises it may see (access
    follows the enterprise, models.Hazard). Said through `scope.filter`, that is a
    join to the enterprises checked hazard by hazard, which is most of the cost of a
    list page at millions of hazards (benchmarks/hazards_scale.py). Two equivalent
    forms avoid it:
    - a scope whose subtree holds every region and that has no organization (the
      province): the region test excludes nothing, so nothing is tested;
    - otherwise `enterprise_id IN (the scope's enterprises)` as a subquery, which
      PostgreSQL runs once into a hash the hazards are probed against. Measured at
      6 M hazards it was as fast or faster than a list of ids read first (which
      needs building and parsing thousands of parameters per query), for a
      township, a county and a city alike."""
    hazards = Hazard.objects.all()
    if scope.is_nobody:
        return scope.filter(hazards)
    if scope.organization_id is None and not Region.objects.exclude(code__startswith=scope.region_code).exists():
        return hazards
    at_enterprises = Q(enterprise_id__in=enterprises_in_scope(scope=scope).values("pk"))
    if scope.organization_id is not None:
        return hazards.filter(at_enterprises)
    # Hazards at risk points (enterprise empty) follow the risk point's region.
    return hazards.filter(at_enterprises | Q(enterprise__isnull=True,
                                             risk_point_id__in=risk_point_list(scope=scope).values("pk")))


def hazard_list(*, scope: Scope, region: str = "", state: str = "", level: str = "", source: str = "",
                enterprise: int | None = None, campaign: int | None = None, overdue: bool | None = None,
                light: str = "", q: str = "", today: dt.date | None = None, risk_point: int | None = None):
    today = today or timezone.localdate()
    qs = _visible_hazards(scope).select_related("enterprise", "risk_point", "region")
    if region:
        qs = qs.filter(_in_region("region_id", region))
    for field, value in (("state", state), ("level", level), ("source", source), ("enterprise_id", enterprise),
                         ("campaign_id", campaign), ("risk_point_id", risk_point)):
        if value:
            qs = qs.filter(**{field: value})
    if overdue is not None:
        late = Q(state__in=OPEN_STATES, deadline__lt=today)
        qs = qs.filter(late) if overdue else qs.exclude(late)
    if light:
        qs = qs.filter(_light_q(light, today))
    if q:
        qs = qs.filter(Q(number__contains=q) | Q(description__contains=q) | Q(enterprise__name__contains=q)
                       | Q(risk_point__name__contains=q))
    return qs.order_by("-found_on", "-id")


def _light_q(light: str, today: dt.date) -> Q:
    yellow_from = today + dt.timedelta(days=yellow_days())
    open_ = Q(state__in=OPEN_STATES)
    if light == "red":
        return open_ & Q(deadline__lt=today)
    if light == "yellow":
        return open_ & Q(deadline__gte=today, deadline__lte=yellow_from)
    return ~open_ | Q(deadline__gt=yellow_from)


def hazard_get(*, scope: Scope, id: int) -> Hazard:
    qs = Hazard.objects.select_related("enterprise", "risk_point__kind", "region", "responsible", "officer",
                                       "item", "plan")
    return scope.get(qs.prefetch_related("events__evidence", "evidence", "supervisions"), pk=id)


def evidence_get(*, scope: Scope, id: int) -> Evidence:
    """One piece of evidence, through its hazard's enterprise's region."""
    return scope.get(Evidence.objects.all(), pk=id)


def inspection_list(*, scope: Scope, region: str = "", enterprise: int | None = None, kind: str = "",
                    campaign: int | None = None, start: dt.date | None = None, end: dt.date | None = None,
                    q: str = "", found: bool | None = None):
    """Inspections, newest first, each with `hazard_count`; `found` True keeps those
    that found hazards, False those that found none; `q` matches the enterprise's name."""
    qs = scope.filter(Inspection.objects.select_related("enterprise", "template", "campaign")
                      .prefetch_related("inspectors"))
    if region:
        qs = qs.filter(_in_region("region_id", region))
    for field, value in (("enterprise_id", enterprise), ("kind", kind), ("campaign_id", campaign),
                         ("date__gte", start), ("date__lte", end), ("enterprise__name__contains", q)):
        if value:
            qs = qs.filter(**{field: value})
    qs = qs.annotate(hazard_count=Count("hazards"))
    if found is not None:
        qs = qs.filter(hazard_count__gt=0) if found else qs.filter(hazard_count=0)
    return qs.order_by("-date", "-id")


def inspection_get(*, scope: Scope, id: int) -> Inspection:
    qs = Inspection.objects.select_related("enterprise", "template").prefetch_related(
        "answers__item", "inspectors", "hazards")
    return scope.get(qs, pk=id)


def checklist_list():
    """Checklists are reference data: the same for everyone."""
    return ChecklistTemplate.objects.prefetch_related("items").order_by("code")


def checklist_get(*, id: int) -> ChecklistTemplate:
    """One checklist (reference data: no scope), or NotFound."""
    return SYSTEM.get(ChecklistTemplate.objects.prefetch_related("items"), pk=id)


def checklist_item_get(*, checklist: ChecklistTemplate, id: int):
    return SYSTEM.get(checklist.items.all(), pk=id)


def campaign_list(*, scope: Scope):
    return scope.filter(Campaign.objects.select_related("region", "tag", "template")).order_by("-start", "id")


def campaign_get(*, scope: Scope, id: int) -> Campaign:
    return scope.get(Campaign.objects.select_related("region", "tag", "template"), pk=id)


def campaign_enterprises(campaign: Campaign):
    """The enterprises a campaign covers: its region's subtree, its industry and tag."""
    # Read as the system: a campaign covers its whole region whoever looks at it.
    return enterprises_in_region(scope=SYSTEM, region=campaign.region_id, industry=campaign.industry,
                                 tag_id=campaign.tag_id)


def campaign_coverage(campaign: Campaign) -> dict:
    """Coverage (inspected / total) counts inspections recorded under the campaign
    within its period; hazards found and closed are the campaign's hazards."""
    selected = campaign_enterprises(campaign)
    total = selected.count()
    inspected = (Inspection.objects.filter(campaign=campaign, date__range=(campaign.start, campaign.end),
                                           enterprise__in=selected.values("pk"))
                 .values("enterprise_id").distinct().count())
    hazards = Hazard.objects.filter(campaign=campaign).aggregate(
        found=Count("id"), closed=Count("id", filter=Q(state="closed")),
        major_found=Count("id", filter=Q(level=HazardLevel.MAJOR)),
    )
    return {"total": total, "inspected": inspected, "coverage": inspected / total if total else None, **hazards,
            **campaign_outcome_counts(campaign)}


def campaign_outcome_counts(campaign: Campaign) -> dict:
    """How many enterprises the campaign regulates, upgrades and closes (规范 / 提升 /
    关停 一批), and how many of those plans are done."""
    # One query: the campaign list computes this for every row it shows.
    return CampaignOutcome.objects.filter(campaign=campaign).aggregate(
        **{kind: Count("id", filter=Q(outcome=kind)) for kind in CampaignOutcomeKind.values},
        outcomes_done=Count("id", filter=Q(done_on__isnull=False)))


def campaign_negative_list(campaign: Campaign, *, scope: Scope = SYSTEM) -> list[dict]:
    """The negative list (负面清单) the rules suggest: covered enterprises with an open
    major hazard, or the same checklist item found twice or more within the
    campaign's period; of those `scope` sees. Officers keep their own list beside it
    (`negative_entries`)."""
    selected = campaign_enterprises(campaign)
    open_major = set(Hazard.objects.filter(enterprise__in=selected.values("pk"), level=HazardLevel.MAJOR,
                                           state__in=OPEN_STATES).values_list("enterprise_id", flat=True))
    repeated = set(Hazard.objects.filter(enterprise__in=selected.values("pk"), item__isnull=False,
                                         found_on__range=(campaign.start, campaign.end))
                   .values("enterprise_id", "item_id").annotate(n=Count("id")).filter(n__gte=2)
                   .values_list("enterprise_id", flat=True))
    rows = enterprises_in_scope(scope=scope).filter(pk__in=open_major | repeated).order_by("region_id", "name")
    return [{"enterprise_id": e.pk, "name": e.name, "uscc": e.uscc, "region": e.region_id,
             "open_major": e.pk in open_major, "repeated": e.pk in repeated} for e in rows]


def negative_entries(*, scope: Scope, campaign: Campaign, current: bool | None = None):
    """The enterprises officers put on the campaign's negative list, of those the
    scope sees, newest first; `current` True keeps those still on it, False those
    removed, None both (the history)."""
    qs = scope.filter(NegativeListEntry.objects.filter(campaign=campaign)
                      .select_related("enterprise", "added_by__person", "removed_by__person"))
    if current is not None:
        qs = qs.filter(removed_at__isnull=current)
    return qs.order_by("-added_at", "-id")


def negative_entry_get(*, scope: Scope, campaign: Campaign, id: int) -> NegativeListEntry:
    return scope.get(NegativeListEntry.objects.filter(campaign=campaign).select_related("enterprise", "campaign"),
                     pk=id)


def campaign_outcomes(*, scope: Scope, campaign: Campaign):
    """Each enterprise's outcome in the campaign (一企一策), of those the scope sees."""
    return scope.filter(CampaignOutcome.objects.filter(campaign=campaign)
                        .select_related("enterprise", "set_by__person")).order_by("enterprise__name", "id")


def campaign_outcome_get(*, scope: Scope, campaign: Campaign, id: int) -> CampaignOutcome:
    return scope.get(CampaignOutcome.objects.filter(campaign=campaign).select_related("enterprise", "campaign"),
                     pk=id)


def campaign_enterprise_find(*, scope: Scope, campaign: Campaign, text: str):
    """An enterprise of the campaign's area (its region, whatever the tag or industry)
    in the scope, by its USCC or its name: an exact match first, else the one name
    that contains the text; None when none or several fit."""
    text = (text or "").strip()
    if not text:
        return None
    area = enterprises_in_scope(scope=scope).filter(_in_region("region_id", campaign.region_id))
    for exact in (area.filter(uscc=text.upper()), area.filter(name=text)):
        found = list(exact[:2])
        if len(found) == 1:
            return found[0]
    found = list(area.filter(name__contains=text)[:2])
    return found[0] if len(found) == 1 else None


def report_list(*, scope: Scope, state: str = ""):
    qs = scope.filter(PublicReport.objects.select_related("region"))
    return qs.filter(state=state) if state else qs


def report_get(*, scope: Scope, id: int) -> PublicReport:
    return scope.get(PublicReport.objects.select_related("region"), pk=id)


def open_hazard_figures(*, scope: Scope, today: dt.date | None = None) -> dict:
    """Open hazards in scope (every state but closed), those overdue (the deadline has
    passed: red light), those due within the yellow window, and the major ones open."""
    today = today or timezone.localdate()
    open_ = _visible_hazards(scope).filter(state__in=OPEN_STATES)
    return open_.aggregate(
        open=Count("pk"), overdue=Count("pk", filter=_light_q("red", today)),
        due_soon=Count("pk", filter=_light_q("yellow", today)),
        major=Count("pk", filter=Q(level=HazardLevel.MAJOR)))


def open_hazards_by_deadline(*, scope: Scope, limit: int = 20):
    """Open hazards in scope, nearest deadline first (the enterprise's to-do list)."""
    return (_visible_hazards(scope).filter(state__in=OPEN_STATES).select_related("enterprise", "region")
            .order_by("deadline", "pk")[:limit])
