"""LISFLOOD-FP input readers on the EA Test 5 case as shipped (LISFLOOD-FP 8.1 testing/UoS)."""


import numpy as np
import pytest

from yingji.kernels.lisflood_io import (
    bci_forcing,
    read_ascii_grid,
    read_bci,
    read_bdy,
    read_stage,
    write_ascii_grid,
)

from ..conftest import needs, shared_path

EA5 = shared_path("data", "flood", "ea-test5")
needs_ea5 = needs(EA5)


@needs_ea5
def test_par_dem_name_finds_the_gzipped_grid_beside_it():
    """`ea5-10m.dem` in the .par resolves to ea5-10m.dem.raw.gz: 1378 × 1224 cells of 10 m (README)."""
    grid = read_ascii_grid(EA5 / "ea5-10m.dem")
    assert grid.shape == (1224, 1378)
    assert grid.cellsize == 10.0
    assert np.isnan(grid.data).any() and np.isfinite(grid.data).any()


@needs_ea5
def test_ea5_point_sources_total_3000_m3s_at_peak():
    """20 QVAR points at 15 m²/s per 10 m cell width: 150 m³/s each, 3,000 m³/s in all (data README)."""
    grid = read_ascii_grid(EA5 / "ea5-10m.dem")
    sources, edges = bci_forcing(read_bci(EA5 / "ea5-10m.bci"), read_bdy(EA5 / "ea5.bdy"), grid)
    assert edges == []
    assert len(sources) == 20
    assert sum(s.discharge(900.0) for s in sources) == pytest.approx(3000.0)
    assert sum(s.discharge(300.0) for s in sources) == 0.0
    assert all(np.isfinite(grid.data[s.row, s.col]) for s in sources)


@needs_ea5
def test_stage_points_fall_inside_the_grid():
    """The .stage file lists 7 points, all inside the DEM."""
    grid = read_ascii_grid(EA5 / "ea5-10m.dem")
    points = read_stage(EA5 / "ea5.stage")
    assert len(points) == 7
    rows_cols = [grid.cell_of(x, y) for x, y in points]
    assert rows_cols[0] == (1224 - 1 - ((832400 - 829885) // 10), ((235200 - 231335) // 10))


def test_bdy_hours_are_converted_to_seconds(tmp_path):
    """A .bdy series in hours is stored in seconds; values interpolate linearly."""
    f = tmp_path / "x.bdy"
    f.write_text("# comment\nup\n2 hours\n1.0 0\n3.0 2\n")
    series = read_bdy(f)["up"]
    assert series(3600.0) == pytest.approx(2.0)


def test_edge_lines_become_boundaries_on_cell_ranges(tmp_path):
    """`W y1 y2 HFIX v` covers the west-edge rows between y1 and y2; `N x1 x2 FREE` the columns."""
    grid = read_ascii_grid_from(tmp_path, np.zeros((4, 5)))
    bci = tmp_path / "c.bci"
    bci.write_text("W 10 30 HFIX 2.5\nN 0 20 FREE\n")
    _, edges = bci_forcing(read_bci(bci), {}, grid)
    west, north = edges
    assert (west.edge, west.kind, west.value, west.start, west.stop) == ("west", "stage", 2.5, 1, 3)
    assert (north.edge, north.kind, north.start, north.stop) == ("north", "free", 0, 2)


def read_ascii_grid_from(tmp_path, data):
    """Write ``data`` as a 10 m grid at the origin and read it back."""
    from yingji.kernels.lisflood_io import AsciiGrid
    path = tmp_path / "g.asc"
    write_ascii_grid(path, data, AsciiGrid(data, 0.0, 0.0, 10.0))
    return read_ascii_grid(path)


def test_grid_round_trip_keeps_values_and_nodata(tmp_path):
    """write_ascii_grid then read_ascii_grid returns the same values, NaN where NODATA."""
    data = np.array([[1.5, np.nan], [0.25, 3.0]])
    grid = read_ascii_grid_from(tmp_path, data)
    np.testing.assert_array_equal(np.isnan(grid.data), np.isnan(data))
    np.testing.assert_allclose(grid.data[~np.isnan(data)], data[~np.isnan(data)])
