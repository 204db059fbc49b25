"""Digital elevation models (DEM) from uploaded bytes: ESRI ASCII grids (gzipped or
not, through the LISFLOOD-FP reader) or single-band GeoTIFFs read by Pillow, with
their georeferencing tags parsed here (no GDAL). Pure: no Django.
"""

from __future__ import annotations

import io
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np


class DemError(ValueError):
    """The bytes are not a DEM this reader understands; the text says why."""


@dataclass(frozen=True)
class Dem:
    """A DEM in memory: ``z[0]`` is the northernmost row, NaN is NODATA; metres."""

    z: np.ndarray
    xllcorner: float
    yllcorner: float
    cellsize: float
    crs: str = ""  # from a GeoTIFF's keys, "" when the file does not say


def read_dem(data: bytes, name: str) -> Dem:
    """Read an uploaded DEM: GeoTIFF by its magic bytes, else ESRI ASCII (gz allowed).
    Raises DemError for anything else."""
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return _read_geotiff(data)
    return _read_ascii(data, name)


def _read_ascii(data: bytes, name: str) -> Dem:
    from ..lisflood_io import (
        read_ascii_grid,  # imports the 2-D solver: only when needed
    )

    # The kernel's reader takes a path and detects gzip by content.
    with tempfile.NamedTemporaryFile(suffix=Path(name).suffix) as fh:
        fh.write(data)
        fh.flush()
        try:
            grid = read_ascii_grid(fh.name)
        except (ValueError, KeyError, IndexError, UnicodeDecodeError, OSError, EOFError) as exc:
            raise DemError(f"ESRI ASCII: {exc}") from exc
    return Dem(grid.data, grid.xllcorner, grid.yllcorner, grid.cellsize)


GEOTIFF_PIXEL_SCALE, GEOTIFF_TIEPOINT, GEOTIFF_KEYS, GDAL_NODATA = 33550, 33922, 34735, 42113
RASTER_TYPE_KEY, PROJECTED_CRS_KEY, PIXEL_IS_POINT = 1025, 3072, 2


def _read_geotiff(data: bytes) -> Dem:
    """A single-band GeoTIFF with square cells and no rotation (ModelPixelScale and
    one ModelTiepoint, as GDAL writes north-up rasters)."""
    from PIL import Image

    try:
        img = Image.open(io.BytesIO(data))
        z = np.array(img, dtype=float)
        tags = img.tag_v2
        sx, sy = tags[GEOTIFF_PIXEL_SCALE][:2]
        i, j, _k, x, y = tags[GEOTIFF_TIEPOINT][:5]
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise DemError(f"GeoTIFF: {exc}") from exc
    if z.ndim != 2 or not math.isclose(sx, sy, rel_tol=1e-6):
        raise DemError("GeoTIFF: one band of square cells expected")
    keys = geokeys(tags.get(GEOTIFF_KEYS))
    if keys.get(RASTER_TYPE_KEY) == PIXEL_IS_POINT:  # the tiepoint is a cell centre
        x, y = x - sx / 2, y + sy / 2
    nodata = tags.get(GDAL_NODATA)
    if nodata not in (None, ""):
        z[z == float(str(nodata).strip("\x00 "))] = np.nan
    epsg = keys.get(PROJECTED_CRS_KEY)
    return Dem(z, x - i * sx, y + j * sy - z.shape[0] * sy, float(sx), f"EPSG:{epsg}" if epsg else "")


def geokeys(directory) -> dict[int, int]:
    """GeoKeyDirectory entries held inline (the short ones: codes, not strings)."""
    if not directory:
        return {}
    d = list(directory)
    return {d[k]: d[k + 3] for k in range(4, 4 + 4 * d[3], 4) if d[k + 1] == 0}
