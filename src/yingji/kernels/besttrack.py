"""CMA tropical-cyclone best-track files (热带气旋最佳路径数据集), ``CHyyyyBST.txt``.

Format (China Meteorological Administration; cite Ying et al. 2014,
doi:10.1175/JTECH-D-12-00119.1, and Lu et al. 2021, doi:10.1007/s00376-020-0211-7):

- a header per storm::

    66666 <intl id> <rows> <seq> <cn id> <end flag> <interval h> <name> <date>

  fields separated by any run of spaces or tabs; the name may be missing (one 1997
  storm has none) and ``(nameless)`` is kept as written;
- then ``<rows>`` records ``YYYYMMDDHH I LAT LON PRES WND [OWD]``: time in UTC, grade
  ``I`` (0 below TD or unknown, 1 TD, 2 TS, 3 STS, 4 TY, 5 STY, 6 SuperTY,
  9 extratropical), latitude and longitude in 0.1°, pressure in hPa, WND the 2-minute
  mean maximum wind in m/s (9 means below 10 m/s, 0 missing), OWD ignored.

The parser never raises on bad content: a malformed line becomes a :class:`ParseIssue`
with file name and line number, and the rest of the file is still read.
"""

from __future__ import annotations

import calendar
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HEADER_TAG = "66666"
GRADES = frozenset({0, 1, 2, 3, 4, 5, 6, 9})
WIND_BELOW_10 = 9  # the file's code for "below 10 m/s"; kept as 9.0 m/s (below force 6)
_SEASON = re.compile(r"^CH(\d{4})BST", re.IGNORECASE)
_TIME = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})$")


@dataclass(frozen=True)
class ParseIssue:
    """A line the parser could not use (or a header that disagrees with its records)."""

    file: str
    line: int  # 1-based
    message: str
    text: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Storm:
    """One tropical cyclone (热带气旋) and its best-track positions.

    Arrays are parallel, one entry per record: ``time`` datetime64[m] UTC, ``lat`` and
    ``lon`` float64 degrees, ``pressure`` float64 hPa (NaN when 0 = missing), ``wind``
    float64 m/s (NaN when 0 = missing; 9.0 means "below 10 m/s"), ``grade`` int8 (the
    file's ``I``).
    """

    intl_id: str  # "0000" when the storm has no international number
    cn_id: str  # Chinese number, e.g. "0414" (2004, 14th); "0000" before numbering
    name: str
    year: int  # the season: the file's year (CH1979BST holds 7901 Alice from 1978-12-31)
    seq: int  # order within the file
    interval_h: int
    end_flag: int
    file: str
    line: int  # line number of the header
    time: np.ndarray = field(repr=False)
    lat: np.ndarray = field(repr=False)
    lon: np.ndarray = field(repr=False)
    pressure: np.ndarray = field(repr=False)
    wind: np.ndarray = field(repr=False)
    grade: np.ndarray = field(repr=False)

    @property
    def storm_id(self) -> str:
        """A stable id: the year and the sequence in the file, plus the CN number if any."""
        base = f"{self.year}-{self.seq:02d}"
        return f"{base} ({self.cn_id})" if self.cn_id != "0000" else base

    def __len__(self) -> int:
        return len(self.time)


@dataclass
class ParseResult:
    """Storms read from one or more files, with every problem met on the way."""

    storms: list[Storm] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)

    @property
    def record_count(self) -> int:
        return sum(len(s) for s in self.storms)

    def extend(self, other: ParseResult) -> None:
        self.storms.extend(other.storms)
        self.issues.extend(other.issues)


@dataclass
class _Header:
    line: int
    intl_id: str
    rows: int
    seq: int
    cn_id: str
    end_flag: int
    interval_h: int
    name: str


def parse_header(tokens: list[str], line: int) -> _Header:
    """Read a split header line; raises ValueError with a readable reason."""
    if len(tokens) < 7:
        raise ValueError(f"header has {len(tokens)} fields, expected at least 7")
    # the cn id is text: merged storms carry two numbers, e.g. "7127,7128"
    for label, tok in zip(("intl id", "rows", "seq", "", "end flag", "interval"), tokens[1:7]):
        if label and not tok.isdigit():
            raise ValueError(f"header {label} {tok!r} is not a number")
    rest = tokens[7:]
    if rest and rest[-1].isdigit() and len(rest[-1]) == 8:
        rest = rest[:-1]  # the trailing date of the data version
    return _Header(
        line, tokens[1], int(tokens[2]), int(tokens[3]), tokens[4], int(tokens[5]), int(tokens[6]), " ".join(rest)
    )


def _days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def parse_record(tokens: list[str]) -> tuple[str, int, float, float, float, float]:
    """Read a split record: (ISO minute time, grade, lat °, lon °, hPa, m/s)."""
    if len(tokens) not in (6, 7):
        raise ValueError(f"record has {len(tokens)} fields, expected 6 or 7")
    m = _TIME.match(tokens[0])
    if not m:
        raise ValueError(f"time {tokens[0]!r} is not YYYYMMDDHH")
    try:
        grade, lat10, lon10, pres, wind = (int(t) for t in tokens[1:6])
    except ValueError:
        raise ValueError("grade, lat, lon, pressure and wind must be integers") from None
    y, mo, d, h = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= _days_in_month(y, mo) and 0 <= h <= 23):
        raise ValueError(f"time {tokens[0]!r} is not a valid date and hour")
    if grade not in GRADES:
        raise ValueError(f"grade {grade} is not one of 0-6 or 9")
    if not (-900 <= lat10 <= 900 and 0 <= lon10 <= 3600):
        raise ValueError(f"position {lat10 / 10}°, {lon10 / 10}° is out of range")
    if pres < 0 or wind < 0:
        raise ValueError("pressure and wind must not be negative")
    iso = f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:00"
    missing = np.nan  # 0 means missing for pressure and wind
    return iso, grade, lat10 / 10.0, lon10 / 10.0, float(pres) if pres else missing, float(wind) if wind else missing


def _storm(header: _Header, records: list[tuple], source: str) -> Storm:
    iso, grade, lat, lon, pres, wind = zip(*records) if records else ((),) * 6
    time = np.array(iso, dtype="datetime64[m]")
    m = _SEASON.match(source)
    year = int(m.group(1)) if m else (int(str(time[0])[:4]) if len(time) else 0)
    return Storm(
        intl_id=header.intl_id, cn_id=header.cn_id, name=header.name, year=year, seq=header.seq,
        interval_h=header.interval_h, end_flag=header.end_flag, file=source, line=header.line,
        time=time, lat=np.array(lat, dtype=np.float64), lon=np.array(lon, dtype=np.float64),
        pressure=np.array(pres, dtype=np.float64), wind=np.array(wind, dtype=np.float64),
        grade=np.array(grade, dtype=np.int8),
    )


class _FileParser:
    """State of one file's parse: the open storm, its records, the issues so far."""

    def __init__(self, source: str):
        self.source = source
        self.result = ParseResult()
        self.header: _Header | None = None
        self.records: list[tuple] = []
        self.skipping = False  # records under a bad header are skipped with it

    def issue(self, line: int, message: str, text: str = "") -> None:
        self.result.issues.append(ParseIssue(self.source, line, message, text))

    def close_storm(self) -> None:
        h = self.header
        if h is not None:
            if len(self.records) != h.rows:
                self.issue(h.line, f"header announces {h.rows} records, {len(self.records)} read")
            self.result.storms.append(_storm(h, self.records, self.source))
        self.header, self.records = None, []

    def feed(self, lineno: int, text: str) -> None:
        tokens = text.split()  # any run of spaces/tabs; strips the CR of CRLF too
        if not tokens:
            return
        if tokens[0] == HEADER_TAG:
            self.close_storm()
            try:
                self.header, self.skipping = parse_header(tokens, lineno), False
            except ValueError as e:
                self.skipping = True
                self.issue(lineno, f"{e}; its records are skipped", text.strip())
            return
        if self.skipping:
            return
        if self.header is None:
            self.issue(lineno, "record before any 66666 header", text.strip())
            return
        try:
            rec = parse_record(tokens)
        except ValueError as e:
            self.issue(lineno, str(e), text.strip())
            return
        self.records.append(rec)


def parse_lines(lines: Iterable[str], source: str = "<string>") -> ParseResult:
    """Parse best-track text given as lines (with or without line endings).

    Parameters
    ----------
    lines : iterable of str
        The file's lines; CRLF, LF, tabs and runs of spaces are all accepted.
    source : str
        The name used in :class:`ParseIssue` (normally the file name).
    """
    parser = _FileParser(source)
    for lineno, text in enumerate(lines, start=1):
        parser.feed(lineno, text)
    parser.close_storm()
    return parser.result


def parse_file(path: str | os.PathLike) -> ParseResult:
    """Parse one ``CHyyyyBST.txt`` file; issues carry its base name."""
    path = Path(path)
    # latin-1 never fails to decode, so a stray byte becomes a reported bad line, not a crash
    with open(path, encoding="latin-1", newline="") as f:
        text = f.read()
    return parse_lines(text.splitlines(), source=path.name)


def parse_paths(paths: Iterable[str | os.PathLike]) -> ParseResult:
    """Parse files and directories (every ``*.txt`` inside, sorted by name)."""
    result = ParseResult()
    for p in map(Path, paths):
        files = sorted(p.glob("*.txt")) if p.is_dir() else [p]
        for f in files:
            result.extend(parse_file(f))
    return result
