"""Calibrating a section from hydromet's observations: stage made with known
parameters (the exact Manning inverse, not the calibration's table) from the rain
fed through hydromet is fitted back, and the section stores the fit and its NSE."""

import datetime as dt

import numpy as np
import pytest

from yingji.core.errors import DomainError
from yingji.floods import services
from yingji.hydromet.models import Station
from yingji.hydromet.services import ingest
from yingji.kernels.runoff import Catchment, simulate_discharge
from yingji.kernels.section import CrossSection, stage_for_discharge

from ..conftest import WENLING_TOWN
from .conftest import RECTANGLE, at, make_section
from .conftest import rain as hourly_rain

pytestmark = pytest.mark.django_db

START = at(0)
HOURS = 72


def _storms() -> np.ndarray:
    rain = np.zeros(HOURS)
    rain[4:10] = [2, 8, 25, 18, 6, 1]
    rain[36:44] = [1, 3, 12, 30, 42, 20, 5, 2]
    return rain


def _readings(rain, stage):
    out = []
    for k in range(HOURS):
        t = (START + dt.timedelta(hours=k + 1)).isoformat()  # the step ending at this time
        out.append(hourly_rain("WR1", t, float(rain[k])))
        if k % 7 != 3:  # some hours have no stage reading: skipped by the fit
            out.append({"station": "WS1", "quantity": "stage", "time": t, "value": round(float(stage[k]), 4)})
    return out


@pytest.fixture
def gauged_section(regions):
    for code, kind in (("WR1", "rain"), ("WS1", "stage")):
        Station.objects.create(code=code, name=code, kind=kind, longitude=121.38, latitude=28.37,
                               region_id=WENLING_TOWN)
    return make_section(WENLING_TOWN, gauges=["WR1"], stage_station_id=Station.objects.get(code="WS1").pk,
                        baseflow_m3s=2.0)


def test_calibration_recovers_the_parameters_and_stores_them(gauged_section):
    truth = Catchment(area_km2=10.0, curve_number=80.0, lag_hours=1.5, manning_n=0.05, slope=0.01, baseflow_m3s=2.0)
    q = simulate_discharge(_storms(), 1.0, truth)
    stage = [stage_for_discharge(CrossSection(RECTANGLE), v, 0.05, 0.01) for v in q]
    ingest(by=None, readings=_readings(_storms(), stage), source="test")
    fit = services.section_calibrate(by=None, section=gauged_section, start=START,
                                     end=START + dt.timedelta(hours=HOURS))
    gauged_section.refresh_from_db()
    assert gauged_section.curve_number == pytest.approx(80.0, abs=1.0)
    assert gauged_section.lag_hours == pytest.approx(1.5, abs=0.1)
    assert gauged_section.manning_n == pytest.approx(0.05, rel=0.05)
    assert gauged_section.calibration_nse == pytest.approx(fit.nse, abs=1e-4) and fit.nse > 0.99


def test_a_section_without_a_stage_gauge_cannot_be_calibrated(regions):
    with pytest.raises(DomainError):
        services.section_calibrate(by=None, section=make_section(WENLING_TOWN), start=START,
                                   end=START + dt.timedelta(hours=HOURS))
