"""The flood demo: loaded once, loaded again without change, and right where it can be
checked by hand.

Hand checks on the demo's DEM (see `yingji.floods.demo`):

* The hillside village (山腰村) stands 63.8 m above the thalweg. Even if all the rain
  that fell on the 24 km² grid (190 mm, 4.6e6 m³) lay still on the valley floor
  (6 km × 300 m), it would be 2.5 m deep there: the hillside village stays dry.
* The villages by the stream (0.2–0.4 m above the thalweg) are hit. At the outlet the
  peak hour's rain at equilibrium gives Q = i·A = 60 mm/h × 24 km² = 400 m³/s; the
  storm lasts 6 h, several times the valley's travel time, so take a quarter of that
  per unit area as a floor. On the floor's 1% cross slope a discharge Q fills the
  valley to h0 above the thalweg with Q = (1/n)·A·R^(2/3)·√S, A = h0²/0.01,
  R ≈ h0/2 (Manning, Chow 1959): h0 = (Q / 126)^(3/8) for n = 0.05, S = 0.01.
  For the smallest of those villages' upstream areas (上坞村, x = 1.2 km, a fifth
  of the valley: Q ≥ 0.25 · 400 · 0.2 = 20 m³/s) h0 ≥ 0.50 m, so water stands at
  least 0.50 − 0.1 = 0.40 m deep at 上坞村 (0.1 m above the thalweg): above 0.3 m.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.test import TestCase, override_settings

from yingji.core.models import AuditRecord
from yingji.floods import demo, selectors
from yingji.floods.models import FloodAlert, Forecast, InundationRun, RiskPoint, Section
from yingji.hydromet.models import Observation, Station

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for this module (its 2-D run is the slow part), inside a
    transaction rolled back at the end; each test runs in a savepoint within it."""
    from yingji.floods.models import inundation_storage

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        inundation_storage.cache_clear()
        with transaction.atomic():
            with TestCase.captureOnCommitCallbacks(execute=True):
                report = demo.load_flood_demo()
            yield report
            transaction.set_rollback(True)
    inundation_storage.cache_clear()


def _counts():
    return {m.__name__: m.objects.count() for m in (RiskPoint, Section, Station, Observation, Forecast,
                                                    FloodAlert, InundationRun, AuditRecord)}


def test_a_second_load_changes_nothing(loaded):
    before = _counts()
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = demo.load_flood_demo()
    assert _counts() == before
    assert not any(again.created.values())


def test_the_storm_raises_move_now_warnings_at_the_villages(loaded):
    names = {v.name for v in demo.VILLAGES}
    # 60 mm in the peak hour at the middle gauge (× 0.9 to 1.1) is above every
    # village's 50 mm move-now level for one hour.
    raised = set(FloodAlert.objects.filter(level="move_now", source="rain").values_list("risk_point__name", flat=True))
    assert raised == names


def test_the_outlet_forecast_crosses_the_warning_stage(loaded):
    section = Section.objects.get(name="东坑出口断面")
    forecast = section.forecasts.get()
    assert forecast.peak_stage >= section.warning_stage
    assert forecast.crossing_level in ("prepare", "move_now") and forecast.lead_minutes is not None
    assert FloodAlert.objects.filter(section=section, source="forecast").exists()


def test_the_valley_floor_villages_are_hit_and_the_hillside_one_is_not(loaded):
    run = InundationRun.objects.get()
    assert run.status == "done" and run.progress == 100
    hit = {a.risk_point.name: a for a in selectors.affected_places(run)}
    assert {"东坑村", "溪口村", "上坞村"} <= set(hit)
    assert "山腰村" not in hit
    assert all(a.max_depth_m > run.depth_threshold for a in hit.values())
    arrivals = [a.arrival_s for a in selectors.affected_places(run)]
    assert arrivals == sorted(arrivals)
    assert abs(run.mass_error) < 1e-3


def test_the_demo_dem_is_the_documented_valley():
    z = demo.demo_dem()
    assert z.shape == (demo.NY, demo.NX)
    # The thalweg cells (10 m from the line) at the outlet column: 150 + 0.01·10 + 0.01·10.
    assert z[99, -1] == pytest.approx(150.2) and z[100, -1] == pytest.approx(150.2)
    assert z[0, 0] > 500  # the ridge at the far corner: 150 + 60 + 1.5 + 0.25·1840
    hillside = next(v for v in demo.VILLAGES if v.name == "山腰村")
    assert hillside.height == pytest.approx(1.5 + 0.25 * 255)


def test_the_outlet_gauge_crosses_warning_then_critical_and_the_forecast_warns_of_scour(loaded):
    """The readings 0.2 0.5 0.9 1.2 1.6 1.3 m against 1.0 and 1.5 m: prepare at hour
    4, move now at hour 5, one event; the outlet's scour velocity (1.2 m/s) is below the forecast's peak velocity."""
    section = Section.objects.get(name="东坑出口断面")
    assert section.stage_station.code == demo.STAGE_GAUGE[0]
    observed = FloodAlert.objects.filter(section=section, source="stage").order_by("observed_at")
    assert [(a.level, a.observed_at) for a in observed] == [
        ("prepare", demo.STORM_START + dt.timedelta(hours=4)), ("move_now", demo.STORM_START + dt.timedelta(hours=5))]
    forecast = section.forecasts.get()
    assert len(forecast.velocities) == len(forecast.stages)
    assert forecast.peak_velocity >= demo.OUTLET_SCOUR_VELOCITY
    scour = FloodAlert.objects.get(section=section, source="scour")
    assert scour.forecast == forecast and scour.warning is not None


def test_the_watershed_has_its_design_storm_table(loaded):
    """The 100-year 24-hour design storm holds the table's 400.7 mm, its peak hour the 1-hour 98 mm."""
    from yingji.floods.design_models import DesignStormTable
    from yingji.floods.services.design_storms import design_storm, table_for

    table = DesignStormTable.objects.get(watershed=demo.WATERSHED)
    assert table_for(region_id=demo.COUNTY, watershed=demo.WATERSHED) == table
    storm = design_storm(table=table, return_period=100, duration_hours=24)
    assert sum(storm) == pytest.approx(400.7, abs=1e-9) and max(storm) == 98.0
