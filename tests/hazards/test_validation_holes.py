"""Input that cannot be meant is refused with the field and the reason (issue 15, item 3):
a plan with negative funds or a past deadline, an inspection with nothing answered, a
public report whose contact is no phone or e-mail; and a closed hazard's deadline is
not called "正常" or "逾期"."""

import datetime as dt

import pytest
from django.test import Client

from yingji.core.errors import DomainError
from yingji.hazards import services
from yingji.hazards.models import Hazard, Inspection, PublicReport, TreatmentPlan

from ..conftest import WENLING_TOWN

pytestmark = pytest.mark.django_db


def _plan(today, **changes) -> dict:
    plan = {"goal": "g", "measures": "m", "funds": "1000", "people": "p",
            "deadline": (today + dt.timedelta(days=30)).isoformat(), "safety_measures": "s",
            "contingency_plan": "c"}
    return {**plan, **changes}


def _login(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.mark.parametrize("changes, field", [({"funds": "-5"}, "funds"), ({"deadline": "2020-01-01"}, "deadline")])
def test_a_plan_with_negative_funds_or_a_past_deadline_is_refused_by_api(api_as, wenling_officer, major, today,
                                                                         changes, field):
    client = api_as(wenling_officer)
    path = f"/api/hazards/{major.pk}/actions"
    client.post(f"{path}/report", {})
    r = client.post(f"{path}/plan", {"plan": _plan(today, **changes)})
    assert r.status_code in (400, 422), r.content  # the schema (422) or the model (400)
    fields = r.json()["error"]["fields"]
    [reason] = [v for k, v in fields.items() if k.split(".")[-1] == field]
    assert " / " in reason  # Chinese / English
    assert Hazard.objects.get(pk=major.pk).state == "reported" and not TreatmentPlan.objects.exists()


def test_a_plan_due_today_is_accepted(api_as, wenling_officer, major, today):
    client = api_as(wenling_officer)
    path = f"/api/hazards/{major.pk}/actions"
    client.post(f"{path}/report", {})
    r = client.post(f"{path}/plan", {"plan": _plan(today, deadline=today.isoformat(), funds="0")})
    assert r.status_code == 200 and r.json()["deadline"] == today.isoformat()


def test_the_plan_form_shows_the_negative_funds_next_to_the_field(wenling_officer, major, today):
    services.hazard_report(by=wenling_officer.user, hazard=major)
    r = _login(wenling_officer).post(f"/hazards/{major.pk}/", {"action": "plan", **_plan(today, funds="-5")})
    page = r.content.decode()
    assert r.status_code == 200
    assert 'id="funds-error">经费不能为负数<' in page  # the reader's language only (hazards pages)
    assert Hazard.objects.get(pk=major.pk).state == "reported"


def test_a_closed_hazard_shows_its_closure_not_a_deadline_status(wenling_officer, general):
    officer = wenling_officer.user
    services.hazard_start(by=officer, hazard=general)
    services.hazard_submit(by=officer, hazard=general, evidence_text="已整改")
    closed = services.hazard_accept(by=officer, hazard=general)
    # The deadline (2026-04-01) is long past on any day this test runs: the open hazard
    # would be 逾期, the closed one is neither 逾期 nor 正常.
    page = _login(wenling_officer).get(f"/hazards/{closed.pk}/").content.decode()
    line = page[page.index("<dt>整改期限</dt>"):][:200]
    assert "2026-04-01（已销号" in line and "正常" not in line and "逾期" not in line


def test_an_open_hazard_past_its_deadline_is_overdue(wenling_officer, general):
    page = _login(wenling_officer).get(f"/hazards/{general.pk}/").content.decode()
    assert "2026-04-01（逾期）" in page


def test_an_inspection_with_nothing_answered_is_refused(wenling_officer, wenling_enterprise, today):
    with pytest.raises(DomainError) as err:
        services.inspection_create(by=wenling_officer.user, enterprise_id=wenling_enterprise.pk, kind="planned",
                                   date=today, template_code="small-park-10-10", answers=[])
    assert "answers" in err.value.fields
    assert not Inspection.objects.exists()


def test_an_inspection_without_answers_needs_the_explicit_no_hazard_confirmation(api_as, wenling_officer,
                                                                                 wenling_enterprise, today):
    client = api_as(wenling_officer)
    body = {"enterprise_id": wenling_enterprise.pk, "kind": "planned", "date": today.isoformat()}
    r = client.post("/api/inspections", body)
    assert r.status_code == 400 and "answers" in r.json()["error"]["fields"]
    assert client.post("/api/inspections", {**body, "no_hazard_found": True}).status_code == 201
    assert Inspection.objects.count() == 1


def test_the_inspection_page_refuses_a_checklist_left_blank(wenling_officer, wenling_enterprise, today):
    r = _login(wenling_officer).post("/hazards/inspections/new/", {
        "enterprise": wenling_enterprise.pk, "template": "small-park-10-10", "kind": "planned",
        "date": today.isoformat()})
    assert r.status_code == 200 and "未填写任何检查项" in r.content.decode()
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("contact, ok", [("abc", False), ("1", False), ("13800000000", True),
                                         ("0576-86000000", True), ("someone@example.com", True), ("", True)])
def test_a_public_report_contact_is_a_phone_or_an_email(api_as, regions, contact, ok):
    r = api_as(None).post("/api/reports", {"region": WENLING_TOWN, "description": "厂房内堆放大量易燃物",
                                           "contact": contact}, REMOTE_ADDR=f"10.9.0.{len(contact) + 1}")
    assert (r.status_code == 201) == ok, r.content
    if not ok:
        assert "contact" in r.json()["error"]["fields"]
        assert not PublicReport.objects.exists()


def test_the_inspection_ledger_refuses_an_end_before_the_start(wenling_officer):
    page = _login(wenling_officer).get("/hazards/inspections/", {"start": "2026-03-10", "end": "2026-03-01"})
    assert page.status_code == 200 and "截止日期早于起始日期" in page.content.decode()
