"""Run a LISFLOOD-FP case (.par file) unchanged and write LISFLOOD-FP-named outputs.

Pure, no Django: :func:`read_par` parses the parameter file, :func:`build_case`
turns it into a :class:`~yingji.kernels.flood2d.FloodModel` with its forcing,
:func:`run_case` simulates and writes the outputs into ``dirroot``.

The .par vocabulary (what runs, what is ignored with a warning, what is
refused because it needs another solver) is in :mod:`yingji.kernels.io.lisflood_par`;
the .bci/.bdy/rainfall formats in :mod:`yingji.kernels.lisflood_io`. What the
keys do here:

==================  =========================================================
``DEMfile``         ESRI ASCII DEM; ``x.dem`` also finds ``x.dem.gz``,
                    ``x.dem.raw.gz``, ``x.dem.asc`` beside it. NODATA = wall.
``resroot``         output file name root (default ``res``)
``dirroot``         output folder (default ``results``)
``sim_time``        simulated time, s (required)
``initial_tstep``   s; the largest time step (the CFL step is never longer)
``saveint``         s between ``<resroot>-NNNN.wd`` snapshots (default 1000)
``massint``         s between ``.mass`` and ``.stage`` lines (default 100)
``fpfric``          floodplain Manning n, s/m^(1/3) (default 0.06)
``manningfile``     grid of Manning n (cells with NODATA take ``fpfric``)
``bcifile``         boundary conditions, point and edge, every kind (FREE,
                    HFIX, HVAR, QFIX, QVAR; see lisflood_io)
``bdyfile``         their time series (seconds, minutes, hours or days)
``stagefile``       points whose depth goes to ``<resroot>.stage``
``startfile``       initial depths grid, m (water levels with ``startelev``)
``rainfall``        uniform rain series in mm/h, laid out as a .bdy series
``cfl``             CFL coefficient α (default 0.7)
``theta``           de Almeida et al. (2012) θ (default 0.95; LISFLOOD-FP's is 1, see io/lisflood_par.py)
``depththresh``     depth below which a face is dry, m (default 0.001)
``gravity``         m/s² (default 9.80665)
flags               ``acceleration`` (the local-inertial scheme: always used),
                    ``elevoff`` (no ``-NNNN.elev`` snapshots), ``depthoff`` (no
                    ``-NNNN.wd`` snapshots), ``startelev``, ``1Dfriction`` (friction
                    from each face's own discharge instead of LISFLOOD-FP's
                    default 2-D friction, which uses the discharge vector)
==================  =========================================================

Outputs (as LISFLOOD-FP 8 names them; grids with the DEM's header, NODATA
cells as NODATA): ``<resroot>.max`` maximum depth (m), ``.inittm`` time of
first inundation (h; NODATA where never wet), ``.totaltm`` time inundated
(h), ``<resroot>-NNNN.wd`` depth (m) at t = NNNN × saveint (0000 is the start),
``-NNNN.elev`` water level z + h (m) unless ``elevoff``, ``.stage`` depths (m)
at the stage points every massint (first column time, s), and ``.mass``.

``.mass`` columns, one line at t = 0 and every ``massint`` (and at the end):
Time (s), Tstep (s; the last CFL step), MinTstep (s; the smallest CFL step so
far — steps shortened to land on an output time are not counted), NumTsteps,
Area (m², cells deeper than the inundation threshold), Vol (m³ stored), Qin
(m³/s: point sources and edge inflow, mean over the interval), Hds (m; 0, no
downstream head), Qout (m³/s, mean over the interval), Qerror (m³/s =
Verror / interval), Verror (m³: inflow + rain − outflow − change of Vol over the
interval), Rain-(Inf+Evap) (m³/s of rain, mean over the interval; no
infiltration or evaporation here), then two columns LISFLOOD-FP lacks: Vin
(m³: initial volume plus everything that came in since t = 0) and Vout (m³,
everything that went out), so that Vin − Vout − Vol is the cumulative error.
Volumes are written with 10 significant digits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .flood2d import FloodModel, FloodResult, MassRecord, simulate
from .io.lisflood_par import (
    DEFAULTS,
    FLAGS,
    IGNORED,
    NUMBER_KEYS,
    PATH_KEYS,
    REFUSED,
    ParError,
    ParFile,
    local_path,
    read_par,
)
from .lisflood_io import (
    AsciiGrid,
    bci_boundaries,
    read_ascii_grid,
    read_bci,
    read_bdy,
    read_rainfall,
    read_stage,
    write_ascii_grid,
)

__all__ = ["DEFAULTS", "FLAGS", "IGNORED", "NUMBER_KEYS", "PATH_KEYS", "REFUSED", "Balance", "CaseRun", "CaseSetup",
           "ParError", "ParFile", "build_case", "local_path", "read_par", "run_case", "write_outputs"]


@dataclass
class CaseSetup:
    """What a .par describes, ready for :func:`simulate`."""

    grid: AsciiGrid
    model: FloodModel
    h0: np.ndarray
    stage_xy: list[tuple[float, float]]
    stage_cells: list[tuple[int, int] | None]  # None: the point lies outside the DEM


def build_case(par: ParFile, dtype=np.float64) -> CaseSetup:
    """Read every file the .par names and assemble the model, initial depths and stage points."""
    try:
        grid = read_ascii_grid(par.get("demfile"))
        return _assemble(par, grid, dtype)
    except (OSError, KeyError, ValueError) as exc:
        if isinstance(exc, ParError):
            raise
        raise ParError(f"{par.path.name}: {exc}") from exc


def _assemble(par: ParFile, grid: AsciiGrid, dtype) -> CaseSetup:
    bdy = read_bdy(par.get("bdyfile")) if par.get("bdyfile") else {}
    bci = read_bci(par.get("bcifile")) if par.get("bcifile") else []
    forcing = bci_boundaries(bci, bdy, grid)
    model = FloodModel(
        z=grid.data, dx=grid.cellsize, manning=_manning(par, grid),
        rain=read_rainfall(par.get("rainfall")) if par.get("rainfall") else 0.0,
        sources=forcing.sources, boundaries=forcing.edges, stages=forcing.stages, theta=par.get("theta"),
        friction_2d="1dfriction" not in par.flags, alpha=par.get("cfl"), dt_max=par.get("initial_tstep"),
        g=par.get("gravity"), eps=par.get("depththresh"), threshold=par.get("depththresh"), dtype=dtype)
    xy = read_stage(par.get("stagefile")) if par.get("stagefile") else []
    return CaseSetup(grid, model, _initial_depth(par, grid), xy, [_cell_or_none(grid, x, y) for x, y in xy])


def _manning(par: ParFile, grid: AsciiGrid):
    if not par.get("manningfile"):
        return par.get("fpfric")
    n = _same_shape(read_ascii_grid(par.get("manningfile")), grid, "manningfile").data
    return np.where(np.isfinite(n), n, par.get("fpfric"))


def _initial_depth(par: ParFile, grid: AsciiGrid) -> np.ndarray:
    """Start depths, m: the startfile (minus the bed with ``startelev``), dry elsewhere."""
    if not par.get("startfile"):
        return np.zeros(grid.shape)
    start = _same_shape(read_ascii_grid(par.get("startfile")), grid, "startfile").data
    h = start - grid.data if "startelev" in par.flags else start
    return np.where(np.isfinite(h) & (h > 0) & np.isfinite(grid.data), h, 0.0)


def _same_shape(g: AsciiGrid, dem: AsciiGrid, key: str) -> AsciiGrid:
    if g.shape != dem.shape:
        raise ParError(f"{key} is {g.shape[0]} x {g.shape[1]} cells, the DEM {dem.shape[0]} x {dem.shape[1]}")
    return g


def _cell_or_none(grid: AsciiGrid, x: float, y: float):
    try:
        return grid.cell_of(x, y)
    except ValueError:
        return None


# -- running ------------------------------------------------------------------------------


@dataclass
class Balance:
    """The whole run's volume balance, m³: in = initial + rain + sources + edge inflow."""

    volume_in: float
    volume_out: float
    stored: float

    @property
    def error(self) -> float:
        return self.volume_in - self.volume_out - self.stored

    @property
    def error_percent(self) -> float:
        return 100.0 * self.error / self.volume_in if self.volume_in > 0 else 0.0


@dataclass
class CaseRun:
    setup: CaseSetup
    result: FloodResult
    sim_time: float
    balance: Balance
    files: list[Path]
    step_stats: dict


class _StepLog:
    """Per-step bookkeeping for the .mass columns simulate does not give: Tstep, MinTstep, NumTsteps.

    Steps ending on an output time were shortened to land there, so they do not
    count as the CFL step (LISFLOOD-FP reports the solver's step).
    """

    def __init__(self, par: ParFile, sim_time: float, progress):
        self.intervals = [par.get("massint"), par.get("saveint")]
        self.massint, self.sim_time, self.progress = par.get("massint"), sim_time, progress
        self.t, self.steps, self.last_dt, self.min_dt = 0.0, 0, 0.0, math.inf
        self.at = {0.0: (0.0, 0.0, 0)}  # time → (Tstep, MinTstep, NumTsteps) at mass times

    def __call__(self, t: float) -> None:
        dt, self.t = t - self.t, t
        self.steps += 1
        if not any(_on_multiple(t, iv) for iv in self.intervals) and t != self.sim_time:
            self.last_dt, self.min_dt = dt, min(self.min_dt, dt)
        elif self.last_dt == 0.0:
            self.last_dt = dt
        if _on_multiple(t, self.massint) or t == self.sim_time:
            self.at[t] = (self.last_dt, self.min_dt if self.min_dt < math.inf else self.last_dt, self.steps)
        if self.progress:
            self.progress(t)


def _on_multiple(t: float, interval: float) -> bool:
    return interval > 0 and abs(t / interval - round(t / interval)) < 1e-9


def run_case(par: ParFile, *, sim_time: float | None = None, out_dir=None, dtype=np.float64,
             progress: Callable[[float], None] | None = None) -> CaseRun:
    """Build, simulate and write the outputs; ``sim_time`` and ``out_dir`` override the .par."""
    setup = build_case(par, dtype)
    sim_time = float(sim_time if sim_time is not None else par.get("sim_time"))
    out_dir = Path(out_dir) if out_dir is not None else par.get_dirroot()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParError(f"cannot create the output folder {out_dir}: {exc} (give another with --out)") from exc
    saveint, massint = par.get("saveint"), par.get("massint")
    log = _StepLog(par, sim_time, progress)
    points = [c for c in setup.stage_cells if c is not None]
    result = simulate(setup.model, setup.h0, sim_time, snapshot_times=_multiples(saveint, sim_time),
                      stage_points=points, stage_interval=massint if points else None,
                      mass_interval=massint, progress=log)
    last = result.mass[-1]
    v0 = result.mass[0].stored
    balance = Balance(v0 + last.rain + last.sources + last.boundary_in, last.boundary_out, last.stored)
    files = write_outputs(par, setup, result, out_dir / par.get("resroot"), log.at)
    return CaseRun(setup, result, sim_time, balance, files, log.at)


def _multiples(interval: float, sim_time: float) -> list[float]:
    return [k * interval for k in range(1, int(sim_time // interval + 1e-9) + 1)] if interval > 0 else []


# -- writing ------------------------------------------------------------------------------


def write_outputs(par: ParFile, setup: CaseSetup, result: FloodResult, root: Path, step_stats: dict) -> list[Path]:
    """Write every LISFLOOD-FP output; ``root`` is ``dirroot/resroot``. Returns the paths written."""
    grid, active = setup.grid, setup.model.active
    files = []

    def grid_out(suffix, data):
        path = Path(f"{root}{suffix}")
        write_ascii_grid(path, np.where(active, data, np.nan), grid)
        files.append(path)

    grid_out(".max", result.max_depth)
    grid_out(".inittm", result.first_inundation / 3600.0)  # NaN (never wet) is written as NODATA
    grid_out(".totaltm", result.duration / 3600.0)
    snapshots = {0.0: setup.h0, **result.snapshots}
    for k, t in enumerate(sorted(snapshots)):
        h = np.asarray(snapshots[t], float)
        if "depthoff" not in par.flags:
            grid_out(f"-{k:04d}.wd", h)
        if "elevoff" not in par.flags:
            grid_out(f"-{k:04d}.elev", setup.model.z + h)
    files.append(_write_mass(Path(f"{root}.mass"), result.mass, step_stats, setup.model))
    if setup.stage_xy:
        files.append(_write_stage(Path(f"{root}.stage"), par, setup, result))
    return files


MASS_COLUMNS = ("Time", "Tstep", "MinTstep", "NumTsteps", "Area", "Vol", "Qin", "Hds", "Qout", "Qerror",
                "Verror", "Rain-(Inf+Evap)", "Vin", "Vout")


def _write_mass(path: Path, records: list[MassRecord], step_stats: dict, model: FloodModel) -> Path:
    v0 = records[0].stored
    with open(path, "w") as fh:
        fh.write(" ".join(f"{c:<12s}" for c in MASS_COLUMNS).rstrip() + "\n")
        prev = records[0]
        for rec in records:
            fh.write(_mass_line(rec, prev, v0, step_stats.get(rec.time, (math.nan,) * 3), model) + "\n")
            prev = rec
    return path


def _mass_line(rec: MassRecord, prev: MassRecord, v0: float, stats, model: FloodModel) -> str:
    span = rec.time - prev.time
    q_in = rec.sources + rec.boundary_in - prev.sources - prev.boundary_in
    q_out = rec.boundary_out - prev.boundary_out
    rain = rec.rain - prev.rain
    v_error = rec.error - prev.error
    rate = (lambda v: v / span) if span > 0 else (lambda v: 0.0)
    # wet area needs the depths at this time; MassRecord carries it once flood2d records it
    area = getattr(rec, "wet_area", math.nan)
    tstep, min_tstep, steps = stats
    vin = v0 + rec.rain + rec.sources + rec.boundary_in
    return (f"{rec.time:<12.3f} {tstep:<12.4e} {min_tstep:<12.4e} {steps:<12d} {area:<12.4e} "
            f"{rec.stored:<17.10e} {rate(q_in):<12.4e} {0.0:<12.3f} {rate(q_out):<12.4e} "
            f"{rate(v_error):<12.4e} {v_error:<12.4e} {rate(rain):<15.4e} {vin:<17.10e} {rec.boundary_out:.10e}")


def _write_stage(path: Path, par: ParFile, setup: CaseSetup, result: FloodResult) -> Path:
    """Depths at the stage points, LISFLOOD-FP's layout; points outside the DEM are n/a, -9999."""
    z = setup.model.z
    inside = [c for c in setup.stage_cells if c is not None]
    with open(path, "w") as fh:
        fh.write(f"Stage output, depth (m). Stage locations from: {par.get('stagefile').name}\n\n")
        fh.write("Stage information (stage,x,y,elev):\n")
        fh.writelines(f"{i}\t{x:.4f}\t{y:.4f}\t" + (f"{z[c]:.4f}\n" if c is not None else "n/a\n")
                      for i, ((x, y), c) in enumerate(zip(setup.stage_xy, setup.stage_cells), 1))
        fh.write(f"\nOutput, depths:\nTime; stages 1 to {len(setup.stage_xy)}\n")
        for t, levels in zip(result.stage_times, result.stage):
            depth = iter(levels - np.array([z[c] for c in inside]))
            cols = [next(depth) if c is not None else -9999.0 for c in setup.stage_cells]
            fh.write(f"{t:<12.3f}" + "".join(f" {d:10.4f}" for d in cols) + "\n")
    return path
