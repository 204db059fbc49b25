"""One typhoon drill from end to end (issue 17, "done when"): a warning, a level declared
from it on the page and raised by API, orders confirmed from phones (the cadre's page
and the signed SMS link) and by API, the unconfirmed escalated to the superior, the
risk-point control of the response started and reported, households moved into
shelters and brought home by the phone API, and the response ended.

At two moments the event's figures are read three ways: the API summary, the response
page and its Excel export, and all three must equal the numbers counted by hand below.

The fixture (levels_fixtures.py, evacuation_fixtures.py, riskcontrol_helpers.py):
Wenling with 17 townships; 太平街道 (331081001) and 泽国镇 (331081100) have chiefs.
Typhoon III + II over Wenling gives three township orders to each township
(township_patrol, township_post, five_stops), so 泽国's three are the ones left
unconfirmed and escalated to the county chief. Risk points: four in Wenling, one in
Linhai (outside the event). Households: W1 3+2+4 persons, W3 1+5, L1 2 (Linhai)."""

import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from yingji.alerts import services as alerts_services
from yingji.messaging.models import Message
from yingji.response import services
from yingji.response.choices_levels import TaskState
from yingji.response.models import ResponseLevel, ResponseTask, RiskControlRound

from ..conftest import WENLING
from .evacuation_fixtures import L1, W1, W3, household, shelter, villages  # noqa: F401
from .levels_fixtures import ZEGUO, chains, fast_passwords, gateway  # noqa: F401
from .riskcontrol_helpers import points_in_wenling_and_linhai

pytestmark = pytest.mark.django_db

FIELDS = ("confirmed", "open", "escalated", "risk_points", "controlled", "uncontrolled", "planned", "moved",
          "sheltered", "returned", "shelters", "capacity", "occupancy")
XLSX_COLUMNS = {"confirmed": "已确认", "open": "待确认", "escalated": "已上报上级", "risk_points": "风险点",
                "controlled": "已管控", "uncontrolled": "未管控", "planned": "应转移人数", "moved": "已转移人数",
                "sheltered": "在安置人数", "returned": "已返回人数", "shelters": "安置场所", "capacity": "容量（人）",
                "occupancy": "在住人数"}


def three_ways(officer, level) -> tuple[dict, dict, dict]:
    """The event's totals from the API, the page's total row and the Excel export's 合计 row."""
    client = Client()
    client.force_login(officer.user)
    api = client.get(f"/api/response/levels/{level.pk}/summary").json()["totals"]
    page = client.get(f"/response/levels/{level.pk}/").content.decode()
    row = page.split('data-region="total"', 1)[1].split("</tr>", 1)[0]
    shown = {f: int(row.split(f'data-field="{f}"', 1)[1].split(">", 1)[1].split("<", 1)[0]) for f in FIELDS}
    r = client.get(f"/response/levels/{level.pk}/", {"format": "xlsx", "table": "summary"})
    assert r.status_code == 200, r.content[:500]
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, total = rows[0], next(r for r in rows if r[1] == "合计")
    excel = {f: total[header.index(col)] for f, col in XLSX_COLUMNS.items()}
    return {f: api[f] for f in FIELDS}, shown, excel


def steps(client, items) -> list[dict]:
    r = client.post("/api/evacuation/households/actions", {"items": items}, content_type="application/json")
    assert r.status_code == 200, r.content
    return r.json()["results"]


def test_a_typhoon_drill_from_warning_to_safe_return(api_as, wenling_officer, chains, villages, gateway):
    officer = Client()
    officer.force_login(wenling_officer.user)
    api = api_as(wenling_officer)

    # A warning, and the response declared from its page (level III), raised to II by API.
    warning = alerts_services.warning_issue(by=wenling_officer.user, type="typhoon", level="orange",
                                            region_codes=[WENLING], headline="台风橙色预警（演练）", drill=True)
    r = officer.post(f"/response/?warning={warning.pk}", {"hazard": "typhoon", "level": "III", "regions": WENLING,
                                                          "drill": "on", "warning_id": warning.pk})
    assert r.status_code == 302, r.content.decode()[:2000]
    level = ResponseLevel.objects.get()
    assert level.warning_id == warning.pk and level.drill and level.grade == "III"
    r = api.post(f"/api/response/levels/{level.pk}/actions/raise", {"level": "II", "note": "风力加强"})
    assert r.status_code == 200 and r.json()["level"] == "II", r.content

    # Orders: 太平's chief confirms from the phone page and the SMS link; the officer
    # confirms every other task by API except 泽国's, which stay open.
    town = Client()
    town.force_login(chains.town.user)
    mine = list(ResponseTask.objects.filter(level=level, owner=chains.town).exclude(order__code="five_stops"))
    assert len(mine) == 2  # township_patrol and township_post
    assert town.get("/response/my/").status_code == 200
    for task in mine:
        assert town.post(f"/response/tasks/{task.pk}/confirm/", {"note": "已到岗"}).status_code == 302
    five = ResponseTask.objects.get(level=level, owner=chains.town, order__code="five_stops")
    link = f"/response/t/{services.task_token(five)}"
    assert Client().post(link, {}).status_code == 302
    zeguo = set(ResponseTask.objects.filter(level=level, region_id=ZEGUO).values_list("pk", flat=True))
    assert len(zeguo) == 3
    for task in ResponseTask.objects.filter(level=level, state=TaskState.OPEN).exclude(pk__in=zeguo):
        assert api.post(f"/api/response/tasks/{task.pk}/confirm", {"note": "电话核实"}).status_code == 200
    assert services.escalate_due_tasks(now=timezone.now() + timezone.timedelta(days=1)) == 3
    escalations = Message.objects.filter(person=chains.county, idempotency_key__contains="escalat")
    assert escalations.exists()
    total_tasks = ResponseTask.objects.filter(level=level).exclude(state=TaskState.CANCELLED).count()

    # Risk points: the control of this response started from its page, one round for Wenling.
    points = points_in_wenling_and_linhai()
    assert officer.post(f"/response/levels/{level.pk}/risk-rounds/").status_code == 302
    assert officer.post(f"/response/levels/{level.pk}/risk-rounds/").status_code == 302  # a second click: nothing
    rnd = RiskControlRound.objects.get(level=level)
    assert rnd.region_id == WENLING and rnd.drill and rnd.ended_at is None
    for name, state in (("slope", "controlled"), ("pond", "evacuated"), ("house", "closed"), ("site", "checked")):
        r = api.post(f"/api/risk-points/{points[name].pk}/state", {"state": state, "lat": 28.37, "lon": 121.38})
        assert r.status_code == 201 and r.json()["round"] == rnd.pk, r.content

    # Households: two shelters, five Wenling households and one in Linhai (outside the event).
    s1, s3 = shelter(W1, capacity=10), shelter(W3, capacity=50)
    h = [household(W1, 3), household(W1, 2), household(W1, 4), household(W3, 1), household(W3, 5)]
    household(L1, 2)
    phone = Client()
    phone.force_login(wenling_officer.user)
    # The last household is moved with the big button of its page, the others synced from a phone.
    r = phone.post(f"/response/evacuation/households/{h[4].pk}/act/", {"action": "move", "expected_state": "to_move"})
    assert r.status_code == 302
    results = steps(phone, [{"id": x.pk, "action": "move"} for x in h[:4]]
                    + [{"id": h[0].pk, "action": "shelter", "shelter_id": s1.pk},
                       {"id": h[1].pk, "action": "shelter", "shelter_id": s1.pk},
                       {"id": h[2].pk, "action": "shelter", "shelter_id": s3.pk},
                       {"id": h[3].pk, "action": "shelter", "shelter_id": s3.pk}])
    assert all(r["ok"] for r in results), results

    during = {"confirmed": total_tasks - 3, "open": 0, "escalated": 3, "risk_points": 4, "controlled": 3,
              "uncontrolled": 1, "planned": 15, "moved": 15, "sheltered": 10, "returned": 0, "shelters": 2,
              "capacity": 60, "occupancy": 10}
    for seen in three_ways(wenling_officer, level):
        assert seen == during
    figures = api.get("/api/evacuation/figures", {"region": WENLING}).json()
    assert {k: figures[k] for k in ("planned", "moved", "sheltered", "returned")} == \
        {"planned": 15, "moved": 15, "sheltered": 10, "returned": 0}

    # 泽国 confirms late (escalated tasks stay confirmable), the site is controlled, everyone goes home.
    for pk in zeguo:
        assert api.post(f"/api/response/tasks/{pk}/confirm", {"note": "迟报"}).status_code == 200
    assert api.post(f"/api/risk-points/{points['site'].pk}/state", {"state": "controlled"}).status_code == 201
    assert all(r["ok"] for r in steps(phone, [{"id": x.pk, "action": "return"} for x in h]))
    after = {**during, "confirmed": total_tasks, "escalated": 0, "controlled": 4, "uncontrolled": 0,
             "sheltered": 0, "returned": 15, "occupancy": 0}
    for seen in three_ways(wenling_officer, level):
        assert seen == after

    # The response ends: its control round ends with it.
    assert api.post(f"/api/response/levels/{level.pk}/actions/end", {"note": "演练结束"}).status_code == 200
    rnd.refresh_from_db()
    assert rnd.ended_at is not None
    assert officer.post(f"/response/levels/{level.pk}/risk-rounds/").status_code == 400


def test_a_county_officer_under_a_city_response_sees_and_starts_only_the_county_part(api_as, taizhou_officer,
                                                                                 wenling_officer, linhai_officer,
                                                                                 chains, villages):
    from ..conftest import TAIZHOU

    level = services.level_declare(by=taizhou_officer.user, hazard="typhoon", grade="IV", regions=[TAIZHOU])
    household(W1, 3)
    household(L1, 2)
    wenling = api_as(wenling_officer).get(f"/api/response/levels/{level.pk}/summary").json()
    assert [a["region"] for a in wenling["areas"]] == [WENLING] and wenling["totals"]["planned"] == 3
    city = api_as(taizhou_officer).get(f"/api/response/levels/{level.pk}/summary").json()
    assert [a["region"] for a in city["areas"]] == [TAIZHOU] and city["totals"]["planned"] == 5
    r = api_as(wenling_officer).post(f"/api/response/levels/{level.pk}/risk-rounds")
    assert r.status_code == 201 and [x["region"] for x in r.json()] == [WENLING]
    r = api_as(taizhou_officer).post(f"/api/response/levels/{level.pk}/risk-rounds")
    assert r.status_code == 201 and [x["region"] for x in r.json()] == [TAIZHOU]
    r = api_as(linhai_officer).post(f"/api/response/levels/{level.pk}/risk-rounds")
    assert r.status_code == 201 and r.json() == []  # the city's round covers Linhai already
    assert api_as(linhai_officer).get(f"/api/response/levels/{level.pk}/summary").json()["totals"]["planned"] == 2


def test_the_response_map_shows_its_shelters_and_its_uncontrolled_risk_points(api_as, wenling_officer, chains,
                                                                               villages):
    from .riskcontrol_helpers import point

    level = services.level_declare(by=wenling_officer.user, hazard="typhoon", grade="IV", regions=[WENLING])
    api_as(wenling_officer).post(f"/api/response/levels/{level.pk}/risk-rounds")
    slope = point(name="后山滑坡点", latitude=28.4, longitude=121.4)
    pond = point(name="东山塘", kind="reservoir_pond", latitude=28.41, longitude=121.41)
    point(name="无坐标的点")  # no position: not on the map
    point(region=L1[:9], name="临海某滑坡点", latitude=28.8, longitude=121.1)  # outside the response
    assert api_as(wenling_officer).post(f"/api/risk-points/{pond.pk}/state", {"state": "closed"}).status_code == 201
    s1 = shelter(W1, capacity=10, latitude=28.39, longitude=121.39)
    shelter(L1, capacity=10, latitude=28.8, longitude=121.1)  # Linhai's
    h = household(W1, 4)
    for action, body in (("move", {}), ("shelter", {"shelter_id": s1.pk})):
        assert api_as(wenling_officer).post(f"/api/evacuation/households/{h.pk}/actions/{action}", body).status_code \
            == 200
    client = Client()
    client.force_login(wenling_officer.user)
    data = client.get(f"/response/levels/{level.pk}/map.json").json()
    assert [(p["name"], p["lat"], p["lon"]) for p in data["uncontrolled"]] == [(slope.name, 28.4, 121.4)]
    assert data["shelters"] == [{"name": s1.name, "lat": 28.39, "lon": 121.39, "capacity": 10, "occupancy": 4,
                                 "state": "open"}]
