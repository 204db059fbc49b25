"""Campaign forms and the checklist pages: create and edit through the services
(field errors shown, nothing saved), audited, scoped, and refused in plain words to
roles that may not (checklists are shared reference data: administrators only)."""

import datetime as dt

import pytest
from django.test import Client

from yingji.core.models import AuditRecord
from yingji.enterprises.models import Tag
from yingji.hazards import services
from yingji.hazards.models import Campaign, ChecklistItem, ChecklistTemplate

from ..conftest import LINHAI, WENLING, WENLING_TOWN

pytestmark = pytest.mark.django_db


def _login(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def _campaign(**overrides):
    return {"name": "锂电池专项", "region": WENLING, "start": "2026-03-01", "end": "2026-04-30", "industry": "",
            "tag": "", "template": "small-park-10-10", "description": "", **overrides}


@pytest.fixture
def linhai_campaign(linhai_officer):
    return services.campaign_create(by=linhai_officer.user, name="临海专项", region_code=LINHAI,
                                    start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))


def test_create_campaign_through_the_form_is_audited(wenling_officer):
    Tag.objects.create(name="锂电池")
    response = _login(wenling_officer).post("/hazards/campaigns/new/", _campaign(tag="锂电池"))
    campaign = Campaign.objects.get(name="锂电池专项")
    assert response.status_code == 302 and response["Location"] == f"/hazards/campaigns/{campaign.id}/"
    assert (campaign.region_id, campaign.tag.name, campaign.template.code) == (WENLING, "锂电池", "small-park-10-10")
    assert AuditRecord.objects.filter(object_type="hazards.campaign", object_id=str(campaign.id)).exists()


@pytest.mark.parametrize("field, value", [("end", "2026-02-01"), ("region", LINHAI), ("tag", "没有的标签"),
                                          ("name", ""), ("start", "not-a-date")])
def test_create_campaign_with_bad_input_saves_nothing(wenling_officer, field, value):
    before = (Campaign.objects.count(), AuditRecord.objects.count())
    response = _login(wenling_officer).post("/hazards/campaigns/new/", _campaign(**{field: value}))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert (Campaign.objects.count(), AuditRecord.objects.count()) == before


def test_edit_campaign_is_audited_and_scoped(wenling_officer, linhai_campaign):
    client = _login(wenling_officer)
    assert client.get(f"/hazards/campaigns/{linhai_campaign.id}/edit/").status_code == 404
    client.post("/hazards/campaigns/new/", _campaign())
    campaign = Campaign.objects.get(name="锂电池专项")
    response = client.post(f"/hazards/campaigns/{campaign.id}/edit/", _campaign(end="2026-05-31"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.end == dt.date(2026, 5, 31)
    record = AuditRecord.objects.filter(object_type="hazards.campaign", object_id=str(campaign.id)).last()
    assert (record.action, record.before["end"], record.after["end"]) == ("update", "2026-04-30", "2026-05-31")
    assert "临海专项" not in client.get("/hazards/campaigns/").content.decode()


def test_viewer_cannot_create_campaigns(wenling_viewer):
    viewer = _login(wenling_viewer)
    assert viewer.get("/hazards/campaigns/new/").status_code == 403
    assert viewer.post("/hazards/campaigns/new/", _campaign()).status_code == 403
    assert not Campaign.objects.exists()


# Checklists -------------------------------------------------------------------------------

def test_officers_read_checklists_but_only_admins_change_them(wenling_officer):
    client = _login(wenling_officer)
    checklist = ChecklistTemplate.objects.get(code="small-park-10-10")
    assert "small-park-10-10" in client.get("/hazards/checklists/").content.decode()
    assert client.get(f"/hazards/checklists/{checklist.id}/").status_code == 200
    response = client.get("/hazards/checklists/new/")
    assert response.status_code == 403 and "只有管理员可以执行此操作" in response.content.decode()
    assert client.post(f"/hazards/checklists/{checklist.id}/", {"code": "X1", "text": "某项", "category": "other",
                                                               "order": "0"}).status_code == 403
    assert not checklist.items.filter(code="X1").exists()


def test_admin_creates_a_checklist_and_items_audited(province_admin):
    client = _login(province_admin)
    response = client.post("/hazards/checklists/new/", {"code": "lithium", "name": "锂电池检查表", "source": "",
                                                        "description": ""})
    checklist = ChecklistTemplate.objects.get(code="lithium")
    assert response.status_code == 302
    item = {"code": "L01", "group": "仓储", "text": "电池仓库设置防火分隔", "clause": "", "category": "fire",
            "major_if_no": "on", "order": "1"}
    assert client.post(f"/hazards/checklists/{checklist.id}/", item).status_code == 302
    row = ChecklistItem.objects.get(template=checklist, code="L01")
    assert row.major_if_no and row.category == "fire"
    # The same code twice is refused next to the field, nothing saved.
    again = client.post(f"/hazards/checklists/{checklist.id}/", item)
    assert again.status_code == 200 and "code" in again.context["form"].errors
    assert checklist.items.count() == 1
    edit = client.post(f"/hazards/checklists/{checklist.id}/items/{row.id}/", {**item, "text": "电池仓库独立设置"})
    assert edit.status_code == 302
    record = AuditRecord.objects.filter(object_type="hazards.checklistitem", object_id=str(row.id)).last()
    assert (record.action, record.after["text"]) == ("update", "电池仓库独立设置")
    assert client.post(f"/hazards/checklists/{checklist.id}/items/{row.id}/remove/").status_code == 302
    assert not checklist.items.exists()
    assert AuditRecord.objects.filter(object_type="hazards.checklistitem", action="delete").count() == 1


def test_a_checklist_code_must_be_a_slug_and_unique(province_admin):
    client = _login(province_admin)
    for code in ("有 空格", "small-park-10-10"):
        response = client.post("/hazards/checklists/new/", {"code": code, "name": "某表"})
        assert response.status_code == 200 and "code" in response.context["form"].errors
    assert not ChecklistTemplate.objects.filter(name="某表").exists()


def test_enterprise_user_cannot_open_checklists(enterprise_user):
    assert _login(enterprise_user).get("/hazards/checklists/").status_code == 403


def test_a_campaign_region_may_be_typed_by_name(wenling_officer):
    _login(wenling_officer).post("/hazards/campaigns/new/", _campaign(region="太平街道"))
    assert Campaign.objects.get(name="锂电池专项").region_id == WENLING_TOWN
