"""Readers for LISFLOOD-FP's input files (ESRI ASCII grids, .bci, .bdy, .stage).

Pure functions, no Django: they return arrays and plain records that
:mod:`yingji.kernels.flood2d` consumes. Conventions follow the LISFLOOD-FP 8
user manual as its test cases use them (e.g. the EA Test 5 case: a point
``QVAR`` of 15 m²/s on 10 m cells is 150 m³/s at that point).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .flood2d import EdgeBoundary, PointSource, TimeSeries


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

    where: str  # P, N, S, E, W
    a: float
    b: float
    kind: str  # FREE, HFIX, HVAR, QFIX, QVAR
    value: str  # number, or the name of a .bdy series; '' when absent


def _data_lines(path):
    with open(path) as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if line:
                yield line


def read_bci(path) -> list[BciLine]:
    """Parse a .bci file (whitespace separated; ``#`` starts a comment)."""
    out = []
    for line in _data_lines(path):
        parts = line.split()
        if len(parts) < 4:
            raise ValueError(f"{path}: bad .bci line {line!r}")
        value = parts[4] if len(parts) > 4 else ""
        out.append(BciLine(parts[0].upper(), float(parts[1]), float(parts[2]), parts[3].upper(), value))
    return out


def read_bdy(path) -> dict[str, TimeSeries]:
    """Parse a .bdy file: a comment line, then per series its name, ``count unit``, rows.

    Rows are ``value time``; the unit is ``seconds`` or ``hours`` (converted to s).
    """
    lines = list(_raw_lines(path))[1:]  # the first line is free text
    series = {}
    k = 0
    while k < len(lines):
        name = lines[k].split()[0]
        count_unit = lines[k + 1].split()
        count = int(count_unit[0])
        unit = count_unit[1].lower() if len(count_unit) > 1 else "seconds"
        rows = np.array([[float(v) for v in lines[k + 2 + r].split()[:2]] for r in range(count)])
        scale = 3600.0 if unit.startswith("hour") else 1.0
        series[name] = TimeSeries(rows[:, 1] * scale, rows[:, 0])
        k += 2 + count
    return series


def _raw_lines(path):
    with open(path) as fh:
        for line in fh:
            if line.strip():
                yield line.strip()


def read_rainfall(path) -> TimeSeries:
    """Parse a LISFLOOD-FP rainfall file into a uniform rain rate in m/s.

    The format is a .bdy file holding one series without (or with) its name
    line: a free-text first line, ``count unit`` (``seconds`` or ``hours``),
    then ``count`` rows of ``rate time`` with the rate in mm/h.
    """
    lines = list(_raw_lines(path))[1:]
    if lines and not lines[0].split()[0].lstrip("+").isdigit():
        lines = lines[1:]  # a series name, as in a .bdy file
    if not lines:
        raise ValueError(f"{path}: empty rainfall file")
    count_unit = lines[0].split()
    count = int(count_unit[0])
    unit = count_unit[1].lower() if len(count_unit) > 1 else "seconds"
    if len(lines) < 1 + count:
        raise ValueError(f"{path}: {count} rows announced, {len(lines) - 1} found")
    rows = np.array([[float(v) for v in ln.split()[:2]] for ln in lines[1:1 + count]])
    scale = 3600.0 if unit.startswith("hour") else 1.0
    return TimeSeries(rows[:, 1] * scale, rows[:, 0] / 1000.0 / 3600.0)


def read_stage(path) -> list[tuple[float, float]]:
    """Parse a .stage file: the count, then one ``x y`` per line."""
    lines = list(_data_lines(path))
    count = int(lines[0].split()[0])
    return [(float(p[0]), float(p[1])) for p in (ln.split() for ln in lines[1:1 + count])]


def _bci_value(line: BciLine, bdy: dict[str, TimeSeries]):
    if line.kind.endswith("VAR"):
        if line.value not in bdy:
            raise KeyError(f".bci names series {line.value!r}, not in the .bdy file")
        return bdy[line.value]
    return float(line.value) if line.value else 0.0


def bci_forcing(lines: list[BciLine], bdy: dict[str, TimeSeries], grid: AsciiGrid):
    """Turn .bci lines into (point sources, edge boundaries) for :class:`FloodModel`.

    Point QFIX/QVAR values are per unit width (m²/s) and multiplied by the cell
    size to give m³/s, as LISFLOOD-FP does. Edge QFIX/QVAR are m²/s along the
    edge; HFIX/HVAR are water levels (m); FREE takes an optional slope.
    """
    sources, edges = [], []
    ny, nx = grid.shape
    for ln in lines:
        value = _bci_value(ln, bdy)
        if ln.where == "P":
            if not ln.kind.startswith("Q"):
                raise ValueError(f"point boundary {ln.kind} is not supported; only QFIX/QVAR")
            row, col = grid.cell_of(ln.a, ln.b)
            q = value.scaled(grid.cellsize) if isinstance(value, TimeSeries) else value * grid.cellsize
            sources.append(PointSource(row, col, q))
            continue
        kind = {"FREE": "free", "HFIX": "stage", "HVAR": "stage", "QFIX": "inflow", "QVAR": "inflow"}[ln.kind]
        lo, hi = sorted((ln.a, ln.b))
        if ln.where in ("N", "S"):
            start = max(int(np.floor((lo - grid.xllcorner) / grid.cellsize)), 0)
            stop = min(int(np.ceil((hi - grid.xllcorner) / grid.cellsize)), nx)
        else:
            ytop = grid.yllcorner + ny * grid.cellsize
            start = max(int(np.floor((ytop - hi) / grid.cellsize)), 0)
            stop = min(int(np.ceil((ytop - lo) / grid.cellsize)), ny)
        edge = {"N": "north", "S": "south", "E": "east", "W": "west"}[ln.where]
        edges.append(EdgeBoundary(edge, kind, value, start, stop))
    return sources, edges
