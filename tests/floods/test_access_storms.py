"""Who sees and does what with design storm tables, typical-frequency floods and
forecast rain: a Wenling officer never reaches Linhai's (lists leave them out, ids
answer 404 as for ids that do not exist, writes into Linhai are 403 or refused item
by item and create nothing); the control: the province, or Linhai's officer, does.
Declared as data (tests/access/isolation.py) where the shared checks fit."""

import pytest

from yingji.floods.design_models import DesignFlood, DesignStormTable
from yingji.floods.feed_models import RainForecast, RainForecastBatch
from yingji.floods.services import design_storms, rain_feed

from ..access.isolation import IsolationCases
from ..conftest import LINHAI, LINHAI_TOWN, WENLING
from .conftest import at, make_village
from .test_design_storms import TABLE, body
from .test_inundation import create_run, media  # noqa: F401 (media: autouse)

pytestmark = pytest.mark.django_db


@pytest.fixture
def linhai_data(regions, linhai_officer):
    table = design_storms.design_table_create(by=None, region_id=LINHAI, watershed="", **TABLE)
    run = create_run(region=LINHAI)
    flood = design_storms.design_floods_start(by=None, base_run=run, duration_hours=2, return_periods=[5])[0]
    make_village(LINHAI_TOWN, "LF1", name="临海某村")
    rain_feed.store_forecasts(by=linhai_officer.user, source="test", now=at(12, 5), items=[
        {"station": "LF1", "issued_at": at(12).isoformat(), "rain_1h": 10},
        {"lon": 121.14, "lat": 28.86, "cell_deg": 0.05, "issued_at": at(12).isoformat(), "rain_1h": 10}])
    return {"table": table, "run": run, "flood": flood}


class TestStormsIsolation(IsolationCases):
    """Linhai's table, typical-frequency flood and forecast rain, out of Wenling's reach."""

    lists = {"GET /api/design-storm-tables": [{}, {"region": LINHAI}],
             "GET /api/design-floods": [{}, {"region": LINHAI}, {"watershed": "测试小流域"}],
             "GET /api/rain-forecasts": [{}, {"station": "LF1"}],
             "GET /api/rain-forecast-batches": [{}]}
    objects = {"GET /api/design-storm-tables/{id}": ("table", None),
               "PATCH /api/design-storm-tables/{id}": ("table", {"peak_ratio": 0.1})}
    creates = {"POST /api/design-storm-tables": (DesignStormTable, lambda home: body(region=LINHAI, watershed="x"))}
    elsewhere = {"GET /api/design-storm-tables/{id}/storm", "POST /api/design-floods", "POST /api/rain-forecasts"}

    @pytest.fixture
    def foreign(self, linhai_data):
        return linhai_data

    @pytest.fixture
    def home(self, wenling_officer):
        return {"officer": wenling_officer}


def test_another_countys_storm_is_not_found(api_as, wenling_officer, linhai_officer, linhai_data):
    table = linhai_data["table"]
    query = {"return_period": 5, "duration_hours": 2}
    r = api_as(wenling_officer).get(f"/api/design-storm-tables/{table.pk}/storm", query)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert api_as(linhai_officer).get(f"/api/design-storm-tables/{table.pk}/storm", query).status_code == 200


def test_another_countys_run_cannot_be_made_into_design_floods(api_as, wenling_officer, linhai_data):
    floods = DesignFlood.objects.count()
    r = api_as(wenling_officer).post("/api/design-floods", {"run": linhai_data["run"].pk, "duration_hours": 2})
    assert r.status_code == 404
    assert DesignFlood.objects.count() == floods


def test_a_push_into_another_county_stores_nothing(api_as, wenling_officer, linhai_data):
    forecasts, batches = RainForecast.objects.count(), RainForecastBatch.objects.count()
    r = api_as(wenling_officer).post("/api/rain-forecasts", {"issued_at": at(11).isoformat(), "forecasts": [
        {"station": "LF1", "rain_1h": 5},
        {"lon": 121.14, "lat": 28.86, "cell_deg": 0.05, "rain_1h": 5, "region": LINHAI_TOWN}]})
    assert r.status_code == 200, r.content
    assert r.json()["accepted"] == 0 and [p["index"] for p in r.json()["rejected"]] == [0, 1]
    assert (RainForecast.objects.count(), RainForecastBatch.objects.count()) == (forecasts, batches)


def test_a_push_needs_a_token_and_an_officer(api_as, wenling_viewer, regions):
    push = {"issued_at": at(11).isoformat(), "forecasts": [{"lon": 121.3, "lat": 28.4, "cell_deg": 0.05,
                                                             "rain_1h": 5}]}
    assert api_as(None).post("/api/rain-forecasts", push).status_code == 401
    assert api_as(wenling_viewer).post("/api/rain-forecasts", push).status_code == 403
    assert RainForecast.objects.count() == 0


def test_an_officers_push_lands_in_their_region(api_as, wenling_officer, regions):
    push = {"issued_at": at(11).isoformat(), "source": "气象台", "forecasts": [
        {"lon": 121.3, "lat": 28.4, "cell_deg": 0.05, "rain_1h": 5, "rain_3h": 9}]}
    r = api_as(wenling_officer).post("/api/rain-forecasts", push)
    assert r.status_code == 200 and r.json()["accepted"] == 1
    assert RainForecast.objects.get().region_id == WENLING
    again = api_as(wenling_officer).post("/api/rain-forecasts", push).json()
    assert (again["accepted"], again["duplicates"]) == (0, 1)
