"""Who sees and does what in the floods API.

A Wenling officer never reaches Linhai's risk points, sections or flood alerts: lists
leave them out whatever the filter, details and actions answer 404 exactly as for an
id that does not exist, and creating a risk point in Linhai is 403 and creates
nothing (declared as data: tests/access/isolation.py). Viewers read but do not write.
Risk-point kinds are reference data for everyone logged in.
"""

import pytest

from yingji.floods.models import CriticalRainfall, FloodAlert, Forecast, RiskPoint

from ..access.isolation import IsolationCases
from ..conftest import LINHAI, LINHAI_TOWN, WENLING_TOWN
from .conftest import ONE_HOUR_STORM_FOR_ACCESS, at, make_section, make_village, rain

pytestmark = pytest.mark.django_db


@pytest.fixture
def linhai_things(regions, feed):
    point = make_village(LINHAI_TOWN, "LF1", name="临海某村")
    section = make_section(LINHAI_TOWN)
    feed([rain("LF1", at(10), 60.0)])  # a move-now alert in Linhai
    assert FloodAlert.objects.filter(region_id=LINHAI_TOWN).exists()
    return {"point": point, "section": section}


@pytest.fixture
def wenling_things(regions):
    return {"point": make_village(WENLING_TOWN, "WF1"), "section": make_section(WENLING_TOWN)}


class TestFloodsIsolation(IsolationCases):
    lists = {
        "GET /api/risk-points": [{}, {"region": LINHAI}, {"q": "临海"}],
        "GET /api/sections": [{}, {"region": LINHAI}],
        "GET /api/floods/alerts": [{}, {"region": LINHAI}],
    }
    objects = {
        "GET /api/risk-points/{id}": ("point", None),
        "POST /api/risk-points/{id}/critical-rainfall": ("point", [{"window_hours": 1, "prepare_mm": 1,
                                                                     "move_now_mm": 2}]),
        "GET /api/sections/{id}": ("section", None),
        "POST /api/sections/{id}/forecast": ("section", {"forecast_rain": ONE_HOUR_STORM_FOR_ACCESS}),
    }
    creates = {
        "POST /api/risk-points": (RiskPoint, lambda home: {"kind": "flash_flood_village", "name": "某村",
                                                           "region": LINHAI_TOWN}),
    }
    # Reference data for everyone logged in: the test at the end.
    elsewhere = {"GET /api/risk-point-kinds"}

    @pytest.fixture
    def foreign(self, linhai_things):
        return linhai_things

    @pytest.fixture
    def home(self, wenling_officer, wenling_things):
        return {"officer": wenling_officer, **wenling_things}


def test_nothing_is_written_for_another_countys_records(api_as, wenling_officer, linhai_things):
    client = api_as(wenling_officer)
    point, section = linhai_things["point"], linhai_things["section"]
    counts = (CriticalRainfall.objects.count(), Forecast.objects.count())
    client.post(f"/api/risk-points/{point.pk}/critical-rainfall",
                [{"window_hours": 1, "prepare_mm": 1, "move_now_mm": 2}])
    client.post(f"/api/sections/{section.pk}/forecast", {"forecast_rain": ONE_HOUR_STORM_FOR_ACCESS})
    assert (CriticalRainfall.objects.count(), Forecast.objects.count()) == counts
    assert client.get("/api/risk-points/999999").status_code == 404  # the same as an id that does not exist


def test_an_officer_creates_a_risk_point_and_sets_its_critical_rainfall(api_as, wenling_officer, wenling_things):
    client = api_as(wenling_officer)
    r = client.post("/api/risk-points", {"kind": "geo_hazard", "name": "后山滑坡点", "region": WENLING_TOWN,
                                         "population": 35, "households": 12, "gauges": ["WF1"]})
    assert r.status_code == 201, r.content
    assert r.json()["gauges"] == ["WF1"] and r.json()["kind_name"] == "地质灾害点"
    r = client.post(f"/api/risk-points/{r.json()['id']}/critical-rainfall",
                   [{"window_hours": 1, "prepare_mm": 40, "move_now_mm": 60},
                    {"window_hours": 24, "prepare_mm": 120, "move_now_mm": 160}])
    assert r.status_code == 200, r.content
    assert [c["window_hours"] for c in r.json()] == [1, 24]


def test_move_now_below_prepare_is_refused(api_as, wenling_officer, wenling_things):
    r = api_as(wenling_officer).post(f"/api/risk-points/{wenling_things['point'].pk}/critical-rainfall",
                                    [{"window_hours": 3, "prepare_mm": 60, "move_now_mm": 40}])
    assert r.status_code == 400 and "prepare_mm" in r.json()["error"]["fields"]


def test_gauges_of_another_county_cannot_be_attached(api_as, wenling_officer, linhai_things):
    r = api_as(wenling_officer).post("/api/risk-points", {"kind": "flash_flood_village", "name": "某村",
                                                          "region": WENLING_TOWN, "gauges": ["LF1"]})
    assert r.status_code == 400 and "gauges" in r.json()["error"]["fields"]


def test_viewer_reads_but_cannot_write(api_as, wenling_viewer, wenling_things):
    client = api_as(wenling_viewer)
    point, section = wenling_things["point"], wenling_things["section"]
    assert client.get(f"/api/risk-points/{point.pk}").status_code == 200
    assert client.get(f"/api/sections/{section.pk}").status_code == 200
    assert client.post("/api/risk-points", {"kind": "mine", "name": "x", "region": WENLING_TOWN}).status_code == 403
    assert client.post(f"/api/risk-points/{point.pk}/critical-rainfall",
                      [{"window_hours": 1, "prepare_mm": 1, "move_now_mm": 2}]).status_code == 403
    assert client.post(f"/api/sections/{section.pk}/forecast",
                       {"forecast_rain": ONE_HOUR_STORM_FOR_ACCESS}).status_code == 403


def test_kinds_are_reference_data_for_everyone_logged_in(api_as, wenling_viewer):
    kinds = api_as(wenling_viewer).get("/api/risk-point-kinds").json()
    assert len(kinds) == 12 and kinds[0]["code"] == "flash_flood_village"
    assert api_as(None).get("/api/risk-point-kinds").status_code == 401
