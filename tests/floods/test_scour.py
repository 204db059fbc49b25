"""Velocity (流速) of every stage forecast, and scour (冲刷) warnings over a section's
scour velocity, hand-computed.

The section of `make_section`: a rectangle 10 m wide, n = 0.04, S = 0.01, so at depth y
V(y) = (1/n) R^(2/3) S^(1/2) with R = 10y / (10 + 2y):
    V(1.3) = 2.553 m/s (Q = 33.18),  V(1.5) = 2.750 m/s (Q = 41.25),  V(1.7) = 2.930 m/s (Q = 49.81).
The 36 mm one-hour storm gives 37.5, 49.6 and 10.6 m³/s in the three hours after now
(see test_forecast.py), so the velocity passes 2.5 m/s in hour 1 (37.5 > 33.18), 2.75 m/s
in hour 2 only (37.5 < 41.25 < 49.6), and peaks in hour 2 between 2.75 and 2.93 m/s
(41.25 < 49.6 < 49.81); it never reaches 3.5 m/s."""

import datetime as dt

import pytest

from yingji.floods import services
from yingji.floods.models import FloodAlert, FloodEvent

from ..conftest import WENLING_TOWN
from .conftest import at, make_section

pytestmark = pytest.mark.django_db

NOW = at(12)
STORM = {"1": 36.0, "3": 36.0, "6": 36.0, "24": 36.0}
DRY = {"1": 0.0}


def _section(**extra):
    return make_section(WENLING_TOWN, warning=4.0, critical=4.5, **extra)  # stage levels out of reach


def _manning_velocity(y: float) -> float:
    radius = 10 * y / (10 + 2 * y)
    return radius ** (2 / 3) * 0.01 ** 0.5 / 0.04


def test_every_step_of_a_forecast_has_its_velocity_q_over_a(regions):
    forecast = services.forecast_section(section=_section(), now=NOW, forecast_rain=STORM)
    assert len(forecast.velocities) == len(forecast.stages)
    for q, y, v in zip(forecast.discharges[24:27], forecast.stages[24:27], forecast.velocities[24:27]):
        assert v == pytest.approx(q / (10 * y), rel=1e-3)  # the rectangle's area is 10 y
        assert v == pytest.approx(_manning_velocity(y), rel=1e-3)
    assert forecast.velocities[23] == 0.0  # the dry channel now
    assert forecast.peak_velocity_at == NOW + dt.timedelta(hours=2)
    assert 2.75 < forecast.peak_velocity < 2.93


def test_a_forecast_over_the_sections_scour_velocity_warns_with_its_lead_time(regions):
    section = _section(scour_velocity=2.75)
    forecast = services.forecast_section(section=section, now=NOW, forecast_rain=STORM)
    alert = FloodAlert.objects.get()
    assert (alert.source, alert.level, alert.forecast, alert.lead_minutes) == ("scour", "prepare", forecast, 120)
    assert alert.crossing_at == NOW + dt.timedelta(hours=2)
    assert alert.evidence["threshold_mps"] == 2.75 and "冲刷" in alert.headline
    assert services.issue_pending_warnings() == 1
    alert.refresh_from_db()
    assert (alert.warning.type, alert.warning.level) == ("flash_flood", "orange")


def test_a_lower_scour_velocity_is_reached_an_hour_earlier(regions):
    services.forecast_section(section=_section(scour_velocity=2.5), now=NOW, forecast_rain=STORM)
    assert FloodAlert.objects.get(source="scour").lead_minutes == 60


def test_the_default_scour_velocity_is_a_setting(regions, settings):
    section = _section()
    settings.YINGJI_SCOUR_VELOCITY = 3.5
    services.forecast_section(section=section, now=NOW, forecast_rain=STORM)
    assert FloodAlert.objects.count() == 0
    settings.YINGJI_SCOUR_VELOCITY = 2.5
    services.forecast_section(section=section, now=NOW + dt.timedelta(minutes=10), forecast_rain=STORM)
    assert FloodAlert.objects.get().evidence["threshold_mps"] == 2.5


def test_scour_warns_once_per_event_and_again_after_a_forecast_below(regions):
    section = _section(scour_velocity=2.5)
    services.forecast_section(section=section, now=NOW, forecast_rain=STORM)
    services.forecast_section(section=section, now=NOW + dt.timedelta(minutes=10), forecast_rain=STORM)
    assert FloodAlert.objects.count() == 1
    services.forecast_section(section=section, now=NOW + dt.timedelta(minutes=20), forecast_rain=DRY)
    assert FloodEvent.objects.get(source="scour").ended_at == NOW + dt.timedelta(minutes=20)
    services.forecast_section(section=section, now=NOW + dt.timedelta(minutes=30), forecast_rain=STORM)
    assert FloodAlert.objects.filter(source="scour").count() == 2


def test_a_scour_velocity_must_be_positive(regions):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        _section(scour_velocity=0.0)
    assert "scour_velocity" in caught.value.message_dict
