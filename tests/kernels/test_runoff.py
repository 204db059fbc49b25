"""Rain → discharge → stage: the SCS curve number (NEH 630 ch. 10), the dimensionless
unit hydrograph (NEH 630 ch. 16, Table 16-1), Muskingum routing, NSE and calibration,
each against a hand computation, a published table or a definition."""

import math

import numpy as np
import pytest

from yingji.kernels.runoff import (
    Catchment,
    calibrate,
    muskingum,
    nash_sutcliffe,
    outlet_discharge,
    peak_rate_factor,
    rainfall_excess,
    retention,
    runoff_depth,
    simulate_discharge,
    unit_hydrograph,
)
from yingji.kernels.section import CrossSection, stage_for_discharge


def test_curve_number_runoff_by_hand():
    """CN 80: S = 25400/80 - 254 = 63.5 mm, Ia = 12.7 mm; P = 100 mm:
    Q = 87.3² / (87.3 + 63.5) = 7621.29 / 150.8 = 50.539 mm."""
    assert retention(80) == pytest.approx(63.5)
    assert runoff_depth(100.0, 80) == pytest.approx(50.539, abs=1e-3)


def test_curve_number_runoff_of_a_smaller_storm_by_hand():
    """CN 70: S = 362.857 - 254 = 108.857 mm, Ia = 21.771 mm; P = 50 mm:
    Q = 28.229² / (28.229 + 108.857) = 796.85 / 137.086 = 5.813 mm."""
    assert runoff_depth(50.0, 70) == pytest.approx(5.813, abs=1e-3)


def test_rain_below_the_initial_abstraction_runs_nothing_off():
    assert runoff_depth(12.0, 80) == 0.0  # Ia = 12.7 mm
    assert runoff_depth(0.0, 80) == 0.0


def test_an_impervious_catchment_runs_all_rain_off():
    assert runoff_depth(37.5, 100) == pytest.approx(37.5)


def test_step_excess_adds_up_to_the_cumulative_runoff():
    rain = np.array([5.0, 20.0, 0.0, 40.0, 35.0, np.nan, 0.0])
    excess = rainfall_excess(rain, 80)
    assert excess.sum() == pytest.approx(runoff_depth(100.0, 80))
    assert excess[0] == 0 and np.all(excess >= 0)


def test_unit_hydrograph_mass_curve_matches_the_published_column():
    """NEH 630 Table 16-1's mass-curve ratios Qa/Q: 0.375 at t/Tp = 1, 0.871 at 2,
    0.977 at 3 (3 digits). Δt = 0.1 h and L = 0.95 h give Tp = 1 h."""
    cumulative = np.cumsum(unit_hydrograph(0.1, 0.95))
    assert cumulative[9] == pytest.approx(0.375, abs=0.003)  # end of step 10 = t/Tp 1.0
    assert cumulative[19] == pytest.approx(0.871, abs=0.003)
    assert cumulative[29] == pytest.approx(0.977, abs=0.003)


def test_peak_rate_factor_is_the_handbooks_0_208():
    """NEH 630 eq. 16-1: qp = 484 A Q / Tp in US units, 0.208 A Q / Tp in SI
    (A km², Q mm, Tp h): our integrated curve gives the same within 0.5%."""
    assert peak_rate_factor() == pytest.approx(0.208, rel=0.005)


@pytest.mark.parametrize("dt, lag", [(1.0, 2.0), (0.25, 0.6), (1.0, 0.1), (0.5, 7.3)])
def test_unit_hydrograph_conserves_volume(dt, lag):
    """Runoff depth × area = ∫ Q dt (within 1%), once the hydrograph has ended."""
    excess = np.zeros(400)
    excess[:5] = [3.0, 10.0, 7.0, 0.0, 2.5]
    area = 42.0
    q = outlet_discharge(excess, area, dt, lag)
    assert q.sum() * dt * 3600 == pytest.approx(excess.sum() * area * 1000, rel=0.01)


def test_one_millimetre_peaks_near_the_handbook_peak():
    """1 mm over 100 km² in a short step: the peak step mean is close to
    0.208 · 100 · 1 / Tp (within 3%: a step averages the curve's top)."""
    dt, lag = 0.05, 1.975  # Tp = 2 h
    q = outlet_discharge(np.r_[1.0, np.zeros(300)], 100.0, dt, lag)
    assert q.max() == pytest.approx(0.208 * 100 / 2.0, rel=0.03)
    assert np.argmax(q) * dt == pytest.approx(2.0, abs=0.1)


def test_muskingum_with_x_half_and_k_one_step_is_a_pure_delay():
    """X = 0.5, K = Δt: C0 = 0, C1 = 1, C2 = 0, so O(t) = I(t - Δt)."""
    inflow = np.array([0.0, 5.0, 20.0, 12.0, 3.0, 0.0, 0.0])
    np.testing.assert_allclose(muskingum(inflow, 1.0, 1.0, 0.5), [0, 0, 5, 20, 12, 3, 0], atol=1e-12)


def test_muskingum_attenuates_and_conserves_volume():
    inflow = np.r_[np.zeros(3), np.linspace(0, 100, 6), np.linspace(100, 0, 12), np.zeros(80)]
    out = muskingum(inflow, 1.0, 3.0, 0.2)  # 2KX > Δt: X is lowered, no negative flows
    assert out.min() >= 0
    assert out.max() < inflow.max()
    assert out.sum() == pytest.approx(inflow.sum(), rel=1e-3)


def test_nse_of_a_perfect_simulation_is_one_and_of_the_mean_is_zero():
    observed = np.array([1.0, 2.5, 4.0, 3.0, 1.5, np.nan])
    assert nash_sutcliffe(observed, observed) == 1.0
    mean = np.nanmean(observed)
    assert nash_sutcliffe(observed, np.full(6, mean)) == pytest.approx(0.0, abs=1e-15)
    assert nash_sutcliffe(observed, np.full(6, mean + 1)) < 0


SECTION = CrossSection([(0, 4), (6, 1), (8, 0), (10, 0), (12, 1), (20, 4)])


def _storms() -> np.ndarray:
    """Two storms of different depth and shape over three days of hourly steps."""
    rain = np.zeros(72)
    rain[4:10] = [2, 8, 25, 18, 6, 1]
    rain[36:44] = [1, 3, 12, 30, 42, 20, 5, 2]
    return rain


def test_calibration_recovers_the_parameters_the_data_were_made_with():
    """Stage synthesised with CN 78, L 2.5 h, n 0.045 (exact Manning inverse, not the
    calibration's table) is fitted back within a small tolerance, with NSE ≈ 1."""
    truth = Catchment(area_km2=35.0, curve_number=78.0, lag_hours=2.5, manning_n=0.045,
                      slope=0.004, baseflow_m3s=1.5)
    q = simulate_discharge(_storms(), 1.0, truth)
    stage = np.array([stage_for_discharge(SECTION, v, truth.manning_n, truth.slope) for v in q])
    stage[50] = np.nan  # a missing reading is skipped
    fit = calibrate(_storms(), stage, SECTION, dt_hours=1.0, area_km2=35.0, slope=0.004, baseflow_m3s=1.5)
    assert fit.curve_number == pytest.approx(78.0, abs=1.0)
    assert fit.lag_hours == pytest.approx(2.5, abs=0.1)
    assert fit.manning_n == pytest.approx(0.045, rel=0.05)
    assert fit.nse > 0.999
    assert math.isnan(stage[50]) and len(fit.simulated_stage) == 72
