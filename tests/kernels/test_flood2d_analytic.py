"""The local-inertial kernel against analytic solutions and a published still-water case."""

import itertools

import numpy as np
import pytest

from yingji.kernels.flood2d import EdgeBoundary, FloodModel, TimeSeries, simulate
from yingji.kernels.lisflood_io import read_ascii_grid

from ..conftest import needs, shared_path

HUMPS = shared_path("data", "flood", "three-humps", "lake-at-rest")


@needs(HUMPS)
def test_three_humps_lake_stays_at_rest_over_wet_dry_fronts():
    """Three humps lake at rest (Liang & Borthwick 2009; LISFLOOD-FP 8.1 testing/UoS, `humps_cp`).

    Still water at η = 0.875 m over three humps, two just touching the surface,
    one emerging (wet/dry fronts), Manning 0.04, closed walls, 600 s as in the
    case's .par. The scheme is well balanced (a flat η gives zero slope; faces
    to an emerged cell have h_f = 0), so the surface must stay flat to rounding:
    tolerance 1e-10 m on η in wet cells, and emerged cells stay dry. (The
    start file holds 0.875 − z, negative on emerged cells: those are dry.)
    """
    z = read_ascii_grid(HUMPS / "humps.dem").data
    h0 = read_ascii_grid(HUMPS / "humps_cp.wd").data
    model = FloodModel(z=z, dx=1.0, manning=0.04, dt_max=10.0)
    res = simulate(model, h0, 600.0, snapshot_times=[600.0], stage_points=[(15, 10), (15, 60)],
                   stage_interval=100.0)
    h = res.snapshots[600.0]
    wet = h0 > 0
    assert np.abs(z + h - 0.875)[wet].max() <= 1e-10
    assert np.abs(h[~wet]).max() == 0.0
    assert np.abs(res.stage - 0.875).max() <= 1e-10
    assert res.steps > 1000  # really stepped: dt = 0.7·1/√(g·0.875) ≈ 0.24 s


def _hunter_front(x, t, u, n):
    """Depth of a front moving at constant u over a flat plane with Manning friction, m.

    Neglecting inertia, h^{4/3} dh/dx = −n²u², with h = 0 at the front x = ut:
    h(x, t) = [(7/3)·n²u²·(ut − x)]^{3/7}. Hunter, Bates, Horritt & Wilson (2005),
    doi:10.1016/j.advwatres.2005.03.007; Bates et al. (2010) §4.1,
    doi:10.1016/j.jhydrol.2010.03.027.
    """
    s = np.maximum(u * t - x, 0.0)
    return (7.0 / 3.0 * n * n * u * u * s) ** (3.0 / 7.0)


@pytest.mark.parametrize("theta", [1.0, 0.7])
def test_wetting_front_on_flat_plane_follows_hunter_solution(theta):
    """Flat-plane wetting front (Bates et al. 2010 §4.1 test, u = 0.2 m/s, n = 0.03, dx = 10 m, 1 h).

    The west edge is a varying stage equal to the analytic depth at the ghost
    centre x = −dx/2. The analytic solution neglects inertia, which matters
    only where u²/(g·h) is not small (h < ~0.05 m, near the tip), so:
    depth within 3% of h(0, t) (0.30 m) behind the tip (x ≤ 0.9·ut), and the
    front (last cell deeper than 1 cm) within 3 cells of x = ut − (the
    analytic depth is 1 cm at ut − 0.3 m, so the tip lies well within a cell).
    """
    u, n, dx, t_end = 0.2, 0.03, 10.0, 3600.0
    times = np.linspace(0.0, t_end, 361)
    stage = TimeSeries(times, _hunter_front(-dx / 2, times, u, n))
    model = FloodModel(z=np.zeros((3, 100)), dx=dx, manning=n, theta=theta, dt_max=5.0,
                       boundaries=[EdgeBoundary("west", "stage", stage)])
    h = simulate(model, 0.0, t_end, snapshot_times=[t_end]).snapshots[t_end][1]
    x = (np.arange(100) + 0.5) * dx
    exact = _hunter_front(x, t_end, u, n)
    behind = x <= 0.9 * u * t_end
    assert np.abs(h - exact)[behind].max() <= 0.03 * exact[0]
    front = x[h > 0.01].max()
    assert abs(front - u * t_end) <= 3 * dx


@pytest.mark.parametrize("engine", ["numba", "numpy"])
def test_inflow_down_an_inclined_channel_reaches_manning_normal_depth(engine):
    """Steady uniform flow: q = 0.5 m²/s from the west edge, bed slope S = 1e-3, n = 0.03.

    Normal depth h = (q·n/√S)^{3/5} (Manning) ≈ 0.637 m. In steady uniform flow
    the local-inertial face update reduces exactly to Manning's equation, and the
    free east edge uses the same slope, so the channel must settle to h within
    0.5% over its length and the outflow must equal the inflow within 0.5%.
    """
    q, n, slope, dx = 0.5, 0.03, 1e-3, 20.0
    nx = 60
    z = np.tile(slope * dx * (nx - 1 - np.arange(nx)), (3, 1))
    bcs = [EdgeBoundary("west", "inflow", q), EdgeBoundary("east", "free", slope)]
    model = FloodModel(z=z, dx=dx, manning=n, boundaries=bcs, dt_max=10.0, theta=0.7)
    res = simulate(model, 0.0, 6 * 3600.0, snapshot_times=[6 * 3600.0], mass_interval=600.0, engine=engine)
    normal = (q * n / np.sqrt(slope)) ** 0.6
    h = res.snapshots[6 * 3600.0]
    assert np.abs(h[:, 5:-5] / normal - 1.0).max() <= 0.005
    last, before = res.mass[-1], res.mass[-2]
    outflow_rate = (last.boundary_out - before.boundary_out) / 600.0
    assert outflow_rate == pytest.approx(q * 3 * dx, rel=0.005)


def test_lake_drains_through_free_edge_and_balance_closes():
    """A still lake drains through a free east edge: storage falls monotonically, out = lost storage (1e-9)."""
    z = np.zeros((10, 20))
    bcs = [EdgeBoundary("east", "free", 0.01)]
    res = simulate(FloodModel(z=z, dx=5.0, manning=0.03, boundaries=bcs), 1.0, 1800.0, mass_interval=300.0)
    stored = [r.stored for r in res.mass]
    assert all(b < a for a, b in itertools.pairwise(stored))
    assert res.mass[-1].boundary_out == pytest.approx(stored[0] - stored[-1], rel=1e-9)
