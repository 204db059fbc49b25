"""LISFLOOD-FP parameter files (.par): the keys a 2-D local-inertial run uses (参数文件).

Pure, no Django. :func:`read_par` parses a .par into a :class:`ParFile`: numbers,
resolved paths, flags, and warnings for what is accepted but has no effect here.
Keys are case-insensitive, ``#`` starts a comment, a key without a value is a
flag; the vocabulary is LISFLOOD-FP 8.1's (``pars.cpp``).

A key is, in turn:

- **run** (``NUMBER_KEYS``, ``PATH_KEYS``, ``NAME_KEYS``, ``FLAGS``): read and used;
  ``simtime``, ``nfp`` and ``dir`` are LISFLOOD-FP's aliases of ``sim_time``,
  ``fpfric`` and ``dirroot``;
- **quiet** (``QUIET``): switches of LISFLOOD-FP's own console, logs and file
  formats that change nothing here (``debug``, ``nodebug``, ``vtkoff`` ...);
- **ignored with a warning** (``IGNORED``): outputs this kernel does not write
  (velocity and hazard grids, flux snapshots, checkpoints ...) or solver hints
  that do not change the local-inertial result; the run goes on;
- **refused** (``REFUSED``): anything that needs another solver or module of
  LISFLOOD-FP (sub-grid channels, 1-D rivers, the FV1/FV2/DG2/Roe/diffusive
  solvers, weirs, infiltration ...). Running without it would give another
  answer than LISFLOOD-FP's, so :func:`read_par` raises :class:`ParError`
  naming every such key;
- unknown: a warning, the key is ignored.

A .par without ``acceleration`` makes LISFLOOD-FP 8.1 run its older diffusive
solver; here the local-inertial scheme always runs, and a warning says so.

Paths are relative to the .par's folder. A Windows path (backslashes or a
drive letter, e.g. ``dirroot ea5-10m\\acc-cpu`` or ``C:\\runs\\ea5``) is mapped by
dropping the drive letter and leading separators and turning backslashes into
folders under the .par's folder: ``<par folder>/ea5-10m/acc-cpu``,
``<par folder>/runs/ea5``. An input file not found there is looked for by its
bare name beside the .par.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

NUMBER_KEYS = {"sim_time", "initial_tstep", "saveint", "massint", "fpfric", "cfl", "theta", "depththresh", "gravity"}
PATH_KEYS = {"demfile", "manningfile", "bcifile", "bdyfile", "stagefile", "startfile", "rainfall"}
NAME_KEYS = {"resroot", "dirroot"}
FLAGS = {"acceleration", "elevoff", "depthoff", "startelev", "1dfriction"}
ALIASES = {"simtime": "sim_time", "nfp": "fpfric", "dir": "dirroot"}
#: LISFLOOD-FP switches that change nothing in this kernel's run or files
QUIET = {"debug", "nodebug", "log", "v", "vtkoff", "chainageoff", "ascii_out", "standard_extensions_out",
         "comp_out", "output_precision"}

_NOT_WRITTEN = "is not written (the flood itself is unchanged)"
#: accepted, with a warning saying what does not happen
IGNORED = {
    "cuda": "no GPU solver here; the numba CPU kernel runs the same local-inertial scheme",
    "voutput": f"velocity output (.Vx, .Vy) {_NOT_WRITTEN}",
    "voutput_max": f"maximum velocity output (.maxVx, .maxVy, .maxVc) {_NOT_WRITTEN}",
    "voutput_stage": f"velocity at the stage points (.velocity) {_NOT_WRITTEN}",
    "hazard": f"hazard output (.maxHaz, .maxVc, .maxVcd) {_NOT_WRITTEN}",
    "qoutput": f"flux snapshots (.Qx, .Qy) {_NOT_WRITTEN}",
    "toutput": f"time step grids {_NOT_WRITTEN}",
    "qloutput": f"flow limit grids {_NOT_WRITTEN}",
    "profiles": f"channel profiles {_NOT_WRITTEN}",
    "gaugefile": f"discharge at gauge sections (.discharge) {_NOT_WRITTEN}",
    "calcarea": f"the flooded area file {_NOT_WRITTEN}; the .mass Area column has it",
    "calcmeandepth": f"the mean depth file {_NOT_WRITTEN}",
    "calcvolume": f"the volume file {_NOT_WRITTEN}; the .mass Vol column has it",
    "maxdepthonly": "every output is written, not only .max",
    "mint_hk": "maxima and times are kept over the whole run",
    "saveint_max": "maxima are kept over the whole run, not reset at each saveint",
    "maxint": "maxima are kept over the whole run, not reset at each maxint",
    "binary_out": "grids are written as ESRI ASCII",
    "netcdf_out": "grids are written as ESRI ASCII",
    "gzip": "outputs are not compressed",
    "overpass": f"the snapshot at a satellite overpass time {_NOT_WRITTEN}",
    "overpassfile": f"snapshots at satellite overpass times {_NOT_WRITTEN}",
    "checkpoint": "no checkpoint files are written",
    "steady": "the run lasts sim_time; no steady-state stop",
    "steadytol": "the run lasts sim_time; no steady-state stop",
    "kill": "the run is not stopped early",
    "ascheader": "outputs carry the DEM's header",
    "resettimeinit": "times of first inundation count from t = 0",
    "drycheckoff": "the outflow limiter always keeps depths ≥ 0",
    "momentumthresh": "faces are dry below depththresh",
    "htol": "used by the diffusive solver only",
    "qlimfact": "used by the diffusive solver only",
    "dhlin": "used by the diffusive solver only",
}

_SOLVER = "需要另一个求解器 / needs LISFLOOD-FP's {what}, which Yingji does not have (it runs the " \
          "local-inertial scheme only: remove the key to run that)"
_MODULE = "需要 LISFLOOD-FP 的另一个模块 / needs LISFLOOD-FP's {what}, which Yingji does not have; " \
          "ignoring it would give another flood than LISFLOOD-FP's"
_SGC = _SOLVER.format(what="sub-grid channel solver (SGC)")
_RIVER = _SOLVER.format(what="1-D river channel solver")
#: keys that need another solver or module: read_par refuses them, each named
REFUSED = {
    **{k: _SOLVER.format(what=w) for k, w in {
        "fv1": "first-order finite-volume solver (FV1)", "fv2": "second-order finite-volume solver (FV2)",
        "dg2": "discontinuous Galerkin solver (DG2)", "mwdg2": "multiwavelet DG2 solver (MWDG2)",
        "hwfv1": "Haar-wavelet FV1 solver (HWFV1)", "acc_nugrid": "non-uniform grid local-inertial solver",
        "limitslopes": "DG2/FV2 slope limiter", "dg2depththresh": "DG2 solver",
        "dg2thindepth_tstep": "DG2 solver", "krivodonovathresh": "DG2 solver",
        "roe": "Roe solver", "roe_slow": "Roe solver",
        "adaptoff": "diffusive solver with the flow limiter (Qlim)",
        "diffusive": "diffusive channel solver", "ch_dynamic": "dynamic channel solver",
        "dynsw": "dynamic channel solver"}.items()},
    **{k: _SGC for k in (
        "sgc_enable", "sgcwidth", "sgcbed", "sgcbank", "sgcmanningfile", "sgcdirnfile", "sgcchanprams",
        "sgccat_area", "sgcchangroup", "sgcp", "sgcr", "sgcm", "sgcs", "sgcn", "sgca", "sgc2", "sgcchan",
        "sgcbfh_mode", "sgca_mode", "sgcvoutput", "sgcd8", "latlong", "damfile", "dammask")},
    **{k: _RIVER for k in (
        "river", "riverfile", "multiriverfile", "chanmask", "linklist", "ch_start_h", "startq", "ts_multiple")},
    **{k: _MODULE.format(what=w) for k, w in {
        "weirfile": "weirs and bridges", "weir": "weirs and bridges", "porfile": "porosity",
        "infiltration": "infiltration", "inf": "infiltration", "infilfile": "infiltration",
        "evaporation": "evaporation", "rainfallmask": "distributed rainfall mask",
        "dynamicrainfile": "gridded (NetCDF) rainfall", "routing": "rainfall routing scheme",
        "routing_mass_check": "rainfall routing scheme", "rainfallrouting": "rainfall routing scheme",
        "routingspeed": "rainfall routing scheme", "routesfthresh": "rainfall routing scheme",
        "dist_routing": "rainfall routing scheme", "diffusive_froude_thresh": "diffusive switch",
        "max_froude": "velocity limiter (max_Froude)", "loadcheck": "checkpoint restart",
        "tstart": "start time other than 0", "startq2d": "start discharges",
        "binarystartfile": "binary start file (give the start depths as an ESRI ASCII startfile)",
        "drain_nodata": "NODATA draining", "nodata_elevation": "NODATA elevation"}.items()},
}
# θ: LISFLOOD-FP's own default is 1 (Bates et al. 2010). With it, EA Test 5's ponds, left standing
# after the inflow, grow a checkerboard from hour 7 (docs/validation/flood); 0.95 stays smooth for the
# whole 30 hours and agrees with LISFLOOD-FP 8.1's 2-hour run as closely. A .par's `theta` wins.
DEFAULTS = {"resroot": "res", "dirroot": "results", "initial_tstep": 10.0, "saveint": 1000.0,
            "massint": 100.0, "fpfric": 0.06, "cfl": 0.7, "theta": 0.95, "depththresh": 0.001, "gravity": 9.80665}


class ParError(ValueError):
    """A .par file (or a file it names) that cannot be run."""


@dataclass
class ParFile:
    """A parsed LISFLOOD-FP parameter file (参数文件).

    ``values`` maps lower-case keys to numbers (NUMBER_KEYS), resolved paths
    (PATH_KEYS, ``dirroot``) or strings; ``flags`` holds value-less keys that
    were recognised; ``warnings`` says what was ignored and why.
    """

    path: Path
    values: dict = field(default_factory=dict)
    flags: set = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    def get(self, key):
        return self.values.get(key, DEFAULTS.get(key))

    @property
    def output_root(self) -> Path:
        """``dirroot/resroot``: the path every output name starts with."""
        return self.get_dirroot() / self.get("resroot")

    def get_dirroot(self) -> Path:
        return self.values.get("dirroot") or local_path(DEFAULTS["dirroot"], self.path.parent)


def local_path(raw: str, base: Path) -> Path:
    """Map a path written in a .par to this machine (Windows style accepted; see module doc)."""
    s = raw.strip().strip('"')
    if "\\" in s or re.match(r"^[A-Za-z]:", s):
        s = re.sub(r"^[A-Za-z]:", "", s).replace("\\", "/").lstrip("/")
        return base / s
    p = Path(s)
    return p if p.is_absolute() else base / p


def _input_path(raw: str, base: Path) -> Path:
    p = local_path(raw, base)
    if not _exists_as_input(p):
        beside = base / re.split(r"[\\/]", raw.strip().strip('"'))[-1]
        if _exists_as_input(beside):
            return beside
    return p


def _exists_as_input(p: Path) -> bool:
    return p.exists() or any(Path(f"{p}{ext}").exists() for ext in (".gz", ".raw.gz", ".asc", ".asc.gz"))


def read_par(path) -> ParFile:
    """Parse a .par file; unknown keys become warnings; refused keys and malformed values raise ParError."""
    path = Path(path)
    par = ParFile(path=path)
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        raise ParError(f"cannot read {path}: {exc}") from exc
    refused = []
    for lineno, line in enumerate(text.splitlines(), 1):
        parts = line.split("#", 1)[0].split(None, 1)
        if not parts:
            continue
        key = parts[0].lower()
        if key in REFUSED:
            refused.append(f"{path.name} line {lineno}: {parts[0]}: {REFUSED[key]}")
            continue
        _read_entry(par, ALIASES.get(key, key), parts[1].strip() if len(parts) > 1 else "", lineno)
    if refused:
        raise ParError("不能运行 / cannot run this case:\n" + "\n".join(refused))
    if "sim_time" not in par.values:
        raise ParError(f"{path}: sim_time is missing")
    if "demfile" not in par.values:
        raise ParError(f"{path}: DEMfile is missing")
    if "acceleration" not in par.flags:
        par.warnings.append(f"{path.name}: no 'acceleration' key: LISFLOOD-FP 8.1 would run its diffusive "
                            "solver; the local-inertial (acceleration) scheme runs here")
    return par


def _read_entry(par: ParFile, key: str, value: str, lineno: int) -> None:
    where = f"{par.path.name} line {lineno}"
    if key in par.values or key in par.flags:
        par.warnings.append(f"{where}: {key} given again; the later value is used")
    if key in NUMBER_KEYS:
        try:
            par.values[key] = float(value.split()[0])
        except (ValueError, IndexError):
            raise ParError(f"{where}: {key} needs a number, got {value!r}") from None
    elif key in PATH_KEYS:
        if not value:
            raise ParError(f"{where}: {key} needs a file name")
        par.values[key] = _input_path(value, par.path.parent)
    elif key == "dirroot":
        par.values[key] = local_path(value, par.path.parent) if value else par.path.parent
    elif key in NAME_KEYS:
        par.values[key] = value.split()[0] if value else DEFAULTS[key]
    elif key in FLAGS:
        par.flags.add(key)
    elif key in QUIET:
        pass
    elif key in IGNORED:
        par.warnings.append(f"{where}: {key} ignored: {IGNORED[key]}")
    else:
        par.warnings.append(f"{where}: unknown key {key!r} ignored")
