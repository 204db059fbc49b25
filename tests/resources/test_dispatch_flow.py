"""One click to completion (issue 18, dispatch): by the API and by the leader's phone
page from the SMS link, each step timed, steps only forward and only once, the team
deployed and released, one SMS per dispatch and leader."""

import pytest

from yingji.core.models import AuditRecord
from yingji.messaging.models import Message
from yingji.resources.models import Dispatch, DispatchStep, Team
from yingji.resources.models.teams import Readiness
from yingji.resources.services import dispatch as services

from ..conftest import WENLING
from .dispatch_helpers import WENLING_SPOT, at, sms_token, wenling_team  # noqa: F401

pytestmark = pytest.mark.django_db


def order(officer, team, now=None, **kw):
    return services.dispatch_create(by=officer.user, team_id=team.pk, task="转移沙门村被困群众", now=now,
                                    **{**WENLING_SPOT, **kw})


def test_one_click_by_api_to_completion_with_the_time_of_each_step(api_as, wenling_officer, wenling_team):
    r = api_as(wenling_officer).post("/api/dispatches", {"team_id": wenling_team.pk, **WENLING_SPOT,
                                                         "task": "转移沙门村被困群众", "drill": True})
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {"id", "state"} and body["state"] == "requested"
    dispatch = Dispatch.objects.get(pk=body["id"])
    assert dispatch.drill and dispatch.region_id == WENLING and dispatch.leader == wenling_team.leader
    assert Team.objects.get(pk=wenling_team.pk).readiness == Readiness.DEPLOYED
    sms = Message.objects.get(idempotency_key=f"resources:dispatch:{dispatch.pk}:person:{wenling_team.leader.pk}")
    assert sms.text.startswith("【演练】【调度指令】") and "/resources/d/" in sms.text

    leader = api_as(wenling_team.leader)  # a village cadre: sees the order because they lead it
    for action, extra in (("acknowledge", {}), ("depart", {}), ("arrive", {"lat": 28.3712, "lon": 121.3605}),
                          ("complete", {"note": "12人全部转移"})):
        r = leader.post(f"/api/dispatches/{dispatch.pk}/actions/{action}", extra)
        assert r.status_code == 200, (action, r.content)
    got = leader.get(f"/api/dispatches/{dispatch.pk}").json()
    assert got["state"] == "completed"
    assert [s["state"] for s in got["steps"]] == ["requested", "acknowledged", "departed", "arrived", "completed"]
    assert got["arrived"] == {"lat": 28.3712, "lon": 121.3605}
    assert all(got[f"{s}_at"] for s in ("requested", "acknowledged", "departed", "arrived", "completed"))
    assert got["durations"]["to_acknowledge"] >= 0 and got["durations"]["to_arrive"] >= 0
    assert Team.objects.get(pk=wenling_team.pk).readiness == Readiness.READY
    actions = set(AuditRecord.objects.filter(object_id=str(dispatch.pk), object_type="resources.dispatch")
                  .values_list("action", flat=True))
    assert actions == {"dispatch_create", "dispatch_acknowledge", "dispatch_depart", "dispatch_arrive",
                       "dispatch_complete"}


def test_the_durations_are_the_differences_of_the_step_times(api_as, wenling_officer, wenling_team):
    dispatch = order(wenling_officer, wenling_team, now=at(0))
    leader = wenling_team.leader.user
    services.dispatch_step(dispatch=dispatch, action="acknowledge", by=leader, now=at(2.5))
    services.dispatch_step(dispatch=dispatch, action="depart", by=leader, now=at(6))
    services.dispatch_step(dispatch=dispatch, action="arrive", by=leader, lat=28.37, lon=121.36, now=at(21))
    services.dispatch_step(dispatch=dispatch, action="complete", by=leader, now=at(95))
    got = api_as(wenling_officer).get(f"/api/dispatches/{dispatch.pk}").json()
    # 2.5 min = 150 s; 6 min = 360 s; 21 min = 1260 s; 21 - 6 = 15 min = 900 s; 95 min = 5700 s
    assert got["durations"] == {"to_acknowledge": 150, "to_depart": 360, "to_arrive": 1260, "travel": 900,
                                "to_complete": 5700}
    listed = api_as(wenling_officer).get("/api/dispatches").json()["items"]
    assert [d["durations"]["to_arrive"] for d in listed if d["id"] == dispatch.pk] == [1260]


def test_the_leader_steps_the_order_from_the_phone_page_of_the_sms_link(client, wenling_officer, wenling_team):
    dispatch = order(wenling_officer, wenling_team, drill=True)
    url = f"/resources/d/{sms_token(dispatch)}"
    page = client.get(url)  # no login
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="viewport"' in html and "转移沙门村被困群众" in html and 'value="acknowledge"' in html
    assert "演练" in html
    for action, extra in (("acknowledge", {}), ("depart", {}), ("arrive", {"lat": "28.3701", "lon": "121.3599"}),
                          ("complete", {})):
        r = client.post(url, {"action": action, **extra})
        assert r.status_code == 302, (action, r.content.decode()[:500])
    dispatch.refresh_from_db()
    assert dispatch.state == "completed" and (dispatch.arrived_lat, dispatch.arrived_lon) == (28.3701, 121.3599)
    steps = list(DispatchStep.objects.filter(dispatch=dispatch).exclude(state="requested"))
    assert {(s.channel, s.person_id) for s in steps} == {("link", wenling_team.leader.pk)}
    assert dispatch.requested_at <= dispatch.acknowledged_at <= dispatch.departed_at <= dispatch.arrived_at \
        <= dispatch.completed_at
    assert 'data-completed="1"' in client.get(url).content.decode()


def test_the_phone_page_refuses_arrival_without_a_position_in_both_languages(client, wenling_officer, wenling_team):
    dispatch = order(wenling_officer, wenling_team)
    url = f"/resources/d/{sms_token(dispatch)}"
    client.post(url, {"action": "acknowledge"})
    client.post(url, {"action": "depart"})
    r = client.post(url, {"action": "arrive", "lat": "", "lon": "abc"})
    assert r.status_code == 400
    assert "位置无效" in r.content.decode() and "required" in r.content.decode()
    assert Dispatch.objects.get(pk=dispatch.pk).state == "departed"


def test_a_forged_link_is_refused(client, wenling_officer, wenling_team):
    dispatch = order(wenling_officer, wenling_team)
    token = sms_token(dispatch)
    assert client.get(f"/resources/d/{token[:-2]}xx").status_code == 404
    assert client.post(f"/resources/d/{token[:-2]}xx", {"action": "acknowledge"}).status_code == 404
    assert Dispatch.objects.get(pk=dispatch.pk).state == "requested"


def test_two_phones_pressing_the_same_step_make_one_step(wenling_officer, wenling_team):
    dispatch = order(wenling_officer, wenling_team)
    stale = Dispatch.objects.get(pk=dispatch.pk)  # what the second phone read before the first pressed
    services.dispatch_step(dispatch=dispatch, action="acknowledge", channel="link")
    again = services.dispatch_step(dispatch=stale, action="acknowledge", channel="link")
    assert again.state == "acknowledged"
    assert DispatchStep.objects.filter(dispatch=dispatch, state="acknowledged").count() == 1


def test_steps_out_of_order_are_refused_with_both_languages(api_as, wenling_officer, wenling_team):
    dispatch = order(wenling_officer, wenling_team)
    client = api_as(wenling_officer)
    r = client.post(f"/api/dispatches/{dispatch.pk}/actions/depart", {})
    assert r.status_code == 409 and r.json()["error"]["code"] == "out_of_order"
    assert "请先报告“已接收”" in r.json()["error"]["message"] and "before" in r.json()["error"]["message"]
    assert client.post(f"/api/dispatches/{dispatch.pk}/actions/acknowledge", {}).status_code == 200
    assert client.post(f"/api/dispatches/{dispatch.pk}/actions/complete", {}).status_code == 409
    for action in ("depart", "arrive", "complete"):
        extra = {"lat": 28.37, "lon": 121.36} if action == "arrive" else {}
        assert client.post(f"/api/dispatches/{dispatch.pk}/actions/{action}", extra).status_code == 200
    r = client.post(f"/api/dispatches/{dispatch.pk}/actions/acknowledge", {})
    assert r.status_code == 409 and "already" in r.json()["error"]["message"]
    assert client.post(f"/api/dispatches/{dispatch.pk}/actions/cancel", {}).status_code == 409
    assert DispatchStep.objects.filter(dispatch=dispatch).count() == 5


def test_a_cancelled_dispatch_releases_the_team_and_takes_no_more_steps(api_as, wenling_officer, wenling_team):
    dispatch = order(wenling_officer, wenling_team)
    assert api_as(wenling_team.leader).post(f"/api/dispatches/{dispatch.pk}/actions/cancel", {}).status_code == 403
    r = api_as(wenling_officer).post(f"/api/dispatches/{dispatch.pk}/actions/cancel", {})
    assert r.status_code == 200 and r.json()["state"] == "cancelled" and r.json()["cancelled_at"]
    assert Team.objects.get(pk=wenling_team.pk).readiness == Readiness.READY
    assert api_as(wenling_team.leader).post(f"/api/dispatches/{dispatch.pk}/actions/acknowledge",
                                            {}).status_code == 409


def test_a_deployed_team_cannot_be_sent_twice(api_as, wenling_officer, wenling_team):
    order(wenling_officer, wenling_team)
    r = api_as(wenling_officer).post("/api/dispatches", {"team_id": wenling_team.pk, **WENLING_SPOT, "task": "再派"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "team_busy"
    assert "team_id" in r.json()["error"]["fields"]
    assert Dispatch.objects.count() == 1


def test_one_message_per_dispatch_and_leader(wenling_officer, wenling_team):
    dispatch = order(wenling_officer, wenling_team)
    services._notify_leader(dispatch)  # a retry of the send
    assert Message.objects.filter(idempotency_key__startswith=f"resources:dispatch:{dispatch.pk}:").count() == 1


def test_the_pages_show_the_timeline_and_the_durations(client, wenling_officer, wenling_team):
    dispatch = order(wenling_officer, wenling_team, now=at(0), drill=True)
    leader = wenling_team.leader.user
    services.dispatch_step(dispatch=dispatch, action="acknowledge", by=leader, now=at(2.5))
    services.dispatch_step(dispatch=dispatch, action="depart", by=leader, now=at(6))
    services.dispatch_step(dispatch=dispatch, action="arrive", by=leader, lat=28.37, lon=121.36, now=at(81))
    client.force_login(wenling_officer.user)
    listed = client.get("/resources/dispatches/").content.decode()
    assert "2:30" in listed and "1:21:00" in listed  # 2.5 min to acknowledge; 81 min to arrive
    detail = client.get(f"/resources/dispatches/{dispatch.pk}/").content.decode()
    assert "时间线" in detail and "已到达" in detail and 'value="complete"' in detail and "演练" in detail
    r = client.post(f"/resources/dispatches/{dispatch.pk}/step/", {"action": "complete"})
    assert r.status_code == 302 and Dispatch.objects.get(pk=dispatch.pk).state == "completed"


def test_one_click_from_a_shelter_prefills_the_form(client, wenling_officer, wenling_team):
    from yingji.response.models import Shelter

    shelter = Shelter.objects.create(name="石塘小学避灾点", region_id="331081001", capacity=200, latitude=28.27,
                                     longitude=121.60)
    client.force_login(wenling_officer.user)
    html = client.get(f"/resources/dispatches/new/?shelter={shelter.pk}").content.decode()
    assert "石塘小学避灾点" in html and 'value="28.27"' in html
    r = client.post(f"/resources/dispatches/new/?shelter={shelter.pk}", {
        "team": wenling_team.pk, "destination_kind": "shelter", "destination_id": shelter.pk, "task": "安置点巡查",
        "ack_minutes": "10", "destination_text": "", "lat": "", "lon": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    made = Dispatch.objects.get()
    assert (made.shelter_id, made.lat, made.lon, made.region_id) == (shelter.pk, 28.27, 121.60, "331081001")
    shelter_page = client.get(f"/response/shelters/{shelter.pk}/").content.decode()
    assert f"/resources/dispatches/new/?shelter={shelter.pk}" in shelter_page
