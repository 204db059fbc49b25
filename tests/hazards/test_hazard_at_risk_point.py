"""A hazard found at a risk point (the flood-season inspections of the risk lists)
instead of an enterprise: registered by API and page, numbered in its county, run
through the same closed loop (start, submit, accept; major: report, plan, supervise),
counted in the regional figures, and seen only where the risk point is: a Linhai
officer cannot see a Wenling risk point's hazard, nor can an enterprise user."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from yingji.floods import services as flood_services
from yingji.hazards import daily_counts, indexes, services
from yingji.hazards.models import Hazard

from ..access.isolation import IsolationCases
from ..conftest import LINHAI_TOWN, WENLING, WENLING_TOWN

pytestmark = pytest.mark.django_db


def _point(region=WENLING_TOWN, name="石塘海塘缺口"):
    return flood_services.risk_point_create(by=None, kind_id="sea_wall", name=name, region_id=region)


@pytest.fixture
def sea_wall(regions):
    return _point()


def _body(point, **extra):
    return {"risk_point_id": point.pk, "description": "海塘缺口未封堵", "deadline": "2026-07-15",
            "found_on": "2026-07-01", **extra}


def test_a_hazard_at_a_risk_point_runs_the_closed_loop_by_api(api_as, wenling_officer, sea_wall):
    client = api_as(wenling_officer)
    r = client.post("/api/hazards", _body(sea_wall))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["enterprise_id"] is None and body["enterprise_name"] is None
    assert (body["risk_point_id"], body["risk_point_name"]) == (sea_wall.pk, "石塘海塘缺口")
    assert body["region"] == WENLING_TOWN and body["number"].startswith(f"YH-{WENLING}-2026-")
    hid = body["id"]
    for action, extra in (("start", {}), ("submit", {"evidence_text": "已用沙袋封堵"}), ("accept", {})):
        r = client.post(f"/api/hazards/{hid}/actions/{action}", extra)
        assert r.status_code == 200, (action, r.content)
    assert r.json()["state"] == "closed"
    listed = client.get("/api/hazards", {"risk_point": sea_wall.pk}).json()["items"]
    assert [h["id"] for h in listed] == [hid]
    assert [h["id"] for h in client.get("/api/hazards", {"q": "海塘缺口"}).json()["items"]] == [hid]


def test_a_major_hazard_at_a_risk_point_is_supervised_by_the_city(api_as, wenling_officer, taizhou_officer,
                                                                  sea_wall):
    hid = api_as(wenling_officer).post("/api/hazards", _body(sea_wall, level="major")).json()["id"]
    r = api_as(wenling_officer).post(f"/api/hazards/{hid}/actions/report", {})
    assert r.status_code == 200 and r.json()["state"] == "reported"
    r = api_as(taizhou_officer).post(f"/api/hazards/{hid}/actions/supervise", {"reason": "汛前必须完成"})
    assert r.status_code == 200 and r.json()["supervised"] is True


def test_a_linhai_officer_cannot_see_a_wenling_risk_points_hazard(api_as, wenling_officer, linhai_officer,
                                                                  enterprise_user, province_admin, sea_wall):
    hid = api_as(wenling_officer).post("/api/hazards", _body(sea_wall)).json()["id"]
    linhai = api_as(linhai_officer)
    assert linhai.get(f"/api/hazards/{hid}").status_code == 404
    assert linhai.get("/api/hazards").json()["items"] == []
    assert linhai.post(f"/api/hazards/{hid}/actions/start", {}).status_code == 404
    assert Hazard.objects.get(pk=hid).state == "registered"
    # An enterprise user of Wenling sees its own enterprise's hazards, never a risk point's.
    assert api_as(enterprise_user).get(f"/api/hazards/{hid}").status_code == 404
    assert hid not in [h["id"] for h in api_as(enterprise_user).get("/api/hazards").json()["items"]]
    assert api_as(province_admin).get(f"/api/hazards/{hid}").status_code == 200


def test_a_hazard_cannot_be_registered_at_another_countys_risk_point(api_as, wenling_officer, regions):
    linhai_point = _point(LINHAI_TOWN, "临海海塘")
    r = api_as(wenling_officer).post("/api/hazards", _body(linhai_point))
    assert r.status_code == 403 and "risk_point_id" in r.json()["error"]["fields"]
    assert not Hazard.objects.exists()


@pytest.mark.parametrize("extra", [{"enterprise_id": None, "risk_point_id": None}, "both"])
def test_exactly_one_of_enterprise_and_risk_point(api_as, wenling_officer, wenling_enterprise, sea_wall, extra):
    body = _body(sea_wall)
    if extra == "both":
        body["enterprise_id"] = wenling_enterprise.pk
    else:
        body.update(extra)
    r = api_as(wenling_officer).post("/api/hazards", body)
    assert r.status_code == 400 and "enterprise_id" in r.json()["error"]["fields"]
    assert not Hazard.objects.exists()


def test_the_database_refuses_a_hazard_with_both_or_neither(wenling_officer, wenling_enterprise, sea_wall):
    hazard = services.hazard_register(by=wenling_officer.user, risk_point_id=sea_wall.pk, description="x",
                                      deadline=dt.date(2026, 7, 15), found_on=dt.date(2026, 7, 1))
    for enterprise in (wenling_enterprise.pk, None):
        with pytest.raises(IntegrityError), transaction.atomic():
            Hazard.objects.filter(pk=hazard.pk).update(enterprise_id=enterprise,
                                                       risk_point_id=None if enterprise is None else sea_wall.pk)


def test_risk_point_hazards_count_in_the_regional_figures(wenling_officer, taizhou_officer, wenling_enterprise,
                                                          sea_wall):
    register = services.hazard_register
    register(by=wenling_officer.user, risk_point_id=sea_wall.pk, description="a", deadline=dt.date(2026, 7, 15),
             found_on=dt.date(2026, 7, 1))
    register(by=wenling_officer.user, enterprise_id=wenling_enterprise.pk, description="b",
             deadline=dt.date(2026, 7, 15), found_on=dt.date(2026, 7, 2))
    assert daily_counts.counted_by_database() == daily_counts.from_scratch()
    from yingji.core.scope import Scope
    figures = indexes.region_figures(scope=Scope.for_user(taizhou_officer.user), code=WENLING,
                                     start=dt.date(2026, 7, 1), end=dt.date(2026, 7, 31), today=dt.date(2026, 7, 3))
    assert figures["found"] == 2


def test_the_register_page_at_a_risk_point_and_the_hazard_page(client, wenling_officer, linhai_officer, sea_wall):
    client.force_login(wenling_officer.user)
    assert "hazards/risk-points/" in client.get(f"/floods/risk-points/{sea_wall.pk}/").content.decode()
    url = f"/hazards/risk-points/{sea_wall.pk}/new/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"description": "护坡松动", "category": "other", "level": "general",
                          "deadline": "2026-07-20", "found_on": "2026-07-01"})
    assert r.status_code == 302, r.content.decode()[:3000]
    hazard = Hazard.objects.get()
    html = client.get(r["Location"]).content.decode()
    assert "石塘海塘缺口" in html and hazard.number in html
    assert "石塘海塘缺口" in client.get("/hazards/").content.decode()
    r = client.post(url, {"description": "", "level": "general", "deadline": "2026-06-01", "found_on": "2026-07-01"})
    assert r.status_code == 200 and Hazard.objects.count() == 1
    client.force_login(linhai_officer.user)
    assert client.get(url).status_code == 404
    assert client.get(f"/hazards/{hazard.pk}/").status_code == 404


class TestHazardAtRiskPointIsolation(IsolationCases):
    lists = {"GET /api/hazards": [{}, {"q": "临海"}]}
    objects = {"GET /api/hazards/{id}": ("hazard", None),
               "POST /api/hazards/{id}/actions/{action}": ("hazard", {})}
    creates = {"POST /api/hazards": (Hazard, lambda home: {"risk_point_id": home["linhai_point"].pk,
                                                           "description": "x", "deadline": "2026-07-15"})}

    @pytest.fixture
    def foreign(self, linhai_officer, regions):
        point = _point(LINHAI_TOWN, "临海海塘")
        hazard = services.hazard_register(by=linhai_officer.user, risk_point_id=point.pk, description="临海缺口",
                                          deadline=dt.date(2026, 7, 15), found_on=dt.date(2026, 7, 1))
        return {"hazard": hazard, "point": point}

    @pytest.fixture
    def home(self, wenling_officer, foreign, regions):
        return {"officer": wenling_officer, "linhai_point": foreign["point"]}
