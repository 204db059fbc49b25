"""Stage forecasts at a section, hand-computed.

The section: a rectangle 10 m wide, n = 0.04, S = 0.01, so Manning gives
Q(y) = 10y · (10y / (10 + 2y))^(2/3) · 0.1 / 0.04:
    Q(1.3 m) = 13 · 1.0317^(2/3) · 2.5 = 33.19 m³/s,  Q(1.5 m) = 15 · 1.1538^(2/3) · 2.5 = 41.25 m³/s.
The catchment: 10 km², CN 100 (all rain runs off), lag 0.5 h, so with hourly steps
Tp = 0.5 + 0.5 = 1 h. 36 mm forecast in the first hour only is 360,000 m³, 100 m³/s
over an hour; the share leaving in each hour is the difference of NEH 630 Table
16-1's mass curve Qa/Q at t/Tp = 1, 2, 3 (0.375, 0.871, 0.977):
    hour 1: 37.5 m³/s,  hour 2: 49.6 m³/s,  hour 3: 10.6 m³/s.
So the stage passes 1.3 m in the first hour (lead 60 min) and 1.5 m in the second
(lead 120 min); with no rain before, the stage now is the bed, 0 m.
"""

import datetime as dt

import pytest

from yingji.floods import services
from yingji.floods.models import FloodAlert, FloodEvent

from ..conftest import WENLING_TOWN
from .conftest import at, make_section, rain

pytestmark = pytest.mark.django_db

NOW = at(12)
ONE_HOUR_STORM = {"1": 36.0, "3": 36.0, "6": 36.0, "24": 36.0}


def test_forecast_discharge_follows_the_unit_hydrograph(regions):
    forecast = services.forecast_section(section=make_section(WENLING_TOWN), now=NOW, forecast_rain=ONE_HOUR_STORM)
    ahead = forecast.discharges[24:27]  # the 24 steps before are the observed day
    assert ahead == pytest.approx([37.5, 49.6, 10.6], abs=0.3)
    assert forecast.stages[23] == 0.0
    assert forecast.times[24] == (NOW + dt.timedelta(hours=1)).isoformat()


def test_crossing_the_warning_stage_warns_with_its_lead_time(regions):
    section = make_section(WENLING_TOWN, warning=1.3, critical=10.0)
    forecast = services.forecast_section(section=section, now=NOW, forecast_rain=ONE_HOUR_STORM)
    assert (forecast.crossing_level, forecast.lead_minutes) == ("prepare", 60)
    alert = FloodAlert.objects.get()
    assert (alert.level, alert.section, alert.lead_minutes) == ("prepare", section, 60)
    assert alert.crossing_at == NOW + dt.timedelta(hours=1)
    assert (alert.warning, alert.warning_pending) == (None, True)  # issued by the worker's tick, not here
    assert services.issue_pending_warnings() == 1
    alert.refresh_from_db()
    assert alert.warning.level == "orange" and not alert.warning_pending
    assert services.issue_pending_warnings() == 0


def test_crossing_the_critical_stage_warns_move_now_with_its_own_lead_time(regions):
    section = make_section(WENLING_TOWN, warning=1.3, critical=1.5)
    forecast = services.forecast_section(section=section, now=NOW, forecast_rain=ONE_HOUR_STORM)
    assert (forecast.crossing_level, forecast.lead_minutes) == ("move_now", 120)
    alert = FloodAlert.objects.get()
    assert (alert.level, alert.lead_minutes) == ("move_now", 120)
    assert alert.evidence["crossings"]["prepare"] == (NOW + dt.timedelta(hours=1)).isoformat()


def test_a_repeated_forecast_in_the_same_event_does_not_warn_again(regions):
    section = make_section(WENLING_TOWN)
    services.forecast_section(section=section, now=NOW, forecast_rain=ONE_HOUR_STORM)
    services.forecast_section(section=section, now=NOW + dt.timedelta(minutes=10), forecast_rain=ONE_HOUR_STORM)
    assert FloodAlert.objects.count() == 1
    services.forecast_section(section=section, now=NOW + dt.timedelta(minutes=20), forecast_rain={"24": 0})
    assert FloodEvent.objects.get().ended_at is not None  # nothing forecast: the event ends
    services.forecast_section(section=section, now=NOW + dt.timedelta(minutes=30), forecast_rain=ONE_HOUR_STORM)
    assert FloodAlert.objects.count() == 2


def test_a_small_storm_stays_below_the_warning_stage(regions):
    forecast = services.forecast_section(section=make_section(WENLING_TOWN), now=NOW, forecast_rain={"1": 5.0})
    assert forecast.crossing_level == "" and forecast.lead_minutes is None
    assert FloodAlert.objects.count() == 0


def test_observed_rain_counts_before_the_forecast(regions, feed):
    """36 mm observed in the hour ending now: the first forecast hour carries the
    second hour of its hydrograph, 49.6 m³/s."""
    section = make_section(WENLING_TOWN, gauges=[_gauge("WF9").code])
    feed([rain("WF9", NOW, 36.0)])
    forecast = services.forecast_section(section=section, now=NOW, forecast_rain={"1": 0.0})
    assert forecast.discharges[23:25] == pytest.approx([37.5, 49.6], abs=0.3)


@pytest.mark.parametrize("bad", [{}, {"2": 10}, {"1": -1}, {"1": 30, "3": 20}, {"1": "x"}])
def test_bad_forecast_rain_is_refused(regions, bad):
    from yingji.core.errors import DomainError

    with pytest.raises(DomainError):
        services.forecast_section(section=make_section(WENLING_TOWN), now=NOW, forecast_rain=bad)


def test_the_api_forecasts_and_reports_the_lead_time(regions, api_as, wenling_officer):
    section = make_section(WENLING_TOWN)
    r = api_as(wenling_officer).post(f"/api/sections/{section.pk}/forecast",
                                     {"forecast_rain": ONE_HOUR_STORM, "now": NOW.isoformat()})
    assert r.status_code == 201, r.content
    assert (r.json()["crossing_level"], r.json()["lead_minutes"]) == ("prepare", 60)
    alerts = api_as(wenling_officer).get("/api/floods/alerts").json()
    assert alerts["count"] == 1 and alerts["items"][0]["lead_minutes"] == 60


def _gauge(code):
    from yingji.hydromet.models import Station

    return Station.objects.create(code=code, name="雨量站", kind="rain", longitude=121.38, latitude=28.37,
                                  region_id=WENLING_TOWN)
