"""`yingji flood run CASE.par`: LISFLOOD-FP parameter files, a hand-made case end to end, EA Test 5.

Expected volumes are computed by hand from the hydrograph, the rain rate and
the start depths written here; nothing is copied from a run.
"""

from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from yingji.kernels.lisflood_case import ParError, build_case, local_path, read_par
from yingji.kernels.lisflood_io import (
    AsciiGrid,
    read_ascii_grid,
    read_rainfall,
    write_ascii_grid,
)

from ..conftest import needs, shared_path

EA5 = shared_path("data", "flood", "ea-test5")
needs_ea5 = needs(EA5)


def write_par(folder: Path, text: str) -> Path:
    path = folder / "case.par"
    path.write_text(text)
    return path


# -- the .par parser ------------------------------------------------------------------------


@needs_ea5
def test_ea5_par_reads_as_its_authors_wrote_it():
    """ea5-10m.par (LISFLOOD-FP 8.1 testing): every key known, its Windows dirroot beside the .par."""
    par = read_par(EA5 / "ea5-10m.par")
    assert par.warnings == []
    assert par.get("sim_time") == 108000.0
    assert par.get("initial_tstep") == 0.7
    assert par.get("saveint") == 3600.0
    assert par.get("massint") == 100.0
    assert par.get("fpfric") == 0.04
    assert par.get("resroot") == "ea5"
    assert par.get("dirroot") == EA5 / "ea5-10m" / "acc-cpu"
    assert par.get("bcifile") == EA5 / "ea5-10m.bci"
    assert par.flags == {"acceleration", "elevoff"}
    # `ea5-10m.dem` names the gzipped grid beside it
    assert read_ascii_grid(par.get("demfile")).shape == (1224, 1378)


def test_keys_are_case_insensitive_and_comments_are_dropped(tmp_path):
    par = read_par(write_par(tmp_path, "# a case\nDEMFILE dem.asc\nSim_Time 60 # one minute\n"
                                       "FPFRIC 0.03\n\n  saveint\t20\nDepthOff\nACCELERATION\n"))
    assert par.get("sim_time") == 60.0
    assert par.get("fpfric") == 0.03
    assert par.get("saveint") == 20.0
    assert par.get("demfile") == tmp_path / "dem.asc"
    assert par.flags == {"depthoff", "acceleration"}
    assert par.warnings == []


def test_unknown_keys_and_outputs_not_written_are_reported_not_ignored(tmp_path):
    par = read_par(write_par(tmp_path, "DEMfile dem.asc\nsim_time 10\nfancykey 3\nturbo\nvoutput\nacceleration\n"))
    assert len(par.warnings) == 3
    assert "line 3" in par.warnings[0] and "fancykey" in par.warnings[0]
    assert "line 4" in par.warnings[1] and "turbo" in par.warnings[1]
    assert "voutput" in par.warnings[2] and "not written" in par.warnings[2]


def test_windows_dirroot_maps_to_a_folder_beside_the_par(tmp_path):
    """Drive letter dropped, backslashes become folders under the .par's folder."""
    assert local_path(r"C:\runs\ea5", tmp_path) == tmp_path / "runs" / "ea5"
    assert local_path(r"ea5-10m\acc-cpu", tmp_path) == tmp_path / "ea5-10m" / "acc-cpu"
    assert local_path("out/posix", tmp_path) == tmp_path / "out" / "posix"
    assert local_path("/abs/out", tmp_path) == Path("/abs/out")
    par = read_par(write_par(tmp_path, "DEMfile dem.asc\nsim_time 1\ndirroot D:\\Flood\\Results\n"))
    assert par.get("dirroot") == tmp_path / "Flood" / "Results"


def test_windows_input_path_falls_back_to_the_name_beside_the_par(tmp_path):
    (tmp_path / "ea.bci").write_text("P 5 5 QFIX 1\n")
    par = read_par(write_par(tmp_path, "DEMfile dem.asc\nsim_time 1\nbcifile C:\\cases\\ea.bci\n"))
    assert par.get("bcifile") == tmp_path / "ea.bci"


def test_par_without_sim_time_is_refused(tmp_path):
    with pytest.raises(ParError, match="sim_time"):
        read_par(write_par(tmp_path, "DEMfile dem.asc\n"))


def test_non_numeric_value_names_the_line(tmp_path):
    with pytest.raises(ParError, match="line 2"):
        read_par(write_par(tmp_path, "DEMfile dem.asc\nsim_time soon\n"))


def test_rainfall_file_is_mm_per_hour_like_a_bdy(tmp_path):
    """36 mm/h = 1e-5 m/s; hours become seconds; a series name line is allowed."""
    f = tmp_path / "rain.txt"
    f.write_text("# storm\n3 hours\n0 0\n36 1\n36 2\n")
    rain = read_rainfall(f)
    assert rain(3600.0) == pytest.approx(1e-5)
    assert rain(1800.0) == pytest.approx(0.5e-5)
    f.write_text("# storm\nstorm1\n2 seconds\n72 0\n72 100\n")
    assert read_rainfall(f)(50.0) == pytest.approx(2e-5)


def test_manning_grid_falls_back_to_fpfric_on_its_nodata(tmp_path):
    like = AsciiGrid(np.zeros((3, 3)), 0.0, 0.0, 1.0)
    write_ascii_grid(tmp_path / "dem.asc", np.zeros((3, 3)), like)
    n = np.full((3, 3), 0.05)
    n[0, 0] = np.nan
    write_ascii_grid(tmp_path / "n.asc", n, like)
    par = read_par(write_par(tmp_path, "DEMfile dem.asc\nsim_time 1\nfpfric 0.02\nmanningfile n.asc\n"))
    model = build_case(par).model
    assert model.n[0, 0] == pytest.approx(0.02)
    assert model.n[1, 1] == pytest.approx(0.05)


def test_startelev_reads_the_start_file_as_water_levels(tmp_path):
    """With `startelev` the start grid is η: depth = η − z, dry where η is below the bed."""
    like = AsciiGrid(np.zeros((1, 3)), 0.0, 0.0, 1.0)
    write_ascii_grid(tmp_path / "dem.asc", np.array([[1.0, 2.0, 3.0]]), like)
    write_ascii_grid(tmp_path / "eta.asc", np.full((1, 3), 2.5), like)
    par = read_par(write_par(tmp_path, "DEMfile dem.asc\nsim_time 1\nstartfile eta.asc\nstartelev\n"))
    assert np.allclose(build_case(par).h0, [[1.5, 0.5, 0.0]])


def test_grid_of_the_wrong_shape_is_refused(tmp_path):
    write_ascii_grid(tmp_path / "dem.asc", np.zeros((3, 3)), AsciiGrid(np.zeros((3, 3)), 0, 0, 1.0))
    write_ascii_grid(tmp_path / "h.asc", np.zeros((2, 3)), AsciiGrid(np.zeros((2, 3)), 0, 0, 1.0))
    par = read_par(write_par(tmp_path, "DEMfile dem.asc\nsim_time 1\nstartfile h.asc\n"))
    with pytest.raises(ParError, match="startfile"):
        build_case(par)


# -- a hand-made case end to end through the CLI -----------------------------------------------

N, DX = 20, 10.0
START_DEPTH, START = 0.1, (slice(8, 11), slice(2, 5))  # a 3 x 3 pond of 0.1 m: 90 m³
RAIN_MM_H = 36.0  # 1e-5 m/s
# QVAR hydrograph (m²/s, s): ∫q dt = 0.5·100/2 + 0.5·300 + 0.5·100/2 = 200 m²; × 10 m = 2000 m³
HYDROGRAPH = "5 seconds\n0 0\n0.5 100\n0.5 400\n0 500\n0 600\n"
SIM_TIME, SAVEINT, MASSINT = 600.0, 200.0, 50.0


def tiny_case(folder: Path) -> Path:
    """A 20 x 20 plane falling 1% to a free east edge, a NODATA corner, a pond, a source and rain."""
    like = AsciiGrid(np.zeros((N, N)), 1000.0, 2000.0, DX)
    z = np.tile(10.0 - 0.01 * DX * np.arange(N), (N, 1))
    z[:2, :2] = np.nan  # 4 NODATA cells: no rain falls there
    write_ascii_grid(folder / "plane.asc", z, like)
    start = np.zeros((N, N))
    start[START] = START_DEPTH
    write_ascii_grid(folder / "pond.asc", start, like)
    (folder / "plane.bci").write_text("# source and outlet\nP 1025 2105 QVAR hydro\nE 2000 2200 FREE\n")
    (folder / "plane.bdy").write_text(f"# inflow\nhydro\n{HYDROGRAPH}")
    (folder / "rain.txt").write_text(f"# uniform rain\n2 seconds\n{RAIN_MM_H} 0\n{RAIN_MM_H} 600\n")
    # point 1 inside the pond (row 9, col 3), point 2 outside the DEM
    (folder / "plane.stage").write_text("2\n1035 2105\n5000 5000\n")
    return write_par(folder, "# tiny test case\nDEMfile plane.asc\nresroot tiny\ndirroot C:\\runs\\tiny\n"
                             f"sim_time 3600\ninitial_tstep 1.0\nsaveint {SAVEINT}\nmassint {MASSINT}\n"
                             "fpfric 0.03\nbcifile plane.bci\nbdyfile plane.bdy\nstagefile plane.stage\n"
                             "startfile pond.asc\nrainfall rain.txt\nacceleration\nelevoff\nmysterykey 1\n")


def read_mass(path: Path) -> dict[str, np.ndarray]:
    lines = path.read_text().splitlines()
    table = np.array([[float(v) for v in ln.split()] for ln in lines[1:]])
    return dict(zip(lines[0].split(), table.T))


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    out, err = StringIO(), StringIO()
    call_command("flood", "run", str(tiny_case(folder)), "--sim-time", str(SIM_TIME), stdout=out, stderr=err)
    return folder / "runs" / "tiny", out.getvalue(), err.getvalue()


def test_every_lisflood_output_is_written_into_the_mapped_dirroot(tiny_run):
    outdir, _, _ = tiny_run
    names = {p.name for p in outdir.iterdir()}
    snapshots = {f"tiny-{k:04d}.wd" for k in range(int(SIM_TIME // SAVEINT) + 1)}
    assert names == {"tiny.max", "tiny.inittm", "tiny.totaltm", "tiny.mass", "tiny.stage"} | snapshots
    for name in names - {"tiny.mass", "tiny.stage"}:
        grid = read_ascii_grid(outdir / name)
        assert grid.shape == (N, N)
        assert (grid.xllcorner, grid.yllcorner, grid.cellsize) == (1000.0, 2000.0, DX)
        assert np.isnan(grid.data[:2, :2]).all(), f"{name}: NODATA cells must stay NODATA"


def test_max_depth_bounds_every_snapshot(tiny_run):
    outdir, _, _ = tiny_run
    hmax = read_ascii_grid(outdir / "tiny.max").data
    for wd in sorted(outdir.glob("tiny-*.wd")):
        h = read_ascii_grid(wd).data
        assert np.all(np.nan_to_num(hmax, nan=0.0) >= np.nan_to_num(h, nan=0.0)), wd.name


def test_first_snapshot_is_the_start_file(tiny_run):
    outdir, _, _ = tiny_run
    h0 = read_ascii_grid(outdir / "tiny-0000.wd").data
    assert np.allclose(h0[START], START_DEPTH)
    assert np.nansum(h0) == pytest.approx(9 * START_DEPTH)
    inittm = read_ascii_grid(outdir / "tiny.inittm").data
    assert np.allclose(inittm[START], 0.0)  # wet from the start


def test_mass_file_balances_and_counts_the_hand_computed_inflow(tiny_run):
    """Vin = pond 90 m³ + source 2000 m³ + rain 1e-5 m/s × 396 cells × 100 m² × 600 s = 2327.6 m³."""
    outdir, _, _ = tiny_run
    mass = read_mass(outdir / "tiny.mass")
    assert list(mass)[:12] == ["Time", "Tstep", "MinTstep", "NumTsteps", "Area", "Vol", "Qin", "Hds", "Qout",
                               "Qerror", "Verror", "Rain-(Inf+Evap)"]
    assert np.allclose(mass["Time"], np.arange(0.0, SIM_TIME + 1, MASSINT))
    assert mass["Vol"][0] == pytest.approx(9 * START_DEPTH * DX * DX)
    assert mass["Area"][0] == pytest.approx(9 * DX * DX)  # the nine-cell start pond
    assert np.all(mass["Area"][1:] >= mass["Area"][0])  # rain and the source only add wet cells
    assert mass["Vin"][-1] == pytest.approx(90.0 + 2000.0 + 1e-5 * 396 * DX * DX * SIM_TIME, rel=1e-9)
    assert mass["Vout"][-1] > 0.0  # the sheet reached the free east edge
    residual = mass["Vin"] - mass["Vout"] - mass["Vol"]
    assert np.all(np.abs(residual) <= 1e-6 * mass["Vin"])
    # rain over an interval: 1e-5 m/s × 396 cells × 100 m² = 0.396 m³/s
    assert np.allclose(mass["Rain-(Inf+Evap)"][1:], 0.396)
    assert np.all(mass["MinTstep"][1:] <= mass["Tstep"][1:]) and np.all(mass["Tstep"][1:] <= 1.0 + 1e-12)


def test_stage_file_starts_with_time_and_marks_points_outside(tiny_run):
    outdir, _, _ = tiny_run
    text = (outdir / "tiny.stage").read_text()
    assert text.startswith("Stage output, depth (m). Stage locations from: plane.stage")
    assert "2\t5000.0000\t5000.0000\tn/a" in text
    rows = np.array([[float(v) for v in ln.split()] for ln in text.split("Time; stages 1 to 2\n")[1].splitlines()])
    assert np.allclose(rows[:, 0], np.arange(0.0, SIM_TIME + 1, MASSINT))
    assert rows[0, 1] == pytest.approx(START_DEPTH)  # point 1 sits in the pond
    assert np.all(rows[:, 2] == -9999.0)


def test_cli_reports_unknown_keys_and_the_balance(tiny_run):
    _, out, err = tiny_run
    assert "mysterykey" in err
    assert "volume balance" in out and "error" in out


def test_cli_refuses_a_missing_dem(tmp_path):
    from django.core.management.base import CommandError

    par = write_par(tmp_path, "DEMfile nowhere.asc\nsim_time 1\n")
    with pytest.raises(CommandError, match="nowhere"):
        call_command("flood", "run", str(par), "--out", str(tmp_path / "o"), stdout=StringIO(), stderr=StringIO())


# -- EA Test 5 -----------------------------------------------------------------------------------


@needs_ea5
def test_ea5_short_run_writes_outputs_and_balances(tmp_path):
    """900 s of EA Test 5: 20 points × 10 m × (15·300/2 + 15·300) m² = 1.35e6 m³ in; in = stored + out within 0.1%."""
    out = StringIO()
    call_command("flood", "run", str(EA5 / "ea5-10m.par"), "--sim-time", "900", "--out", str(tmp_path),
                 stdout=out, stderr=StringIO())
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {"ea5.max", "ea5.inittm", "ea5.totaltm", "ea5.mass", "ea5.stage", "ea5-0000.wd"}
    assert read_ascii_grid(tmp_path / "ea5.max").shape == (1224, 1378)
    mass = read_mass(tmp_path / "ea5.mass")
    assert mass["Vin"][-1] == pytest.approx(1.35e6, rel=1e-9)
    assert abs(mass["Vin"][-1] - mass["Vout"][-1] - mass["Vol"][-1]) <= 1e-3 * mass["Vin"][-1]
    assert "volume balance" in out.getvalue()


def test_lisflood_defaults_and_the_1dfriction_flag(tmp_path):
    """A .par runs LISFLOOD-FP's scheme: cfl 0.7, 2-D friction unless ``1Dfriction`` is given; θ 0.95 (not
    LISFLOOD-FP's 1, which lets standing water grow a checkerboard) unless the .par sets it."""
    like = AsciiGrid(np.zeros((3, 3)), 0.0, 0.0, 1.0)
    write_ascii_grid(tmp_path / "dem.asc", np.zeros((3, 3)), like)
    model = build_case(read_par(write_par(tmp_path, "DEMfile dem.asc\nsim_time 1\n"))).model
    assert (model.theta, model.alpha, model.friction_2d) == (0.95, 0.7, True)
    model = build_case(read_par(write_par(tmp_path, "DEMfile dem.asc\nsim_time 1\n1Dfriction\ntheta 0.7\n"))).model
    assert (model.theta, model.friction_2d) == (0.7, False)
