"""Domain-edge faces and their boundary kinds (边界条件), shared by both kernels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Boundary kinds as stored per face (closed faces are simply not listed).
FREE = 0  # normal-depth outflow with a given slope
STAGE = 1  # fixed or time-varying water level outside the face
INFLOW = 2  # fixed or time-varying inward discharge per unit width

# Sides of the domain: which array holds the face and which way is "in".
WEST, EAST, NORTH, SOUTH = 0, 1, 2, 3


@dataclass(frozen=True)
class EdgeFaces:
    """The open faces on the domain edge, one row per face.

    side : int8 array, WEST/EAST/NORTH/SOUTH
    index : int64 array, row (west/east) or column (north/south) of the edge cell
    kind : int8 array, FREE/STAGE/INFLOW
    owner : int64 array, index of the boundary condition the face belongs to
    """

    side: np.ndarray
    index: np.ndarray
    kind: np.ndarray
    owner: np.ndarray

    @classmethod
    def empty(cls) -> EdgeFaces:
        return cls(np.zeros(0, np.int8), np.zeros(0, np.int64), np.zeros(0, np.int8), np.zeros(0, np.int64))


def edge_cell(side, index, shape):
    """(row, col) of the cell inside the edge face ``index`` on ``side``."""
    ny, nx = shape
    if side == WEST:
        return int(index), 0
    if side == EAST:
        return int(index), nx - 1
    if side == NORTH:
        return 0, int(index)
    return ny - 1, int(index)


def edge_sign(side):
    """+1 where the stored face discharge is positive inwards (west, north), −1 otherwise."""
    return 1.0 if side in (WEST, NORTH) else -1.0
