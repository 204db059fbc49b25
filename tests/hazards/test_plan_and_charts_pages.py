"""The treatment-plan form on the hazard page, and the charts of the ranking page:
the data they draw equals the figures, counted by hand from the rows."""

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from yingji.core.models import AuditRecord
from yingji.hazards import indexes, services
from yingji.hazards.models import Hazard, TreatmentPlan

from ..factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

# Plans are made for the future: the deadline is counted from the day the test runs.
DUE = timezone.localdate() + dt.timedelta(days=60)
PLAN = {"goal": "消除有限空间作业风险", "measures": "安装强制通风和气体检测", "funds": "86000.50",
        "materials": "通风机 2 台", "people": "安全科 王工", "deadline": DUE.isoformat(),
        "safety_measures": "作业前检测、专人监护", "contingency_plan": "中毒窒息专项应急预案"}


def _login(person):
    client = Client()
    client.force_login(person.user)
    return client


@pytest.fixture
def reported(major, wenling_officer):
    return services.hazard_report(by=wenling_officer.user, hazard=major)


def test_reported_major_hazard_page_offers_the_plan_form(reported, wenling_officer):
    page = _login(wenling_officer).get(f"/hazards/{reported.pk}/").content.decode()
    assert 'id="plan-form"' in page and 'hx-post="/hazards/' in page
    for label in ("治理目标和任务", "治理方法和措施", "经费（元）", "负责机构和人员", "治理时限", "安全措施",
                  "应急预案"):
        assert label in page, label
    assert "请用接口提交" not in page


def test_registered_major_hazard_has_no_plan_form_yet(major, wenling_officer):
    assert 'id="plan-form"' not in _login(wenling_officer).get(f"/hazards/{major.pk}/").content.decode()


def test_plan_submitted_by_htmx_plans_the_hazard(reported, wenling_officer):
    r = _login(wenling_officer).post(f"/hazards/{reported.pk}/", {"action": "plan", **PLAN}, HTTP_HX_REQUEST="true")
    assert r.status_code == 204 and r["HX-Redirect"] == f"/hazards/{reported.pk}/"
    h = Hazard.objects.get(pk=reported.pk)
    assert (h.state, h.deadline) == ("planned", DUE)
    plan = TreatmentPlan.objects.get(hazard=h)
    assert (plan.goal, str(plan.funds), plan.materials) == (PLAN["goal"], "86000.50", "通风机 2 台")
    assert h.events.filter(action="plan", from_state="reported", to_state="planned").exists()
    assert AuditRecord.objects.filter(action="hazard.plan", object_id=str(h.pk)).exists()


def test_plain_form_post_plans_and_redirects(reported, enterprise_user):
    r = _login(enterprise_user).post(f"/hazards/{reported.pk}/", {"action": "plan", **PLAN})
    assert r.status_code == 302
    assert Hazard.objects.get(pk=reported.pk).state == "planned"


def test_incomplete_plan_is_refused_field_by_field_in_the_readers_language(reported, wenling_officer):
    bad = {**PLAN, "goal": "", "funds": "很多", "deadline": "2027-02-30"}
    r = _login(wenling_officer).post(f"/hazards/{reported.pk}/", {"action": "plan", **bad}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    page = r.content.decode()
    section = page[page.index('id="plan-form"'):]
    assert "治理方案填写有误" in section and "The plan has errors" not in section
    for field in ("goal", "funds", "deadline"):
        error = re.search(rf'id="{field}-error">([^<]*)<', section)
        assert error and error.group(1).strip() and " / " not in error.group(1), field  # Chinese only
    assert "这个字段是必填项。" in section and "This field is required." not in section
    assert 'value="消除有限空间作业风险"' not in section  # goal was emptied; the rest is kept
    assert "86000.50" not in section and "安全科 王工" in section
    assert Hazard.objects.get(pk=reported.pk).state == "reported"
    assert not TreatmentPlan.objects.exists()


def test_plan_form_is_refused_to_a_viewer(reported, wenling_viewer):
    client = _login(wenling_viewer)
    assert 'id="plan-form"' not in client.get(f"/hazards/{reported.pk}/").content.decode()
    r = client.post(f"/hazards/{reported.pk}/", {"action": "plan", **PLAN})
    assert r.status_code == 200 and "您的账号只有查看权限" in r.content.decode()
    assert "Your account may only read" not in r.content.decode()  # a Chinese page, no English
    assert Hazard.objects.get(pk=reported.pk).state == "reported"


def _chart_data(page: str) -> dict:
    match = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def test_ranking_page_charts_draw_the_figures(regions, wenling_officer):
    """Two townships of Wenling; hazards found in January (2, one closed in time),
    February (1, closed after the period, so not closed on 31 March) and March (1,
    closed): by hand, Jan 2/1, Feb 1/0, Mar 1/1 found/closed."""
    a, b = EnterpriseFactory(region_id="331081001"), EnterpriseFactory(region_id="331081002")
    d = dt.date
    for n, (firm, found, closed) in enumerate([(a, d(2026, 1, 5), d(2026, 1, 9)), (b, d(2026, 1, 20), None),
                                                (a, d(2026, 2, 3), d(2026, 4, 2)), (b, d(2026, 3, 30), d(2026, 3, 31)),
                                                (a, d(2025, 12, 31), None)]):
        Hazard.objects.create(number=f"C-{n}", enterprise=firm, region_id=firm.region_id, description="t",
                              found_on=found, deadline=found + dt.timedelta(days=10), closed_on=closed,
                              state="closed" if closed else "rectifying")
    page = _login(wenling_officer).get("/hazards/ranking/", {"from": "2026-01-01", "to": "2026-03-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "vendor/echarts-5.6.0/echarts.min.js" in html and 'id="chart-months"' in html
    data = _chart_data(html)
    assert data["months"] == [{"month": "2026-01", "found": 2, "closed": 1},
                              {"month": "2026-02", "found": 1, "closed": 0},
                              {"month": "2026-03", "found": 1, "closed": 1}]
    figures = indexes.figures_by_prefix("331081", 6, d(2026, 1, 1), d(2026, 3, 31))["331081"]
    assert (sum(m["found"] for m in data["months"]), sum(m["closed"] for m in data["months"])) == (
        figures.found, figures.closed) == (4, 2)
    result = indexes.ranking(scope=_scope(wenling_officer), code="331081",
                             start=d(2026, 1, 1), end=d(2026, 3, 31))
    assert data["ranking"] == [{"region": i["region"], "name": i["name"], "index": i["index"]}
                               for i in result["items"]]
    # By hand: each township found 2, closed 1 by 31 March, 1 overdue, no major, its one
    # enterprise not inspected → 100 * (0.4 * 1/2 + 0.2 * 1/2 + 0.2 * 1 + 0.2 * 0) = 50; the
    # townships with nothing score 100; ties go by code.
    assert [(i["region"], i["index"]) for i in data["ranking"][-2:]] == [("331081001", 50.0), ("331081002", 50.0)]
    assert {i["index"] for i in data["ranking"][:-2]} == {100.0}


def _scope(person):
    from yingji.core.scope import Scope

    return Scope.for_user(person.user)


def test_vendored_echarts_is_served_locally():
    """No CDN: intranets have no internet. The file is the release its folder names."""
    from django.contrib.staticfiles import finders

    path = finders.find("vendor/echarts-5.6.0/echarts.min.js")
    assert path and 't.version="5.6.0"' in open(path, encoding="utf-8").read()
    assert finders.find("vendor/echarts-5.6.0/LICENSE") and finders.find("hazards/ranking_charts.js")


def test_list_counts_stop_at_the_limit_and_say_so(register, wenling_enterprise, wenling_officer, monkeypatch):
    from yingji.hazards import api
    from yingji.hazards.views import hazards as views

    for _ in range(3):
        register(wenling_enterprise)
    monkeypatch.setattr(api, "HAZARD_COUNT_LIMIT", 2)
    monkeypatch.setattr(views, "HAZARD_COUNT_LIMIT", 2)
    client = _login(wenling_officer)
    assert "共 2+ 条" in client.get("/hazards/").content.decode()
    monkeypatch.setattr(views, "HAZARD_COUNT_LIMIT", 3)
    assert "共 3 条" in client.get("/hazards/").content.decode()


def test_api_list_count_stops_at_the_limit_and_says_so(register, wenling_enterprise, wenling_officer, api_as,
                                                       monkeypatch):
    from yingji.hazards import api

    for _ in range(3):
        register(wenling_enterprise)
    client = api_as(wenling_officer)
    body = client.get("/api/hazards", {"page_size": 2}).json()
    assert (body["count"], body["count_exact"], len(body["items"])) == (3, True, 2)
    monkeypatch.setattr(api, "HAZARD_COUNT_LIMIT", 2)
    body = client.get("/api/hazards", {"page_size": 2}).json()
    assert (body["count"], body["count_exact"], len(body["items"])) == (2, False, 2)
    # A page past the limit is still served, and the count is at least what it shows.
    body = client.get("/api/hazards", {"page_size": 1, "page": 3}).json()
    assert (body["count"], body["count_exact"], len(body["items"])) == (3, False, 1)


def test_photo_uploaded_on_the_page_goes_with_the_next_submission(general, enterprise_user, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yingji.hazards.models import Evidence, evidence_storage

    settings.MEDIA_ROOT = str(tmp_path)
    evidence_storage.cache_clear()
    client = _login(enterprise_user)
    services.hazard_start(by=enterprise_user.user, hazard=general)
    photo = SimpleUploadedFile("after.jpg", b"\xff\xd8\xff jpeg bytes", content_type="image/jpeg")
    r = client.post(f"/hazards/{general.pk}/", {"action": "upload", "file": photo, "text": "整改后照片"})
    assert r.status_code == 302
    row = Evidence.objects.get()
    assert row.event is None and row.file.read() == b"\xff\xd8\xff jpeg bytes"
    assert "待随下次提交的佐证" in client.get(f"/hazards/{general.pk}/").content.decode()
    r = client.post(f"/hazards/{general.pk}/", {"action": "submit"})  # no text: the photo is the evidence
    assert r.status_code == 302
    row.refresh_from_db()
    assert row.event.action == "submit" and Hazard.objects.get(pk=general.pk).state == "submitted"
    evidence_storage.cache_clear()


def test_empty_upload_is_refused_in_the_readers_language(general, enterprise_user):
    client = _login(enterprise_user)
    r = client.post(f"/hazards/{general.pk}/", {"action": "upload"})
    assert r.status_code == 200 and "请上传文件或填写说明" in r.content.decode()
    assert "Give a file or a text" not in r.content.decode()
    client.cookies["django_language"] = "en"  # the reader chose English
    r = client.post(f"/hazards/{general.pk}/", {"action": "upload"})
    assert r.status_code == 200 and "Give a file or a text" in r.content.decode()
