"""A drill from nodes to outcomes: the nodes of a region's tree in one action, the
drill started by the tick at its time (a row with due_at), its calls placed through
the video system (a local stand-in server) or only recorded when none is configured,
outcomes recorded by the operator or reported by the system once per event id, every
change audited, bad input refused with the field and reason in Chinese and English."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.models import AuditRecord
from yingji.resources.models import DrillState, NodeKind, Team, TeamKind, VideoCall, VideoDrill, VideoEvent, VideoNode
from yingji.resources.services import videodrills as services

from ..conftest import LINHAI, WENLING, WENLING_TOWN
from .videodrills_fixtures import no_video_system, video_system, villages  # noqa: F401

pytestmark = pytest.mark.django_db
T0 = timezone.make_aware(dt.datetime(2026, 7, 1, 9, 0))


def schedule(officer, region=WENLING):
    return services.drill_create(by=officer.user, region=region, title="汛前视频调度演练", scheduled_at=T0)


def test_the_nodes_of_a_regions_tree_come_in_one_action_and_are_kept_on_a_second(wenling_officer, villages):
    team = Team.objects.create(name="温岭市应急救援队", kind=TeamKind.objects.first(), region_id=WENLING_TOWN)
    first = services.nodes_generate(by=wenling_officer.user, region=WENLING)
    assert first["created"] == 1 + 17 + 3 + 1  # county, 17 townships, 3 villages, 1 team
    kinds = {k: VideoNode.objects.filter(kind=k).count() for k in NodeKind.values}
    assert kinds == {"county": 1, "township": 17, "village": 3, "team": 1}
    assert VideoNode.objects.get(team=team).endpoint_id == f"yj-team-{team.pk}"
    assert not VideoNode.objects.filter(region__code__startswith=LINHAI).exists()
    node = VideoNode.objects.get(region_id=WENLING_TOWN, kind="township")
    services.node_update(by=wenling_officer.user, node=node, data={"name": "太平街道应急指挥部（新）"})
    again = services.nodes_generate(by=wenling_officer.user, region=WENLING)
    assert again["created"] == 0 and again["total"] == 22
    assert VideoNode.objects.get(pk=node.pk).name == "太平街道应急指挥部（新）"
    assert AuditRecord.objects.filter(action="video_node_update", object_id=str(node.pk)).exists()


def test_the_tick_starts_a_drill_at_its_time_and_only_once(wenling_officer, villages):
    services.nodes_generate(by=wenling_officer.user, region="331081001")
    drill = schedule(wenling_officer)
    assert services.start_due_drills(now=T0 - dt.timedelta(seconds=1)) == 0
    assert VideoDrill.objects.get(pk=drill.pk).state == DrillState.SCHEDULED
    assert services.start_due_drills(now=T0) == 1
    drill.refresh_from_db()
    assert drill.state == DrillState.RUNNING and drill.due_at is None and drill.started_at == T0
    calls = VideoCall.objects.filter(drill=drill)
    assert calls.count() == 3 and all(c.placed_at == T0 for c in calls)  # no system: recorded as placed
    assert services.start_due_drills(now=T0 + dt.timedelta(hours=1)) == 0
    assert calls.count() == 3
    assert AuditRecord.objects.filter(action="video_calls_place").count() == 1


def test_calls_go_to_the_video_system_and_a_refusal_is_retried(wenling_officer, villages, video_system):
    services.nodes_generate(by=wenling_officer.user, region="331081001")
    drill = schedule(wenling_officer)
    video_system.statuses = [503]
    services.start_due_drills(now=T0)
    drill.refresh_from_db()
    assert drill.state == DrillState.RUNNING and drill.place_attempts == 1 and drill.place_error
    assert not VideoCall.objects.filter(drill=drill, placed_at__isnull=False).exists()
    assert services.start_due_drills(now=T0 + dt.timedelta(minutes=1)) == 0  # waits for the retry time
    assert services.start_due_drills(now=T0 + dt.timedelta(minutes=5)) == 1
    drill.refresh_from_db()
    assert drill.due_at is None
    sent = video_system.received[-1]
    assert sent["drill_id"] == drill.pk and sent["response_minutes"] == 30
    assert sorted(c["endpoint_id"] for c in sent["calls"]) == ["yj-331081001", "yj-331081001001", "yj-331081001002"]
    assert VideoCall.objects.filter(drill=drill, placed_at=T0 + dt.timedelta(minutes=5)).count() == 3


def test_the_operator_records_an_outcome_audited_by_api(api_as, wenling_officer, villages):
    services.nodes_generate(by=wenling_officer.user, region="331081001")
    drill = services.drill_start(by=wenling_officer.user, drill=schedule(wenling_officer), now=T0)
    call = VideoCall.objects.filter(drill=drill).first()
    r = api_as(wenling_officer).post(f"/api/video-calls/{call.pk}/outcome", {
        "connected": True, "connected_at": "2026-07-01T09:02:00+08:00", "answered_at": "2026-07-01T09:12:00+08:00",
        "quality_ok": True, "note": "画面清晰"})
    assert r.status_code == 200, r.content
    assert r.json()["connected"] is True and r.json()["source"] == "operator"
    rec = AuditRecord.objects.filter(action="video_call_record", object_id=str(call.pk)).get()
    assert rec.before["connected"] is None and rec.after["quality_ok"] is True
    rates = api_as(wenling_officer).get(f"/api/video-drills/{drill.pk}/rates").json()
    assert (rates["total"]["called"], rates["total"]["connected"], rates["total"]["within"]) == (3, 1, 1)


def test_quality_of_a_call_not_connected_is_refused_in_both_languages(api_as, wenling_officer, villages):
    services.nodes_generate(by=wenling_officer.user, region="331081001")
    drill = services.drill_start(by=wenling_officer.user, drill=schedule(wenling_officer), now=T0)
    call = VideoCall.objects.filter(drill=drill).first()
    client = api_as(wenling_officer)
    r = client.post(f"/api/video-calls/{call.pk}/outcome", {"connected": False, "quality_ok": True})
    assert r.status_code == 400
    assert r.json()["error"]["fields"] == {"quality_ok": "须先接通 / needs a connection"}
    r = client.post(f"/api/video-calls/{call.pk}/outcome", {"connected": True,
                                                            "connected_at": "2026-07-01T08:00:00+08:00"})
    assert r.status_code == 400 and "connected_at" in r.json()["error"]["fields"]
    r = client.post(f"/api/video-calls/{call.pk}/outcome", {"connected": "maybe"})
    assert r.status_code == 422 and "connected" in r.json()["error"]["fields"]
    r = client.post("/api/video-drills", {"region": WENLING, "title": "x", "scheduled_at": "tomorrow"})
    assert r.status_code == 422 and "scheduled_at" in r.json()["error"]["fields"]
    r = client.post("/api/video-drills", {"region": "339999", "title": "x", "scheduled_at": "2026-07-01T09:00:00"})
    assert r.status_code == 400 and r.json()["error"]["fields"] == {"region": "不存在 / not found"}
    assert VideoCall.objects.get(pk=call.pk).connected is None


def test_outcomes_wait_for_the_drill_to_start(api_as, wenling_officer, villages):
    services.nodes_generate(by=wenling_officer.user, region="331081001")
    drill = schedule(wenling_officer)
    r = api_as(wenling_officer).post(f"/api/video-drills/{drill.pk}/start")
    assert r.status_code == 200 and r.json()["state"] == "running" and r.json()["calls"] == 3
    assert api_as(wenling_officer).post(f"/api/video-drills/{drill.pk}/start").status_code == 400
    r = api_as(wenling_officer).post(f"/api/video-drills/{drill.pk}/end")
    assert r.status_code == 200 and r.json()["state"] == "done"


def test_system_events_apply_once_per_event_id(api_as, wenling_officer, villages):
    services.nodes_generate(by=wenling_officer.user, region="331081001")
    drill = services.drill_start(by=wenling_officer.user, drill=schedule(wenling_officer), now=T0)
    call = VideoCall.objects.filter(drill=drill).first()
    system = api_as(None)
    headers = {"X-Yingji-Video-Token": "video-secret"}
    event = {"event_id": "e-1", "call_id": call.pk, "kind": "connected", "at": "2026-07-01T09:01:00+08:00"}
    r = system.post("/api/video-drills/events", event, headers=headers)
    assert r.status_code == 200 and r.json()["applied"] is True and r.json()["call"]["connected"] is True
    audits = AuditRecord.objects.count()
    r = system.post("/api/video-drills/events", {**event, "kind": "failed"}, headers=headers)
    assert r.status_code == 200 and r.json()["applied"] is False and r.json()["call"]["connected"] is True
    assert AuditRecord.objects.count() == audits and VideoEvent.objects.count() == 1
    for n, (kind, extra) in enumerate([("answered", {"at": "2026-07-01T09:20:00+08:00"}),
                                       ("quality", {"acceptable": False})], start=2):
        r = system.post("/api/video-drills/events", {"event_id": f"e-{n}", "call_id": call.pk, "kind": kind, **extra},
                        headers=headers)
        assert r.status_code == 200, r.content
    call.refresh_from_db()
    assert call.responded_within(30) and call.quality_ok is False and call.source == "system"
    assert AuditRecord.objects.filter(action="video_call_event", object_id=str(call.pk)).count() == 3


def test_system_events_need_the_token(api_as, wenling_officer, villages, settings):
    body = {"event_id": "e-9", "call_id": 1, "kind": "connected"}
    assert api_as(None).post("/api/video-drills/events", body).status_code == 401
    r = api_as(None).post("/api/video-drills/events", body, headers={"X-Yingji-Video-Token": "guess"})
    assert r.status_code == 403
    r = api_as(None).post("/api/video-drills/events", body, headers={"X-Yingji-Video-Token": "video-secret"})
    assert r.status_code == 404  # no such call
    settings.YINGJI_VIDEO_SYSTEM_TOKEN = ""
    r = api_as(None).post("/api/video-drills/events", body, headers={"X-Yingji-Video-Token": ""})
    assert r.status_code == 403
    assert not VideoEvent.objects.exists()
