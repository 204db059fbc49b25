"""Forcing of the 2-D inundation model: time series, point sources, edge boundaries (边界条件).

What drives :class:`~yingji.kernels.flood2d.model.FloodModel` besides its
terrain: piecewise-linear series, point sources (m³/s), boundary conditions on
the domain edge and the list of open edge faces the kernels step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import fast
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


@dataclass(frozen=True)
class PointStage:
    """A water level held at one cell (定水位点, LISFLOOD-FP's point HFIX/HVAR): ``level`` in m.

    After each step the cell's depth is set to max(level − z, 0), ``level``
    taken at the step's end, as LISFLOOD-FP does after its depth update; the
    water this adds or removes is counted in the mass balance.
    """

    row: int
    col: int
    level: float | TimeSeries


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
