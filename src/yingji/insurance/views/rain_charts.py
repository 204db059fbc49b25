"""Rainfall at the designated stations: running totals against the threshold, as SVG geometry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ...core.errors import NotFound
from ...core.scope import SYSTEM
from ...hydromet import selectors as hydromet
from ..models import Policy

RAIN_CHART_DAYS = 7


CHART_W, CHART_H = 640, 220
PAD_L, PAD_R, PAD_T, PAD_B = 48, 12, 12, 28
LINE_COLOURS = ("#1f5fa8", "#2a9d5c", "#c77c0e", "#7b4bb3", "#4a4a4a", "#0f8b8d")


@dataclass
class ChartLine:
    station: str
    colour: str
    points: str  # SVG polyline points
    peak_mm: float
    peak_time: dt.datetime | None


@dataclass
class RainChart:
    """One county's running totals (window_hours) at its designated stations against
    the threshold, as SVG geometry; times are drawn in local time."""

    county: object
    window_hours: float
    threshold_mm: float
    start: dt.datetime
    end: dt.datetime
    lines: list[ChartLine]
    threshold_y: float
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    missing: list[str]
    width: int = CHART_W
    height: int = CHART_H
    plot_left: int = PAD_L
    plot_right: int = CHART_W - PAD_R
    plot_top: int = PAD_T
    plot_bottom: int = CHART_H - PAD_B

    @property
    def crossed(self) -> bool:
        return any(line.peak_mm >= self.threshold_mm for line in self.lines)


def rain_charts(policy: Policy) -> list[RainChart]:
    """The running totals of the last RAIN_CHART_DAYS up to the latest rain observed at
    the policy's designated stations (now, if none has any)."""
    charts = []
    for trigger in policy.rain_triggers.all():
        by_county: dict[str, list[str]] = {}
        counties = {}
        for s in trigger.stations.select_related("county"):
            by_county.setdefault(s.county_id, []).append(s.station_code)
            counties[s.county_id] = s.county
        codes = [c for cs in by_county.values() for c in cs]
        end = _latest_rain(codes) or timezone.now()
        start = end - dt.timedelta(days=RAIN_CHART_DAYS)
        totals = _running_totals(codes, start, end, trigger.window_hours)
        for county in sorted(by_county):
            charts.append(_chart(counties[county], by_county[county], totals, trigger, start, end))
    return charts


def _latest_rain(codes: list[str]) -> dt.datetime | None:
    # The designated stations' data is part of the policy's terms: whoever may read
    # the policy (checked by the caller) reads them, as the event evidence shows them;
    # an insurer's staff elsewhere would otherwise see no rain at all.
    found = []
    for code in codes:
        try:
            obs = hydromet.latest(scope=SYSTEM, station=hydromet.station_get(scope=SYSTEM, code=code)).get("rain")
        except NotFound:
            continue
        if obs is not None:
            found.append(obs.time)
    return max(found, default=None)


def _running_totals(codes, start, end, hours) -> dict:
    return hydromet.rain_running_totals(scope=SYSTEM, station_codes=codes, start=start, end=end,
                                        hours=hours)  # see _latest_rain


def _chart(county, codes: list[str], totals: dict, trigger, start: dt.datetime, end: dt.datetime) -> RainChart:
    series = {c: totals[c] for c in codes if c in totals and len(totals[c].times)}
    peak = max([float(s.values.max()) for s in series.values()], default=0.0)
    top = _nice_top(max(peak, trigger.threshold_mm) * 1.1)
    x0, x1 = start.timestamp(), end.timestamp()
    plot_w, plot_h = CHART_W - PAD_L - PAD_R, CHART_H - PAD_T - PAD_B

    def x(ts: float) -> float:
        return round(PAD_L + (ts - x0) / (x1 - x0) * plot_w, 1)

    def y(mm: float) -> float:
        return round(PAD_T + plot_h - mm / top * plot_h, 1)

    lines = []
    for i, code in enumerate(c for c in codes if c in series):
        s = series[code]
        stamps = s.times.astype("datetime64[ms]").astype("int64") / 1000.0
        points = " ".join(f"{x(t)},{y(v)}" for t, v in zip(stamps, s.values))
        k = int(s.values.argmax())
        lines.append(ChartLine(code, LINE_COLOURS[i % len(LINE_COLOURS)], points, float(s.values[k]),
                               dt.datetime.fromtimestamp(stamps[k], dt.UTC)))
    y_ticks = [(y(v), f"{v:g}") for v in (top * i / 4 for i in range(5))]
    days = [start + dt.timedelta(days=i) for i in range(RAIN_CHART_DAYS + 1)]
    x_ticks = [(x(d.timestamp()), timezone.localtime(d).strftime("%m-%d %H:%M")) for d in days[::2]]
    return RainChart(county, trigger.window_hours, trigger.threshold_mm, start, end, lines,
                     y(trigger.threshold_mm), y_ticks, x_ticks, [c for c in codes if c not in series])


def _nice_top(v: float) -> float:
    """The next of 1, 2, 2.5, 5 × 10^k at or above v (an axis maximum a person reads)."""
    scale = 1.0
    while scale * 10 < v:
        scale *= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * scale >= v:
            return step * scale
    return 10 * scale
