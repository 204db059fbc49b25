"""Who sees and steps which dispatch (issue 18, dispatch). A Wenling officer never
reaches a Linhai order (lists leave it out, details and steps answer 404 exactly as a
missing id) and cannot send anything into Linhai (403, nothing created); an order is
seen from the team's region and from the destination's; its leader sees their own."""

import pytest

from yingji.core.models import AuditRecord
from yingji.resources.models import Dispatch, DispatchStep
from yingji.resources.services import dispatch as services

from ..access.isolation import IsolationCases
from ..conftest import LINHAI, WENLING
from .dispatch_helpers import LINHAI_SPOT, WENLING_SPOT, linhai_team, team, wenling_team  # noqa: F401

pytestmark = pytest.mark.django_db


def send(officer, team_row, spot=WENLING_SPOT, **kw):
    return services.dispatch_create(by=officer.user, team_id=team_row.pk, task="抢险", **{**spot, **kw})


class TestDispatchIsolation(IsolationCases):
    lists = {"GET /api/dispatches": [{}, {"state": "requested"}, {"region": LINHAI}, {"drill": False}]}
    objects = {"GET /api/dispatches/{id}": ("dispatch", None)}
    creates = {"POST /api/dispatches": (Dispatch, lambda home: {"team_id": home["team"].pk, **LINHAI_SPOT,
                                                                "task": "越界", "region": LINHAI})}
    elsewhere = {"POST /api/dispatches/{id}/actions/{action}"}  # below: the path has two placeholders

    def is_foreign(self, item: dict) -> bool:
        return item.get("region", "").startswith(LINHAI) or item.get("source_region", "").startswith(LINHAI)

    @pytest.fixture
    def foreign(self, linhai_officer, linhai_team):
        return {"dispatch": send(linhai_officer, linhai_team, LINHAI_SPOT)}

    @pytest.fixture
    def home(self, wenling_officer, wenling_team):
        return {"officer": wenling_officer, "team": wenling_team, "dispatch": send(wenling_officer, wenling_team)}


def test_another_countys_dispatch_cannot_be_stepped(api_as, wenling_officer, linhai_officer, linhai_team):
    dispatch = send(linhai_officer, linhai_team, LINHAI_SPOT)
    client = api_as(wenling_officer)
    audits = AuditRecord.objects.count()
    for action in ("acknowledge", "depart", "arrive", "complete", "cancel"):
        r = client.post(f"/api/dispatches/{dispatch.pk}/actions/{action}", {"lat": 28.8, "lon": 121.1})
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert AuditRecord.objects.count() == audits
    assert DispatchStep.objects.filter(dispatch=dispatch).count() == 1
    assert client.get(f"/resources/dispatches/{dispatch.pk}/").status_code in (302, 404)


def test_a_team_of_another_county_cannot_be_sent(api_as, wenling_officer, linhai_team):
    r = api_as(wenling_officer).post("/api/dispatches", {"team_id": linhai_team.pk, **WENLING_SPOT, "task": "借调"})
    assert r.status_code == 404 and "team_id" in r.json()["error"]["fields"]
    assert Dispatch.objects.count() == 0


def test_a_city_dispatch_into_a_county_is_seen_from_both(api_as, taizhou_officer, wenling_officer, linhai_officer,
                                                         regions):
    city_team = team("3310", name="台州市消防救援支队")
    dispatch = send(taizhou_officer, city_team, WENLING_SPOT, region=WENLING)
    assert dispatch.region_id == WENLING and dispatch.source_region_id == "3310"
    assert api_as(wenling_officer).get(f"/api/dispatches/{dispatch.pk}").status_code == 200
    assert api_as(linhai_officer).get(f"/api/dispatches/{dispatch.pk}").status_code == 404
    # the Wenling officer covers the destination: they may record the steps they witness
    r = api_as(wenling_officer).post(f"/api/dispatches/{dispatch.pk}/actions/acknowledge", {})
    assert r.status_code == 200


def test_viewers_and_enterprises_cannot_send(api_as, wenling_viewer, enterprise_user, wenling_team):
    for person in (wenling_viewer, enterprise_user):
        r = api_as(person).post("/api/dispatches", {"team_id": wenling_team.pk, **WENLING_SPOT, "task": "抢险"})
        assert r.status_code == 403
    assert Dispatch.objects.count() == 0


def test_the_pages_keep_to_the_scope(client, wenling_officer, linhai_officer, wenling_team, linhai_team):
    mine, theirs = send(wenling_officer, wenling_team), send(linhai_officer, linhai_team, LINHAI_SPOT)
    client.force_login(wenling_officer.user)
    html = client.get("/resources/dispatches/").content.decode()
    assert f'href="/resources/dispatches/{mine.pk}/"' in html
    assert f'href="/resources/dispatches/{theirs.pk}/"' not in html
    assert client.get(f"/resources/dispatches/{theirs.pk}/").status_code == 404
    assert client.post(f"/resources/dispatches/{theirs.pk}/step/", {"action": "cancel"}).status_code == 404
    assert Dispatch.objects.get(pk=theirs.pk).state == "requested"
    assert WENLING != LINHAI
