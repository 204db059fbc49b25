"""Rain-trigger evaluation (降雨指数触发): station series in, county events out. No Django.

A station's running total at an observation covers ``(t - window, t]`` (the kernel's
:func:`~yingji.kernels.rolling.rolling_totals_irregular`). A county is "in an event"
while any of its designated stations has a total at or above the threshold; the
county's event ends when every station's total has fallen below it, and the next time
one reaches it again is a new event. Each county event triggers once; its window is
the period with the largest total among its stations during the event (the first one
if several tie), and the payout follows that total.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass

import numpy as np

from ..kernels.rolling import rain_events, rolling_totals_irregular
from .policy_yaml import RainSpec

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
CST = dt.timezone(dt.timedelta(hours=8), "CST")  # China Standard Time, no daylight saving


@dataclass(frozen=True)
class Series:
    """One station's observations, sorted by time: ``times`` datetime64[ms] in UTC and
    ``mm`` float64, the shape of `hydromet.selectors.rain_series` (whose series are
    used as they are). Lists of aware datetimes and of numbers are converted."""

    times: np.ndarray
    mm: np.ndarray

    def __post_init__(self):
        object.__setattr__(self, "times", utc64(self.times))
        object.__setattr__(self, "mm", np.asarray(self.mm, dtype=np.float64))


def utc64(times) -> np.ndarray:
    """Aware datetimes (or datetime64 already in UTC) as datetime64[ms] in UTC."""
    if isinstance(times, np.ndarray) and np.issubdtype(times.dtype, np.datetime64):
        return times.astype("datetime64[ms]")
    return np.array([t.astimezone(dt.UTC).replace(tzinfo=None) for t in times], dtype="datetime64[ms]")


def aware(t: np.datetime64) -> dt.datetime:
    """A datetime64 in UTC as an aware datetime."""
    return EPOCH + dt.timedelta(milliseconds=int(t.astype("datetime64[ms]").astype(np.int64)))



@dataclass(frozen=True)
class RainTrigger:
    county: str
    station: str
    event_start: dt.datetime  # the first observation at which the county's event began
    window_start: dt.datetime
    window_end: dt.datetime
    total_mm: float
    payout: float

    def as_json(self) -> dict:
        """Times in China Standard Time, the contract's clock (they are computed in UTC)."""
        return {"county": self.county, "station": self.station,
                "window_start": self.window_start.astimezone(CST).isoformat(),
                "window_end": self.window_end.astimezone(CST).isoformat(), "total_mm": round(self.total_mm, 3),
                "payout": self.payout}


@dataclass(frozen=True)
class _StationEvent:
    station: str
    start: dt.datetime  # first time the total reached the threshold
    until: dt.datetime  # when it fell below again (exclusive)
    peak: dt.datetime
    total: float


def _with_departures(series: Series, window: np.timedelta64) -> tuple[np.ndarray, np.ndarray]:
    """The series plus a zero-rain point whenever an observation leaves the window.

    Totals only change at observations (rain arrives) and at ``t + window`` (rain
    leaves); evaluating at both makes a total that falls below the threshold between
    two sparse observations visible, so the event ends there and not at the next rain.
    """
    departures = series.times + window
    departures = departures[~np.isin(departures, series.times)]
    times = np.concatenate([series.times, departures])
    order = np.argsort(times, kind="stable")
    return times[order], np.concatenate([series.mm, np.zeros(len(departures))])[order]


def station_events(code: str, series: Series, spec: RainSpec) -> list[_StationEvent]:
    if not len(series.times):
        return []
    times, mm = _with_departures(series, np.timedelta64(int(round(spec.window_hours * 3_600_000)), "ms"))
    totals = rolling_totals_irregular(times, mm, spec.window_hours)
    # the point after an event's last one always exists: the departure of the last rain
    return [_StationEvent(code, aware(times[e.start]), aware(times[e.end + 1]), aware(times[e.peak]), e.total)
            for e in rain_events(totals, spec.threshold_mm)]


def county_triggers(county: str, series: dict[str, Series], spec: RainSpec) -> list[RainTrigger]:
    """Merge the county's station events that overlap in time; one trigger per merged event."""
    events = sorted((e for code in spec.stations.get(county, ()) if code in series
                     for e in station_events(code, series[code], spec)), key=lambda e: e.start)
    groups: list[list[_StationEvent]] = []
    for e in events:
        if groups and e.start < max(g.until for g in groups[-1]):
            groups[-1].append(e)
        else:
            groups.append([e])
    window = dt.timedelta(hours=spec.window_hours)
    triggers = []
    for group in groups:
        best = max(group, key=lambda e: (e.total, -e.peak.timestamp()))
        triggers.append(RainTrigger(county, best.station, group[0].start, best.peak - window, best.peak,
                                    best.total, spec.payout_for_total(best.total)))
    return triggers


def evaluate_rain(series: dict[str, Series], spec: RainSpec) -> list[RainTrigger]:
    """Every county's triggers, counties in code order, events in time order."""
    return [t for county in sorted(spec.stations) for t in county_triggers(county, series, spec)]


# ----------------------------------------------------------------------------------
# the CSV of observations: station,time,rain_mm


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str
    text: str

    def as_json(self) -> dict:
        return {"line": self.line, "reason": self.reason, "text": self.text}


def parse_time(text: str) -> dt.datetime:
    """ISO 8601 with an offset; a time without one is refused (which clock would it be?)."""
    value = dt.datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        raise ValueError("no UTC offset")
    return value


def _row(row: list[str]) -> tuple[str, dt.datetime, float]:
    if len(row) != 3:
        raise ValueError(f"应有 3 列，实有 {len(row)} 列 / expected 3 fields, got {len(row)}")
    station = row[0].strip()
    if not station:
        raise ValueError("站号为空 / empty station")
    try:
        time = parse_time(row[1])
    except ValueError:
        raise ValueError(f"时间应为带时区的 ISO 8601 / time must be ISO 8601 with an offset: {row[1]!r}") from None
    try:
        mm = float(row[2])
    except ValueError:
        raise ValueError(f"雨量应为数字 / rain_mm must be a number: {row[2]!r}") from None
    if not math.isfinite(mm) or mm < 0:
        raise ValueError(f"雨量应为非负数 / rain_mm must not be negative: {row[2]!r}")
    return station, time, mm


def read_observations(text: str) -> tuple[dict[str, Series], list[RejectedRow]]:
    """Read ``station,time,rain_mm`` rows; bad rows are kept aside with their line number.

    The header line is required. A second row for the same station and time is
    rejected: counting it would count the same interval's rain twice.
    """
    rows: dict[str, dict[dt.datetime, float]] = {}
    rejected: list[RejectedRow] = []
    lines = text.lstrip("\ufeff").splitlines()
    header = [h.strip().lower() for h in next(csv.reader(lines[:1]), [])]
    if header != ["station", "time", "rain_mm"]:
        rejected.append(RejectedRow(1, "表头应为 station,time,rain_mm / the header must be station,time,rain_mm",
                                    lines[0] if lines else ""))
        return {}, rejected
    for number, row in enumerate(csv.reader(io.StringIO("\n".join(lines[1:]))), start=2):
        if not row or not "".join(row).strip():
            continue
        try:
            station, time, mm = _row(row)
        except ValueError as exc:
            rejected.append(RejectedRow(number, str(exc), ",".join(row)))
            continue
        per_station = rows.setdefault(station, {})
        if time in per_station:
            rejected.append(RejectedRow(number, "同一站点同一时间重复 / duplicate station and time", ",".join(row)))
            continue
        per_station[time] = mm
    series = {code: Series(sorted(obs), [obs[t] for t in sorted(obs)]) for code, obs in rows.items()}
    return series, rejected
