"""The two step engines of the 2-D inundation model: numpy (reference) and numba (fast).

Each holds the state arrays between steps for :func:`~yingji.kernels.flood2d.model.simulate`
and advances them with :mod:`.reference` or :mod:`.fast`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numba
import numpy as np

from . import fast, reference
from .faces import INFLOW, STAGE, edge_cell

if TYPE_CHECKING:
    from .model import FloodModel

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

    def hold(self, cells, depths, t_end):
        """Set the depth of each cell (point stages), one after the other; returns each change, m."""
        return _hold(self, cells, depths, t_end)


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
        fast._mark_cells(self.lo, self.hi, self._feeding_cells(src_rates, face_values))
        full = self.full_sweep or (rain_rate > 0.0 and self.rain_anywhere)
        rows, cells = fast._work_ranges(self.lo, self.hi, m.nx, full, self.c0, self.c1)
        threads = numba.get_num_threads()
        parallel = self.threads.parallel(cells, threads)
        if not parallel:
            numba.set_num_threads(1)
        t0 = time.perf_counter()
        try:
            self._flow(dt, t_end, rain_rate, src_rates, face_values, rows)
        finally:
            if not parallel:
                numba.set_num_threads(threads)
        self.threads.record(parallel, time.perf_counter() - t0, cells)
        v_in, v_out = fast._boundary_volumes(self.qx, self.qy, m.faces.side, m.faces.index, dt, m.dx)
        return v_in, v_out, float(self.row_hmax.max()), m.ny * m.nx

    def hold(self, cells, depths, t_end):
        """Set the depth of each cell (point stages); the cells join the next step's work ranges."""
        change = _hold(self, cells, depths, t_end)
        fast._mark_cells(self.lo, self.hi, cells)
        for (r, c) in cells:
            self.row_hmax[r] = max(self.row_hmax[r], self.h[r, c])
        return change

    def _flow(self, dt, t_end, rain_rate, src_rates, face_values, rows):
        m = self.m
        fast.new_faces(self.h, m.z, m.active, self.qx, self.qy, self.qx_new, self.qy_new, self.n, m.theta,
                       0.25 if m.friction_2d else 0.0, m.g, dt, m.dx, m.eps, rows, self.c0, self.c1)
        fast.commit_faces(self.qx, self.qy, self.qx_new, self.qy_new, rows, self.c0, self.c1)
        fast._boundary_faces(self.h, m.z, self.n, self.qx, self.qy, m.faces.side, m.faces.index, m.faces.kind,
                             face_values, m.g, dt, m.dx, m.eps)
        # point sources enter with the depth update, after the fluxes (as reference.step and LISFLOOD-FP do)
        fast._add_sources(self.h, m.src_cells, src_rates, dt, m.dx)
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


def _hold(eng, cells, depths, t_end):
    """Depths set at ``cells`` (in order), with the maximum and arrival time kept up; the changes, m."""
    change = np.zeros(len(cells))
    for k, (r, c) in enumerate(cells):
        old = float(eng.h[r, c])
        eng.h[r, c] = depths[k]
        new = float(eng.h[r, c])  # as stored (float32 rounds)
        change[k] = new - old
        eng.h_max[r, c] = max(eng.h_max[r, c], new)
        if new > eng.m.threshold and eng.t_first[r, c] < 0:
            eng.t_first[r, c] = t_end
    return change
