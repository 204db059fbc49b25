"""The fast kernel's own devices: skipping dry cells, the inverse cube root, thread choice, forcing tables.

The scheme itself is checked against the numpy reference in
``test_flood2d_agreement``; these tests check what the reference has no twin for.
"""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numba import njit

from yingji.kernels.flood2d import EdgeBoundary, FloodModel, PointSource, TimeSeries, fast, simulate
from yingji.kernels.flood2d.model import NumbaEngine, ThreadChoice, _SeriesTable


@st.composite
def patchy_cases(draw):
    """A mostly dry valley with NODATA holes, a few wet pools, a source and open edges."""
    ny = draw(st.integers(8, 30))
    nx = draw(st.integers(8, 30))
    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    y, x = np.mgrid[0:ny, 0:nx]
    z = 0.05 * np.abs(x - nx / 2) + 0.02 * y + rng.uniform(0.0, 0.3, (ny, nx))
    z[rng.random((ny, nx)) < draw(st.sampled_from([0.0, 0.1, 0.3]))] = np.nan
    h0 = np.zeros((ny, nx))
    for _ in range(draw(st.integers(0, 3))):
        r, c = rng.integers(ny), rng.integers(nx)
        h0[max(r - 2, 0):r + 2, max(c - 2, 0):c + 2] = rng.uniform(0.0, 0.8)
    cells = np.argwhere(np.isfinite(z))
    sources = []
    if draw(st.booleans()) and len(cells):
        r, c = cells[rng.integers(len(cells))]
        sources = [PointSource(int(r), int(c), TimeSeries(np.array([0.0, 4.0, 8.0]), np.array([0.0, 0.4, 0.0])))]
    west = draw(st.sampled_from(["closed", "inflow", "stage"]))
    boundaries = [EdgeBoundary("west", west, {"closed": 0.0, "inflow": 0.1, "stage": 0.9}[west]),
                  EdgeBoundary("south", "free", 0.0), EdgeBoundary("north", "stage", 0.6, 0, nx // 2),
                  EdgeBoundary("east", "inflow", 0.05, ny // 3, ny // 2)]
    manning = 0.03 if draw(st.booleans()) else rng.uniform(0.02, 0.06, (ny, nx))
    theta = draw(st.sampled_from([1.0, 0.8]))
    return {"z": z, "dx": 2.0, "manning": manning, "sources": sources, "boundaries": boundaries,
            "theta": theta, "dt_max": 0.5}, h0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patchy_cases())
def test_skipping_dry_cells_gives_exactly_the_full_sweep(case):
    """Faces of dry cells are exactly 0 in a full sweep, so skipping them must change no bit of any output."""
    params, h0 = case
    runs = []
    for full in (False, True):
        NumbaEngine.full_sweep = full
        try:
            runs.append(simulate(FloodModel(**params), h0, 8.0, snapshot_times=[4.0, 8.0], mass_interval=4.0))
        finally:
            NumbaEngine.full_sweep = False
    skip, sweep = runs
    assert skip.steps == sweep.steps
    for t in (4.0, 8.0):
        np.testing.assert_array_equal(skip.snapshots[t], sweep.snapshots[t])
    np.testing.assert_array_equal(skip.max_depth, sweep.max_depth)
    np.testing.assert_array_equal(skip.first_inundation, sweep.first_inundation)
    np.testing.assert_array_equal(skip.duration, sweep.duration)
    assert [m.stored for m in skip.mass] == [m.stored for m in sweep.mass]
    assert skip.cell_updates == sweep.cell_updates  # counted over all cells either way (LISFLOOD-FP's convention)


def test_inverse_cube_root_is_correct_to_rounding():
    """x^(−1/3) by bit guess and Newton steps: within 3 units of 2^-52 (relative) of numpy's power, 1e-6 to 1e4 m.

    numpy's own x**(−1/3) is off by up to an ulp too (−1/3 is not a double).
    """
    x = np.concatenate([np.geomspace(1e-6, 1e4, 20001), np.random.default_rng(1).uniform(1e-3, 10.0, 20000)])
    y = np.empty_like(x)
    _fill_inv_cbrt(x, y)
    np.testing.assert_allclose(y, x ** (-1.0 / 3.0), rtol=3 * 2.0**-52, atol=0)
    assert fast._inv_cbrt(1.0) == 1.0 and fast._inv_cbrt(8.0) == 0.5 and fast._inv_cbrt(0.125) == 2.0


@njit
def _fill_inv_cbrt(x, out):
    for k in range(x.shape[0]):
        out[k] = fast._inv_cbrt(x[k])


def test_series_table_is_numpy_interp_of_each_series():
    """One call gives what np.interp gives per series, constants included.

    Held constant before the first and after the last time, as np.interp does.
    """
    a = TimeSeries(np.array([0.0, 10.0, 30.0]), np.array([1.0, 3.0, -2.0]))
    b = TimeSeries(np.array([5, 6]), np.array([7, 9]))  # integer arrays as a file reader may give
    table = _SeriesTable([a, 2.5, b])
    for t in (-1.0, 0.0, 4.0, 5.5, 10.0, 29.0, 100.0):
        np.testing.assert_array_equal(table(t), [np.interp(t, a.times, a.values), 2.5, np.interp(t, b.times, b.values)])
    assert table(1.0).shape == (3,) and _SeriesTable([])(1.0).shape == (0,)


def test_series_table_calls_other_callables():
    table = _SeriesTable([lambda t: 2.0 * t, 1.0])
    np.testing.assert_array_equal(table(3.0), [6.0, 1.0])


def _steps(ranges):
    return [k for a, b in ranges for k in range(a, b + 1)]


def test_thread_choice_measures_both_then_runs_the_cheaper_and_retries_the_other_less_often_while_it_loses():
    """Costs per cell: parallel 5, one thread 1 (a busy second core). Hand-computed schedule of tries.

    Tries last 4 steps: parallel 1-4, one thread 5-8, then parallel at 58 (50 after), 161 (lost, so 100 after
    the try ended at 61) and 364 (200 after 164).
    """
    tc = ThreadChoice(min_cells=10, adaptive=True)
    assert tc.parallel(5, 2) is False and tc.parallel(100, 1) is False  # too small; one thread only
    cost = {True: 5.0, False: 1.0}
    picks = []
    for _ in range(400):
        p = tc.parallel(100, 2)
        picks.append(p)
        tc.record(p, cost[p] * 100, 100)
    assert [k + 1 for k, p in enumerate(picks) if p] == _steps([(1, 4), (58, 61), (161, 164), (364, 367)])
    assert tc.cost == {True: 5.0, False: 1.0} and tc.parallel_steps == 16


def test_thread_choice_does_not_count_the_first_step_of_a_try():
    """Waking sleeping threads makes a try's first step slow: it must not decide the try."""
    tc = ThreadChoice(min_cells=10, adaptive=True)
    for k in range(8):
        p = tc.parallel(100, 2)
        tc.record(p, (1000.0 if k == 0 else 0.5 if p else 1.0) * 100, 100)
    assert tc.best() is True and tc.cost[True] == 0.5


def test_thread_choice_switches_when_the_other_core_frees():
    """Parallel turns cheaper at step 61; the try at 161 switches to it; one thread is then tried at 214 and 317."""
    tc = ThreadChoice(min_cells=10, adaptive=True)
    cost = {True: 5.0, False: 1.0}
    for _ in range(60):
        p = tc.parallel(100, 2)
        tc.record(p, cost[p] * 100, 100)
    cost = {True: 0.5, False: 1.0}  # the other process ended
    picks = []
    for _ in range(300):
        p = tc.parallel(100, 2)
        picks.append(p)
        tc.record(p, cost[p] * 100, 100)
    one_thread_steps = [61 + k for k, p in enumerate(picks) if not p]
    assert [s for s in one_thread_steps if s >= 161] == _steps([(214, 217), (317, 320)])


def test_thread_choice_off_always_uses_all_threads():
    tc = ThreadChoice(min_cells=0, adaptive=False)
    assert tc.parallel(1, 2) is True and tc.parallel(1, 1) is False
