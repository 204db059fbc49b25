"""State and time loop of the 2-D inundation model (二维淹没模拟).

Holds what the pure step functions need between steps and drives them with an
adaptive time step dt = α·dx/√(g·h_max) (Bates et al. 2010,
doi:10.1016/j.jhydrol.2010.03.027, eq. 14), capped by ``dt_max`` and by the next
output time. The forcing (series, sources, edge boundaries) lives in
:mod:`.forcing`, the step engines in :mod:`.engines`; both are re-exported here.
No file I/O here: see :mod:`yingji.kernels.lisflood_io`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .engines import NumbaEngine, NumpyEngine, ThreadChoice
from .faces import FREE, STAGE, EdgeFaces, edge_cell
from .forcing import (
    EdgeBoundary,
    PointSource,
    PointStage,
    TimeSeries,
    _free_slope,
    _SeriesTable,
    _value_at,
    edge_faces,
)

__all__ = ["EdgeBoundary", "FloodModel", "FloodResult", "MassRecord", "NumbaEngine", "NumpyEngine", "PointSource",
           "PointStage", "ThreadChoice", "TimeSeries", "edge_faces", "simulate"]


@dataclass
class MassRecord:
    """Cumulative mass balance at ``time`` (s); volumes in m³.

    error = initial + rain + sources + boundary_in − boundary_out − stored.
    ``sources`` holds the point sources and the water point stages added;
    ``boundary_out`` what left through the edge and what point stages removed.
    """

    time: float
    rain: float
    sources: float
    boundary_in: float
    boundary_out: float
    stored: float
    error: float
    relative_error: float
    wet_area: float = math.nan  # m², cells deeper than the model's threshold


@dataclass
class FloodResult:
    """Outputs of a run; times in s, depths in m, NaN where a cell never flooded."""

    snapshots: dict[float, np.ndarray]
    max_depth: np.ndarray
    first_inundation: np.ndarray
    duration: np.ndarray
    stage_times: np.ndarray
    stage: np.ndarray  # (n_times, n_points) water level z + h, m
    mass: list[MassRecord]
    steps: int
    cell_updates: int
    parallel_steps: int = 0  # steps the numba engine ran on all threads (the rest on one)


@dataclass
class FloodModel:
    """A raster flood model: terrain, friction, forcing and numerical settings.

    Parameters
    ----------
    z : ndarray (ny, nx), m
        Bed elevation; NaN (or cells where ``active`` is False) are NODATA walls.
    dx : float, m
        Cell size.
    manning : float or ndarray (ny, nx), s/m^(1/3)
    rain : float or TimeSeries or callable, m/s
        Uniform rain rate in time; multiplied by ``rain_field``.
    rain_field : float or ndarray (ny, nx), −
        Spatial pattern of rain (1 = the uniform series everywhere; a per-cell
        rate in m/s with ``rain=1``).
    sources : PointSource list;  boundaries : EdgeBoundary list (closed elsewhere)
    stages : PointStage list (cells held at a water level)
    theta : float, − (de Almeida et al. 2012 θ; 1 = Bates et al. 2010)
    alpha : float, − (CFL coefficient);  dt_max : float, s
        Defaults θ = 0.8, α = 0.5, chosen by tests/kernels/test_flood2d_basin.py:
        with θ = 1 a filled basin never settles (no damping of the sloshing,
        even at α = 0.35); with θ < 1 and α = 0.7 still water over humps does
        not stay still; θ = 0.8 with α = 0.5 passes both. LISFLOOD-FP's
        defaults are θ = 1, α = 0.7, and ``.par`` runs keep them.
    friction_2d : bool (True: a face's friction uses the magnitude of the
        discharge vector, its own q and the mean of the four faces across it, as
        LISFLOOD-FP does by default; False: its own q only, LISFLOOD-FP's
        ``1Dfriction``). With 1-D friction the faces across a flow feel almost
        none, and on EA Test 5 the deep water turned into a checkerboard.
    eps : float, m (depth below which a face is dry)
    threshold : float, m (depth counted as inundated, for arrival time and duration)
    """

    z: np.ndarray
    dx: float
    manning: float | np.ndarray = 0.03
    rain: float | TimeSeries | Callable = 0.0
    rain_field: float | np.ndarray = 1.0
    sources: Sequence[PointSource] = ()
    boundaries: Sequence[EdgeBoundary] = ()
    stages: Sequence[PointStage] = ()
    active: np.ndarray | None = None
    theta: float = 0.8
    friction_2d: bool = True
    alpha: float = 0.5
    dt_max: float = 10.0
    g: float = 9.80665
    eps: float = 1e-3
    threshold: float = 1e-3
    dtype: type = np.float64
    faces: EdgeFaces = field(init=False)

    def __post_init__(self):
        z = np.asarray(self.z, float)
        if self.active is None:
            self.active = np.isfinite(z)
        self.active = np.asarray(self.active, np.bool_)
        self.z = np.where(self.active, z, 0.0).astype(self.dtype)
        self.ny, self.nx = self.z.shape
        self.n = np.asarray(self.manning, self.dtype)
        self.faces = edge_faces(self.boundaries, self.active)
        self.src_cells = self._cells(self.sources, "point source")
        self.stage_cells = self._cells(self.stages, "point stage")
        self._stage_cell_z = self.z[self.stage_cells[:, 0], self.stage_cells[:, 1]].astype(float)
        self._stage_levels = _SeriesTable([s.level for s in self.stages])
        self._rain_field_sum = float(np.sum(np.broadcast_to(self.rain_field, z.shape)[self.active]))
        self._free_slopes = np.array([_free_slope(self.z, s, i, self.dx)
                                      for s, i in zip(self.faces.side, self.faces.index)])
        self._bc_values = _SeriesTable([bc.value for bc in self.boundaries])
        self._src_values = _SeriesTable([s.discharge for s in self.sources])
        stage = self.faces.kind == STAGE
        self._stage_faces = stage
        self._stage_z = np.array([self.z[edge_cell(s, i, self.z.shape)]
                                  for s, i in zip(self.faces.side[stage], self.faces.index[stage])], float)

    def _cells(self, points, what: str) -> np.ndarray:
        cells = np.array([(p.row, p.col) for p in points], np.int64).reshape(-1, 2)
        for r, c in cells:
            if not (0 <= r < self.ny and 0 <= c < self.nx and self.active[r, c]):
                raise ValueError(f"{what} at cell ({r}, {c}) is outside the grid or on NODATA")
        return cells

    def face_values(self, t: float) -> np.ndarray:
        """Each open edge face's boundary value at time t (slope, stage m or inflow m²/s)."""
        values = self._bc_values(t)[self.faces.owner] if self.faces.owner.size else np.zeros(0)
        free = (self.faces.kind == FREE) & (values <= 0.0)
        return np.where(free, self._free_slopes, values)

    def stage_depth(self, values: np.ndarray) -> float:
        """Largest depth a stage boundary imposes (enters the CFL time step), m."""
        if not self._stage_z.size:
            return 0.0
        return float(np.max(values[self._stage_faces] - self._stage_z))

    def source_rates(self, t: float) -> np.ndarray:
        """Each point source's discharge at time t, m³/s."""
        return self._src_values(t)

    def point_stage_depths(self, t: float) -> np.ndarray:
        """Depth each point stage holds its cell at, at time t: max(level − z, 0), m."""
        if not self.stages:
            return np.zeros(0)
        return np.maximum(self._stage_levels(t) - self._stage_cell_z, 0.0)


def simulate(model: FloodModel, h0, sim_time: float, *, snapshot_times=(), stage_points=(),
             stage_interval: float | None = None, mass_interval: float | None = None,
             engine: str = "numba", progress: Callable[[float], None] | None = None) -> FloodResult:
    """Run ``model`` from depths ``h0`` (m, scalar or array) for ``sim_time`` s.

    ``stage_points`` are (row, col) cells whose water level is recorded every
    ``stage_interval`` s; the mass balance is recorded every ``mass_interval`` s
    and at the end. ``engine`` is 'numba' (fast) or 'numpy' (reference).
    Negative initial depths (start files that hold η − z, as LISFLOOD-FP's
    ``humps_cp.wd`` does) mean dry cells; NaN means dry too.
    """
    h0 = np.broadcast_to(np.asarray(h0, float), model.z.shape)
    h0 = np.where(np.isfinite(h0) & (h0 > 0.0), h0, 0.0)
    eng = (NumbaEngine if engine == "numba" else NumpyEngine)(model, h0)
    clock = _Clock(sim_time, snapshot_times, stage_interval, mass_interval)
    cell_area = model.dx * model.dx
    v0 = float(eng.h.sum(dtype=np.float64)) * cell_area
    tot = {"rain": 0.0, "sources": 0.0, "boundary_in": 0.0, "boundary_out": 0.0}
    out = _Recorder(stage_points)
    t, steps, updates, h_top = 0.0, 0, 0, float(eng.h.max(initial=0.0))
    out.sample(t, eng, clock, tot, v0, cell_area, initial=True)
    while t < sim_time:
        values = model.face_values(t)
        h_cfl = max(h_top, model.stage_depth(values), float(model.point_stage_depths(t).max(initial=0.0)))
        dt = model.dt_max if h_cfl <= 0 else min(model.dt_max, model.alpha * model.dx / math.sqrt(model.g * h_cfl))
        dt = min(dt, clock.next_event(t) - t)
        tm = t + 0.5 * dt
        values = model.face_values(tm)
        rain_rate = _value_at(model.rain, tm)
        src = model.source_rates(tm)
        v_in, v_out, h_top, n_cells = eng.step(dt, t + dt, rain_rate, src, values)
        tot["rain"] += rain_rate * dt * model._rain_field_sum * cell_area
        tot["sources"] += float(src.sum()) * dt
        tot["boundary_in"] += v_in
        tot["boundary_out"] += v_out
        t = clock.snap(t + dt)
        if model.stages:
            held = model.point_stage_depths(t)
            change = eng.hold(model.stage_cells, held, t) * cell_area
            tot["sources"] += float(change[change > 0].sum())
            tot["boundary_out"] -= float(change[change < 0].sum())
            h_top = max(h_top, float(held.max()))
        steps += 1
        updates += n_cells
        out.sample(t, eng, clock, tot, v0, cell_area)
        if progress:
            progress(t)
    return out.result(eng, steps, updates)


class _Clock:
    """Output times: the loop never steps over one of them."""

    def __init__(self, sim_time, snapshot_times, stage_interval, mass_interval):
        self.sim_time = float(sim_time)
        self.snapshots = sorted(float(s) for s in snapshot_times if 0 < s <= sim_time)
        self.stage_interval = stage_interval
        self.mass_interval = mass_interval
        events = set(self.snapshots) | {self.sim_time}
        for iv in (stage_interval, mass_interval):
            if iv:
                events |= {k * iv for k in range(1, int(sim_time // iv) + 1)}
        self.events = np.array(sorted(events))

    def next_event(self, t):
        return float(self.events[np.searchsorted(self.events, t, side="right")])

    def snap(self, t):
        """Round t onto an event time it reached to rounding, so events are not missed."""
        k = np.searchsorted(self.events, t - 1e-9 * max(1.0, t))
        if k < self.events.size and abs(self.events[k] - t) <= 1e-9 * max(1.0, t):
            return float(self.events[k])
        return t

    def due(self, t, interval):
        return bool(interval) and abs(t / interval - round(t / interval)) < 1e-9 or t == self.sim_time


class _Recorder:
    def __init__(self, stage_points):
        self.points = [tuple(p) for p in stage_points]
        self.snapshots, self.stage_t, self.stage, self.mass = {}, [], [], []

    def sample(self, t, eng, clock, tot, v0, cell_area, initial=False):
        if t in clock.snapshots:
            self.snapshots[t] = eng.h.copy()
        if self.points and (initial or clock.due(t, clock.stage_interval)):
            self.stage_t.append(t)
            self.stage.append([float(eng.m.z[p] + eng.h[p]) for p in self.points])
        if initial or clock.due(t, clock.mass_interval):
            stored = float(eng.h.sum(dtype=np.float64)) * cell_area
            vin = v0 + tot["rain"] + tot["sources"] + tot["boundary_in"]
            err = vin - tot["boundary_out"] - stored
            wet = float(np.count_nonzero(eng.h > eng.m.threshold)) * cell_area
            self.mass.append(MassRecord(t, tot["rain"], tot["sources"], tot["boundary_in"], tot["boundary_out"],
                                        stored, err, err / vin if vin > 0 else 0.0, wet))

    def result(self, eng, steps, updates):
        never = eng.t_first < 0
        return FloodResult(
            snapshots=self.snapshots, max_depth=eng.h_max.copy(),
            first_inundation=np.where(never, np.nan, eng.t_first), duration=eng.duration.copy(),
            stage_times=np.array(self.stage_t),
            stage=np.array(self.stage, float).reshape(len(self.stage_t), len(self.points)),
            mass=self.mass, steps=steps, cell_updates=updates,
            parallel_steps=eng.threads.parallel_steps if isinstance(eng, NumbaEngine) else 0)
