"""Observations from CSV files (UTF-8, with or without BOM), two layouts:

- ``station,time,rain_mm``: rain in the interval ending at `time` (issue 5's layout);
  an optional ``interval_minutes`` column;
- ``station,time,quantity,value[,interval_minutes]``: rain or stage.

Time is ISO 8601 with a UTC offset. Every bad row is reported with its line number as
a text editor shows it (the header is line 1).
"""

from dataclasses import dataclass, field

from django.conf import settings

from ..core import tabular
from ..core.errors import DomainError
from .services import IngestReport, Problem, ingest

CHUNK = 10_000  # readings per ingest batch: bounded transactions and hand-off rows


@dataclass
class FileReport:
    """An ingest report whose problems name file lines instead of list positions."""

    accepted: int = 0
    duplicates: int = 0
    rejected: list[Problem] = field(default_factory=list)  # .index is the line number
    flagged: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    def add(self, part: IngestReport, lines: list[int]) -> None:
        self.accepted += part.accepted
        self.duplicates += part.duplicates
        for mine, theirs in ((self.rejected, part.rejected), (self.flagged, part.flagged),
                             (self.notes, part.notes)):
            mine.extend(Problem(lines[p.index], p.station, p.reason) for p in theirs)

    def summary(self) -> str:
        return IngestReport(accepted=self.accepted, duplicates=self.duplicates, rejected=self.rejected,
                            flagged=self.flagged).summary()


def read_observations(content: bytes) -> tuple[list[dict], list[int]]:
    """The readings of a CSV file and the line number of each, read within the
    shared import limits (YINGJI_IMPORT_MAX_OBSERVATION_ROWS/_BYTES for length)."""
    limits = tabular.Limits.from_settings(max_rows=settings.YINGJI_IMPORT_MAX_OBSERVATION_ROWS + 1,
                                          max_bytes=settings.YINGJI_IMPORT_MAX_OBSERVATION_BYTES)
    table = tabular.read_csv(content, limits=limits, encodings=tabular.UTF8_ONLY)
    header = {str(h).strip().lower() for h in (table.rows[0][1] if table.rows else ())}
    if {"station", "time", "rain_mm"} <= header:
        to_reading = _rain_row
    elif {"station", "time", "quantity", "value"} <= header:
        to_reading = _general_row
    else:
        raise DomainError("表头应为 station,time,rain_mm 或 station,time,quantity,value",
                          "Header must be station,time,rain_mm or station,time,quantity,value")
    readings, lines = [], []
    for line, row in table.records():
        readings.append(to_reading(row))
        lines.append(line)
    return readings, lines


def _rain_row(row: dict) -> dict:
    return {"station": row.get("station"), "time": row.get("time"), "quantity": "rain",
            "value": row.get("rain_mm"), "interval_minutes": row.get("interval_minutes")}


def _general_row(row: dict) -> dict:
    return {"station": row.get("station"), "time": row.get("time"), "quantity": row.get("quantity") or "",
            "value": row.get("value"), "interval_minutes": row.get("interval_minutes")}


def import_observations(*, by, content: bytes, source: str) -> FileReport:
    readings, lines = read_observations(content)
    report = FileReport()
    for i in range(0, len(readings), CHUNK):
        part = ingest(by=by, readings=readings[i:i + CHUNK], source=source)
        report.add(part, lines[i:i + CHUNK])
    return report
