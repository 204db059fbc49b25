"""The flash-flood page shows each of the caller's sections with its observed stage
against the warning and critical stages and its forecast velocity against the scour
velocity, in Chinese; another county's sections and stage alerts stay out."""

import pytest
from django.test import Client

from yingji.floods import services
from yingji.hydromet.choices import StationKind
from yingji.hydromet.models import Station
from yingji.hydromet.services import ingest

from ..conftest import LINHAI_TOWN, WENLING_TOWN
from ..readings import stage
from .conftest import at

pytestmark = pytest.mark.django_db


def _gauged(region, code, name):
    gauge = Station.objects.create(code=code, name=f"水位站{code}", kind=StationKind.STAGE, longitude=121.2,
                                   latitude=28.6, region_id=region)
    section = services.section_create(
        by=None, name=name, region_id=region, geometry=[[0, 5], [0, 0], [10, 0], [10, 5]], manning_n=0.04,
        slope=0.01, catchment_area_km2=10.0, curve_number=100.0, lag_hours=0.5, warning_stage=1.3,
        critical_stage=2.0, stage_station_id=gauge.pk, scour_velocity=2.5)
    return section


def test_the_page_shows_observed_stage_velocity_and_stage_alerts_of_own_county(regions, wenling_officer):
    section = _gauged(WENLING_TOWN, "WH1", "温岭东坑断面")
    _gauged(LINHAI_TOWN, "LH1", "临海某断面")
    ingest(by=None, readings=[stage("WH1", at(10), 2.15), stage("LH1", at(10), 2.4)], source="test")
    services.evaluate_new_stage()
    services.forecast_section(section=section, now=at(12), forecast_rain={"1": 36.0})
    client = Client()
    client.force_login(wenling_officer.user)
    text = client.get("/floods/").content.decode()
    assert "断面：实测水位与预报流速" in text  # the card, in zh-hans
    assert "2.15" in text and "超危急水位" in text
    assert "（超冲刷流速）" in text  # 2.55 < V in hour 1 (see test_scour.py) > 2.5
    assert "温岭东坑断面实测水位超危急水位" in text  # the stage alert's headline
    assert "临海某断面" not in text and "2.40" not in text
