"""The loop through the HTTP API, inspections that find hazards, triage of public
reports, and a campaign's coverage and negative list, all counted by hand."""

import datetime as dt

import pytest

from yingji.enterprises.models import Tag
from yingji.hazards import services
from yingji.hazards.models import Hazard

from ..conftest import WENLING, WENLING_TOWN
from ..factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_create_hazard_returns_the_contract_fields(api_as, wenling_officer, wenling_enterprise, today):
    deadline = (today + dt.timedelta(days=60)).isoformat()  # found today, far from due: green
    r = api_as(wenling_officer).post("/api/hazards", {
        "enterprise_id": wenling_enterprise.pk, "description": "消防通道堵塞", "level": "general",
        "deadline": deadline})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "registered" and body["level"] == "general" and body["light"] == "green"
    assert body["number"].startswith("YH-331081-") and body["deadline"] == deadline
    assert body["timeline"][0]["action"] == "register"


def test_general_loop_by_api_with_a_refused_step(api_as, wenling_officer, enterprise_user, general):
    officer, firm = api_as(wenling_officer), api_as(enterprise_user)
    path = f"/api/hazards/{general.pk}/actions"
    r = firm.post(f"{path}/submit", {"evidence_text": "早交"})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "invalid_transition"
    assert r.json()["error"]["allowed"] == ["fix_on_spot", "start", "escalate"]
    assert firm.post(f"{path}/start", {}).json()["state"] == "rectifying"
    assert firm.post(f"{path}/submit", {"evidence_text": "已整改"}).json()["state"] == "submitted"
    assert firm.post(f"{path}/accept", {}).status_code == 403
    body = officer.post(f"{path}/accept", {}).json()
    assert body["state"] == "closed" and body["actions"] == []
    r = firm.post(f"{path}/submit", {"evidence_text": "再交"})
    assert r.status_code == 409 and r.json()["error"]["message"].startswith("已销号的隐患不能再提交整改")


def test_major_plan_by_api(api_as, wenling_officer, major, today):
    client = api_as(wenling_officer)
    path = f"/api/hazards/{major.pk}/actions"
    client.post(f"{path}/report", {})
    due = (today + dt.timedelta(days=120)).isoformat()
    plan = {"goal": "g", "measures": "m", "funds": "120000.50", "people": "p", "deadline": due,
            "safety_measures": "s", "contingency_plan": "c"}
    body = client.post(f"{path}/plan", {"plan": plan}).json()
    assert body["state"] == "planned" and body["deadline"] == due and body["plan"]["funds"] == "120000.50"


def test_evidence_upload_by_api_is_taken_by_the_submission(api_as, enterprise_user, general, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import MULTIPART_CONTENT

    from yingji.hazards.models import evidence_storage

    settings.MEDIA_ROOT = str(tmp_path)
    evidence_storage.cache_clear()
    client = api_as(enterprise_user)
    client.post(f"/api/hazards/{general.pk}/actions/start", {})
    photo = SimpleUploadedFile("after.jpg", b"\xff\xd8\xff jpeg bytes", content_type="image/jpeg")
    r = client.post(f"/api/hazards/{general.pk}/evidence", {"file": photo, "text": "整改后"},
                    content_type=MULTIPART_CONTENT)
    assert r.status_code == 201, r.content
    assert r.json()["file"].startswith("hazards/")
    body = client.post(f"/api/hazards/{general.pk}/actions/submit", {}).json()
    assert body["state"] == "submitted" and body["pending_evidence"] == []
    assert body["timeline"][-1]["evidence"][0]["text"] == "整改后"
    evidence_storage.cache_clear()


def test_inspection_no_answers_become_prefilled_hazards(api_as, wenling_officer, wenling_enterprise):
    r = api_as(wenling_officer).post("/api/inspections", {
        "enterprise_id": wenling_enterprise.pk, "kind": "planned", "date": "2026-03-02", "template": "mem-order-10",
        "answers": [{"item": "3.1", "answer": "yes"}, {"item": "3.2", "answer": "no", "note": "焊工无证"},
                    {"item": "3.3", "answer": "na"}]})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["inspector_ids"] == [wenling_officer.pk]
    [hazard] = body["hazards"]
    assert hazard["level"] == "major"  # 3.2 is a major hazard by Order No. 10
    assert hazard["deadline"] == "2026-05-01"  # 2026-03-02 + 60 days
    assert hazard["description"].startswith("特种作业人员") and hazard["description"].endswith("焊工无证")


def test_self_inspection_finds_general_hazards_from_the_small_park_list(api_as, enterprise_user, wenling_enterprise):
    r = api_as(enterprise_user).post("/api/inspections", {
        "enterprise_id": wenling_enterprise.pk, "kind": "self", "date": "2026-03-02", "template": "small-park-10-10",
        "answers": [{"item": "N03", "answer": "no"}]})
    assert r.status_code == 201, r.content
    [hazard] = r.json()["hazards"]
    assert (hazard["level"], hazard["source"], hazard["category"]) == ("general", "self_inspection", "fire")
    assert hazard["deadline"] == "2026-03-17"  # + 15 days
    assert api_as(enterprise_user).post("/api/inspections", {
        "enterprise_id": wenling_enterprise.pk, "kind": "planned", "date": "2026-03-02"}).status_code == 403


def test_inspection_with_an_unknown_item_is_refused_and_creates_nothing(api_as, wenling_officer, wenling_enterprise):
    r = api_as(wenling_officer).post("/api/inspections", {
        "enterprise_id": wenling_enterprise.pk, "kind": "planned", "date": "2026-03-02",
        "template": "small-park-10-10", "answers": [{"item": "M01", "answer": "no"}, {"item": "Z9", "answer": "no"}]})
    assert r.status_code == 400 and "answers" in r.json()["error"]["fields"]
    assert Hazard.objects.count() == 0


def test_public_report_triage_and_reward(api_as, wenling_officer, wenling_enterprise, today):
    anonymous, officer = api_as(None), api_as(wenling_officer)
    deadline = (today + dt.timedelta(days=30)).isoformat()
    first = anonymous.post("/api/reports", {"region": WENLING_TOWN, "description": "仓库内设置宿舍", "contact": ""})
    second = anonymous.post("/api/reports", {"region": WENLING, "description": "私拉电线给电动车充电"})
    r = officer.post(f"/api/reports/{first.json()['id']}/reject", {"reason": "查无此事"})
    assert r.json()["state"] == "rejected" and r.json()["reject_reason"] == "查无此事"
    assert officer.post(f"/api/reports/{first.json()['id']}/accept", {
        "enterprise_id": wenling_enterprise.pk, "deadline": deadline}).status_code == 400  # triaged already
    r = officer.post(f"/api/reports/{second.json()['id']}/accept", {
        "enterprise_id": wenling_enterprise.pk, "deadline": deadline})
    assert r.status_code == 201 and r.json()["source"] == "public_report"
    assert r.json()["description"] == "私拉电线给电动车充电"
    r = officer.post(f"/api/reports/{second.json()['id']}/penalty", {"fine": "100000"})
    assert r.json()["reward"] == "15000.00" and r.json()["hazard_id"] is not None


def test_campaign_coverage_and_negative_list_by_hand(api_as, wenling_officer, regions):
    """Five lithium-battery enterprises in Wenling, one without the tag, one of another
    industry: the campaign covers 3; 2 are inspected; one has an open major hazard,
    one the same item found twice."""
    by = wenling_officer.user
    lithium = Tag.objects.create(name="锂电池")
    firms = [EnterpriseFactory(region_id=WENLING_TOWN, industry="machinery") for _ in range(4)]
    for firm in firms[:3]:
        firm.tags.add(lithium)
    other_industry = EnterpriseFactory(region_id=WENLING_TOWN, industry="light")
    other_industry.tags.add(lithium)
    client = api_as(wenling_officer)
    campaign = client.post("/api/campaigns", {
        "name": "锂电池专项整治", "region": WENLING, "industry": "machinery", "tag": "锂电池",
        "template": "small-park-10-10", "start": "2026-03-01", "end": "2026-05-31"}).json()
    for firm, day in ((firms[0], "2026-03-05"), (firms[1], "2026-03-06"), (firms[1], "2026-04-06")):
        services.inspection_create(by=by, enterprise_id=firm.pk, kind="planned", date=dt.date.fromisoformat(day),
                                   template_code="small-park-10-10", campaign_id=campaign["id"],
                                   answers=[{"item": "N09", "answer": "no"}])
    services.hazard_register(by=by, enterprise_id=firms[2].pk, description="重大", level="major",
                             found_on=dt.date(2026, 3, 1), deadline=dt.date(2026, 6, 1))
    # Outside the campaign: an inspection of the other-industry firm does not count.
    services.inspection_create(by=by, enterprise_id=other_industry.pk, kind="planned", date=dt.date(2026, 3, 5),
                               campaign_id=campaign["id"], no_hazard_found=True)
    hazard = Hazard.objects.filter(enterprise=firms[0]).get()
    services.hazard_fix_on_spot(by=by, hazard=hazard, evidence_text="已拆除")
    body = client.get(f"/api/campaigns/{campaign['id']}").json()
    assert body["coverage"] == {"total": 3, "inspected": 2, "coverage": 2 / 3, "found": 3, "closed": 1,
                                "major_found": 0, "regulate": 0, "upgrade": 0, "close": 0, "outcomes_done": 0}
    negative = {row["enterprise_id"]: (row["open_major"], row["repeated"]) for row in body["negative_list"]}
    assert negative == {firms[1].pk: (False, True), firms[2].pk: (True, False)}
