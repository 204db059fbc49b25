"""Readers for LISFLOOD-FP's input files (ESRI ASCII grids, .bci, .bdy, .stage, rainfall).

Pure functions, no Django: they return arrays and plain records that
:mod:`yingji.kernels.flood2d` consumes. Conventions follow the LISFLOOD-FP 8
user manual and, where it is silent, what LISFLOOD-FP 8.1 does when it reads
these files (``input.cpp``: ``LoadBCs``, ``LoadTimeSeries``, ``LoadBCVar``,
``LoadRain``):

- ``.bci`` lines ``N|S|E|W a b KIND [value]`` (an edge segment from a to b, x
  for N/S, y for E/W) or ``P x y KIND [value]`` (the cell holding the point).
  KIND is FREE (value: the water-surface slope for normal-depth outflow;
  none: the local slope), HFIX (value: level, m), QFIX (value: discharge per
  unit width, m²/s), HVAR or QVAR (value: the name of a .bdy series).
  A point QFIX/QVAR adds q·dx m³/s to its cell (EA Test 5: 15 m²/s on 10 m
  cells is 150 m³/s); a point HFIX/HVAR holds its cell's level; a point FREE
  is an internal boundary of the sub-grid channel model and is refused.
- ``.bdy``: a free first line, then per series its name, ``count unit``
  (seconds, minutes, hours or days) and ``count`` rows ``value time``;
  ``#`` lines and empty lines are skipped. Values interpolate linearly in time
  and hold their end values outside the series.
- rainfall: the same layout as one .bdy series (its name line optional), the
  value in mm/h.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .flood2d import EdgeBoundary, PointSource, PointStage, TimeSeries


@dataclass(frozen=True)
class AsciiGrid:
    """An ESRI ASCII raster: ``data[0]`` is the northernmost row; NODATA is NaN."""

    data: np.ndarray
    xllcorner: float
    yllcorner: float
    cellsize: float
    nodata: float = -9999.0

    @property
    def shape(self):
        return self.data.shape

    def cell_of(self, x: float, y: float) -> tuple[int, int]:
        """(row, col) of the cell containing the point (x, y) in the grid's CRS."""
        ny, nx = self.data.shape
        col = int(np.floor((x - self.xllcorner) / self.cellsize))
        row = ny - 1 - int(np.floor((y - self.yllcorner) / self.cellsize))
        if not (0 <= row < ny and 0 <= col < nx):
            raise ValueError(f"point ({x}, {y}) lies outside the grid")
        return row, col


def resolve_grid_path(path) -> Path:
    """The grid file itself, or one beside it with ``.gz``/``.raw.gz``/``.asc`` added."""
    p = Path(path)
    for cand in (p, Path(f"{p}.gz"), Path(f"{p}.raw.gz"), Path(f"{p}.asc"), Path(f"{p}.asc.gz")):
        if cand.is_file():
            return cand
    raise FileNotFoundError(f"no grid file at {p} (nor .gz/.raw.gz/.asc beside it)")


def _open_text(path: Path):
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rt") if gz else open(path)


def read_ascii_grid(path) -> AsciiGrid:
    """Read an ESRI ASCII grid, gzipped or not (detected by content)."""
    path = resolve_grid_path(path)
    with _open_text(path) as fh:
        text = fh.read()
    header, body = _split_header(text, path)
    values = np.array(body.split(), float)
    ny, nx = int(header["nrows"]), int(header["ncols"])
    if values.size != nx * ny:
        raise ValueError(f"{path}: expected {nx * ny} values, found {values.size}")
    cs = header["cellsize"]
    xll = header.get("xllcorner", header.get("xllcenter", 0.0) - cs / 2)
    yll = header.get("yllcorner", header.get("yllcenter", 0.0) - cs / 2)
    nodata = header.get("nodata_value", -9999.0)
    data = values.reshape(ny, nx)
    data[data == nodata] = np.nan
    return AsciiGrid(data, xll, yll, cs, nodata)


_HEADER_KEYS = ("ncols", "nrows", "xllcorner", "yllcorner", "xllcenter", "yllcenter", "cellsize", "nodata_value")


def _split_header(text: str, path) -> tuple[dict, str]:
    """Header keys (lower case) and the remaining text; NODATA_value may be absent."""
    header, pos = {}, 0
    while True:
        end = text.find("\n", pos)
        parts = text[pos:end].split()
        if parts and parts[0].lower() in _HEADER_KEYS:
            header[parts[0].lower()] = float(parts[1])
            pos = end + 1
        elif not parts and end >= 0 and not header:
            pos = end + 1
        else:
            break
    if not {"ncols", "nrows", "cellsize"} <= header.keys():
        raise ValueError(f"{path}: not an ESRI ASCII grid (header {sorted(header)})")
    return header, text[pos:]


def write_ascii_grid(path, data: np.ndarray, like: AsciiGrid, nodata: float = -9999.0) -> None:
    """Write ``data`` (NaN = NODATA) with the georeference of ``like``."""
    ny, nx = data.shape
    out = np.where(np.isfinite(data), data, nodata)
    with open(path, "w") as fh:
        fh.write(f"ncols {nx}\nnrows {ny}\nxllcorner {like.xllcorner}\nyllcorner {like.yllcorner}\n"
                 f"cellsize {like.cellsize}\nNODATA_value {nodata}\n")
        np.savetxt(fh, out, fmt="%.6g")



@dataclass(frozen=True)
class BciLine:
    """One boundary condition line: ``P x y KIND value`` or ``N|S|E|W a b KIND value``."""

    where: str  # P, N, S, E, W (F: a point FREE)
    a: float
    b: float
    kind: str  # FREE, HFIX, HVAR, QFIX, QVAR
    value: str  # number, or the name of a .bdy series; '' when absent
    lineno: int = 0


BCI_KINDS = ("FREE", "HFIX", "HVAR", "QFIX", "QVAR")


def _data_lines(path):
    with open(path) as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if line:
                yield line


def read_bci(path) -> list[BciLine]:
    """Parse a .bci file (whitespace separated; ``#`` starts a comment); unknown kinds raise ValueError."""
    out = []
    with open(path) as fh:
        numbered = [(k, ln.split("#", 1)[0].split()) for k, ln in enumerate(fh, 1)]
    for lineno, parts in numbered:
        if not parts:
            continue
        where = f"{Path(path).name} line {lineno}"
        if len(parts) < 4:
            raise ValueError(f"{where}: a .bci line needs 4 or 5 columns, got {' '.join(parts)!r}")
        side, kind = parts[0][0].upper(), parts[3].upper()
        if side not in "NSEWPF":
            raise ValueError(f"{where}: 边界位置 {parts[0]!r} 无效 / boundary identifier {parts[0]!r} "
                             "is not N, S, E, W or P")
        if kind not in BCI_KINDS:
            raise ValueError(f"{where}: 边界类型 {parts[3]!r} 不支持 / boundary type {parts[3]!r} unknown "
                             f"(expected one of {', '.join(BCI_KINDS)})")
        if side == "F" or (side == "P" and kind == "FREE"):
            raise ValueError(f"{where}: 点 FREE 边界需要子网格河道求解器 / a point FREE boundary is an internal "
                             "boundary of LISFLOOD-FP's sub-grid channel solver (SGC), which Yingji does not have")
        try:
            a, b = float(parts[1]), float(parts[2])
        except ValueError:
            raise ValueError(f"{where}: coordinates must be numbers, got {parts[1]!r} {parts[2]!r}") from None
        out.append(BciLine(side, a, b, kind, parts[4] if len(parts) > 4 else "", lineno))
    return out


def _series_lines(path) -> list[str]:
    """The lines after the free first one, without empty and ``#`` lines (as LISFLOOD-FP skips them)."""
    with open(path) as fh:
        lines = [ln.strip() for ln in fh][1:]
    return [ln for ln in lines if ln and not ln.startswith("#")]


TIME_UNITS = {"second": 1.0, "seconds": 1.0, "minute": 60.0, "minutes": 60.0, "hour": 3600.0, "hours": 3600.0,
              "day": 86400.0, "days": 86400.0}


def _read_series(lines: list[str], k: int, path, name: str) -> tuple[TimeSeries, int]:
    """The series whose ``count unit`` line is lines[k]; returns it (times in s) and the next line's index."""
    where = f"{Path(path).name}, series {name!r}"
    count_unit = lines[k].split() if k < len(lines) else []
    try:
        count = int(count_unit[0])
    except (IndexError, ValueError):
        raise ValueError(f"{where}: expected 'count unit', got {lines[k] if k < len(lines) else 'the end'!r}") from None
    unit = count_unit[1].lower() if len(count_unit) > 1 else "seconds"
    if unit not in TIME_UNITS:
        raise ValueError(f"{where}: 时间单位 {count_unit[1]!r} 未知 / unknown time unit {count_unit[1]!r} "
                         "(seconds, minutes, hours or days)")
    rows = lines[k + 1:k + 1 + count]
    try:
        table = np.array([[float(v) for v in ln.split()[:2]] for ln in rows], float).reshape(-1, 2)
    except ValueError:
        raise ValueError(f"{where}: rows must be 'value time' numbers") from None
    if count < 1 or table.shape[0] < count:
        raise ValueError(f"{where}: {count} rows announced, {table.shape[0]} found")
    times = table[:, 1] * TIME_UNITS[unit]
    if np.any(np.diff(times) <= 0):
        raise ValueError(f"{where}: times must increase")
    return TimeSeries(times, table[:, 0]), k + 1 + count


def read_bdy(path) -> dict[str, TimeSeries]:
    """Parse a .bdy file: a free first line, then per series its name, ``count unit`` and rows ``value time``."""
    lines = _series_lines(path)
    series, k = {}, 0
    while k < len(lines):
        name = lines[k].split()[0]
        series[name], k = _read_series(lines, k + 1, path, name)
    return series


def read_rainfall(path) -> TimeSeries:
    """Parse a LISFLOOD-FP rainfall file into a uniform rain rate in m/s.

    The layout of one .bdy series, its name line optional: a free first line,
    ``count unit``, then ``count`` rows of ``rate time`` with the rate in mm/h.
    """
    lines = _series_lines(path)
    if lines and not lines[0].split()[0].lstrip("+").isdigit():
        lines = lines[1:]  # a series name, as in a .bdy file
    if not lines:
        raise ValueError(f"{path}: empty rainfall file")
    mm_h, _ = _read_series(lines, 0, path, "rainfall")
    return mm_h.scaled(1.0 / 1000.0 / 3600.0)


def read_stage(path) -> list[tuple[float, float]]:
    """Parse a .stage file: the count, then one ``x y`` per line."""
    lines = list(_data_lines(path))
    count = int(lines[0].split()[0])
    return [(float(p[0]), float(p[1])) for p in (ln.split() for ln in lines[1:1 + count])]


@dataclass
class BciForcing:
    """What a .bci asks for: point sources (m³/s), edge boundaries and point stages (m)."""

    sources: list[PointSource]
    edges: list[EdgeBoundary]
    stages: list[PointStage]


def _bci_value(line: BciLine, bdy: dict[str, TimeSeries]):
    where = f".bci line {line.lineno}" if line.lineno else ".bci"
    if line.kind.endswith("VAR"):
        if line.value not in bdy:
            raise KeyError(f"{where}: {line.kind} names series {line.value!r}, not in the .bdy file")
        return bdy[line.value]
    if not line.value:
        if line.kind == "FREE":
            return 0.0  # no slope given: FloodModel takes the local one
        raise ValueError(f"{where}: {line.kind} needs a value")
    try:
        return float(line.value)
    except ValueError:
        raise ValueError(f"{where}: {line.kind} needs a number, got {line.value!r}") from None


def bci_boundaries(lines: list[BciLine], bdy: dict[str, TimeSeries], grid: AsciiGrid) -> BciForcing:
    """Turn .bci lines into point sources, edge boundaries and point stages for :class:`FloodModel`.

    Cells are found as LISFLOOD-FP 8.1 finds them (``LoadBCs``): a point at
    column int((x − xll)/dx), row int((ytop − y)/dx), so that a point on a cell
    edge goes to the cell east of or below it; an edge segment is clamped to the
    domain and covers the faces its truncated end indices span.
    """
    out = BciForcing([], [], [])
    for ln in lines:
        value = _bci_value(ln, bdy)
        if ln.where == "P":
            row, col = _point_cell(ln, grid)
            if ln.kind.startswith("Q"):
                q = value.scaled(grid.cellsize) if isinstance(value, TimeSeries) else value * grid.cellsize
                out.sources.append(PointSource(row, col, q))
            else:
                out.stages.append(PointStage(row, col, value))
            continue
        kind = {"FREE": "free", "HFIX": "stage", "HVAR": "stage", "QFIX": "inflow", "QVAR": "inflow"}[ln.kind]
        edge = {"N": "north", "S": "south", "E": "east", "W": "west"}[ln.where]
        start, stop = _edge_range(ln.where, ln.a, ln.b, grid)
        out.edges.append(EdgeBoundary(edge, kind, value, start, stop))
    return out


def bci_forcing(lines: list[BciLine], bdy: dict[str, TimeSeries], grid: AsciiGrid):
    """(point sources, edge boundaries) of a .bci without point stages (see :func:`bci_boundaries`)."""
    forcing = bci_boundaries(lines, bdy, grid)
    if forcing.stages:
        raise ValueError("the .bci holds point HFIX/HVAR lines: read it with bci_boundaries")
    return forcing.sources, forcing.edges


def _point_cell(ln: BciLine, grid: AsciiGrid) -> tuple[int, int]:
    ny, nx = grid.shape
    ytop = grid.yllcorner + ny * grid.cellsize
    fx, fy = (ln.a - grid.xllcorner) / grid.cellsize, (ytop - ln.b) / grid.cellsize
    if not (0.0 <= fx < nx and 0.0 <= fy < ny):
        raise ValueError(f".bci line {ln.lineno}: point ({ln.a:g}, {ln.b:g}) lies outside the DEM")
    return int(fy), int(fx)


def _edge_range(side: str, a: float, b: float, grid: AsciiGrid) -> tuple[int, int]:
    """Cells [start, stop) along an edge (columns for N/S, rows from the top for W/E).

    LISFLOOD-FP numbers the edge faces N (west to east), E (north to south),
    S (east to west), W (south to north) and truncates each end's position on
    that numbering; this reproduces its arithmetic, then turns the numbers
    back into cells.
    """
    ny, nx = grid.shape
    d, xll, yll = grid.cellsize, grid.xllcorner, grid.yllcorner
    ytop = yll + ny * d
    if side in "NS":
        a, b = (min(max(v, xll), xll + nx * d) for v in (a, b))
        pos = (lambda v: (v - xll) / d) if side == "N" else (lambda v: 2 * nx + ny - (v - xll) / d)
    else:
        a, b = (min(max(v, yll), ytop) for v in (a, b))
        pos = (lambda v: nx + (ytop - v) / d) if side == "E" else (lambda v: 2 * nx + 2 * ny - (ytop - v) / d)
    i1, i2 = sorted((int(pos(a)), int(pos(b))))
    numbers = range(i1, i2)  # LISFLOOD-FP: i1 .. i2 − 1
    if side == "N":
        cells = list(numbers)
    elif side == "E":
        cells = [i - nx for i in numbers]
    elif side == "S":
        cells = [2 * nx + ny - 1 - i for i in numbers]
    else:
        cells = [2 * nx + 2 * ny - 1 - i for i in numbers]
    return (min(cells), max(cells) + 1) if cells else (0, 0)
