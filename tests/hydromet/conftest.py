"""Stations for the hydromet tests: two local gauges in Wenling, two in Linhai."""

import datetime as dt

import pytest

from yingji.hydromet.choices import StationKind
from yingji.hydromet.models import Station

from ..conftest import LINHAI, WENLING

BEIJING = dt.timezone(dt.timedelta(hours=8))


def at(hour: int, minute: int = 0, day: int = 1) -> dt.datetime:
    """A time on 2024-07-<day> in Beijing time."""
    return dt.datetime(2024, 7, day, hour, minute, tzinfo=BEIJING)


def rain(station: str, time: dt.datetime, mm, interval=None) -> dict:
    reading = {"station": station, "quantity": "rain", "time": time.isoformat(), "value": mm}
    if interval is not None:
        reading["interval_minutes"] = interval
    return reading


@pytest.fixture
def gauges(regions):
    def station(code, region, lon, lat, kind=StationKind.RAIN):
        return Station.objects.create(code=code, name=f"测站{code}", kind=kind, longitude=lon,
                                      latitude=lat, region_id=region)

    return {
        "W1": station("W1", WENLING, 121.38, 28.37),
        "W2": station("W2", WENLING, 121.40, 28.40, StationKind.RAIN_STAGE),
        "L1": station("L1", LINHAI, 121.14, 28.86),
        "L2": station("L2", LINHAI, 121.20, 28.80, StationKind.STAGE),
    }
