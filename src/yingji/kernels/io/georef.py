"""Lon/lat ⇄ the rows and columns of a regular grid in a projected CRS. Pure: no Django.

A grid is anything with `crs`, `origin_lon`, `origin_lat`, `xllcorner`, `yllcorner`,
`cellsize`, `nrows` and `ncols` (an inundation run, say). `crs` "local" means metres on
a transverse-Mercator plane whose origin (x = xllcorner, y = yllcorner) lies at
(origin_lon, origin_lat); otherwise it is an EPSG code of a projected CRS in metres.
"""

from __future__ import annotations

import numpy as np


class Georef:
    """Lon/lat ⇄ a grid's cells (rows from the north, columns from the west)."""

    def __init__(self, grid):
        from pyproj import CRS, Transformer

        self.grid = grid
        if grid.crs == "local":
            crs = CRS.from_proj4(f"+proj=tmerc +lat_0={grid.origin_lat} +lon_0={grid.origin_lon} +k=1 "
                                 f"+x_0={grid.xllcorner} +y_0={grid.yllcorner} +ellps=WGS84 +units=m +no_defs")
        else:
            crs = CRS.from_user_input(grid.crs)
        self.forward = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        self.inverse = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def cell_of(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """(row, col) arrays of the points; −1 where outside the grid."""
        g = self.grid
        x, y = self.forward.transform(np.asarray(lon, float), np.asarray(lat, float))
        col = np.floor((np.asarray(x) - g.xllcorner) / g.cellsize).astype(np.int64)
        row = g.nrows - 1 - np.floor((np.asarray(y) - g.yllcorner) / g.cellsize).astype(np.int64)
        outside = (col < 0) | (col >= g.ncols) | (row < 0) | (row >= g.nrows)
        return np.where(outside, -1, row), np.where(outside, -1, col)

    def bounds(self) -> list[list[float]]:
        """[[south, west], [north, east]] around the grid (its edges sampled, since a
        projected rectangle is not a lon/lat one)."""
        g = self.grid
        w, s = g.xllcorner, g.yllcorner
        e, n = w + g.ncols * g.cellsize, s + g.nrows * g.cellsize
        t = np.linspace(0, 1, 33)
        xs = np.concatenate([w + (e - w) * t, np.full_like(t, e), e - (e - w) * t, np.full_like(t, w)])
        ys = np.concatenate([np.full_like(t, s), s + (n - s) * t, np.full_like(t, n), n - (n - s) * t])
        lon, lat = self.inverse.transform(xs, ys)
        return [[float(np.min(lat)), float(np.min(lon))], [float(np.max(lat)), float(np.max(lon))]]
