"""EA Test 5 (Néelz & Pender 2013), 2 hours, against LISFLOOD-FP 8.1's own run of the same .par.

LISFLOOD-FP is one model, not the truth, but a depth field it computes smooth
must be smooth here too, and the flood must reach the gauges at the same
times. Before 2-D friction the 99th percentile of |h − mean of 4 neighbours|
was 1.32 m (LISFLOOD-FP 0.22 m) and the front came 3–7 minutes early.
"""


import numpy as np
import pytest

from yingji.kernels.flood2d import simulate
from yingji.kernels.flood2d.compare import (
    flooded_iou,
    gauge_agreement,
    neighbour_roughness,
    read_stage_file,
)
from yingji.kernels.lisflood_case import build_case, read_par
from yingji.kernels.lisflood_io import read_ascii_grid

from ..conftest import needs, shared_path

EA5 = shared_path("data", "flood", "ea-test5")
REF = EA5 / "lisflood-fp-8.1-2h"  # EA Test 5 and LISFLOOD-FP 8.1's run of it
pytestmark = needs(REF)

END = 7200.0


def _run(theta=None):
    setup = build_case(read_par(EA5 / "ea5-10m.par"))
    if theta is not None:
        setup.model.theta = theta
    res = simulate(setup.model, setup.h0, END, snapshot_times=[END], stage_points=setup.stage_cells,
                   stage_interval=60.0, mass_interval=END)
    z = setup.model.z
    depth = res.stage - np.array([z[c] for c in setup.stage_cells])
    return setup, res, depth


@pytest.fixture(scope="module")
def ea5():
    """The .par as a user runs it (θ 0.95 by default)."""
    return _run()


@pytest.fixture(scope="module")
def ea5_lisflood_theta():
    """The .par with LISFLOOD-FP's own θ 1: for comparisons of one term of the scheme with its code."""
    return _run(theta=1.0)


def test_depth_field_is_as_smooth_as_lisflood_fp(ea5):
    setup, res, _ = ea5
    ref = read_ascii_grid(REF / "ea5-7200s.wd.gz").data
    theirs = neighbour_roughness(ref, setup.model.active)
    ours = neighbour_roughness(res.snapshots[END], setup.model.active)
    assert theirs == pytest.approx(0.22, abs=0.01)  # the measure is the one the issue quotes
    assert ours <= 1.1 * theirs


def test_flooded_extent_matches_lisflood_fp(ea5):
    _, res, _ = ea5
    assert flooded_iou(res.snapshots[END], read_ascii_grid(REF / "ea5-7200s.wd.gz").data) >= 0.9


def test_gauges_and_arrival_times_match_lisflood_fp(ea5):
    """Each point within max(0.15 m, 10 %) every minute (outside ±3 min of the front) and arriving within 3 min."""
    _, res, depth = ea5
    ref_t, ref_d = read_stage_file(REF / "ea5.stage")
    for p in range(ref_d.shape[1]):
        g = gauge_agreement(res.stage_times, depth[:, p], ref_t, ref_d[:, p])
        assert g.worst_excess <= 0.0, (p + 1, g)
        if np.isnan(g.arrival_ref):
            assert np.isnan(g.arrival), (p + 1, g)  # point 5 stays dry for 2 h
        else:
            assert abs(g.arrival_shift) <= 180.0, (p + 1, g)
    assert np.isfinite(ref_d).all() and ref_d[-1].max() > 4.0  # the reference really has deep water


def test_volume_is_conserved(ea5):
    _, res, _ = ea5
    last = res.mass[-1]
    assert last.sources == pytest.approx(9.45e6, rel=1e-6)  # 20 points × 15 m²/s × 10 m, 3150 s at peak
    assert abs(last.error) <= 1e-9 * last.sources


def test_max_depth_around_the_inflow_matches_lisflood_fp(ea5_lisflood_theta):
    """Around the 20 inflow points (rows 1150–1194, columns 120–159) the 2-h maximum depth is LISFLOOD-FP's.

    Within 1 cm RMS (measured 0.35 mm). Two things had to be as LISFLOOD-FP 8.1
    does them (``LoadBCs``, ``UpdateH``): the points, on cell edges in y, go to
    the cell below (int((ytop − y)/dx)), and a source enters with the depth
    update. With the points one row north and added before the fluxes, the
    source cells sat ~1 m below their neighbours and the RMS was 0.11 m. Run with
    LISFLOOD-FP's θ 1, so that only the source's placement and timing are compared
    (the default θ 0.95 smooths the fronts nearby: 2.6 cm RMS).
    """
    setup, res, _ = ea5_lisflood_theta
    ref = np.nan_to_num(read_ascii_grid(REF / "ea5.max.gz").data)
    window = (slice(1150, 1195), slice(120, 160))
    active = setup.model.active[window]
    diff = (res.max_depth - ref)[window][active]
    assert np.sqrt(np.mean(diff ** 2)) <= 0.01
