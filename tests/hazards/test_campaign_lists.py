"""A campaign's negative list kept by officers (负面清单, added and removed with a
reason, never deleted) beside the rules' suggestion, and each enterprise's outcome
(规范 / 提升 / 关停 一批, 一企一策): the services, the API, the page and the export.

The world is small enough to count by hand: a Wenling campaign over the tag 锂电池 with
three tagged Wenling enterprises; the first has the same checklist "no" twice (so the
rules suggest it); a tagged Linhai enterprise is another county's. Every date is fixed
in 2026: nothing here compares with today, so the tests mean the same on any day.
"""

import datetime as dt
import re
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from yingji.core.errors import DomainError, Forbidden
from yingji.core.models import AuditRecord
from yingji.core.scope import Scope
from yingji.enterprises.models import Tag
from yingji.hazards import selectors, services
from yingji.hazards.models import CampaignOutcome, NegativeListEntry

from ..conftest import WENLING_TOWN
from ..factories import EnterpriseFactory
from ..web.crawl import parse, untranslated

pytestmark = pytest.mark.django_db

# Access by region for these operations is tested by hand below (a Linhai officer on a
# Wenling campaign; a Wenling officer naming a Linhai enterprise): tests/access/test_isolation.py.
ACCESS_CHECKED = {
    "GET /api/campaigns/{id}/negative-list", "POST /api/campaigns/{id}/negative-list",
    "POST /api/campaigns/{id}/negative-list/{entry_id}/remove", "GET /api/campaigns/{id}/outcomes",
    "POST /api/campaigns/{id}/outcomes", "POST /api/campaigns/{id}/outcomes/{outcome_id}/complete",
}

START, END = dt.date(2026, 3, 1), dt.date(2026, 4, 30)
SMALL_PARK = "small-park-10-10"
ITEMS = [f"M{n:02d}" for n in range(1, 11)] + [f"N{n:02d}" for n in range(1, 11)]


def _login(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def _answers(*noes: str) -> list[dict]:
    return [{"item": code, "answer": "no" if code in noes else "yes"} for code in ITEMS]


@pytest.fixture
def world(wenling_officer, linhai_officer):
    tag = Tag.objects.create(name="锂电池")
    repeated, clean, third = (EnterpriseFactory(region_id=WENLING_TOWN, name=f"温岭{w}电池有限公司")
                              for w in ("甲", "乙", "丙"))
    for e in (repeated, clean, third):
        e.tags.add(tag)
    linhai = EnterpriseFactory(region_id="331082001", name="临海戊电池有限公司")
    linhai.tags.add(tag)
    campaign = services.campaign_create(by=wenling_officer.user, name="锂电池专项整治", region_code="331081",
                                        start=START, end=END, tag="锂电池", template_code=SMALL_PARK)
    for day in (dt.date(2026, 3, 5), dt.date(2026, 3, 20)):
        services.inspection_create(by=wenling_officer.user, enterprise_id=repeated.pk, kind="planned", date=day,
                                   template_code=SMALL_PARK, answers=_answers("N10"), campaign_id=campaign.pk)
    return {"campaign": campaign, "repeated": repeated, "clean": clean, "third": third, "linhai": linhai}


# Services ---------------------------------------------------------------------------


def test_an_officer_keeps_an_enterprise_on_the_list_and_removal_keeps_the_history(world, wenling_officer):
    by, campaign, clean = wenling_officer.user, world["campaign"], world["clean"]
    entry = services.negative_entry_add(by=by, campaign=campaign, enterprise_id=clean.pk, reason="  拒不整改  ")
    assert (entry.reason, entry.added_by, entry.removed_at) == ("拒不整改", by, None)
    assert AuditRecord.objects.filter(action="campaign.negative_add", object_id=str(entry.pk)).exists()

    services.negative_entry_remove(by=by, entry=entry, reason="已整改到位")
    entry.refresh_from_db()
    assert (entry.removed_by, entry.removed_reason) == (by, "已整改到位") and entry.removed_at is not None
    assert AuditRecord.objects.filter(action="campaign.negative_remove", object_id=str(entry.pk)).exists()
    # Listed again later: a second row; the first stays as history.
    services.negative_entry_add(by=by, campaign=campaign, enterprise_id=clean.pk, reason="复查再次发现问题")
    assert NegativeListEntry.objects.filter(campaign=campaign, enterprise=clean).count() == 2
    current = selectors.negative_entries(scope=Scope.for_user(by), campaign=campaign, current=True)
    assert [e.reason for e in current] == ["复查再次发现问题"]


def test_the_list_refuses_a_blank_reason_a_second_listing_and_a_second_removal(world, wenling_officer):
    by, campaign, clean = wenling_officer.user, world["campaign"], world["clean"]
    with pytest.raises(DomainError) as err:
        services.negative_entry_add(by=by, campaign=campaign, enterprise_id=clean.pk, reason="  ")
    assert "reason" in err.value.fields
    entry = services.negative_entry_add(by=by, campaign=campaign, enterprise_id=clean.pk, reason="拒不整改")
    with pytest.raises(DomainError) as err:
        services.negative_entry_add(by=by, campaign=campaign, enterprise_id=clean.pk, reason="又一次")
    assert "enterprise_id" in err.value.fields
    with pytest.raises(DomainError) as err:
        services.negative_entry_remove(by=by, entry=entry, reason="")
    assert "reason" in err.value.fields
    services.negative_entry_remove(by=by, entry=entry, reason="已整改")
    with pytest.raises(DomainError):
        services.negative_entry_remove(by=by, entry=entry, reason="再移一次")
    assert NegativeListEntry.objects.count() == 1


def test_only_officers_of_the_region_write_and_only_for_the_campaigns_area(world, wenling_officer, linhai_officer,
                                                                            wenling_viewer):
    campaign = world["campaign"]
    with pytest.raises(Forbidden):
        services.negative_entry_add(by=wenling_viewer.user, campaign=campaign, enterprise_id=world["clean"].pk,
                                    reason="查看人员不能列入")
    with pytest.raises(Forbidden):
        services.negative_entry_add(by=linhai_officer.user, campaign=campaign, enterprise_id=world["linhai"].pk,
                                    reason="别的县的专项整治")
    with pytest.raises(Forbidden) as err:  # the Wenling officer, a Linhai enterprise
        services.negative_entry_add(by=wenling_officer.user, campaign=campaign, enterprise_id=world["linhai"].pk,
                                    reason="不在辖区")
    assert "enterprise_id" in err.value.fields
    township = services.campaign_create(by=wenling_officer.user, name="城东街道专项", region_code=WENLING_TOWN,
                                        start=START, end=END)
    other_town = EnterpriseFactory(region_id="331081002")
    with pytest.raises(DomainError) as err:
        services.campaign_outcome_set(by=wenling_officer.user, campaign=township, enterprise_id=other_town.pk,
                                      outcome="close", measures="关停", responsible="张三", due_at=END)
    assert "enterprise_id" in err.value.fields
    assert not NegativeListEntry.objects.exists() and not CampaignOutcome.objects.exists()


def test_outcomes_are_one_per_enterprise_counted_in_the_figures_and_completed(world, wenling_officer):
    by, campaign = wenling_officer.user, world["campaign"]
    for enterprise, outcome in ((world["repeated"], "close"), (world["clean"], "regulate"),
                                (world["third"], "regulate")):
        services.campaign_outcome_set(by=by, campaign=campaign, enterprise_id=enterprise.pk, outcome=outcome,
                                      measures="按方案整治", responsible="王五", due_at=dt.date(2026, 6, 30))
    # Changed, not added: the pair is one row.
    row = services.campaign_outcome_set(by=by, campaign=campaign, enterprise_id=world["third"].pk,
                                        outcome="upgrade", measures="更新生产线", responsible="李四",
                                        due_at=dt.date(2026, 7, 31))
    assert CampaignOutcome.objects.filter(campaign=campaign).count() == 3
    services.campaign_outcome_complete(by=by, outcome=row, done_on=dt.date(2026, 7, 1), note="已验收")
    figures = selectors.campaign_coverage(campaign)
    assert {k: figures[k] for k in ("regulate", "upgrade", "close", "outcomes_done")} == {
        "regulate": 1, "upgrade": 1, "close": 1, "outcomes_done": 1}
    actions = list(AuditRecord.objects.filter(action__startswith="campaign.outcome").values_list("action", flat=True))
    assert actions.count("campaign.outcome_set") == 4 and actions.count("campaign.outcome_done") == 1


@pytest.mark.parametrize("changes, field", [({"outcome": "demolish"}, "outcome"),
                                            ({"due_at": dt.date(2026, 2, 1)}, "due_at"),
                                            ({"measures": " "}, "measures"),
                                            ({"responsible": ""}, "responsible")])
def test_an_outcome_with_bad_input_is_refused_by_field(world, wenling_officer, changes, field):
    given = {"outcome": "regulate", "measures": "规范", "responsible": "王五", "due_at": dt.date(2026, 6, 30),
             **changes}
    with pytest.raises(DomainError) as err:
        services.campaign_outcome_set(by=wenling_officer.user, campaign=world["campaign"],
                                      enterprise_id=world["clean"].pk, **given)
    assert field in err.value.fields


# API ----------------------------------------------------------------------------------


def test_api_keeps_the_list_beside_the_suggestion(world, api_as, wenling_officer):
    client, cid = api_as(wenling_officer), world["campaign"].pk
    r = client.post(f"/api/campaigns/{cid}/negative-list", {"enterprise_id": world["repeated"].pk,
                                                            "reason": "同一问题两次检查均未整改"})
    assert r.status_code == 201, r.content
    entry = r.json()
    assert entry["reason"] == "同一问题两次检查均未整改" and entry["added_by"] and entry["removed_at"] is None
    body = client.get(f"/api/campaigns/{cid}/negative-list").json()
    assert [e["enterprise_id"] for e in body["kept"]] == [world["repeated"].pk]
    assert [(s["enterprise_id"], s["repeated"], s["kept"]) for s in body["suggested"]] == [
        (world["repeated"].pk, True, True)]
    r = client.post(f"/api/campaigns/{cid}/negative-list/{entry['id']}/remove", {"reason": "已整改"})
    assert r.status_code == 200 and r.json()["removed_reason"] == "已整改"
    body = client.get(f"/api/campaigns/{cid}/negative-list").json()
    assert body["kept"][0]["removed_by"] and body["suggested"][0]["kept"] is False


def test_api_outcomes_set_list_and_complete(world, api_as, wenling_officer):
    client, cid = api_as(wenling_officer), world["campaign"].pk
    r = client.post(f"/api/campaigns/{cid}/outcomes", {
        "enterprise_id": world["clean"].pk, "outcome": "upgrade", "measures": "更新消防设施",
        "responsible": "王五", "due_at": "2026-06-30"})
    assert r.status_code == 200, r.content
    oid = r.json()["id"]
    r = client.post(f"/api/campaigns/{cid}/outcomes/{oid}/complete", {"done_on": "2026-06-20", "note": "已验收"})
    assert r.status_code == 200 and r.json()["done_on"] == "2026-06-20"
    assert [o["outcome"] for o in client.get(f"/api/campaigns/{cid}/outcomes").json()] == ["upgrade"]
    coverage = client.get(f"/api/campaigns/{cid}").json()["coverage"]
    assert (coverage["upgrade"], coverage["outcomes_done"]) == (1, 1)


def test_api_an_officer_of_another_county_neither_reads_nor_writes(world, api_as, wenling_officer,
                                                                  linhai_officer):
    cid = world["campaign"].pk
    entry = services.negative_entry_add(by=wenling_officer.user, campaign=world["campaign"],
                                        enterprise_id=world["clean"].pk, reason="拒不整改")
    outcome = services.campaign_outcome_set(by=wenling_officer.user, campaign=world["campaign"],
                                            enterprise_id=world["clean"].pk, outcome="regulate", measures="规范",
                                            responsible="王五", due_at=dt.date(2026, 6, 30))
    audited = AuditRecord.objects.count()
    linhai = api_as(linhai_officer)
    assert linhai.get(f"/api/campaigns/{cid}/negative-list").status_code == 404
    assert linhai.get(f"/api/campaigns/{cid}/outcomes").status_code == 404
    assert linhai.post(f"/api/campaigns/{cid}/negative-list", {"enterprise_id": world["linhai"].pk,
                                                               "reason": "x"}).status_code == 404
    assert linhai.post(f"/api/campaigns/{cid}/negative-list/{entry.pk}/remove",
                       {"reason": "x"}).status_code == 404
    assert linhai.post(f"/api/campaigns/{cid}/outcomes", {
        "enterprise_id": world["clean"].pk, "outcome": "close", "measures": "关停", "responsible": "x",
        "due_at": "2026-06-30"}).status_code == 404
    assert linhai.post(f"/api/campaigns/{cid}/outcomes/{outcome.pk}/complete",
                       {"done_on": "2026-06-01"}).status_code == 404
    assert AuditRecord.objects.count() == audited
    outcome.refresh_from_db()
    assert (outcome.outcome, outcome.done_on) == ("regulate", None)
    # The Wenling officer cannot list a Linhai enterprise on a Wenling campaign.
    r = api_as(wenling_officer).post(f"/api/campaigns/{cid}/negative-list",
                                     {"enterprise_id": world["linhai"].pk, "reason": "不在辖区"})
    assert r.status_code == 403 and "enterprise_id" in r.json()["error"]["fields"]
    entry.refresh_from_db()
    assert entry.removed_at is None and NegativeListEntry.objects.count() == 1


@pytest.mark.parametrize("path, data, field", [
    ("negative-list", {"enterprise_id": "abc", "reason": "x"}, "enterprise_id"),
    ("negative-list", {"enterprise_id": 2**63, "reason": "x"}, "enterprise_id"),
    ("negative-list", {"enterprise_id": 1}, "reason"),
    ("negative-list", {"enterprise_id": 1, "reason": "x" * 501}, "reason"),
    ("negative-list", {"enterprise_id": "clean", "reason": "拒不\x07整改"}, "reason"),
    ("outcomes", {"enterprise_id": 1, "outcome": "demolish", "measures": "m", "responsible": "r",
                  "due_at": "2026-06-30"}, "outcome"),
    ("outcomes", {"enterprise_id": 1, "outcome": "close", "measures": "m", "responsible": "r",
                  "due_at": "soon"}, "due_at"),
    ("outcomes", {"enterprise_id": "clean", "outcome": "close", "measures": "关停\x07", "responsible": "r",
                  "due_at": "2026-06-30"}, "measures"),
])
def test_api_bad_input_gets_field_errors_not_a_500(world, api_as, wenling_officer, path, data, field):
    data = {k: world[v].pk if k == "enterprise_id" and v == "clean" else v for k, v in data.items()}
    r = api_as(wenling_officer).post(f"/api/campaigns/{world['campaign'].pk}/{path}", data)
    assert r.status_code in (400, 422), r.content
    assert any(k.split(".")[-1] == field for k in r.json()["error"]["fields"]), r.json()


def test_api_a_blank_removal_reason_or_unknown_entry_is_refused(world, api_as, wenling_officer):
    client, cid = api_as(wenling_officer), world["campaign"].pk
    entry = services.negative_entry_add(by=wenling_officer.user, campaign=world["campaign"],
                                        enterprise_id=world["clean"].pk, reason="拒不整改")
    r = client.post(f"/api/campaigns/{cid}/negative-list/{entry.pk}/remove", {"reason": "   "})
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"]
    assert client.post(f"/api/campaigns/{cid}/negative-list/999999/remove", {"reason": "x"}).status_code == 404
    assert client.post(f"/api/campaigns/{cid}/outcomes/{2**63}/complete",
                       {"done_on": "2026-06-01"}).status_code in (404, 422)


def test_api_enterprise_users_read_no_campaign_lists(world, api_as, enterprise_user):
    client = api_as(enterprise_user)
    assert client.get(f"/api/campaigns/{world['campaign'].pk}/negative-list").status_code in (403, 404)
    assert client.get(f"/api/campaigns/{world['campaign'].pk}/outcomes").status_code in (403, 404)


# Page and export ------------------------------------------------------------------------


def _rows(page: str, css: str) -> list[str]:
    return re.findall(rf'<tr class="{css}">(.*?)</tr>', page, flags=re.DOTALL)


def test_page_adds_by_name_marks_the_suggestion_and_removes_with_a_reason(world, wenling_officer):
    client, url = _login(wenling_officer), f"/hazards/campaigns/{world['campaign'].pk}/"
    page = client.get(url).content.decode()
    [suggested] = _rows(page, "negative-row")
    assert 'value="negative_add"' in suggested and "已列入" not in suggested
    # From the suggestion's button, then by USCC and by name through the form.
    assert client.post(url, {"action": "negative_add", "enterprise_id": world["repeated"].pk,
                             "reason": "同一问题重复发现"}).status_code == 302
    assert client.post(url, {"action": "negative_add", "enterprise": world["clean"].uscc,
                             "reason": "拒绝检查"}).status_code == 302
    assert client.post(url, {"action": "negative_add", "enterprise": "温岭丙电池有限公司",
                             "reason": "无证经营"}).status_code == 302
    page = client.get(url).content.decode()
    assert len(_rows(page, "kept-row")) == 3 and "已列入" in _rows(page, "negative-row")[0]
    assert re.search(r'data-figure="negative">\s*3<', page)
    entry = NegativeListEntry.objects.get(enterprise=world["clean"])
    assert client.post(url, {"action": "negative_remove", "entry": entry.pk, "reason": "已整改到位"}).status_code == 302
    page = client.get(url).content.decode()
    [removed] = _rows(page, "removed-row")
    assert "温岭乙电池有限公司" in removed and "已整改到位" in removed and len(_rows(page, "kept-row")) == 2


def test_page_outcome_form_and_counts(world, wenling_officer):
    client, url = _login(wenling_officer), f"/hazards/campaigns/{world['campaign'].pk}/"
    response = client.post(url, {"action": "outcome_set", "enterprise": "温岭甲电池有限公司", "outcome": "close",
                                 "measures": "关闭生产线", "responsible": "王五", "due_at": "2026-06-30"})
    assert response.status_code == 302
    outcome = CampaignOutcome.objects.get()
    assert client.post(url, {"action": "outcome_done", "outcome": outcome.pk, "done_on": "2026-06-15",
                             "note": "已断电"}).status_code == 302
    page = client.get(url).content.decode()
    assert re.search(r'data-figure="outcome-close">\s*1<', page) and re.search(r'data-figure="outcomes-done">\s*1<',
                                                                                 page)
    [row] = _rows(page, "outcome-row")
    assert "关停一批" in row and "关闭生产线" in row and "2026-06-15" in row


@pytest.mark.parametrize("data", [
    {"action": "negative_add", "enterprise": "没有这家企业", "reason": "x"},
    {"action": "negative_add", "enterprise_id": "x", "reason": "x"},
    {"action": "negative_add", "enterprise": "温岭乙电池有限公司", "reason": " "},
    {"action": "negative_remove", "entry": "abc", "reason": "x"},
    {"action": "outcome_set", "enterprise": "温岭乙电池有限公司", "outcome": "close", "measures": "m",
     "responsible": "r", "due_at": "later"},
    {"action": "outcome_set", "enterprise": "温岭乙电池有限公司", "outcome": "nope", "measures": "m",
     "responsible": "r", "due_at": "2026-06-30"},
    {"action": "dance"},
])
def test_page_bad_input_gets_a_message_not_a_500(world, wenling_officer, data):
    response = _login(wenling_officer).post(f"/hazards/campaigns/{world['campaign'].pk}/", data)
    assert response.status_code == 400, data
    assert 'role="alert"' in response.content.decode()
    assert not NegativeListEntry.objects.exists() and not CampaignOutcome.objects.exists()


def test_page_with_every_part_shown_has_no_untranslated_words(world, wenling_officer):
    by, campaign = wenling_officer.user, world["campaign"]
    gone = services.negative_entry_add(by=by, campaign=campaign, enterprise_id=world["clean"].pk, reason="拒不整改")
    services.negative_entry_remove(by=by, entry=gone, reason="已整改")
    services.negative_entry_add(by=by, campaign=campaign, enterprise_id=world["repeated"].pk, reason="重复发现")
    services.campaign_outcome_set(by=by, campaign=campaign, enterprise_id=world["third"].pk, outcome="upgrade",
                                  measures="更新设备", responsible="王五", due_at=dt.date(2026, 6, 30))
    client = _login(wenling_officer)
    page = client.get(f"/hazards/campaigns/{campaign.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert untranslated(parse(page).texts) == []
    error = client.post(f"/hazards/campaigns/{campaign.pk}/", {"action": "negative_add", "enterprise": "无此企业",
                                                                "reason": "x"}).content.decode()
    assert untranslated(parse(error).texts) == []


def test_page_viewers_see_the_list_but_get_no_forms_and_are_refused(world, wenling_officer, wenling_viewer):
    services.negative_entry_add(by=wenling_officer.user, campaign=world["campaign"],
                                enterprise_id=world["clean"].pk, reason="拒不整改")
    client, url = _login(wenling_viewer), f"/hazards/campaigns/{world['campaign'].pk}/"
    page = client.get(url).content.decode()
    assert "拒不整改" in page and 'value="negative_add"' not in page and 'value="outcome_set"' not in page
    assert client.post(url, {"action": "negative_add", "enterprise_id": world["third"].pk,
                             "reason": "x"}).status_code == 403
    assert NegativeListEntry.objects.count() == 1


def test_page_a_linhai_officer_cannot_post_to_a_wenling_campaign(world, linhai_officer):
    response = _login(linhai_officer).post(f"/hazards/campaigns/{world['campaign'].pk}/", {
        "action": "negative_add", "enterprise_id": world["linhai"].pk, "reason": "x"})
    assert response.status_code == 404 and not NegativeListEntry.objects.exists()


def test_export_has_the_kept_rows_with_who_and_why_and_formulas_as_text(world, wenling_officer):
    by, campaign = wenling_officer.user, world["campaign"]
    services.negative_entry_add(by=by, campaign=campaign, enterprise_id=world["clean"].pk,
                                reason='=HYPERLINK("http://evil.example/","点此")')
    gone = services.negative_entry_add(by=by, campaign=campaign, enterprise_id=world["third"].pk, reason="无证经营")
    services.negative_entry_remove(by=by, entry=gone, reason="+证照已补齐")
    r = _login(wenling_officer).get(f"/hazards/campaigns/{campaign.pk}/", {"format": "xlsx", "table": "negative"})
    assert r.status_code == 200
    sheet = load_workbook(BytesIO(r.content)).active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    by_name = {row["企业"]: row for row in rows}
    assert set(by_name) == {"温岭甲电池有限公司", "温岭乙电池有限公司", "温岭丙电池有限公司"}
    kept = by_name["温岭乙电池有限公司"]
    assert kept["来源"] == "人工列入" and kept["原因"].startswith("=HYPERLINK") and kept["列入人"]
    reason_cell = next(row[header.index("原因")] for row in sheet.iter_rows(min_row=2)
                       if row[0].value == "温岭乙电池有限公司")
    assert reason_cell.data_type == "s"  # text, not a formula
    removed = by_name["温岭丙电池有限公司"]
    assert removed["来源"] == "已移出" and removed["移出原因"] == "+证照已补齐" and removed["移出人"]
    suggested = by_name["温岭甲电池有限公司"]
    assert suggested["来源"] == "规则建议" and "重复" in suggested["原因"] and suggested["列入人"] is None


def test_outcomes_export(world, wenling_officer):
    services.campaign_outcome_set(by=wenling_officer.user, campaign=world["campaign"],
                                  enterprise_id=world["clean"].pk, outcome="regulate", measures="-完善台账",
                                  responsible="王五", due_at=dt.date(2026, 6, 30))
    r = _login(wenling_officer).get(f"/hazards/campaigns/{world['campaign'].pk}/",
                                    {"format": "xlsx", "table": "outcomes"})
    sheet = load_workbook(BytesIO(r.content)).active
    assert [c.value for c in sheet[2]][:5] == ["温岭乙电池有限公司", world["clean"].uscc, WENLING_TOWN, "规范一批",
                                               "-完善台账"]
