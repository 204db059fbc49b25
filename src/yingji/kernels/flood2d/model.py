"""State, forcing and time loop of the 2-D inundation model (二维淹没模拟).

Holds what the pure step functions need between steps and drives them with an
adaptive time step dt = α·dx/√(g·h_max) (Bates et al. 2010,
doi:10.1016/j.jhydrol.2010.03.027, eq. 14), capped by ``dt_max`` and by the next
output time. No file I/O here: see :mod:`yingji.kernels.lisflood_io`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numba
import numpy as np

from . import fast, reference
from .faces import EAST, FREE, INFLOW, NORTH, SOUTH, STAGE, WEST, EdgeFaces, edge_cell


@dataclass(frozen=True)
class TimeSeries:
    """A piecewise-linear series: ``times`` in s, ``values`` in the quantity's unit.

    Held constant before the first and after the last time.
    """

    times: np.ndarray
    values: np.ndarray

    def __call__(self, t: float) -> float:
        return float(np.interp(t, self.times, self.values))

    def scaled(self, factor: float) -> TimeSeries:
        return TimeSeries(np.asarray(self.times, float), np.asarray(self.values, float) * factor)


def _value_at(v, t: float) -> float:
    return v(t) if callable(v) else float(v)


class _SeriesTable:
    """Many forcings (floats and :class:`TimeSeries`) evaluated at one time by one numba call.

    EA Test 5 has 20 point-source series: one ``np.interp`` each per step cost
    more than the kernel on its wet area. Other callables are called one by one.
    """

    def __init__(self, items):
        self.items = list(items)
        self.plain = all(isinstance(v, TimeSeries) or not callable(v) for v in self.items)
        series = [v if isinstance(v, TimeSeries) else TimeSeries(np.zeros(1), np.full(1, float(v)))
                  for v in self.items] if self.plain else []
        width = max((len(s.times) for s in series), default=1)
        self.times = np.zeros((len(series), width))
        self.values = np.zeros((len(series), width))
        self.lengths = np.array([len(s.times) for s in series], np.int64)
        for k, s in enumerate(series):
            self.times[k, :len(s.times)] = s.times
            self.values[k, :len(s.times)] = s.values

    def __call__(self, t: float) -> np.ndarray:
        if not self.plain:
            return np.array([_value_at(v, t) for v in self.items], float)
        out = np.empty(len(self.items))
        fast._interp_rows(self.times, self.values, self.lengths, float(t), out)
        return out


_SIDES = {"west": WEST, "east": EAST, "north": NORTH, "south": SOUTH}
_KINDS = {"free": FREE, "stage": STAGE, "inflow": INFLOW}


@dataclass(frozen=True)
class EdgeBoundary:
    """A boundary condition on part of the domain edge (边界条件).

    edge : 'west', 'east', 'north' or 'south'
    kind : 'closed', 'free' (normal-depth outflow; value = slope, −),
        'stage' (HFIX/HVAR; value = water level, m) or
        'inflow' (QFIX/QVAR; value = inward discharge per unit width, m²/s)
    value : float or TimeSeries
    start, stop : cell range along the edge (rows top-down for west/east,
        columns for north/south); the whole edge by default
    """

    edge: str
    kind: str
    value: float | TimeSeries = 0.0
    start: int = 0
    stop: int | None = None


@dataclass(frozen=True)
class PointSource:
    """Water added at one cell (点源): ``discharge`` in m³/s, float or TimeSeries."""

    row: int
    col: int
    discharge: float | TimeSeries


@dataclass
class MassRecord:
    """Cumulative mass balance at ``time`` (s); volumes in m³.

    error = initial + rain + sources + boundary_in − boundary_out − stored.
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


def edge_faces(boundaries: Sequence[EdgeBoundary], active: np.ndarray) -> EdgeFaces:
    """List the open edge faces: one per edge cell covered by a non-closed boundary."""
    ny, nx = active.shape
    side, index, kind, owner = [], [], [], []
    for b, bc in enumerate(boundaries):
        if bc.kind == "closed":
            continue
        s = _SIDES[bc.edge]
        length = ny if s in (WEST, EAST) else nx
        for idx in range(bc.start, length if bc.stop is None else min(bc.stop, length)):
            if active[edge_cell(s, idx, (ny, nx))]:
                side.append(s)
                index.append(idx)
                kind.append(_KINDS[bc.kind])
                owner.append(b)
    if not side:
        return EdgeFaces.empty()
    return EdgeFaces(np.array(side, np.int8), np.array(index, np.int64), np.array(kind, np.int8),
                     np.array(owner, np.int64))


def _free_slope(z, side, idx, dx):
    """Bed slope falling towards the edge, floored at 1e-4, for FREE faces with no slope given."""
    i, j = edge_cell(side, idx, z.shape)
    di, dj = {WEST: (0, 1), EAST: (0, -1), NORTH: (1, 0), SOUTH: (-1, 0)}[int(side)]
    ii, jj = min(max(i + di, 0), z.shape[0] - 1), min(max(j + dj, 0), z.shape[1] - 1)
    return max((z[ii, jj] - z[i, j]) / dx, 1e-4)


class NumpyEngine:
    """Steps with :func:`reference.step`; full-grid numpy arrays, easy to read."""

    def __init__(self, model: FloodModel, h0):
        self.m = model
        dt = model.dtype
        self.h = np.where(model.active, h0, 0.0).astype(dt)
        self.qx = np.zeros((model.ny, model.nx + 1), dt)
        self.qy = np.zeros((model.ny + 1, model.nx), dt)
        self.n = np.broadcast_to(model.n, model.z.shape)
        self.h_max = np.maximum(self.h, 0.0)
        self.t_first = np.where(self.h > model.threshold, 0.0, -1.0)
        self.duration = np.zeros_like(self.h)

    def step(self, dt, t_end, rain_rate, src_rates, face_values):
        m = self.m
        rain = rain_rate * np.broadcast_to(m.rain_field, m.z.shape)
        h, qx, qy, v_in, v_out = reference.step(
            self.h, self.qx, self.qy, m.z, m.active, self.n, rain, m.faces, face_values,
            m.src_cells, src_rates, dt=dt, dx=m.dx, theta=m.theta, g=m.g, eps=m.eps, friction_2d=m.friction_2d)
        self.h, self.qx, self.qy = h.astype(m.dtype), qx.astype(m.dtype), qy.astype(m.dtype)
        self.h_max = np.maximum(self.h_max, self.h)
        wet = self.h > m.threshold
        self.t_first = np.where(wet & (self.t_first < 0), t_end, self.t_first)
        self.duration = self.duration + np.where(wet, dt, 0.0)
        return v_in, v_out, float(self.h.max(initial=0.0)), self.h.size


class ThreadChoice:
    """Runs each step on one thread or on all, whichever lately cost less per cell.

    A parallel region ends when every thread has reached its end. On a 2-core
    machine whose other core is busy with another process, the second thread
    waits for a scheduler slice (milliseconds) three times a step: 2 threads
    then ran EA Test 5 up to 3x slower than 1, though 1.8x faster on a quiet
    machine. So both are timed as the run goes (the other one tried for a
    few steps every ``explore_every`` steps or more) and the cheaper one runs. Results do not depend on
    the choice: every row is computed the same way on any thread.
    """

    explore_every = 50
    explore_max = 400  # so a freed core is noticed within a few hundred steps
    #: steps in a try; its first is not counted, since sleeping threads wake then
    try_steps = 4

    def __init__(self, min_cells: int, adaptive: bool):
        self.min_cells = min_cells
        self.adaptive = adaptive
        self.cost = {False: 0.0, True: 0.0}  # s per cell; 0 = not measured yet
        self.steps = 0
        self.parallel_steps = 0
        self.interval = self.explore_every
        self.next_try = self.interval
        self.trial = None  # [mode, steps left, seconds, cells] while one mode is being tried
        self.measuring = False

    def best(self) -> bool:
        return self.cost[True] <= self.cost[False]

    def parallel(self, cells: int, threads: int) -> bool:
        if threads == 1 or cells < self.min_cells:
            return False
        if not self.adaptive:
            return True
        self.steps += 1
        self.measuring = True  # costs of steps too small to choose would not compare
        if self.trial is None:
            unmeasured = [mode for mode in (True, False) if not self.cost[mode]]
            if unmeasured or self.steps >= self.next_try:
                self.trial = [unmeasured[0] if unmeasured else not self.best(), self.try_steps, 0.0, 0]
        return self.trial[0] if self.trial is not None else self.best()

    def record(self, parallel: bool, seconds: float, cells: int):
        self.parallel_steps += parallel
        if not self.measuring:
            return
        self.measuring = False
        if self.trial is None:
            self.cost[parallel] = 0.8 * self.cost[parallel] + 0.2 * seconds / max(cells, 1)
            return
        mode, left, sec, n = self.trial
        if left < self.try_steps:
            sec, n = sec + seconds, n + cells
        self.trial = [mode, left - 1, sec, n] if left > 1 else None
        if self.trial is None:
            # a try replaces the stale cost (the machine may have changed since); one
            # that lost costs a few slow steps: try less often while it keeps losing
            other = self.cost[not mode]
            self.cost[mode] = sec / max(n, 1)
            if other:
                lost = self.cost[mode] > other
                self.interval = min(2 * self.interval, self.explore_max) if lost else self.explore_every
            self.next_try = self.steps + self.interval


class NumbaEngine:
    """Steps with the row-parallel passes of :mod:`fast`, skipping dry and NODATA rows."""

    #: below this many cells of work per step the passes run on one thread: the
    #: hand-off to a second thread (a few µs on an idle core) costs more than it saves
    parallel_min_cells = 4_000
    #: choose 1 or all threads by measured cost (:class:`ThreadChoice`); False: always all
    adaptive_threads = True
    #: work on every cell every step (tests compare it with the skipping of dry cells)
    full_sweep = False

    def __init__(self, model: FloodModel, h0):
        self.m = model
        dt = model.dtype
        ny, nx = model.ny, model.nx
        self.h = np.where(model.active, h0, 0.0).astype(dt)
        self.qx = np.zeros((ny, nx + 1), dt)
        self.qy = np.zeros((ny + 1, nx), dt)
        # new face discharges go here first, so that every face reads only old ones
        self.qx_new = np.zeros_like(self.qx)
        self.qy_new = np.zeros_like(self.qy)
        self.f = np.ones((ny, nx), dt)
        self.flagged = np.zeros(ny, np.bool_)
        self.h_max = np.maximum(self.h, 0.0)
        self.t_first = np.where(self.h > model.threshold, 0.0, -1.0).astype(dt)
        self.duration = np.zeros_like(self.h)
        wet = self.h > 0
        self.lo = np.where(wet.any(1), wet.argmax(1), nx).astype(np.int64)
        self.hi = np.where(wet.any(1), nx - 1 - wet[:, ::-1].argmax(1), -1).astype(np.int64)
        self.row_hmax = np.zeros(ny, dt)
        self.c0 = np.zeros(ny, np.int64)
        self.c1 = np.zeros(ny, np.int64)
        edge = [edge_cell(s, i, (ny, nx)) for s, i in zip(model.faces.side, model.faces.index)]
        self.edge_cells = np.array(edge, np.int64).reshape(-1, 2)
        self.edge_z = model.z[self.edge_cells[:, 0], self.edge_cells[:, 1]] if edge else np.zeros(0)
        self.rain_field = np.asarray(model.rain_field, dt).reshape(
            (1, 1) if np.ndim(model.rain_field) == 0 else model.z.shape)
        self.n = np.asarray(model.n, dt).reshape((1, 1) if np.ndim(model.n) == 0 else model.z.shape)
        self.rain_anywhere = bool(np.any(self.rain_field > 0))
        self.threads = ThreadChoice(self.parallel_min_cells, self.adaptive_threads)

    def _feeding_cells(self, src_rates, face_values):
        """Cells that sources or edges can wet this step: they join the work ranges even if dry."""
        kind = self.m.faces.kind
        feeds = ((kind == INFLOW) & (face_values != 0.0)) | ((kind == STAGE) & (face_values > self.edge_z))
        return np.concatenate([self.m.src_cells[src_rates != 0.0], self.edge_cells[feeds]])

    def step(self, dt, t_end, rain_rate, src_rates, face_values):
        m = self.m
        fast._add_sources(self.h, m.src_cells, src_rates, dt, m.dx)
        fast._mark_cells(self.lo, self.hi, self._feeding_cells(src_rates, face_values))
        full = self.full_sweep or (rain_rate > 0.0 and self.rain_anywhere)
        rows, cells = fast._work_ranges(self.lo, self.hi, m.nx, full, self.c0, self.c1)
        threads = numba.get_num_threads()
        parallel = self.threads.parallel(cells, threads)
        if not parallel:
            numba.set_num_threads(1)
        t0 = time.perf_counter()
        try:
            self._flow(dt, t_end, rain_rate, face_values, rows)
        finally:
            if not parallel:
                numba.set_num_threads(threads)
        self.threads.record(parallel, time.perf_counter() - t0, cells)
        v_in, v_out = fast._boundary_volumes(self.qx, self.qy, m.faces.side, m.faces.index, dt, m.dx)
        return v_in, v_out, float(self.row_hmax.max()), m.ny * m.nx

    def _flow(self, dt, t_end, rain_rate, face_values, rows):
        m = self.m
        fast.new_faces(self.h, m.z, m.active, self.qx, self.qy, self.qx_new, self.qy_new, self.n, m.theta,
                       0.25 if m.friction_2d else 0.0, m.g, dt, m.dx, m.eps, rows, self.c0, self.c1)
        fast.commit_faces(self.qx, self.qy, self.qx_new, self.qy_new, rows, self.c0, self.c1)
        fast._boundary_faces(self.h, m.z, self.n, self.qx, self.qy, m.faces.side, m.faces.index, m.faces.kind,
                             face_values, m.g, dt, m.dx, m.eps)
        self.flagged[:] = False
        fast.outflow_factor(self.h, m.active, self.qx, self.qy, rain_rate, self.rain_field, dt, m.dx, self.f,
                            self.flagged, rows, self.c0, self.c1)
        limited = fast._limited_rows(self.flagged, rows)
        if limited.size:
            fast.scale_faces(self.qx, self.qy, self.f, limited, self.c0, self.c1)
            fast.reset_factor(self.f, limited, self.c0, self.c1)
        self.row_hmax[:] = 0.0
        fast.continuity(self.h, m.active, self.qx, self.qy, rain_rate, self.rain_field, dt, m.dx, t_end,
                        m.threshold, self.h_max, self.t_first, self.duration, self.lo, self.hi, self.row_hmax,
                        rows, self.c0, self.c1)


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
        self.src_cells = np.array([(s.row, s.col) for s in self.sources], np.int64).reshape(-1, 2)
        for r, c in self.src_cells:
            if not (0 <= r < self.ny and 0 <= c < self.nx and self.active[r, c]):
                raise ValueError(f"point source at cell ({r}, {c}) is outside the grid or on NODATA")
        self._rain_field_sum = float(np.sum(np.broadcast_to(self.rain_field, z.shape)[self.active]))
        self._free_slopes = np.array([_free_slope(self.z, s, i, self.dx)
                                      for s, i in zip(self.faces.side, self.faces.index)])
        self._bc_values = _SeriesTable([bc.value for bc in self.boundaries])
        self._src_values = _SeriesTable([s.discharge for s in self.sources])
        stage = self.faces.kind == STAGE
        self._stage_faces = stage
        self._stage_z = np.array([self.z[edge_cell(s, i, self.z.shape)]
                                  for s, i in zip(self.faces.side[stage], self.faces.index[stage])], float)

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
        h_cfl = max(h_top, model.stage_depth(values))
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
