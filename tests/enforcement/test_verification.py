"""Cases from hazards (linked, party defaulting to the hazard's enterprise), verification
enforcement (验证式执法) of major hazards reported rectified, and the order to rectify
within a deadline (责令限期整改指令书): API, pages, tick, region scope, bad input."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from yingji.core.models import AuditRecord
from yingji.enforcement import verification
from yingji.enforcement.models import Case, Verification
from yingji.enforcement.timers import notify_verifications_due
from yingji.hazards import services as hazards
from yingji.messaging.models import Message

from ..access.isolation import IsolationCases
from ..pdftext import drawn_text

pytestmark = pytest.mark.django_db


def register(officer, enterprise, level="major", deadline=dt.date(2026, 4, 1)):
    return hazards.hazard_register(by=officer.user, enterprise_id=enterprise.pk, level=level,
                                   description="有限空间作业未审批", location="污水池", deadline=deadline,
                                   found_on=dt.date(2026, 3, 1))


@pytest.fixture
def submitted(wenling_officer, wenling_enterprise, enterprise_user):
    """A major hazard the enterprise reported, planned, rectified and submitted (已提交验收)."""
    firm = enterprise_user.user
    hazard = register(wenling_officer, wenling_enterprise)
    hazards.hazard_report(by=firm, hazard=hazard)
    hazards.hazard_plan(by=firm, hazard=hazard, plan={
        "goal": "消除有限空间作业风险", "measures": "建立审批制度", "funds": "50000", "people": "安全部",
        "deadline": timezone.localdate() + dt.timedelta(days=90), "safety_measures": "停止作业",
        "contingency_plan": "有限空间救援预案"})
    hazards.hazard_start(by=firm, hazard=hazard)
    return hazards.hazard_submit(by=firm, hazard=hazard, evidence_text="制度已建立")


def soon(hours=2) -> str:
    return (timezone.now() + dt.timedelta(hours=hours)).isoformat()


def schedule(api_as, officer, hazard, **body):
    return api_as(officer).post("/api/verifications", {"hazard_id": hazard.pk, "due_at": soon()} | body)


def form(api_as, officer, row_id, data):
    """The result as a form (multipart): the result, the findings and an optional file."""
    client = api_as(officer)
    return Client.post(client, f"/api/verifications/{row_id}/result", data,
                       headers={"Authorization": f"Bearer {client.token}"})


# Cases from hazards --------------------------------------------------------------------

def test_a_case_from_a_hazard_is_linked_and_its_party_is_the_hazards_enterprise(api_as, wenling_officer,
                                                                                wenling_enterprise):
    hazard = register(wenling_officer, wenling_enterprise)
    r = api_as(wenling_officer).post("/api/cases", {"source_kind": "hazard", "source_id": hazard.pk,
                                                    "summary": "重大事故隐患逾期未整改"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["source_kind"], body["source_id"], body["hazard_id"]) == ("hazard", hazard.pk, hazard.pk)
    assert (body["party_uscc"], body["party_name"]) == (wenling_enterprise.uscc, wenling_enterprise.name)
    assert Case.objects.get(pk=body["id"]).hazard_id == hazard.pk


@pytest.mark.parametrize("where", ["linhai", "missing"])
def test_a_case_naming_a_hazard_outside_the_scope_is_a_field_error(api_as, wenling_officer, linhai_officer,
                                                                   linhai_enterprise, where):
    hazard_id = register(linhai_officer, linhai_enterprise).pk if where == "linhai" else 987654
    r = api_as(wenling_officer).post("/api/cases", {"source_kind": "hazard", "source_id": hazard_id,
                                                    "summary": "越界"})
    assert r.status_code == 400, r.content
    error = r.json()["error"]
    assert "source_id" in error["fields"] and "隐患" in error["message"] and "hazard" in error["message"]
    assert not Case.objects.exists()


def test_a_case_without_a_hazard_or_a_party_is_a_field_error(api_as, wenling_officer):
    r = api_as(wenling_officer).post("/api/cases", {"source_kind": "inspection", "summary": "检查发现"})
    assert r.status_code == 400 and "party_uscc" in r.json()["error"]["fields"]


def test_the_case_page_links_the_hazard_and_the_hazard_page_lists_the_case(api_as, wenling_officer,
                                                                           wenling_enterprise):
    hazard = register(wenling_officer, wenling_enterprise)
    case_id = api_as(wenling_officer).post("/api/cases", {"source_kind": "hazard", "source_id": hazard.pk,
                                                          "summary": "拒不整改"}).json()["id"]
    client = Client()
    client.force_login(wenling_officer.user)
    page = client.get(f"/cases/{case_id}/").content.decode()
    assert f'href="/hazards/{hazard.pk}/"' in page and hazard.number in page
    page = client.get(f"/hazards/{hazard.pk}/").content.decode()
    assert f'href="/cases/{case_id}/"' in page and Case.objects.get(pk=case_id).number in page


# Verification checks -----------------------------------------------------------------

def test_a_failed_check_opens_a_case_from_the_hazard_with_its_evidence(api_as, wenling_officer, submitted):
    r = schedule(api_as, wenling_officer, submitted, note="复查审批制度")
    assert r.status_code == 201, r.content
    row_id = r.json()["id"]
    assert (r.json()["result"], r.json()["hazard_number"]) == ("pending", submitted.number)
    r = form(api_as, wenling_officer, row_id, {"result": "failed", "findings": "现场仍未执行审批",
                                               "file": _upload(b"photo of the open manhole")})
    assert r.status_code == 200, r.content
    body = r.json()
    case = Case.objects.get(pk=body["case_id"])
    assert body["result"] == "failed" and body["case_number"] == case.number
    assert (case.source_kind, case.source_id, case.hazard_id) == ("hazard", submitted.pk, submitted.pk)
    assert case.enterprise_id == submitted.enterprise_id and "现场仍未执行审批" in case.summary
    import hashlib
    digest = hashlib.sha256(b"photo of the open manhole").hexdigest()
    assert body["evidence_sha256"] == digest and case.evidence.get().sha256 == digest
    row = Verification.objects.get(pk=row_id)
    audited = AuditRecord.objects.filter(action="verification.record", object_id=str(row_id)).get()
    assert audited.after["case_id"] == case.pk and audited.before["result"] == "pending"
    assert AuditRecord.objects.filter(action="case.open", object_id=str(case.pk)).count() == 1
    assert row.case_id == case.pk


def test_a_passed_check_opens_no_case_and_a_second_result_is_a_conflict(api_as, wenling_officer, submitted):
    row_id = schedule(api_as, wenling_officer, submitted).json()["id"]
    r = form(api_as, wenling_officer, row_id, {"result": "passed", "findings": "审批制度已执行"})
    assert r.status_code == 200 and r.json()["case_id"] is None and not Case.objects.exists()
    for result in ("passed", "failed"):
        again = form(api_as, wenling_officer, row_id, {"result": result, "findings": "再记一次"})
        assert again.status_code == 409 and "result" in again.json()["error"]["fields"]
    assert Verification.objects.get(pk=row_id).findings == "审批制度已执行" and not Case.objects.exists()


@pytest.mark.parametrize(("data", "field"), [({}, "result"), ({"result": "maybe"}, "result"),
                                             ({"result": "failed"}, "findings"),
                                             ({"result": "failed", "findings": "   "}, "findings")])
def test_a_result_without_what_it_needs_is_a_field_error(api_as, wenling_officer, submitted, data, field):
    row_id = schedule(api_as, wenling_officer, submitted).json()["id"]
    r = form(api_as, wenling_officer, row_id, data)
    assert r.status_code == 400, r.content
    assert field in r.json()["error"]["fields"] and " / " in r.json()["error"]["message"]
    assert Verification.objects.get(pk=row_id).result == "pending" and not Case.objects.exists()


def test_a_check_due_in_the_past_or_of_a_bad_date_is_refused(api_as, wenling_officer, submitted):
    past = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    r = schedule(api_as, wenling_officer, submitted, due_at=past)
    assert r.status_code == 400 and "due_at" in r.json()["error"]["fields"]
    far = (timezone.now() + dt.timedelta(days=367)).isoformat()
    r = schedule(api_as, wenling_officer, submitted, due_at=far)
    assert r.status_code == 400 and "due_at" in r.json()["error"]["fields"]
    for odd in ("0001-01-01T00:00:00", "9999-12-31T23:59:59+14:00"):
        r = schedule(api_as, wenling_officer, submitted, due_at=odd)
        assert r.status_code == 400 and "due_at" in r.json()["error"]["fields"], odd
    assert schedule(api_as, wenling_officer, submitted, due_at="tomorrow").status_code in (400, 422)
    assert not Verification.objects.exists()


def test_only_a_major_hazard_reported_rectified_is_checked(api_as, wenling_officer, wenling_enterprise):
    general = register(wenling_officer, wenling_enterprise, level="general")
    major = register(wenling_officer, wenling_enterprise)  # registered, not yet rectified
    for hazard in (general, major):
        r = schedule(api_as, wenling_officer, hazard)
        assert r.status_code == 409 and "hazard_id" in r.json()["error"]["fields"]
    assert not Verification.objects.exists()


def test_the_due_check_is_texted_to_its_officer_once(api_as, wenling_officer, submitted):
    wenling_officer.mobile = "13800000001"
    wenling_officer.save()
    row_id = schedule(api_as, wenling_officer, submitted, due_at=soon(hours=3)).json()["id"]
    assert notify_verifications_due(now=timezone.now() + dt.timedelta(hours=2)) == []  # not yet due
    later = timezone.now() + dt.timedelta(hours=4)
    assert notify_verifications_due(now=later) == [row_id]
    assert notify_verifications_due(now=later) == []
    sent = Message.objects.get(idempotency_key=f"verification-due:{row_id}")
    assert submitted.number in sent.text
    assert AuditRecord.objects.filter(action="verification.due", object_id=str(row_id)).count() == 1


def test_another_county_and_the_enterprise_are_kept_out(api_as, wenling_officer, linhai_officer, taizhou_officer,
                                                        enterprise_user, submitted):
    row_id = schedule(api_as, wenling_officer, submitted).json()["id"]
    linhai = api_as(linhai_officer)
    assert schedule(api_as, linhai_officer, submitted).status_code == 404
    assert linhai.get(f"/api/verifications/{row_id}").status_code == 404
    assert form(api_as, linhai_officer, row_id, {"result": "failed", "findings": "越界"}).status_code == 404
    assert linhai.get("/api/verifications").json()["items"] == []
    assert schedule(api_as, enterprise_user, submitted).status_code == 403
    assert form(api_as, enterprise_user, row_id, {"result": "passed"}).status_code == 403
    assert Verification.objects.count() == 1 and Verification.objects.get().result == "pending"
    # The city above the county may.
    assert [v["id"] for v in api_as(taizhou_officer).get("/api/verifications").json()["items"]] == [row_id]
    assert form(api_as, taizhou_officer, row_id, {"result": "passed"}).status_code == 200
    page = Client()
    page.force_login(linhai_officer.user)
    assert page.get(f"/cases/verifications/?hazard={submitted.pk}").status_code == 404
    assert page.post("/cases/verifications/", {"action": "result", "verification": row_id,
                                               f"v{row_id}-result": "failed"}).status_code == 404


def test_an_officer_schedules_and_records_from_the_pages(wenling_officer, submitted):
    client = Client()
    client.force_login(wenling_officer.user)
    page = client.get(f"/hazards/{submitted.pk}/").content.decode()
    assert f"/cases/verifications/?hazard={submitted.pk}" in page
    due = timezone.localtime() + dt.timedelta(days=1)
    r = client.post(f"/cases/verifications/?hazard={submitted.pk}", {
        "action": "schedule", "hazard_id": submitted.pk, "due_at": due.strftime("%Y-%m-%dT%H:%M"), "note": "复查"})
    assert r.status_code == 302, r.content.decode()[-2000:]
    row = Verification.objects.get()
    past = timezone.localtime() - dt.timedelta(days=1)
    r = client.post("/cases/verifications/", {"action": "schedule", "hazard_id": submitted.pk,
                                              "due_at": past.strftime("%Y-%m-%dT%H:%M")})
    assert r.status_code == 200 and "核查时间须晚于现在" in r.content.decode()
    r = client.post("/cases/verifications/", {"action": "result", "verification": row.pk,
                                              f"v{row.pk}-result": "failed", f"v{row.pk}-findings": ""})
    assert r.status_code == 200 and "核查未通过时请填写核查情况" in r.content.decode()
    r = client.post("/cases/verifications/", {"action": "result", "verification": row.pk,
                                              f"v{row.pk}-result": "failed", f"v{row.pk}-findings": "<b>未整改</b>"})
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.pk}/"
    page = client.get(f"/hazards/{submitted.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/"' in page and "&lt;b&gt;未整改&lt;/b&gt;" in page
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "验证式执法核查" in page and f'href="/hazards/{submitted.pk}/"' in page
    listing = client.get("/cases/verifications/").content.decode()
    assert case.number in listing and "<b>未整改" not in listing


def test_the_enterprise_sees_the_hazards_checks_without_the_forms(enterprise_user, api_as, wenling_officer,
                                                                 submitted):
    schedule(api_as, wenling_officer, submitted)
    client = Client()
    client.force_login(enterprise_user.user)
    page = client.get(f"/hazards/{submitted.pk}/").content.decode()
    assert "验证式执法核查" in page and "/cases/verifications/?hazard=" not in page
    assert "rectification.pdf" not in page


class TestVerificationIsolation(IsolationCases):
    lists = {"GET /api/verifications": [{}, {"result": "pending"}]}
    objects = {
        "GET /api/verifications/{id}": ("verification", None),
        "POST /api/verifications/{id}/result": ("verification", {"result": "failed", "findings": "越界"}),
    }
    # Scheduling names a hazard: another county's answers 404 like a missing one
    # (test_another_county_and_the_enterprise_are_kept_out), not the 403 of `creates`.
    elsewhere = {"POST /api/verifications"}

    @pytest.fixture
    def foreign(self, linhai_officer, linhai_enterprise):
        hazard = register(linhai_officer, linhai_enterprise)
        # Written directly: the loop up to "submitted" is the enterprise's, tested above for Wenling.
        return {"verification": Verification.objects.create(
            hazard=hazard, region_id=linhai_enterprise.region_id, enterprise=linhai_enterprise,
            due_at=timezone.now() + dt.timedelta(days=1), scheduled_by=linhai_officer.user)}

    @pytest.fixture
    def home(self, wenling_officer):
        return {"officer": wenling_officer}


# The order to rectify within a deadline ----------------------------------------------

def test_the_rectification_order_from_a_case_and_from_a_hazard(api_as, wenling_officer, wenling_enterprise):
    hazard = register(wenling_officer, wenling_enterprise, deadline=dt.date(2026, 5, 20))
    case_id = api_as(wenling_officer).post("/api/cases", {"source_kind": "hazard", "source_id": hazard.pk,
                                                          "summary": "拒不执行整改指令"}).json()["id"]
    client = Client()
    client.force_login(wenling_officer.user)
    r = client.get(f"/cases/{case_id}/rectification.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment;")
    text = drawn_text(r.content).replace("\n", "")
    assert "责令限期整改指令书" in text and wenling_enterprise.name in text and "拒不执行整改指令" in text
    assert "2026年5月20日" in text and "第六十五条" in text and hazard.number in text and "温岭市应急管理局" in text
    named = drawn_text(client.get(f"/cases/{case_id}/rectification.pdf?deadline=2026-06-30").content)
    assert "2026年6月30日" in named.replace("\n", "")
    r = client.get(f"/cases/hazard/{hazard.pk}/rectification.pdf")
    text = drawn_text(r.content).replace("\n", "")
    assert r.status_code == 200 and "有限空间作业未审批" in text and "2026年5月20日" in text
    assert "2026-05-20" in text


def test_another_countys_hazard_order_is_not_found(wenling_officer, linhai_officer, linhai_enterprise):
    hazard = register(linhai_officer, linhai_enterprise)
    client = Client()
    client.force_login(wenling_officer.user)
    assert client.get(f"/cases/hazard/{hazard.pk}/rectification.pdf").status_code == 404


def test_of_hazard_reads_only_within_the_scope(wenling_officer, linhai_officer, submitted, api_as):
    from yingji.core.scope import Scope

    schedule(api_as, wenling_officer, submitted)
    assert len(verification.of_hazard(scope=Scope.for_user(wenling_officer.user),
                                      hazard_id=submitted.pk)["verifications"]) == 1
    assert verification.of_hazard(scope=Scope.for_user(linhai_officer.user), hazard_id=submitted.pk) == {
        "cases": [], "verifications": []}


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg")
