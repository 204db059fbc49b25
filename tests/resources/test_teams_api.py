"""Teams through the API and the services: created with bilingual field errors for bad
input, members and equipment added and removed (audited), the list's member counts and
filters, and the manpower shortfalls against a hand-built Wenling."""

import pytest

from yingji.core.models import AuditRecord
from yingji.core.scope import Scope
from yingji.resources import selectors_teams
from yingji.resources.models import ManpowerStandard, Team, TeamKind, TeamMember

from ..conftest import LINHAI, WENLING, WENLING_TOWN
from .teams_helpers import people, team, village

pytestmark = pytest.mark.django_db

WENLING_TOWNS = 17  # townships of Wenling in the official list (331081001 … )


def test_the_kinds_and_standards_are_data(regions):
    assert list(TeamKind.objects.values_list("code", flat=True)) == [
        "professional", "enterprise", "township", "village", "volunteer"]
    assert {(s.region_level, s.kind_id, s.minimum_members) for s in ManpowerStandard.objects.all()} == {
        (4, "township", 50), (5, "village", 30)}


def test_a_team_is_created_listed_and_counted(api_as, wenling_officer):
    client = api_as(wenling_officer)
    leader = people(1, WENLING_TOWN, "队长")[0]
    r = client.post("/api/teams", {"name": "太平街道应急救援队", "kind": "township", "region": WENLING_TOWN,
                                   "leader": leader.pk, "base": {"lat": 28.37, "lon": 121.37},
                                   "readiness": "standby"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["kind"], body["region"], body["members"], body["base"], body["leader"], body["readiness"]) == (
        "township", WENLING_TOWN, 0, {"lat": 28.37, "lon": 121.37}, leader.pk, "standby")
    rec = AuditRecord.objects.filter(object_type="resources.team", object_id=str(body["id"])).get()
    assert rec.action == "create" and rec.region_code == WENLING_TOWN
    for person in people(3, WENLING_TOWN):
        assert client.post(f"/api/teams/{body['id']}/members", {"person": person.pk}).status_code == 201
    listed = client.get("/api/teams", {"readiness": "standby"}).json()["items"]
    assert [(t["name"], t["members"]) for t in listed] == [("太平街道应急救援队", 3)]
    assert client.get("/api/teams", {"kind": "village"}).json()["items"] == []
    assert client.get("/api/teams", {"region": LINHAI}).json()["items"] == []


@pytest.mark.parametrize("body, field", [
    ({"kind": "township", "region": WENLING_TOWN}, "name"),
    ({"name": "队", "kind": "nosuch", "region": WENLING_TOWN}, "kind"),
    ({"name": "队", "kind": "township", "region": "331081999"}, "region"),
    ({"name": "队", "kind": "township", "region": WENLING_TOWN, "readiness": "asleep"}, "readiness"),
    ({"name": "队", "kind": "township", "region": WENLING_TOWN, "base": {"lat": 121.3, "lon": 28.3}}, "base.lat"),
    ({"name": "队", "kind": "township", "region": WENLING_TOWN, "base": {"lat": 28.3}}, "base_lon"),
    ({"name": "队", "kind": "township", "region": WENLING_TOWN, "leader": 999999}, "leader"),
    ({"name": "x" * 101, "kind": "township", "region": WENLING_TOWN}, "name"),
])
def test_bad_input_is_refused_field_by_field_in_both_languages(api_as, wenling_officer, body, field):
    r = api_as(wenling_officer).post("/api/teams", body)
    assert r.status_code in (400, 422), r.content
    error = r.json()["error"]
    assert field in error["fields"], error
    assert " / " in error["message"] and " / " in error["fields"][field]
    assert Team.objects.count() == 0


def test_members_and_equipment_are_added_and_removed_with_audit(api_as, wenling_officer):
    t = team("消防救援站", "professional", WENLING)
    person = people(1, WENLING)[0]
    client = api_as(wenling_officer)
    m = client.post(f"/api/teams/{t.pk}/members", {"person": person.pk, "role": "队员"}).json()
    again = client.post(f"/api/teams/{t.pk}/members", {"person": person.pk})
    assert again.status_code == 400 and "person" in again.json()["error"]["fields"]
    e = client.post(f"/api/teams/{t.pk}/equipment", {"name": "冲锋舟", "quantity": 4, "unit": "艘"}).json()
    detail = client.get(f"/api/teams/{t.pk}").json()
    assert [x["name"] for x in detail["member_list"]] == [person.name]
    assert [(x["name"], x["quantity"], x["state"]) for x in detail["equipment"]] == [("冲锋舟", 4, "good")]
    assert client.delete(f"/api/teams/{t.pk}/members/{m['id']}").status_code == 204
    assert client.delete(f"/api/teams/{t.pk}/equipment/{e['id']}").status_code == 204
    assert not TeamMember.objects.filter(team=t).exists()
    actions = list(AuditRecord.objects.filter(object_type__in=["resources.teammember", "resources.equipment"])
                   .order_by("seq").values_list("object_type", "action"))
    assert actions == [("resources.teammember", "create"), ("resources.equipment", "create"),
                       ("resources.teammember", "delete"), ("resources.equipment", "delete")]


def test_a_viewer_reads_but_cannot_write_and_an_enterprise_account_is_refused(
        api_as, wenling_viewer, enterprise_user):
    t = team("救援队", "township", WENLING_TOWN)
    assert api_as(wenling_viewer).get(f"/api/teams/{t.pk}").status_code == 200
    r = api_as(wenling_viewer).patch(f"/api/teams/{t.pk}", {"readiness": "deployed"})
    assert r.status_code == 403 and " / " in r.json()["error"]["message"]
    assert api_as(enterprise_user).get("/api/teams").status_code == 403
    assert api_as(enterprise_user).get("/api/rescue-stations").status_code == 403
    assert api_as(None).get("/api/teams").status_code == 401


def test_a_team_is_updated_and_the_change_audited(api_as, wenling_officer):
    t = team("救援队", "township", WENLING_TOWN, base_lat=28.3, base_lon=121.3)
    r = api_as(wenling_officer).patch(f"/api/teams/{t.pk}", {"readiness": "deployed", "base": None})
    assert r.status_code == 200, r.content
    assert (r.json()["readiness"], r.json()["base"]) == ("deployed", {"lat": None, "lon": None})
    rec = AuditRecord.objects.get(object_type="resources.team", action="update")
    assert rec.before["readiness"] == "ready" and rec.after["readiness"] == "deployed"


def test_stations_are_created_with_a_default_speed_and_validated(api_as, wenling_officer, settings):
    settings.YINGJI_RESCUE_SPEED_KMH = 36
    client = api_as(wenling_officer)
    r = client.post("/api/rescue-stations", {"name": "太平救援站", "region": WENLING_TOWN, "lat": 28.37,
                                              "lon": 121.37})
    assert r.status_code == 201, r.content
    assert (r.json()["speed_kmh"], r.json()["coverage"]) == (36.0, 9000.0)  # 36 km/h × 0.25 h
    bad = client.post("/api/rescue-stations", {"name": "站", "region": WENLING_TOWN, "lat": 200, "lon": 121})
    assert bad.status_code == 422 and "lat" in bad.json()["error"]["fields"]


def test_shortfalls_against_a_hand_built_wenling(wenling_officer, regions):
    """Wenling has 17 townships. 太平 (001) has a township team of 50: meets the standard;
    城东 (002) has one of 49 and a volunteer team of 80 (another kind): short, "below" 49;
    the other 15 have none. Villages: V1 with a village team of 30 (meets), V2 with 29
    ("below"), V3 with none. So 16 township rows and 2 village rows."""
    team("太平街道救援队", "township", WENLING_TOWN, members=50)
    team("城东街道救援队", "township", "331081002", members=49)
    team("城东志愿者", "volunteer", "331081002", members=80)
    v1, v2, v3 = (village(WENLING_TOWN + f"00{i}", f"村{i}") for i in (1, 2, 3))
    team("村1救援队", "village", v1.code, members=30)
    team("村2救援队", "village", v2.code, members=29)
    team("停用的村3队", "village", v3.code, members=40, active=False)
    rows = selectors_teams.shortfalls(scope=Scope.for_user(wenling_officer.user))
    towns = [r for r in rows if r["level"] == 4]
    villages = {r["region"]: r for r in rows if r["level"] == 5}
    assert len(towns) == WENLING_TOWNS - 1 and WENLING_TOWN not in {r["region"] for r in towns}
    chengdong = next(r for r in towns if r["region"] == "331081002")
    assert (chengdong["reason"], chengdong["best"], chengdong["minimum"]) == ("below", 49, 50)
    assert sum(r["reason"] == "none" for r in towns) == WENLING_TOWNS - 2
    assert set(villages) == {v2.code, v3.code}
    assert (villages[v2.code]["reason"], villages[v2.code]["best"]) == ("below", 29)
    assert villages[v3.code]["reason"] == "none"  # an inactive team does not count


def test_the_standard_is_editable_data(wenling_officer, regions):
    team("太平街道救援队", "township", WENLING_TOWN, members=40)
    scope = Scope.for_user(wenling_officer.user)
    assert WENLING_TOWN in {r["region"] for r in selectors_teams.shortfalls(scope=scope)}
    ManpowerStandard.objects.filter(region_level=4).update(minimum_members=40)
    assert WENLING_TOWN not in {r["region"] for r in selectors_teams.shortfalls(scope=scope)}


def test_the_shortfalls_api_lists_only_the_callers_regions(api_as, wenling_officer):
    items = api_as(wenling_officer).get("/api/teams/shortfalls", {"page_size": 500}).json()["items"]
    assert len(items) == WENLING_TOWNS and all(i["region"].startswith(WENLING) for i in items)
