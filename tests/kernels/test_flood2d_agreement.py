"""The numba kernel agrees with the numpy reference of the same scheme.

Both implement one local-inertial step (Bates et al. 2010,
doi:10.1016/j.jhydrol.2010.03.027; de Almeida et al. 2012,
doi:10.1029/2011WR011570) with the same operations in the same order, so in
float64 they may differ only by rounding: tolerance 1e-10 m on depths after the
run (rounding alone is ~1e-15 per step).
"""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yingji.kernels.flood2d import (
    EdgeBoundary,
    FloodModel,
    PointSource,
    TimeSeries,
    simulate,
)
from yingji.kernels.flood2d.model import NumbaEngine

EDGES = ["west", "east", "north", "south"]


@st.composite
def cases(draw):
    ny = draw(st.integers(2, 9))
    nx = draw(st.integers(2, 9))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    z = rng.uniform(0.0, 2.0, (ny, nx))
    if draw(st.booleans()):
        z[rng.random((ny, nx)) < 0.15] = np.nan
    h0 = np.where(rng.random((ny, nx)) < draw(st.floats(0.0, 1.0)), rng.uniform(0.0, 1.5, (ny, nx)), 0.0)
    manning = draw(st.sampled_from(["uniform", "cells"]))
    n = 0.035 if manning == "uniform" else rng.uniform(0.01, 0.08, (ny, nx))
    boundaries = []
    for edge in EDGES:
        kind = draw(st.sampled_from(["closed", "free", "stage", "inflow"]))
        value = {"closed": 0.0, "free": draw(st.sampled_from([0.0, 0.01])), "stage": 1.8,
                 "inflow": TimeSeries(np.array([0.0, 10.0]), np.array([0.0, 0.5]))}[kind]
        boundaries.append(EdgeBoundary(edge, kind, value))
    wet_cells = np.argwhere(np.isfinite(z))
    sources = []
    if draw(st.booleans()) and len(wet_cells):
        r, c = wet_cells[rng.integers(len(wet_cells))]
        sources = [PointSource(int(r), int(c), 0.3)]
    rain = draw(st.sampled_from([0.0, 2e-5]))
    rain_field = 1.0 if draw(st.booleans()) else rng.uniform(0.0, 2.0, (ny, nx))
    theta = draw(st.sampled_from([1.0, 0.7]))
    return {"z": z, "dx": 1.0, "manning": n, "rain": rain, "rain_field": rain_field, "sources": sources,
            "boundaries": boundaries, "theta": theta, "dt_max": 0.5}, h0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.booleans())
def test_numba_kernel_matches_numpy_reference(case, parallel):
    """Depths, maxima, arrival times and mass balance agree within 1e-10 after 5 s (dozens of steps).

    ``parallel`` forces all threads even on these small grids (otherwise
    they run on one).
    """
    params, h0 = case
    default = NumbaEngine.parallel_min_cells, NumbaEngine.adaptive_threads
    if parallel:
        NumbaEngine.parallel_min_cells, NumbaEngine.adaptive_threads = 0, False
    try:
        fast = simulate(FloodModel(**params), h0, 5.0, snapshot_times=[5.0], mass_interval=5.0, engine="numba")
    finally:
        NumbaEngine.parallel_min_cells, NumbaEngine.adaptive_threads = default
    ref = simulate(FloodModel(**params), h0, 5.0, snapshot_times=[5.0], mass_interval=5.0, engine="numpy")
    assert fast.steps == ref.steps
    np.testing.assert_allclose(fast.snapshots[5.0], ref.snapshots[5.0], rtol=0, atol=1e-10)
    np.testing.assert_allclose(fast.max_depth, ref.max_depth, rtol=0, atol=1e-10)
    np.testing.assert_allclose(fast.duration, ref.duration, rtol=0, atol=1e-9)
    np.testing.assert_allclose(fast.first_inundation, ref.first_inundation, rtol=0, atol=1e-9)
    assert abs(fast.mass[-1].stored - ref.mass[-1].stored) <= 1e-9 * max(1.0, ref.mass[-1].stored)


def test_point_source_on_nodata_is_refused():
    """Water put on a NODATA wall could never flow nor be counted: the model refuses it."""
    import pytest
    z = np.array([[0.0, np.nan]])
    with pytest.raises(ValueError, match="NODATA"):
        FloodModel(z=z, dx=1.0, sources=[PointSource(0, 1, 1.0)])


def test_float32_kernel_tracks_float64():
    """float32 storage stays within 1e-4 m of float64 on a small dam break (single-precision rounding)."""
    z = np.zeros((20, 40))
    h0 = np.where(np.arange(40) < 10, 1.0, 0.0)[None, :].repeat(20, 0)
    runs = [simulate(FloodModel(z=z, dx=1.0, manning=0.02, theta=0.7, dtype=dt), h0, 5.0, snapshot_times=[5.0])
            for dt in (np.float64, np.float32)]
    np.testing.assert_allclose(runs[1].snapshots[5.0], runs[0].snapshots[5.0], atol=1e-4)
