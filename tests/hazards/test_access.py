"""Who sees and does what in the hazards API.

A Wenling officer never sees or acts on a Linhai hazard, inspection, campaign or
report (404, as for ids that do not exist), cannot register anything for a Linhai
enterprise (403), and sees no Linhai row in any list or figure. An enterprise user
sees only its own enterprise's hazards. The public report form needs no login.
"""

import datetime as dt
import re

import pytest

from yingji.core.models import AuditRecord
from yingji.hazards import reporting, services
from yingji.hazards.models import Campaign, Hazard, Inspection, PublicReport

from ..conftest import LINHAI, LINHAI_TOWN, WENLING_TOWN
from ..factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

ACCESS_CHECKED = {
    "GET /api/hazards", "POST /api/hazards", "GET /api/hazards/{id}", "POST /api/hazards/{id}/actions/{action}",
    "POST /api/hazards/{id}/evidence",
    "GET /api/inspections", "POST /api/inspections", "GET /api/inspections/{id}",
    "GET /api/checklists",
    "GET /api/campaigns", "POST /api/campaigns", "GET /api/campaigns/{id}",
    "POST /api/reports", "GET /api/reports", "POST /api/reports/{id}/reject", "POST /api/reports/{id}/accept",
    "POST /api/reports/{id}/penalty",
    "GET /api/stats/hazards", "GET /api/stats/ranking", "GET /api/stats/ranking/export",
}

FOUND, DEADLINE = dt.date(2026, 3, 1), dt.date(2026, 4, 1)


@pytest.fixture
def linhai(linhai_officer, linhai_enterprise):
    by = linhai_officer.user
    hazard = services.hazard_register(by=by, enterprise_id=linhai_enterprise.pk, description="临海隐患",
                                      deadline=DEADLINE, found_on=FOUND, level="major")
    inspection = services.inspection_create(by=by, enterprise_id=linhai_enterprise.pk, kind="planned", date=FOUND,
                                            no_hazard_found=True)
    campaign = services.campaign_create(by=by, name="临海专项", region_code=LINHAI, start=FOUND, end=DEADLINE)
    report = reporting.report_create(ip="10.0.0.1", region_code=LINHAI_TOWN, description="临海某厂堵塞通道")
    return {"hazard": hazard, "inspection": inspection, "campaign": campaign, "report": report,
            "enterprise": linhai_enterprise}


def test_lists_never_show_linhai(api_as, wenling_officer, linhai):
    client = api_as(wenling_officer)
    for path, params in [("/api/hazards", {}), ("/api/hazards", {"region": LINHAI}), ("/api/hazards", {"q": "临海"}),
                         ("/api/hazards", {"enterprise": linhai["enterprise"].pk}),
                         ("/api/inspections", {"region": LINHAI}), ("/api/campaigns", {}),
                         ("/api/reports", {})]:
        r = client.get(path, params)
        assert r.status_code == 200, (path, r.content)
        assert r.json()["items"] == [], (path, params)


def test_the_control_province_admin_sees_linhai_in_the_same_lists(api_as, province_admin, linhai):
    client = api_as(province_admin)
    for path in ("/api/hazards", "/api/inspections", "/api/campaigns", "/api/reports"):
        assert client.get(path).json()["count"] >= 1, path


def test_linhai_records_are_not_found_for_wenling(api_as, wenling_officer, linhai):
    client = api_as(wenling_officer)
    h, audit_count = linhai["hazard"], AuditRecord.objects.count()
    calls = [
        ("get", f"/api/hazards/{h.pk}", None),
        ("post", f"/api/hazards/{h.pk}/actions/report", {}),
        ("post", f"/api/hazards/{h.pk}/evidence", None),
        ("get", f"/api/inspections/{linhai['inspection'].pk}", None),
        ("get", f"/api/campaigns/{linhai['campaign'].pk}", None),
        ("post", f"/api/reports/{linhai['report'].pk}/reject", {"reason": "不属实"}),
        ("post", f"/api/reports/{linhai['report'].pk}/accept", {"enterprise_id": linhai["enterprise"].pk,
                                                                 "deadline": "2026-04-01"}),
        ("post", f"/api/reports/{linhai['report'].pk}/penalty", {"fine": "10000"}),
        ("get", "/api/stats/hazards", {"region": LINHAI, "from": "2026-01-01", "to": "2026-12-31"}),
        ("get", "/api/stats/ranking", {"region": LINHAI, "from": "2026-01-01", "to": "2026-12-31"}),
        ("get", "/api/stats/ranking/export", {"region": LINHAI, "from": "2026-01-01", "to": "2026-12-31"}),
    ]
    for method, path, body in calls:
        r = getattr(client, method)(path, body) if body is not None else getattr(client, method)(path)
        assert r.status_code == 404, (path, r.content)
        assert r.json()["error"]["code"] == "not_found"
    assert Hazard.objects.get(pk=h.pk).state == "registered"
    assert PublicReport.objects.get(pk=linhai["report"].pk).state == "new"
    assert AuditRecord.objects.count() == audit_count


def test_nothing_can_be_created_for_linhai(api_as, wenling_officer, linhai):
    client = api_as(wenling_officer)
    counts = (Hazard.objects.count(), Inspection.objects.count(), Campaign.objects.count())
    e = linhai["enterprise"].pk
    for path, body in [
        ("/api/hazards", {"enterprise_id": e, "description": "越界", "level": "general", "deadline": "2026-04-01"}),
        ("/api/inspections", {"enterprise_id": e, "kind": "planned", "date": "2026-03-01"}),
        ("/api/campaigns", {"name": "越界", "region": LINHAI, "start": "2026-03-01", "end": "2026-04-01"}),
    ]:
        r = client.post(path, body)
        assert r.status_code == 403, (path, r.content)
    assert (Hazard.objects.count(), Inspection.objects.count(), Campaign.objects.count()) == counts


def test_enterprise_user_sees_only_its_own_hazards(api_as, enterprise_user, wenling_officer, wenling_enterprise):
    mine = services.hazard_register(by=wenling_officer.user, enterprise_id=wenling_enterprise.pk,
                                    description="本企业", deadline=DEADLINE, found_on=FOUND)
    neighbour = EnterpriseFactory(region_id=WENLING_TOWN)
    theirs = services.hazard_register(by=wenling_officer.user, enterprise_id=neighbour.pk, description="邻居",
                                      deadline=DEADLINE, found_on=FOUND)
    client = api_as(enterprise_user)
    assert [h["id"] for h in client.get("/api/hazards").json()["items"]] == [mine.pk]
    assert client.get(f"/api/hazards/{theirs.pk}").status_code == 404
    assert client.post(f"/api/hazards/{theirs.pk}/actions/start", {}).status_code == 404
    assert client.get("/api/reports").status_code == 403
    r = client.get("/api/stats/hazards", {"region": WENLING_TOWN, "from": "2026-01-01", "to": "2026-12-31"})
    assert r.status_code == 403


def test_checklists_are_reference_data_for_every_logged_in_person(api_as, enterprise_user):
    codes = [c["code"] for c in api_as(enterprise_user).get("/api/checklists").json()]
    assert codes == ["mem-order-10", "small-park-10-10"]


def test_anonymous_callers_may_only_report(api_as, regions):
    client = api_as(None)
    assert client.get("/api/hazards").status_code == 401
    assert client.get("/api/checklists").status_code == 401
    r = client.post("/api/reports", {"region": WENLING_TOWN, "description": "某厂在仓库内住人"})
    assert r.status_code == 201 and r.json()["state"] == "new"


def test_linhai_evidence_files_answer_as_missing_ones_for_wenling(wenling_officer, linhai_officer, linhai):
    """The evidence file view (a page, not in the OpenAPI schema): another county's
    file gets the very answer a file that does not exist gets."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    row = services.evidence_add(by=linhai_officer.user, hazard=linhai["hazard"],
                                file=SimpleUploadedFile("linhai.png", b"\x89PNG\r\n\x1a\n"))
    client = Client()
    client.force_login(wenling_officer.user)
    paths = {"foreign": f"/hazards/evidence/{row.pk}/file", "missing": f"/hazards/evidence/{row.pk + 1000}/file"}
    answers = {k: client.get(path) for k, path in paths.items()}
    assert answers["foreign"].status_code == answers["missing"].status_code == 404
    # The pages differ only in their CSRF tokens and in the path asked for (the language form's "next").
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    pages = {k: token.sub(b"", r.content).replace(paths[k].encode(), b"") for k, r in answers.items()}
    assert pages["foreign"] == pages["missing"]
    owner = Client()
    owner.force_login(linhai_officer.user)
    assert owner.get(f"/hazards/evidence/{row.pk}/file").status_code == 200
