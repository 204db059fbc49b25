"""Consultations (会商) and the daily routines: recorded with participants, judgement,
decisions and follow-up actions; never deleted, corrected by notes; audited; linked
to the notices sent because of them."""

import pytest

from yingji.core.models import AuditRecord
from yingji.duty import services
from yingji.duty.models import Consultation, ConsultationAction, ConsultationNote

from ..conftest import TAIZHOU, WENLING

pytestmark = pytest.mark.django_db

BODY = {
    "kind": "daily_judgement", "held_at": "2026-07-01T09:00:00+08:00", "topic": "台风“烟花”防御会商",
    "convened_by": "市应急管理局局长", "participants": "市气象局、市水利局、各县（市、区）应急局",
    "situation": "台风预计明日登陆，降雨集中在温岭、玉环。", "decisions": "启动防台风Ⅲ级应急响应。",
    "actions": [{"text": "转移危险区域人员", "owner": "各县（市、区）", "due_on": "2026-07-02"},
                {"text": "渔船回港避风", "owner": "市海洋渔业局"}],
}


def test_a_consultation_is_recorded_with_its_actions(taizhou_officer, api_as):
    r = api_as(taizhou_officer).post("/api/consultations", BODY)
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["region"], body["kind"], body["topic"]) == (TAIZHOU, "daily_judgement", BODY["topic"])
    assert [(a["text"], a["owner"], a["due_on"]) for a in body["actions"]] == [
        ("转移危险区域人员", "各县（市、区）", "2026-07-02"), ("渔船回港避风", "市海洋渔业局", None)]
    assert AuditRecord.objects.filter(object_type="duty.consultation", object_id=str(body["id"])).count() == 1
    assert AuditRecord.objects.filter(object_type="duty.consultationaction").count() == 2


def test_corrections_are_notes_and_nothing_is_deleted(taizhou_officer, api_as):
    client = api_as(taizhou_officer)
    row_id = client.post("/api/consultations", BODY).json()["id"]
    r = client.post(f"/api/consultations/{row_id}/notes", {"text": "更正：响应级别为Ⅳ级。"})
    assert r.status_code == 201 and [n["text"] for n in r.json()["notes"]] == ["更正：响应级别为Ⅳ级。"]
    assert r.json()["decisions"] == BODY["decisions"]  # the record itself stays as written
    assert client.delete(f"/api/consultations/{row_id}").status_code == 405
    assert Consultation.objects.count() == 1 and ConsultationNote.objects.count() == 1


def test_an_action_is_marked_done_once(taizhou_officer, api_as):
    client = api_as(taizhou_officer)
    row_id = client.post("/api/consultations", BODY).json()["id"]
    action = ConsultationAction.objects.filter(consultation_id=row_id).first()
    first = client.post(f"/api/consultation-actions/{action.pk}/done").json()["done_at"]
    assert first is not None
    assert client.post(f"/api/consultation-actions/{action.pk}/done").json()["done_at"] == first


def test_a_notice_names_the_consultation_it_came_from(taizhou_officer, api_as):
    client = api_as(taizhou_officer)
    row_id = client.post("/api/consultations", BODY).json()["id"]
    r = client.post("/api/notices", {"title": "防台风工作提示", "body": "按会商决定落实。", "targets": [WENLING],
                                     "consultation_id": row_id})
    assert r.status_code == 201 and r.json()["consultation_id"] == row_id
    assert client.get(f"/api/consultations/{row_id}").json()["notices"] == [r.json()["id"]]


def test_the_list_filters_by_kind(taizhou_officer, api_as):
    client = api_as(taizhou_officer)
    client.post("/api/consultations", BODY)
    client.post("/api/consultations", {**BODY, "kind": "consultation", "actions": []})
    assert [c["kind"] for c in client.get("/api/consultations", {"kind": "consultation"}).json()["items"]] == [
        "consultation"]
    assert client.get("/api/consultations").json()["count"] == 2


@pytest.mark.parametrize("change, field", [
    ({"topic": ""}, "topic"),
    ({"held_at": "yesterday"}, "held_at"),
    ({"kind": "party"}, "kind"),
    ({"region": "999999"}, "region"),
    ({"actions": [{"text": ""}]}, "actions"),
    ({"actions": [{"text": "x", "due_on": "2026-13-01"}]}, "actions"),
    ({"convened_by": "x" * 101}, "convened_by"),
])
def test_bad_consultations_are_refused_with_the_field(taizhou_officer, api_as, change, field):
    r = api_as(taizhou_officer).post("/api/consultations", {**BODY, **change})
    assert r.status_code in (400, 403, 422), r.content
    assert field in str(r.json()["error"]["fields"]), r.json()
    assert Consultation.objects.count() == 0


def test_a_viewer_reads_but_does_not_record(taizhou_officer, wenling_viewer, wenling_officer, api_as):
    row = services.consultation_create(by=wenling_officer.user, region=WENLING, held_at="2026-07-01T09:00+08:00",
                                       topic="日调度", convened_by="值班长", kind="daily_dispatch")
    client = api_as(wenling_viewer)
    assert client.get(f"/api/consultations/{row.pk}").status_code == 200
    assert client.post("/api/consultations", BODY).status_code == 403
    assert client.post(f"/api/consultations/{row.pk}/notes", {"text": "x"}).status_code == 403
