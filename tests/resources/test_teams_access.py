"""Who reaches teams and rescue stations: a Wenling officer never reaches Linhai's
(declared as data: tests/access/isolation.py); members and equipment of another
county's team cannot be removed."""

import pytest

from yingji.core.models import AuditRecord
from yingji.resources.models import Equipment, Station, Team, TeamMember

from ..access.isolation import IsolationCases
from ..conftest import LINHAI, LINHAI_TOWN, WENLING_TOWN
from .teams_helpers import people, team, village

pytestmark = pytest.mark.django_db


class TestTeamsIsolation(IsolationCases):
    lists = {
        "GET /api/teams": [{}, {"region": LINHAI}, {"kind": "township"}, {"q": "救援"}],
        "GET /api/rescue-stations": [{}, {"region": LINHAI}, {"q": "站"}],
        "GET /api/teams/shortfalls": [{}, {"region": LINHAI}],
        "GET /api/rescue-stations/coverage": [{}, {"region": LINHAI}],
    }
    objects = {
        "GET /api/teams/{id}": ("team", None),
        "PATCH /api/teams/{id}": ("team", {"readiness": "deployed"}),
        "POST /api/teams/{id}/members": ("team", {"person": 1}),
        "POST /api/teams/{id}/equipment": ("team", {"name": "冲锋舟"}),
        "GET /api/rescue-stations/{id}": ("station", None),
        "PATCH /api/rescue-stations/{id}": ("station", {"speed_kmh": 60}),
    }
    creates = {
        "POST /api/teams": (Team, lambda home: {"name": "临海队", "kind": "township", "region": LINHAI_TOWN}),
        "POST /api/rescue-stations": (Station, lambda home: {"name": "临海站", "region": LINHAI_TOWN,
                                                               "lat": 28.85, "lon": 121.1}),
    }
    moves = {
        "PATCH /api/teams/{id}": ("team", {"region": LINHAI_TOWN}),
        "PATCH /api/rescue-stations/{id}": ("station", {"region": LINHAI_TOWN}),
    }
    # Below: the paths have two placeholders.
    elsewhere = {"DELETE /api/teams/{id}/members/{member_id}", "DELETE /api/teams/{id}/equipment/{item_id}"}

    @pytest.fixture
    def foreign(self, linhai_officer):
        village(LINHAI_TOWN + "001", "临海远村", 28.9, 121.3)  # outside every station: listed to the province
        t = team("古城街道救援队", "township", LINHAI_TOWN, members=2)
        return {"team": t, "station": Station.objects.create(name="古城救援站", region_id=LINHAI_TOWN,
                                                             lat=28.85, lon=121.1, speed_kmh=1)}

    @pytest.fixture
    def home(self, wenling_officer):
        return {"officer": wenling_officer, "team": team("太平街道救援队", "township", WENLING_TOWN),
                "station": Station.objects.create(name="太平救援站", region_id=WENLING_TOWN, lat=28.37, lon=121.37)}


def test_another_countys_members_and_equipment_cannot_be_removed(api_as, wenling_officer, linhai_officer):
    t = team("古城街道救援队", "township", LINHAI_TOWN, members=1)
    member = TeamMember.objects.get(team=t)
    item = Equipment.objects.create(team=t, name="冲锋舟")
    audits = AuditRecord.objects.count()
    client = api_as(wenling_officer)
    for path in (f"/api/teams/{t.pk}/members/{member.pk}", f"/api/teams/{t.pk}/equipment/{item.pk}"):
        r = client.delete(path)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert TeamMember.objects.filter(pk=member.pk).exists() and Equipment.objects.filter(pk=item.pk).exists()
    assert AuditRecord.objects.count() == audits


def test_a_person_of_another_county_cannot_join_a_team(api_as, wenling_officer, linhai_officer):
    t = team("太平街道救援队", "township", WENLING_TOWN)
    stranger = people(1, LINHAI_TOWN)[0]
    r = api_as(wenling_officer).post(f"/api/teams/{t.pk}/members", {"person": stranger.pk})
    assert r.status_code == 400 and "person" in r.json()["error"]["fields"]
    assert not TeamMember.objects.filter(team=t).exists()


def test_a_member_of_another_team_is_not_found_through_ones_own_team(api_as, wenling_officer):
    mine, other = team("甲队", "township", WENLING_TOWN), team("乙队", "township", WENLING_TOWN, members=1)
    member = TeamMember.objects.get(team=other)
    assert api_as(wenling_officer).delete(f"/api/teams/{mine.pk}/members/{member.pk}").status_code == 404
    assert TeamMember.objects.filter(pk=member.pk).exists()
