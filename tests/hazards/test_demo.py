"""The hazards demo year: its figures agree with its rows, its numbers and timeline
are consistent, every state of the loop is there, and a second seeding changes
nothing.

The Taizhou demo and the hazards year are seeded once for this module, inside a
transaction rolled back at the end, so no other module sees them. Expected values are
recomputed here from the rows by plain Python (or come from the rules: numbering,
reward), never copied from a run of the seed.
"""

import datetime as dt
import re
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from yingji.core import audit
from yingji.core.models import AuditRecord
from yingji.core.scope import SYSTEM
from yingji.demo.seed import seed_demo
from yingji.enterprises.models import Enterprise
from yingji.hazards import indexes, selectors
from yingji.hazards.choices import HazardLevel, HazardState, ReportState
from yingji.hazards.demo import CAMPAIGN_NAME, seed_hazards_demo
from yingji.hazards.lights import is_overdue
from yingji.hazards.models import (
    Campaign,
    Hazard,
    HazardEvent,
    Inspection,
    InspectionAnswer,
    PublicReport,
    Supervision,
    TreatmentPlan,
)

TODAY = dt.date(2026, 6, 30)  # the demo year then spans two calendar years
YEAR_AGO = TODAY - dt.timedelta(days=365)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
NUMBER = re.compile(r"^YH-(\d{6})-(\d{4})-(\d{6})$")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER), transaction.atomic():
        seed_demo(today=TODAY)
        report = seed_hazards_demo(today=TODAY)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def seeded(demo, db):
    return demo


def _login(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _figures_by_hand(prefix: str) -> dict:
    """The regional figures of indexes.py's docstring, counted row by row in Python."""
    hazards = [h for h in Hazard.objects.all() if h.region_id.startswith(prefix) and YEAR_AGO <= h.found_on <= TODAY]
    closed = {h.pk for h in hazards if h.closed_on is not None and h.closed_on <= TODAY}
    inspections = [i for i in Inspection.objects.all() if i.region_id.startswith(prefix)
                   and YEAR_AGO <= i.date <= TODAY]
    return {
        "found": len(hazards), "closed": len(closed),
        "overdue": sum(1 for h in hazards if h.deadline < TODAY and h.pk not in closed),
        "major_found": sum(1 for h in hazards if h.level == HazardLevel.MAJOR),
        "major_closed": sum(1 for h in hazards if h.level == HazardLevel.MAJOR and h.pk in closed),
        "supervised": sum(1 for h in hazards if h.ever_supervised),
        "inspections": len(inspections), "inspected_enterprises": len({i.enterprise_id for i in inspections}),
        "enterprises": sum(1 for e in Enterprise.objects.all() if e.region_id.startswith(prefix)),
    }


def test_seed_reports_what_it_wrote(seeded):
    assert seeded.created
    assert seeded.counts["hazards"] == Hazard.objects.count() > 0
    assert seeded.counts["inspections"] == Inspection.objects.count() > 0


def test_city_and_county_figures_equal_counts_from_the_rows(seeded):
    city = indexes.region_figures(scope=SYSTEM, code="3310", start=YEAR_AGO, end=TODAY, today=TODAY)
    assert {k: city[k] for k in _figures_by_hand("3310")} == _figures_by_hand("3310")
    ranking = indexes.ranking(scope=SYSTEM, code="3310", start=YEAR_AGO, end=TODAY, today=TODAY)
    assert len(ranking["items"]) >= 9
    for item in ranking["items"]:
        by_hand = _figures_by_hand(item["region"])
        assert {k: item[k] for k in by_hand} == by_hand, item["region"]


def test_every_hazard_is_in_the_year_and_taken_from_a_no_or_a_report(seeded):
    for h in Hazard.objects.select_related("inspection"):
        assert YEAR_AGO <= h.found_on < TODAY
        if h.inspection_id:
            assert h.found_on == h.inspection.date
            assert InspectionAnswer.objects.filter(inspection=h.inspection_id, item=h.item_id, answer="no").exists()
        else:
            assert h.report_id is not None


def test_hazard_numbers_are_unique_and_run_without_gaps_per_county_and_year(seeded):
    serials = defaultdict(list)
    numbers = list(Hazard.objects.values_list("number", "region_id", "found_on"))
    assert len({n for n, _, _ in numbers}) == len(numbers)
    for number, region, found_on in numbers:
        county, year, serial = NUMBER.match(number).groups()
        assert (county, int(year)) == (region[:6], found_on.year)
        serials[(county, year)].append(int(serial))
    assert {y for _, y in serials} == {str(YEAR_AGO.year), str(TODAY.year)}
    for key, got in serials.items():
        assert sorted(got) == list(range(1, len(got) + 1)), key


def test_audit_chain_verifies(seeded):
    result = audit.verify()
    assert result.ok, result.reason
    assert AuditRecord.objects.filter(action="hazard.register").count() == Hazard.objects.count()


def test_every_state_of_the_loop_is_there_with_red_lights_and_most_closed_on_time(seeded):
    hazards = list(Hazard.objects.all())
    assert {h.state for h in hazards} == set(HazardState.values)
    assert any(is_overdue(state=h.state, deadline=h.deadline, today=TODAY) for h in hazards)
    closed = [h for h in hazards if h.state == HazardState.CLOSED]
    on_time = [h for h in closed if h.closed_on <= h.deadline]
    assert len(on_time) > len(closed) / 2
    actions = Counter(HazardEvent.objects.values_list("action", flat=True))
    assert actions["fix_on_spot"] > 0 and actions["return"] > 0
    levels = Counter(h.level for h in hazards)
    assert 0 < levels[HazardLevel.MAJOR] < levels[HazardLevel.GENERAL]


def test_majors_past_planning_have_plans_and_one_is_supervised_by_the_city(seeded):
    planned_or_later = {HazardState.PLANNED, HazardState.RECTIFYING, HazardState.SUBMITTED, HazardState.CLOSED}
    for h in Hazard.objects.filter(level=HazardLevel.MAJOR):
        if h.state in planned_or_later:
            assert TreatmentPlan.objects.filter(hazard=h).exists(), h.number
    listed = Supervision.objects.select_related("hazard", "listed_by").get()
    assert listed.region_id == "3310" and listed.listed_by.username == "demo-taizhou"
    assert listed.hazard.supervised and listed.hazard.is_open and listed.hazard.region_id.startswith("331081")


def test_the_timeline_is_in_the_past_and_agrees_with_closure_days(seeded):
    start_of_today = timezone.make_aware(dt.datetime.combine(TODAY, dt.time()))
    assert not HazardEvent.objects.filter(at__gte=start_of_today).exists()
    closing = {e.hazard_id: e.at for e in HazardEvent.objects.filter(to_state=HazardState.CLOSED)}
    for h in Hazard.objects.filter(state=HazardState.CLOSED):
        assert h.closed_on == timezone.localtime(closing[h.pk]).date() >= h.found_on, h.number
    firsts = {}
    for hazard_id, action in HazardEvent.objects.order_by("at", "id").values_list("hazard_id", "action"):
        firsts.setdefault(hazard_id, action)
    assert set(firsts.values()) == {"register"}


def test_the_lithium_campaign_in_wenling_counts_its_tagged_enterprises(seeded):
    campaign = Campaign.objects.get(name=CAMPAIGN_NAME)
    assert campaign.region_id == "331081" and campaign.tag.name == "锂电池"
    tagged = set(Enterprise.objects.filter(region__code__startswith="331081", tags__name="锂电池")
                 .values_list("pk", flat=True))
    inspected = set(Inspection.objects.filter(campaign=campaign, date__range=(campaign.start, campaign.end))
                    .values_list("enterprise_id", flat=True))
    figures = selectors.campaign_coverage(campaign)
    assert (figures["total"], figures["inspected"]) == (len(tagged), len(inspected & tagged))
    assert 0 < figures["inspected"] < figures["total"]
    repeated = Counter((h.enterprise_id, h.item_id) for h in Hazard.objects.filter(
        enterprise__in=tagged, found_on__range=(campaign.start, campaign.end), item__isnull=False))
    expected = {e for (e, _), n in repeated.items() if n >= 2}
    assert expected and expected <= {row["enterprise_id"] for row in selectors.campaign_negative_list(campaign)}
    # The officer keeps the repeat offender on the list, with an outcome (一企一策).
    kept = {e.enterprise_id for e in selectors.negative_entries(scope=SYSTEM, campaign=campaign, current=True)}
    assert kept and kept <= expected
    assert selectors.campaign_coverage(campaign)["upgrade"] == len(kept)


def test_public_reports_one_rejected_one_fined_with_its_reward_and_some_pending(seeded):
    states = Counter(PublicReport.objects.values_list("state", flat=True))
    assert states[ReportState.REJECTED] >= 1 and states[ReportState.NEW] >= 2
    fined = PublicReport.objects.get(fine__isnull=False)
    # DOMAIN.md: 15 % of the fine, at least 3,000, at most 300,000.
    assert fined.reward == min(max(fined.fine * Decimal("0.15"), Decimal(3000)), Decimal(300000))
    assert fined.state == ReportState.ACCEPTED and Hazard.objects.filter(report=fined).exists()
    assert PublicReport.objects.filter(state=ReportState.REJECTED).exclude(reject_reason="").exists()


def test_a_second_seeding_changes_nothing(seeded):
    models = (Hazard, HazardEvent, Inspection, InspectionAnswer, PublicReport, Campaign, AuditRecord)
    before = {m: m.objects.count() for m in models}
    again = seed_hazards_demo(today=TODAY)
    assert not again.created
    assert {m: m.objects.count() for m in models} == before


def test_wenling_officer_sees_the_campaign_and_the_reports_linhai_officer_does_not(seeded):
    campaign = Campaign.objects.get(name=CAMPAIGN_NAME)
    wenling, linhai = _login("demo-wenling"), _login("demo-linhai")
    page = wenling.get(f"/hazards/campaigns/{campaign.pk}/")
    assert page.status_code == 200 and CAMPAIGN_NAME in page.content.decode()
    assert linhai.get(f"/hazards/campaigns/{campaign.pk}/").status_code == 404
    wenling_reports = PublicReport.objects.filter(region__code__startswith="331081")
    listing = wenling.get("/hazards/reports/", {"state": "all"}).content.decode()
    linhai_listing = linhai.get("/hazards/reports/", {"state": "all"}).content.decode()
    for report in wenling_reports:
        assert report.description[:20] in listing and report.description[:20] not in linhai_listing
        assert linhai.get(f"/hazards/reports/{report.pk}/").status_code == 404
