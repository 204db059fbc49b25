"""Stations for the hydromet tests: two local gauges in Wenling, two in Linhai."""


import pytest

from yingji.hydromet.choices import StationKind

from ..conftest import LINHAI, WENLING
from ..factories import StationFactory
from ..readings import BEIJING, at, rain  # noqa: F401  (re-exported for the test modules)


@pytest.fixture
def gauges(regions):
    def station(code, region, lon, lat, kind=StationKind.RAIN):
        return StationFactory(code=code, kind=kind, longitude=lon, latitude=lat, region_id=region)

    return {
        "W1": station("W1", WENLING, 121.38, 28.37),
        "W2": station("W2", WENLING, 121.40, 28.40, StationKind.RAIN_STAGE),
        "L1": station("L1", LINHAI, 121.14, 28.86),
        "L2": station("L2", LINHAI, 121.20, 28.80, StationKind.STAGE),
    }
