"""DEM files and georeferencing (kernels.io), against grids and corners worked out by hand."""

import gzip
import io
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image, TiffImagePlugin

from yingji.kernels.io.dem import DemError, read_dem
from yingji.kernels.io.georef import Georef

ASC = ("ncols 3\nnrows 2\nxllcorner 500000\nyllcorner 3340000\ncellsize 10\nNODATA_value -9999\n"
       "1 2 3\n4 -9999 6\n")


def test_esri_ascii_plain_and_gzipped():
    for data, name in ((ASC.encode(), "dem.asc"), (gzip.compress(ASC.encode()), "dem.asc.gz")):
        dem = read_dem(data, name)
        assert (dem.xllcorner, dem.yllcorner, dem.cellsize, dem.crs) == (500000, 3340000, 10, "")
        assert dem.z[0].tolist() == [1, 2, 3]  # the first row of the file is the northernmost
        assert dem.z[1, 0] == 4 and np.isnan(dem.z[1, 1])


def _geotiff(z, *, scale, tiepoint, keys=None, nodata=None) -> bytes:
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[33550] = tuple(float(v) for v in scale)
    info[33922] = tuple(float(v) for v in tiepoint)
    if keys:
        info[34735] = tuple(keys)
    if nodata is not None:
        info[42113] = nodata
    buf = io.BytesIO()
    Image.fromarray(np.asarray(z, np.float32), "F").save(buf, format="TIFF", tiffinfo=info)
    return buf.getvalue()


def test_geotiff_corner_from_the_tiepoint_and_the_crs_from_its_keys():
    z = [[1, 2, 3], [4, -1, 6]]
    # Tiepoint: cell (0, 0)'s upper-left corner is at (500000, 3340020); 10 m cells, two
    # rows: the lower-left corner is 20 m further south. Keys: EPSG 32650, PixelIsArea.
    keys = [1, 1, 0, 2, 1025, 0, 1, 1, 3072, 0, 1, 32650]
    dem = read_dem(_geotiff(z, scale=(10, 10, 0), tiepoint=(0, 0, 0, 500000, 3340020, 0), keys=keys, nodata="-1"),
                   "dem.tif")
    assert (dem.xllcorner, dem.yllcorner, dem.cellsize, dem.crs) == (500000, 3340000, 10, "EPSG:32650")
    assert dem.z[0].tolist() == [1, 2, 3] and np.isnan(dem.z[1, 1])


def test_geotiff_pixel_is_point_moves_the_corner_half_a_cell():
    # RasterPixelIsPoint: the tiepoint is the centre of the north-west cell, so its upper-left
    # corner is (500000, 3340020), and two 10 m rows down the lower-left one is 3340000.
    keys = [1, 1, 0, 1, 1025, 0, 1, 2]
    dem = read_dem(_geotiff([[0, 0], [0, 0]], scale=(10, 10, 0), tiepoint=(0, 0, 0, 500005, 3340015, 0),
                            keys=keys), "dem.tif")
    assert (dem.xllcorner, dem.yllcorner, dem.crs) == (500000, 3340000, "")


@pytest.mark.parametrize("data", [b"not a grid", b"II*\x00broken tiff"])
def test_what_is_not_a_dem_is_a_dem_error(data):
    with pytest.raises(DemError):
        read_dem(data, "dem.asc")


def test_georef_local_grid_origin_and_bounds():
    """A "local" grid's lower-left corner is its origin lon/lat: the point there falls in
    the south-west cell (last row, first column), a point 1 km west falls outside, and
    the bounds start at the origin."""
    grid = SimpleNamespace(crs="local", origin_lon=119.5, origin_lat=30.2, xllcorner=0.0, yllcorner=0.0,
                           cellsize=10.0, nrows=100, ncols=200)
    geo = Georef(grid)
    rows, cols = geo.cell_of([119.50001, 119.49], [30.20001, 30.20001])
    assert (rows[0], cols[0]) == (99, 0) and (rows[1], cols[1]) == (-1, -1)
    (south, west), (north, east) = geo.bounds()
    # the grid's bottom edge is a straight line on the plane, not a parallel: within a metre
    assert south == pytest.approx(30.2, abs=1e-5) and west == pytest.approx(119.5, abs=1e-9)
    # 1 km north is 1000 / 111,000 degrees of latitude, 2 km east ~ 2000 / (111,320·cos 30.2°)
    assert north - south == pytest.approx(1000 / 110_850, rel=5e-3)
    assert east - west == pytest.approx(2000 / (111_320 * np.cos(np.radians(30.2))), rel=5e-3)
