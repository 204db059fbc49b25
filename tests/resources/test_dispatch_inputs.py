"""Bad input to dispatch gets a bilingual error naming the field, never a 500
(issue 18, dispatch): no team and no supplies, a position outside China or not a
number, no task, an unknown destination or action, ids no column can hold."""

import pytest

from yingji.resources.models import Dispatch

from .dispatch_helpers import WENLING_SPOT, wenling_team  # noqa: F401

pytestmark = pytest.mark.django_db


def bilingual(text: str) -> bool:
    return " / " in text and any("\u4e00" <= c <= "\u9fff" for c in text) and any(c.isascii() and c.isalpha()
                                                                                  for c in text)


@pytest.mark.parametrize("body, field", [
    ({**WENLING_SPOT, "task": "抢险"}, "team_id"),                                   # neither team nor supplies
    ({"lat": 91, "lon": 121.36, "task": "抢险", "team": True}, "lat"),                # outside China
    ({"lat": 28.37, "lon": 200, "task": "抢险", "team": True}, "lon"),
    ({"lat": "北纬28度", "lon": 121.36, "task": "抢险", "team": True}, "lat"),         # not a number
    ({"task": "抢险", "team": True}, "lat"),                                           # a position needs lat/lon
    ({**WENLING_SPOT, "task": "", "team": True}, "task"),
    ({**WENLING_SPOT, "task": "抢险", "team": True, "destination": {"kind": "shelter"}}, "destination.id"),
    ({**WENLING_SPOT, "task": "抢险", "team": True, "destination": {"kind": "shelter", "id": 99999}},
     "destination.id"),
    ({**WENLING_SPOT, "task": "抢险", "team": True, "destination": {"kind": "volcano"}}, "destination.kind"),
    ({**WENLING_SPOT, "task": "抢险", "team_id": 2**62}, "team_id"),
    ({**WENLING_SPOT, "task": "抢险", "team_id": 2**70}, "team_id"),
    ({**WENLING_SPOT, "task": "抢险", "team": True, "ack_minutes": 0}, "ack_minutes"),
])
def test_bad_orders_are_refused_naming_the_field_in_both_languages(api_as, wenling_officer, wenling_team, body,
                                                                   field):
    body = dict(body)
    if body.pop("team", False):
        body["team_id"] = wenling_team.pk
    r = api_as(wenling_officer).post("/api/dispatches", body)
    assert 400 <= r.status_code < 500, r.content
    error = r.json()["error"]
    assert bilingual(error["message"]), error
    assert field in error["fields"] and bilingual(error["fields"][field]), error
    assert Dispatch.objects.count() == 0


def test_bad_steps_are_refused_never_a_500(api_as, wenling_officer, wenling_team):
    client = api_as(wenling_officer)
    dispatch_id = client.post("/api/dispatches", {"team_id": wenling_team.pk, **WENLING_SPOT,
                                                  "task": "抢险"}).json()["id"]
    for path, body, status in (
            (f"/api/dispatches/{dispatch_id}/actions/teleport", {}, 422),
            (f"/api/dispatches/{2**70}/actions/acknowledge", {}, 404),
            (f"/api/dispatches/{2**62}/actions/acknowledge", {}, 404),
            (f"/api/dispatches/{dispatch_id}/actions/acknowledge", {"note": "x" * 301}, 422)):
        r = client.post(path, body)
        assert r.status_code == status, (path, r.content)
        assert bilingual(r.json()["error"]["message"])
    for step in ("acknowledge", "depart"):
        assert client.post(f"/api/dispatches/{dispatch_id}/actions/{step}", {}).status_code == 200
    for body, field in (({}, "lat"), ({"lat": 28.37}, "lon"), ({"lat": 0, "lon": 0}, "lat"),
                        ({"lat": "nan", "lon": 121.3}, "lat")):
        r = client.post(f"/api/dispatches/{dispatch_id}/actions/arrive", body)
        assert 400 <= r.status_code < 500, (body, r.content)
        assert field in r.json()["error"]["fields"] and bilingual(r.json()["error"]["fields"][field])
    assert Dispatch.objects.get(pk=dispatch_id).state == "departed"


def test_the_form_shows_errors_next_to_the_fields(client, wenling_officer, wenling_team):
    client.force_login(wenling_officer.user)
    r = client.post("/resources/dispatches/new/", {"destination_kind": "position", "lat": "95", "lon": "121.3",
                                                   "task": "抢险", "ack_minutes": "10"})
    assert r.status_code == 200
    assert "队伍和物资至少选一项" in r.content.decode()
    r = client.post("/resources/dispatches/new/", {"destination_kind": "position", "lat": "95", "lon": "121.3",
                                                   "task": "抢险", "ack_minutes": "10", "team": wenling_team.pk})
    assert r.status_code == 200 and "纬度应在 3 至 54 之间" in r.content.decode()
    assert Dispatch.objects.count() == 0
