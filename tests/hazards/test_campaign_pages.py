"""The campaign pages and the triage of public reports: what a Wenling officer sees,
what a Linhai officer does not, and what viewers and enterprise users may not do.

The campaign below is small enough to count by hand: three Wenling enterprises carry
the tag, one is inspected twice with the same "no", one once with all "yes", one not
at all; an untagged Wenling enterprise and a tagged Linhai one are outside it.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from yingji.enterprises.models import Tag
from yingji.hazards import reporting, services
from yingji.hazards.choices import HazardSource, ReportState
from yingji.hazards.models import Hazard, PublicReport

from ..factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 3, 1), dt.date(2026, 4, 30)
SMALL_PARK = "small-park-10-10"
ITEMS = [f"M{n:02d}" for n in range(1, 11)] + [f"N{n:02d}" for n in range(1, 11)]


def _login(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def _answers(*noes: str) -> list[dict]:
    return [{"item": code, "answer": "no" if code in noes else "yes"} for code in ITEMS]


def _rows(page: str, css: str) -> list[str]:
    return re.findall(rf'<tr class="{css}">(.*?)</tr>', page, flags=re.DOTALL)


@pytest.fixture
def campaign_world(wenling_officer, linhai_officer):
    tag = Tag.objects.create(name="锂电池")
    repeated, clean, untouched = (EnterpriseFactory(region_id="331081001", name=f"温岭{w}电池有限公司")
                                  for w in ("甲", "乙", "丙"))
    for e in (repeated, clean, untouched):
        e.tags.add(tag)
    EnterpriseFactory(region_id="331081001", name="温岭丁泵业有限公司")  # no tag: outside
    EnterpriseFactory(region_id="331082001", name="临海戊电池有限公司").tags.add(tag)  # other county
    campaign = services.campaign_create(by=wenling_officer.user, name="锂电池专项整治", region_code="331081",
                                        start=START, end=END, tag="锂电池", template_code=SMALL_PARK)
    for enterprise, day, answers in ((repeated, dt.date(2026, 3, 5), _answers("N10")),
                                     (repeated, dt.date(2026, 3, 20), _answers("N10")),
                                     (clean, dt.date(2026, 3, 10), _answers())):
        services.inspection_create(by=wenling_officer.user, enterprise_id=enterprise.pk, kind="planned", date=day,
                                   template_code=SMALL_PARK, answers=answers, campaign_id=campaign.pk)
    return {"campaign": campaign, "repeated": repeated, "clean": clean, "untouched": untouched}


def test_campaign_page_shows_coverage_negative_list_and_the_enterprise_not_inspected(campaign_world,
                                                                                        wenling_officer):
    w = campaign_world
    page = _login(wenling_officer).get(f"/hazards/campaigns/{w['campaign'].pk}/").content.decode()
    assert re.search(r'data-figure="coverage">\s*2 / 3<', page)  # two of the three tagged inspected
    assert re.search(r'data-figure="found">\s*2<', page)  # N10 twice
    assert re.search(r'data-figure="closed">\s*0<', page)
    negative = _rows(page, "negative-row")
    assert len(negative) == 1 and w["repeated"].name in negative[0] and "重复" in negative[0]
    pending = _rows(page, "pending-row")
    assert len(pending) == 1 and w["untouched"].name in pending[0]
    assert "温岭丁泵业有限公司" not in page and "临海戊电池有限公司" not in page


def test_campaign_list_shows_each_campaign_with_its_coverage(campaign_world, wenling_officer):
    page = _login(wenling_officer).get("/hazards/campaigns/").content.decode()
    assert "锂电池专项整治" in page and "2 / 3" in page


def test_linhai_officer_neither_lists_nor_opens_a_wenling_campaign(campaign_world, linhai_officer):
    client = _login(linhai_officer)
    assert "锂电池专项整治" not in client.get("/hazards/campaigns/").content.decode()
    assert client.get(f"/hazards/campaigns/{campaign_world['campaign'].pk}/").status_code == 404


def test_enterprise_users_get_no_campaign_or_report_pages(campaign_world, enterprise_user):
    client = _login(enterprise_user)
    for url in ("/hazards/campaigns/", f"/hazards/campaigns/{campaign_world['campaign'].pk}/", "/hazards/reports/"):
        assert client.get(url).status_code == 403


def test_pages_need_a_login(campaign_world):
    response = Client().get("/hazards/reports/")
    assert response.status_code == 302 and "/login/" in response["Location"]


# Triage ---------------------------------------------------------------------------------


@pytest.fixture
def deadline(today) -> str:
    """A deadline a triaging officer may set: some weeks after today, whatever today is."""
    return (today + dt.timedelta(days=30)).isoformat()


@pytest.fixture
def reports(regions):
    def make(region, text, n):
        return reporting.report_create(ip=f"192.0.2.{n}", region_code=region, description=text)

    return {"wenling": make("331081001", "温岭：车间里给电动车充电", 1),
            "linhai": make("331082001", "临海：仓库门口有人抽烟", 2)}


def test_officers_see_only_their_own_regions_pending_reports(reports, wenling_officer, linhai_officer):
    wenling_page = _login(wenling_officer).get("/hazards/reports/").content.decode()
    linhai = _login(linhai_officer)
    linhai_page = linhai.get("/hazards/reports/").content.decode()
    assert "温岭：车间里给电动车充电" in wenling_page and "临海：仓库门口有人抽烟" not in wenling_page
    assert "临海：仓库门口有人抽烟" in linhai_page and "温岭：车间里给电动车充电" not in linhai_page
    assert linhai.get(f"/hazards/reports/{reports['wenling'].pk}/").status_code == 404


def test_reject_needs_a_reason_and_then_closes_the_report(reports, wenling_officer):
    client, report = _login(wenling_officer), reports["wenling"]
    url = f"/hazards/reports/{report.pk}/"
    assert client.post(url, {"action": "reject", "reason": " "}).status_code == 400
    report.refresh_from_db()
    assert report.state == ReportState.NEW
    assert client.post(url, {"action": "reject", "reason": "居民住宅，不属于监管范围"}).status_code == 302
    report.refresh_from_db()
    assert (report.state, report.reject_reason) == (ReportState.REJECTED, "居民住宅，不属于监管范围")
    assert "不予受理" in client.get(url).content.decode()


def test_accept_makes_a_hazard_and_a_recorded_fine_shows_the_reward(reports, wenling_officer, wenling_enterprise,
                                                                   deadline):
    client, report = _login(wenling_officer), reports["wenling"]
    url = f"/hazards/reports/{report.pk}/"
    assert wenling_enterprise.name in client.get(url).content.decode()  # offered for acceptance
    response = client.post(url, {"action": "accept", "enterprise_id": wenling_enterprise.pk,
                                 "deadline": deadline, "level": "general", "category": "electrical",
                                 "description": "车间内违规充电"})
    hazard = Hazard.objects.get(report=report)
    assert response.status_code == 302 and response["Location"] == f"/hazards/{hazard.pk}/"
    assert (hazard.source, hazard.enterprise_id, hazard.category) == (HazardSource.PUBLIC_REPORT,
                                                                       wenling_enterprise.pk, "electrical")
    assert client.post(url, {"action": "penalty", "fine": "50000"}).status_code == 302
    page = client.get(url).content.decode()
    # DOMAIN.md: 15 % of the fine within [3,000, 300,000]: 0.15 × 50,000 = 7,500.
    assert PublicReport.objects.get(pk=report.pk).reward == Decimal("7500.00")
    assert re.search(r'data-figure="reward">\s*7500\.00 元', page) and hazard.number in page


def test_a_report_cannot_be_accepted_into_an_enterprise_of_another_county(reports, wenling_officer,
                                                                         linhai_enterprise, deadline):
    response = _login(wenling_officer).post(f"/hazards/reports/{reports['wenling'].pk}/", {
        "action": "accept", "enterprise_id": linhai_enterprise.pk, "deadline": deadline, "level": "general",
        "category": "other"})
    assert response.status_code == 403
    assert PublicReport.objects.get(pk=reports["wenling"].pk).state == ReportState.NEW
    assert not Hazard.objects.exists()


def test_bad_input_gets_a_message_not_a_500(reports, wenling_officer, wenling_enterprise, deadline):
    client, url = _login(wenling_officer), f"/hazards/reports/{reports['wenling'].pk}/"
    for data in ({"action": "accept", "enterprise_id": "x", "deadline": deadline, "level": "general",
                  "category": "other"},
                 {"action": "accept", "enterprise_id": wenling_enterprise.pk, "deadline": "soon", "level": "general",
                  "category": "other"},
                 {"action": "accept", "enterprise_id": wenling_enterprise.pk, "deadline": deadline,
                  "level": "huge", "category": "other"},
                 {"action": "penalty", "fine": "NaN"},
                 {"action": "dance"}):
        assert client.post(url, data).status_code == 400, data
    assert PublicReport.objects.get(pk=reports["wenling"].pk).state == ReportState.NEW


def test_viewers_read_reports_but_every_triage_action_is_refused(reports, wenling_viewer, wenling_enterprise,
                                                                  deadline):
    client, report = _login(wenling_viewer), reports["wenling"]
    url = f"/hazards/reports/{report.pk}/"
    page = client.get(url).content.decode()
    assert report.description in page and 'value="reject"' not in page and 'value="accept"' not in page
    assert client.post(url, {"action": "reject", "reason": "不予受理"}).status_code == 403
    assert client.post(url, {"action": "accept", "enterprise_id": wenling_enterprise.pk, "deadline": deadline,
                             "level": "general", "category": "other"}).status_code == 403
    report.refresh_from_db()
    assert report.state == ReportState.NEW and not Hazard.objects.exists()
