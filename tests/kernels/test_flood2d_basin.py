"""Deep still water for thousands of steps: a filled basin must settle, and stay settled.

The earlier tests (Hunter's front, lake at rest, normal depth, a few steps of
fast against numpy) had no deep water with moderate friction left alone for a
long run, and missed two faults: with θ = 1 the local-inertial scheme has no
damping of its own, and the sloshing in a deep basin grows (the spread of the
water surface in the bowl below reached 8–10 m, at α = 0.7 and at 0.35), and with
1-D friction the faces across a flow feel almost none, so EA Test 5's ponds
became a checkerboard.
"""

import itertools

import numpy as np
import pytest

from yingji.kernels.flood2d import FloodModel, PointSource, TimeSeries, simulate

DX = 10.0
N = 30
FILL_S = 1000.0  # 100 m³/s for 1000 s: 1e5 m³, about 5.5 m deep at the centre
END_S = 4000.0
SAMPLES = np.arange(1500.0, END_S + 1, 250.0)


def bowl(roughness: float) -> np.ndarray:
    """A round bowl 10 m deep at the middle of each side, plus seeded bumps of ±``roughness`` m."""
    y, x = np.mgrid[0:N, 0:N]
    c = (N - 1) / 2
    z = 10.0 * ((x - c) ** 2 + (y - c) ** 2) / c**2
    return z + roughness * np.random.default_rng(7).uniform(-1.0, 1.0, z.shape)


def fill_and_leave(z, manning, engine="numba", **settings):
    # off centre, so that the jets run diagonally to the grid as well as along it
    inflow = TimeSeries(np.array([0.0, FILL_S, FILL_S + 1.0]), np.array([100.0, 100.0, 0.0]))
    model = FloodModel(z=z, dx=DX, manning=manning, sources=[PointSource(N // 2 - 5, N // 2 - 5, inflow)],
                       dt_max=10.0, **settings)
    return simulate(model, 0.0, END_S, snapshot_times=SAMPLES, mass_interval=END_S, engine=engine)


def surface_spread(z, h) -> float:
    """Highest minus lowest water level over cells deeper than 0.1 m, m."""
    eta = (z + h)[h > 0.1]
    return float(eta.max() - eta.min())


@pytest.mark.parametrize(("roughness", "manning", "settled"), [(0.0, 0.03, 0.03), (0.0, 0.02, 0.03),
                                                               (1.0, 0.04, 0.05)])
def test_filled_basin_settles_and_its_surface_spread_never_grows(roughness, manning, settled):
    """After the inflow stops the surface becomes flat (a few cm) and its spread only shrinks.

    Samples every 250 s from 500 s after the inflow stopped: each spread may
    exceed the one before by at most 1 cm (a seiche's phase), and the last is
    below ``settled``. Volume: stored = inflow to 1e-9 relative.
    """
    z = bowl(roughness)
    res = fill_and_leave(z, manning)
    assert res.steps > 3000
    assert res.max_depth.max() > 5.0  # really deep water
    spreads = [surface_spread(z, res.snapshots[t]) for t in SAMPLES]
    assert spreads[-1] < settled, spreads
    for before, after in itertools.pairwise(spreads):
        assert after <= before + 0.01, spreads
    last = res.mass[-1]
    assert last.sources == pytest.approx(100.0 * FILL_S, rel=1e-3)
    assert abs(last.error) <= 1e-9 * last.sources


@pytest.mark.parametrize("alpha", [0.35, 0.7])
def test_theta_one_never_settles_which_is_why_the_default_theta_is_below_one(alpha):
    """The same smooth basin with θ = 1 (Bates et al. 2010, LISFLOOD-FP's default) keeps sloshing by metres.

    Not a time-step matter (α = 0.35 too): θ = 1 has no damping of its own, and
    the sloshing that the bowl focuses on its centre grows. de Almeida et al.
    (2012) introduced θ < 1 for this; :class:`FloodModel` defaults to θ = 0.8
    (with α = 0.5: with θ < 1 and α = 0.7 the three-humps lake does not stay at
    rest, see test_flood2d_analytic). If this ever settles, reconsider the default.
    """
    z = bowl(0.0)
    res = fill_and_leave(z, 0.03, theta=1.0, alpha=alpha)
    assert max(surface_spread(z, res.snapshots[t]) for t in SAMPLES) > 1.0


def test_numpy_reference_and_fast_kernel_agree_over_the_whole_run():
    """About 6,000 steps (fill, slosh, settle), not a few: depths agree to 1e-9 m at every sample.

    A gentle fill (25 m³/s for 4000 s) over the rough bowl: under the violent
    fill above, or on the smooth bowl, rounding differences (h^(7/3) by Newton
    steps against ``pow``) grow until a CFL step differs, and the runs part.
    """
    z = bowl(1.0)
    inflow = TimeSeries(np.array([0.0, 4000.0, 4001.0]), np.array([25.0, 25.0, 0.0]))
    times = [500.0, 1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0]
    runs = [simulate(FloodModel(z=z, dx=DX, manning=0.03, sources=[PointSource(10, 10, inflow)], dt_max=10.0),
                     0.0, 6000.0, snapshot_times=times, engine=engine) for engine in ("numba", "numpy")]
    fast, slow = runs
    assert fast.steps == slow.steps > 5000
    assert fast.max_depth.max() > 5.0
    for t in times:
        assert np.abs(fast.snapshots[t] - slow.snapshots[t]).max() <= 1e-9, t
