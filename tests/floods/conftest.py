"""A flash-flood village and a section in Wenling, the same in Linhai, with gauges."""

import datetime as dt

import pytest

from yingji.floods import services
from yingji.hydromet.choices import StationKind
from yingji.hydromet.models import Station
from yingji.hydromet.services import ingest

from .. import readings
from ..conftest import LINHAI_TOWN, WENLING_TOWN
from ..readings import BEIJING, at  # noqa: F401  (re-exported for the test modules)

# A rectangular channel 10 m wide with 5 m walls.
RECTANGLE = [[0, 5], [0, 0], [10, 0], [10, 5]]


def rain(station: str, time: dt.datetime, mm: float) -> dict:
    """An hourly rain reading (the floods tests' gauges report hourly)."""
    return readings.rain(station, time, mm, interval=60)


@pytest.fixture
def feed():
    """`feed([readings])`: ingest one batch through hydromet, then run the floods ticks
    as the worker would (rain at risk points, then the warnings of new alerts)."""
    def send(readings):
        report = ingest(by=None, readings=readings, source="test")
        assert report.accepted == len(readings), report
        services.evaluate_new_observations()
        services.issue_pending_warnings()
        return report

    return send


def _station(code, region, lon, lat):
    return Station.objects.create(code=code, name=f"雨量站{code}", kind=StationKind.RAIN, longitude=lon,
                                  latitude=lat, region_id=region)


def make_village(region: str, gauge: str, *, criticals=((1, 30, 50), (3, 50, 80)), name="东坑村"):
    """A flash-flood village with one gauge and critical rainfall (window, prepare, move now)."""
    lon, lat = (121.38, 28.37) if region.startswith("331081") else (121.14, 28.86)
    station = Station.objects.filter(code=gauge).first() or _station(gauge, region, lon, lat)
    point = services.risk_point_create(by=None, kind_id="flash_flood_village", name=name, region_id=region,
                                       population=420, households=130, gauges=[station.code])
    services.critical_rainfall_set(by=None, risk_point=point, values=[
        {"window_hours": w, "prepare_mm": p, "move_now_mm": m} for w, p, m in criticals])
    return point


def make_section(region: str, *, warning=1.3, critical=10.0, gauges=(), **extra):
    return services.section_create(
        by=None, name="东坑溪断面", region_id=region, geometry=RECTANGLE, manning_n=0.04, slope=0.01,
        catchment_area_km2=10.0, curve_number=100.0, lag_hours=0.5, warning_stage=warning,
        critical_stage=critical, gauges=list(gauges), **extra)


@pytest.fixture
def wenling_village(regions):
    return make_village(WENLING_TOWN, "WF1")


@pytest.fixture
def linhai_village(regions):
    return make_village(LINHAI_TOWN, "LF1", name="临海某村")
ONE_HOUR_STORM_FOR_ACCESS = {"1": 36.0}
