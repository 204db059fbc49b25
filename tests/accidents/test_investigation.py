"""The investigation's 60 days and its one extension, the overdue tick, and the
accountability records (一案三查, 双说明, 补课) through the API."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.accidents import services
from yingji.accidents.models import InvestigationTimer
from yingji.core.models import AuditRecord
from yingji.messaging.models import Message

from ..conftest import WENLING
from .conftest import ago, make_accident

pytestmark = pytest.mark.django_db


def test_the_investigation_is_due_60_days_after_the_accident_and_extends_once(api_as, wenling_officer):
    accident = make_accident(wenling_officer, when=ago(10), deaths=3)
    day = timezone.localtime(accident.occurred_at).date()
    client = api_as(wenling_officer)
    r = client.post(f"/api/accidents/{accident.pk}/investigation", {"leader": "张某", "units": "应急局、公安局"})
    assert r.status_code == 200, r.content
    assert r.json()["investigation"]["due_on"] == (day + dt.timedelta(days=60)).isoformat()
    for days in (0, 61, -5):
        r = client.post(f"/api/accidents/{accident.pk}/investigation/extension", {"days": days, "reason": "鉴定"})
        assert r.status_code == 400 and "days" in r.json()["error"]["fields"]
    r = client.post(f"/api/accidents/{accident.pk}/investigation/extension", {"days": 30, "reason": ""})
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"]
    r = client.post(f"/api/accidents/{accident.pk}/investigation/extension", {"days": 60, "reason": "技术鉴定"})
    assert r.json()["investigation"]["deadline"] == (day + dt.timedelta(days=120)).isoformat()
    r = client.post(f"/api/accidents/{accident.pk}/investigation/extension", {"days": 1, "reason": "再延"})
    assert r.status_code == 400 and " / " in r.json()["error"]["message"]
    timers = InvestigationTimer.objects.filter(investigation__accident=accident)
    assert sorted((t.kind, t.cancelled_at is None) for t in timers) == [("extension_due", True),
                                                                      ("investigation_due", False)]


def test_the_tick_notifies_an_overdue_investigation_once_and_not_a_concluded_one(wenling_officer):
    late = make_accident(wenling_officer, when=ago(61))
    services.investigation_save(by=wenling_officer.user, accident=late)
    done = make_accident(wenling_officer, when=ago(70))
    services.investigation_save(by=wenling_officer.user, accident=done, concluded_on=timezone.localdate())
    fresh = make_accident(wenling_officer, when=ago(59))
    services.investigation_save(by=wenling_officer.user, accident=fresh)
    wenling_officer.mobile = "13900000001"
    wenling_officer.save()
    assert services.notify_overdue_investigations() == [late.investigation.pk]
    assert services.notify_overdue_investigations() == []
    assert AuditRecord.objects.filter(action="accident.investigation_overdue").count() == 1
    (message,) = Message.objects.filter(idempotency_key__startswith="accident-investigation:")
    assert message.to == "13900000001" and "事故调查逾期" in message.text


def test_the_overdue_list_shows_it(api_as, wenling_officer):
    late = make_accident(wenling_officer, when=ago(65))
    services.investigation_save(by=wenling_officer.user, accident=late)
    items = api_as(wenling_officer).get("/api/accidents/overdue-investigations").json()["items"]
    assert [i["accident_id"] for i in items] == [late.pk]


def test_three_checks_double_explanation_and_remedial_supervision(api_as, wenling_officer):
    accident = make_accident(wenling_officer, when=ago(5), deaths=3)
    client = api_as(wenling_officer)
    for target in ("enterprise", "regulator", "officials"):
        r = client.post(f"/api/accidents/{accident.pk}/checks", {"target": target, "outcome": "已查",
                                                                 "checked_on": "2026-12-01"})
        assert r.status_code == 200, r.content
    r = client.post(f"/api/accidents/{accident.pk}/checks", {"target": "regulator", "outcome": "约谈"})
    assert sorted((c["target"], c["outcome"]) for c in r.json()["checks"]) == [
        ("enterprise", "已查"), ("officials", "已查"), ("regulator", "约谈")]
    assert client.post(f"/api/accidents/{accident.pk}/checks", {"target": "weather"}).status_code == 422
    r = client.post(f"/api/accidents/{accident.pk}/double-explanation",
                    {"required": True, "government_text": "属地说明", "government_received_on": "2026-12-02"})
    assert r.json()["double_explanation"]["government_received_on"] == "2026-12-02"
    assert r.json()["double_explanation"]["department_received_on"] is None
    r = client.post(f"/api/accidents/{accident.pk}/remedials", {
        "region": WENLING, "start": "2026-12-03", "scope_text": "全市机械加工行业",
        "items": [{"text": "冲压设备专项检查"}, {"text": "约谈属地镇街"}]})
    assert r.status_code == 201, r.content
    item = r.json()["remedials"][0]["items"][0]
    r = client.post(f"/api/accidents/remedial-items/{item['id']}/close", {"closed_on": "2026-12-01"})
    assert r.status_code == 400 and "closed_on" in r.json()["error"]["fields"]
    r = client.post(f"/api/accidents/remedial-items/{item['id']}/close", {"closed_on": "2026-12-05", "note": "完成"})
    assert r.status_code == 200 and r.json()["closed_on"] == "2026-12-05"


def test_a_hazard_registered_from_the_accident_goes_through_the_hazards_app(api_as, wenling_officer,
                                                                            wenling_enterprise, linhai_enterprise):
    accident = make_accident(wenling_officer, enterprise=wenling_enterprise)
    client = api_as(wenling_officer)
    r = client.post(f"/api/accidents/{accident.pk}/hazards", {"enterprise_id": wenling_enterprise.pk,
                                                              "description": "安全联锁失效", "deadline": "2030-01-01"})
    assert r.status_code == 201, r.content
    (link,) = r.json()["hazards"]
    assert link["state"] == "registered" and link["number"]
    assert client.get(f"/api/hazards/{link['hazard_id']}").json()["description"] == "安全联锁失效"
    r = client.post(f"/api/accidents/{accident.pk}/hazards", {"enterprise_id": linhai_enterprise.pk,
                                                              "description": "越界", "deadline": "2030-01-01"})
    assert r.status_code == 403 and len(client.get(f"/api/accidents/{accident.pk}").json()["hazards"]) == 1
