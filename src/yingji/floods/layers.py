"""Map layers of an inundation run: each result grid as a PNG over the run's lon/lat
bounds, in fixed colour classes (the legend the page shows beside the map).

Layers are resampled (nearest cell) onto a lon/lat-aligned raster over the grid's
bounds, which is what Leaflet's `L.imageOverlay` stretches between two corners; over
a watershed of a few km the difference between lat-linear and Web-Mercator-linear
rows is far below a cell.
"""

import io
from dataclasses import dataclass

import numpy as np

from ..kernels.io.georef import Georef
from .models import InundationRun
from .selectors import result_grid

HOUR = 3600.0


@dataclass(frozen=True)
class ColourScale:
    """Fixed classes: a value in [lower_k, lower_k+1) takes colour k; below the first
    lower bound (or NaN) a cell is transparent. Units as in `unit`."""

    title: str
    unit: str
    lowers: tuple[float, ...]
    colours: tuple[str, ...]
    scale: float = 1.0  # grid value × scale = value in `unit`

    def legend(self) -> list[dict]:
        bounds = list(self.lowers) + [None]
        return [{"from": lo, "to": hi, "colour": c} for lo, hi, c in zip(bounds, bounds[1:], self.colours)]

    def rgba(self, values: np.ndarray) -> np.ndarray:
        v = np.asarray(values, float) * self.scale
        k = np.searchsorted(np.asarray(self.lowers), np.nan_to_num(v, nan=-np.inf), side="right") - 1
        table = np.array([_hex(c) + (200,) for c in self.colours] + [(0, 0, 0, 0)], np.uint8)
        k = np.where((k < 0) | ~np.isfinite(v), len(self.colours), k)
        return table[k]


def _hex(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


# Depth: below 10 cm is the sheet flow that rain on the grid leaves on every hillside
# (a few cm on the demo's slopes), shown as dry so that the flood stands out.
LAYERS = {
    "max_depth": ColourScale("最大水深", "m", (0.1, 0.3, 0.5, 1.0, 2.0, 3.0),
                             ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b")),
    "arrival": ColourScale("到达时间", "h", (0.0, 1.0, 2.0, 3.0, 6.0, 12.0),
                           ("#bd0026", "#f03b20", "#fd8d3c", "#feb24c", "#fed976", "#ffffb2"), scale=1 / HOUR),
    "duration": ColourScale("淹没历时", "h", (0.0, 0.5, 1.0, 2.0, 4.0, 8.0),
                            ("#edf8e9", "#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c"), scale=1 / HOUR),
}
MAX_IMAGE_SIDE = 2000  # pixels: a 5 M-cell grid still makes a PNG a browser shows at once


def layer_png(run: InundationRun, name: str) -> bytes:
    """The named result grid as an RGBA PNG over `run.bounds` (lon/lat-aligned rows and
    columns), dry cells transparent."""
    from PIL import Image

    grid = result_grid(run, name)
    rows, cols = _resample_index(run)
    picked = np.where(rows >= 0, grid[np.clip(rows, 0, None), np.clip(cols, 0, None)], np.nan)
    buf = io.BytesIO()
    Image.fromarray(LAYERS[name].rgba(picked), "RGBA").save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def _resample_index(run: InundationRun) -> tuple[np.ndarray, np.ndarray]:
    """For each pixel of the output image, the grid cell under its centre (−1 outside)."""
    (south, west), (north, east) = run.bounds
    factor = max(1.0, max(run.nrows, run.ncols) / MAX_IMAGE_SIDE)
    height, width = max(1, round(run.nrows / factor)), max(1, round(run.ncols / factor))
    lat = north - (np.arange(height) + 0.5) * (north - south) / height
    lon = west + (np.arange(width) + 0.5) * (east - west) / width
    lon2, lat2 = np.meshgrid(lon, lat)
    rows, cols = Georef(run).cell_of(lon2.ravel(), lat2.ravel())
    return rows.reshape(height, width), cols.reshape(height, width)
