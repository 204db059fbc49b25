"""Organizations, the audit log and the new-enterprise form: scoped lists, create
and edit through the services (field errors shown, nothing saved), audited, 403s."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from yingji.core import audit
from yingji.core.choices import OrganizationKind
from yingji.core.models import AuditRecord, Organization
from yingji.enterprises.models import Enterprise

from ..conftest import LINHAI, LINHAI_TOWN, WENLING, WENLING_TOWN
from ..factories import OrganizationFactory, valid_uscc

pytestmark = pytest.mark.django_db


def _client(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.fixture
def wenling(wenling_officer):
    return _client(wenling_officer)


@pytest.fixture
def orgs(regions):
    return {"wenling": OrganizationFactory(name="温岭市某局", region_id=WENLING),
            "linhai": OrganizationFactory(name="临海市某局", region_id=LINHAI)}


# Organizations ------------------------------------------------------------------

def test_organization_list_is_scoped(wenling, orgs):
    html = wenling.get("/organizations/").content.decode()
    assert "温岭市某局" in html and "临海市某局" not in html
    assert wenling.get(f"/organizations/{orgs['linhai'].id}/").status_code == 404
    assert wenling.get(f"/organizations/{orgs['linhai'].id}/edit/").status_code == 404
    assert wenling.get(f"/organizations/{orgs['wenling'].id}/").status_code == 200


def _org(**overrides):
    return {"name": "温岭市救援队", "kind": OrganizationKind.RESCUE_TEAM, "region": WENLING_TOWN, "parent": "",
            "phone": "0576-1234567", **overrides}


def test_create_organization_saves_and_audits(wenling):
    response = wenling.post("/organizations/new/", _org())
    org = Organization.objects.get(name="温岭市救援队")
    assert response.status_code == 302 and response["Location"] == f"/organizations/{org.id}/"
    assert AuditRecord.objects.filter(object_type="core.organization", object_id=str(org.id),
                                      action="create", actor_name="t-wenling").exists()


@pytest.mark.parametrize("field, value", [("name", ""), ("kind", "castle"), ("region", LINHAI)])
def test_create_organization_with_bad_input_saves_nothing(wenling, orgs, field, value):
    before = (Organization.objects.count(), AuditRecord.objects.count())
    response = wenling.post("/organizations/new/", _org(**{field: value}))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert (Organization.objects.count(), AuditRecord.objects.count()) == before


def test_a_linhai_parent_cannot_be_chosen(wenling, orgs):
    response = wenling.post("/organizations/new/", _org(parent=str(orgs["linhai"].id)))
    assert response.status_code == 200 and "parent" in response.context["form"].errors
    assert not Organization.objects.filter(name="温岭市救援队").exists()


def test_edit_organization_is_audited(wenling, orgs):
    org = orgs["wenling"]
    response = wenling.post(f"/organizations/{org.id}/edit/", _org(name="温岭市应急管理局", kind="bureau",
                                                                    region=WENLING))
    assert response.status_code == 302
    record = AuditRecord.objects.filter(object_type="core.organization", object_id=str(org.id)).last()
    assert (record.action, record.before["name"], record.after["name"]) == ("update", "温岭市某局", "温岭市应急管理局")


def test_viewer_cannot_create_organizations(wenling_viewer, orgs):
    viewer = _client(wenling_viewer)
    assert viewer.get("/organizations/").status_code == 200
    assert viewer.get("/organizations/new/").status_code == 403
    assert viewer.post("/organizations/new/", _org()).status_code == 403
    assert viewer.get(f"/organizations/{orgs['wenling'].id}/edit/").status_code == 403
    assert not Organization.objects.filter(name="温岭市救援队").exists()


# The audit log -----------------------------------------------------------------------

@pytest.fixture
def records(orgs, wenling_officer, linhai_officer):
    audit.record(actor=wenling_officer.user, action="update", obj=orgs["wenling"], region_code=WENLING)
    audit.record(actor=linhai_officer.user, action="update", obj=orgs["linhai"], region_code=LINHAI)


def test_audit_log_is_scoped_like_the_api(wenling, records, api_as, wenling_officer):
    rows = list(wenling.get("/audit/").context["page"].object_list)
    assert rows and all(r.region_code.startswith(WENLING) for r in rows)
    api_seqs = [r["seq"] for r in api_as(wenling_officer).get("/api/audit", {"limit": 100}).json()["items"]]
    assert [r.seq for r in rows] == api_seqs


def test_audit_log_filters_by_type_actor_and_dates(wenling, records, today):
    page = wenling.get("/audit/", {"object_type": "core.organization", "actor": "t-wenling"}).context["page"]
    assert [(r.object_type, r.actor_name) for r in page] == [("core.organization", "t-wenling")]
    assert not wenling.get("/audit/", {"actor": "t-linhai"}).context["page"].object_list
    tomorrow = today + dt.timedelta(days=1)
    assert not wenling.get("/audit/", {"since": tomorrow.isoformat()}).context["page"].object_list
    assert wenling.get("/audit/", {"since": today.isoformat(), "until": today.isoformat(),
                                   "actor": "t-wenling"}).context["page"].object_list


def test_audit_log_reports_a_bad_date_range_and_does_not_fail(wenling, records, today):
    response = wenling.get("/audit/", {"since": today.isoformat(),
                                       "until": (today - dt.timedelta(days=3)).isoformat()})
    assert response.status_code == 200 and "until" in response.context["form"].errors
    assert wenling.get("/audit/", {"since": "not-a-date"}).status_code == 200


def test_audit_dates_are_whole_local_days(wenling, wenling_officer, orgs, today):
    """A record at 23:30 Beijing time belongs to that day, not the next (UTC) one."""
    late = timezone.make_aware(dt.datetime.combine(today, dt.time(23, 30)))
    AuditRecord.objects.filter(pk__in=[audit.record(actor=wenling_officer.user, action="update",
                                                     obj=orgs["wenling"], region_code=WENLING).pk]
                               ).update(at=late)
    page = wenling.get("/audit/", {"since": today.isoformat(), "until": today.isoformat()}).context["page"]
    assert late in [r.at for r in page]


# New enterprise ---------------------------------------------------------------------

def _enterprise(**overrides):
    return {"name": "新建化工有限公司", "uscc": valid_uscc(), "region": WENLING_TOWN, "address": "某路 1 号",
            "longitude": "", "latitude": "", "industry": "chemical", "scale": "small", "risk_grade": "yellow",
            "legal_representative": "", "contact_phone": "", "employees": "", "tags": "重点企业", **overrides}


def test_new_enterprise_form_creates_it_audited(wenling):
    assert wenling.get("/enterprises/new/").status_code == 200
    response = wenling.post("/enterprises/new/", _enterprise())
    enterprise = Enterprise.objects.get(name="新建化工有限公司")
    assert response.status_code == 302 and response["Location"] == f"/enterprises/{enterprise.id}/"
    assert [t.name for t in enterprise.tags.all()] == ["重点企业"]
    assert AuditRecord.objects.filter(object_type="enterprises.enterprise", object_id=str(enterprise.id),
                                      action="create").exists()


@pytest.mark.parametrize("field, value", [("uscc", "91331081000000000X"), ("region", LINHAI_TOWN),
                                          ("name", ""), ("longitude", "500")])
def test_new_enterprise_with_bad_input_saves_nothing(wenling, field, value):
    before = (Enterprise.objects.count(), AuditRecord.objects.count())
    response = wenling.post("/enterprises/new/", _enterprise(**{field: value}))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert (Enterprise.objects.count(), AuditRecord.objects.count()) == before


def test_viewer_and_enterprise_user_cannot_register_enterprises(wenling_viewer, enterprise_user):
    for person in (wenling_viewer, enterprise_user):
        client = _client(person)
        assert client.get("/enterprises/new/").status_code == 403
        assert client.post("/enterprises/new/", _enterprise()).status_code == 403
        assert 'href="/enterprises/new/"' not in client.get("/enterprises/").content.decode()
    assert not Enterprise.objects.filter(name="新建化工有限公司").exists()
