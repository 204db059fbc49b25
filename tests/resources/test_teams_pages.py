"""The teams pages in Chinese as each role sees them: the overview, the team list with
its export, a team with members and equipment (added and removed by an officer, not by
a viewer), the shortfalls, the stations with the 15-minute map; enterprise accounts
refused with a plain reason; the map layers scoped and within the box."""

import io

import openpyxl
import pytest

from yingji.resources import map_layers
from yingji.resources.models import Equipment, Station, TeamMember

from ..conftest import LINHAI_TOWN, WENLING_TOWN
from .teams_helpers import people, team, village

pytestmark = pytest.mark.django_db

PAGES = ["/resources/", "/resources/teams/", "/resources/teams/shortfalls/", "/resources/stations/",
         "/resources/stations/map.json"]


@pytest.fixture
def data(regions):
    village(WENLING_TOWN + "001", "北远村", 28.50, 121.40)
    t = team("太平街道救援队", "township", WENLING_TOWN, members=3, base_lat=28.37, base_lon=121.37)
    Equipment.objects.create(team=t, name="冲锋舟", quantity=2, unit="艘")
    Station.objects.create(name="太平救援站", region_id=WENLING_TOWN, lat=28.40, lon=121.40, speed_kmh=40, team=t)
    other = team("古城街道救援队", "township", LINHAI_TOWN, members=1, base_lat=28.85, base_lon=121.1)
    Station.objects.create(name="古城救援站", region_id=LINHAI_TOWN, lat=28.85, lon=121.1)
    return {"team": t, "other": other}


def login(client, person):
    client.force_login(person.user)
    return client


@pytest.mark.parametrize("role", ["wenling_officer", "wenling_viewer", "taizhou_officer", "province_admin"])
def test_every_page_renders_in_chinese_for_government_roles(client, data, role, request):
    c = login(client, request.getfixturevalue(role))
    for path in [*PAGES, f"/resources/teams/{data['team'].pk}/"]:
        r = c.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert r.status_code == 200, (path, r.status_code)
    home = c.get("/resources/").content.decode()
    assert "救援队伍" in home and "救援站点" in home
    detail = c.get(f"/resources/teams/{data['team'].pk}/").content.decode()
    assert "冲锋舟" in detail and "太平街道救援队0" in detail and "战备状态" in detail


def test_enterprise_accounts_are_refused_with_a_plain_reason(client, data, enterprise_user):
    c = login(client, enterprise_user)
    for path in [*PAGES, f"/resources/teams/{data['team'].pk}/"]:
        r = c.get(path)
        assert r.status_code == 403, path
    assert "企业用户不能查看救援队伍和站点" in c.get("/resources/teams/").content.decode()
    assert 'href="/resources/"' not in c.get("/").content.decode()


def test_another_countys_team_page_is_not_found(client, data, wenling_officer):
    assert login(client, wenling_officer).get(f"/resources/teams/{data['other'].pk}/").status_code == 404


def test_the_list_shows_and_exports_the_callers_teams(client, data, wenling_officer):
    c = login(client, wenling_officer)
    page = c.get("/resources/teams/").content.decode()
    assert "太平街道救援队" in page and "古城街道救援队" not in page
    r = c.get("/resources/teams/", {"format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "名称", "类型") and [row[1] for row in rows[1:]] == ["太平街道救援队"]
    assert rows[1][6] == 3  # members
    assert c.get("/resources/teams/", {"format": "csv", "kind": "village"}).content.decode("utf-8-sig").count("\n") == 1


def test_an_officer_adds_and_removes_members_and_equipment_a_viewer_cannot(client, data, wenling_officer,
                                                                          wenling_viewer):
    t = data["team"]
    newcomer = people(1, WENLING_TOWN, "新队员")[0]
    c = login(client, wenling_officer)
    r = c.post(f"/resources/teams/{t.pk}/", {"what": "member", "person": newcomer.pk, "role": "副队长"})
    assert r.status_code == 302 and TeamMember.objects.filter(team=t, person=newcomer, role="副队长").exists()
    r = c.post(f"/resources/teams/{t.pk}/", {"what": "equipment", "name": "发电机", "quantity": 2, "unit": "台",
                                            "state": "repair"})
    assert r.status_code == 302 and Equipment.objects.filter(team=t, name="发电机", state="repair").exists()
    bad = c.post(f"/resources/teams/{t.pk}/", {"what": "equipment", "name": "", "quantity": -1, "state": "good"})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    member = TeamMember.objects.get(team=t, person=newcomer)
    c.post(f"/resources/teams/{t.pk}/", {"what": "remove_member", "id": member.pk})
    assert not TeamMember.objects.filter(pk=member.pk).exists()
    client.logout()
    v = login(client, wenling_viewer)
    page = v.get(f"/resources/teams/{t.pk}/").content.decode()
    assert "添加队员" not in page
    r = v.post(f"/resources/teams/{t.pk}/", {"what": "equipment", "name": "绳索", "quantity": 1, "state": "good"})
    assert r.status_code == 403 and not Equipment.objects.filter(name="绳索").exists()


def test_the_station_page_and_its_map_data_show_the_village_outside(client, data, wenling_officer):
    c = login(client, wenling_officer)
    page = c.get("/resources/stations/").content.decode()
    assert "太平救援站" in page and "北远村" in page and "古城救援站" not in page
    body = c.get("/resources/stations/map.json").json()
    assert [s["name"] for s in body["stations"]] == ["太平救援站"] and body["stations"][0]["radius"] == 10_000
    assert [v["code"] for v in body["outside"]] == [WENLING_TOWN + "001"]  # 11,119 m from the station


def test_the_shortfall_page_lists_and_exports_the_short_regions(client, data, wenling_officer):
    c = login(client, wenling_officer)
    page = c.get("/resources/teams/shortfalls/").content.decode()
    assert "太平街道救援队" in page and "人数不足" in page  # 3 members, the standard is 50
    r = c.get("/resources/teams/shortfalls/", {"format": "csv"})
    text = r.content.decode("utf-8-sig")
    assert "人数不足" in text and "331082" not in text


def test_map_layers_are_scoped_and_within_the_box(data, wenling_officer, province_admin, enterprise_user):
    layers = {layer["name"]: layer for layer in map_layers.LAYERS}
    assert set(layers) >= {"teams", "stations", "station_coverage"}
    user = wenling_officer.user
    teams = layers["teams"]["features"](user=user, bbox=None)
    assert [f["properties"]["label"] for f in teams] == ["太平街道救援队"]
    assert teams[0]["geometry"]["coordinates"] == [121.37, 28.37] and teams[0]["properties"]["members"] == 3
    assert layers["teams"]["features"](user=user, bbox=(121.0, 29.0, 121.5, 29.5)) == []
    admin = province_admin.user
    assert len(layers["stations"]["features"](user=admin, bbox=None)) == 2
    near = layers["stations"]["features"](user=admin, bbox=(121.3, 28.3, 121.5, 28.5))
    assert [f["properties"]["label"] for f in near] == ["太平救援站"]
    # The box lies east of the station, 0.05° beyond it: its 10 km circle still reaches in.
    areas = layers["station_coverage"]["features"](user=admin, bbox=(121.45, 28.35, 121.6, 28.45))
    assert [f["properties"]["label"] for f in areas] == ["太平救援站"]
    assert areas[0]["geometry"]["type"] == "Polygon"
    assert layers["teams"]["features"](user=enterprise_user.user, bbox=None) == []


@pytest.mark.parametrize("form", [{"what": "readiness", "readiness": "asleep"}, {"what": "remove_member", "id": "x"},
                                  {"what": "remove_equipment", "id": "99999999999999999999"},
                                  {"what": "member", "person": "abc"}, {"what": "nonsense"}])
def test_bad_posts_on_the_team_page_are_refused_never_a_500(client, data, wenling_officer, form):
    r = login(client, wenling_officer).post(f"/resources/teams/{data['team'].pk}/", form)
    assert r.status_code in (200, 302, 404), r.status_code
    assert TeamMember.objects.filter(team=data["team"]).count() == 3
