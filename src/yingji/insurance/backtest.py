"""Typhoon-trigger evaluation of one storm, and the backtest over a best-track archive.

Pure (no Django): a :class:`~yingji.insurance.policy_yaml.TyphoonSpec` and tracks in,
plain results out. The live evaluation (services) and the `backtest` command both use
:func:`evaluate_storm`, so the backtest says what the live system would have paid.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from ..kernels.besttrack import Storm
from ..kernels.typhoon import (
    Circle,
    Track,
    TyphoonTriggerResult,
    evaluate_typhoon_trigger,
)
from .policy_yaml import TyphoonSpec


def iso_utc(t: np.datetime64) -> str:
    """A datetime64 (UTC) as ISO 8601 with its offset: ``2019-08-09T18:00:00+00:00``."""
    return dt.datetime.fromisoformat(str(t.astype("datetime64[s]"))).replace(tzinfo=dt.UTC).isoformat()


def evaluate_storm(track: Track, spec: TyphoonSpec, *, interpolate: bool | None = None) -> TyphoonTriggerResult:
    """One track against the policy's circle; ``interpolate`` overrides the policy's choice."""
    return evaluate_typhoon_trigger(
        track, Circle(spec.lon, spec.lat, spec.radius_km), spec.payouts, min_force=spec.min_force,
        interpolate=spec.interpolate if interpolate is None else interpolate,
        force_rule=spec.force_rule, method=spec.distance,
    )


def storm_codes(storms: list) -> list[tuple[str, object]]:
    """A unique, stable code per parsed storm: its ``storm_id``, and for the second and
    later storms sharing one (the archive splits some tracks into segments under the
    same sequence number, e.g. 1949 Irma and "Irma(-)1") a suffix " #2", " #3" in file
    order."""
    seen: dict[str, int] = {}
    out = []
    for storm in storms:
        n = seen[storm.storm_id] = seen.get(storm.storm_id, 0) + 1
        out.append((storm.storm_id if n == 1 else f"{storm.storm_id} #{n}", storm))
    return out


def storm_track(storm: Storm) -> Track:
    return Track(storm.time, storm.lat, storm.lon, storm.wind)


@dataclass(frozen=True)
class BacktestTrigger:
    storm_id: str
    name: str
    year: int
    time: str
    min_distance_km: float
    force: int
    payout: float

    def as_json(self) -> dict:
        return {"storm_id": self.storm_id, "name": self.name, "time": self.time,
                "min_distance_km": round(self.min_distance_km, 2), "force": self.force, "payout": self.payout}


@dataclass(frozen=True)
class BacktestResult:
    triggers: list[BacktestTrigger]
    first_year: int
    last_year: int

    @property
    def years(self) -> int:
        return self.last_year - self.first_year + 1 if self.first_year else 0

    @property
    def total_payout(self) -> float:
        return float(sum(t.payout for t in self.triggers))

    @property
    def annual_average(self) -> float:
        return self.total_payout / self.years if self.years else 0.0

    def by_year(self) -> dict[int, float]:
        totals: dict[int, float] = defaultdict(float)
        for t in self.triggers:
            totals[t.year] += t.payout
        return dict(sorted(totals.items()))

    def as_json(self) -> dict:
        return {"triggers": [t.as_json() for t in self.triggers], "years": self.years,
                "total_payout": self.total_payout, "annual_average": round(self.annual_average, 2)}


def _near(storm: Storm, spec: TyphoonSpec, margin_deg: float) -> bool:
    """A cheap box test: a storm never within the box cannot enter the circle.

    The box is the circle's latitude extent plus ``margin_deg``, and a longitude extent
    widened by 1/cos(lat) at the box's poleward edge; interpolated positions lie between
    fixes, so a storm whose consecutive fixes straddle the box is kept too.
    """
    if len(storm) == 0:
        return False
    half = spec.radius_km / 111.0 + margin_deg
    lat_edge = min(abs(spec.lat) + half, 89.0)
    half_lon = half / np.cos(np.radians(lat_edge))
    south, north = storm.lat < spec.lat - half, storm.lat > spec.lat + half
    west, east = storm.lon < spec.lon - half_lon, storm.lon > spec.lon + half_lon
    all_out = south.all() or north.all() or west.all() or east.all()
    return not all_out


def backtest(storms: list[Storm], spec: TyphoonSpec, *, interpolate: bool | None = None) -> BacktestResult:
    """Run the typhoon trigger over every storm; the triggers in file order.

    ``years`` is the span of seasons in the archive (first to last, inclusive), so a
    season without any trigger still counts in the annual average.
    """
    triggers = []
    for code, storm in storm_codes(storms):
        if not _near(storm, spec, margin_deg=1.0):
            continue
        result = evaluate_storm(storm_track(storm), spec, interpolate=interpolate)
        if result.triggered:
            triggers.append(BacktestTrigger(
                code, storm.name, storm.year, iso_utc(result.entry.first_time),
                result.entry.min_distance_km, result.force, result.payout,
            ))
    years = [s.year for s in storms if s.year]
    return BacktestResult(triggers, min(years, default=0), max(years, default=0))


def format_table(result: BacktestResult, premium: float) -> str:
    """The backtest as text: triggers, totals per year, average and burning cost."""
    lines = [f"{'storm':<16} {'name':<14} {'first inside (UTC)':<26} "
             f"{'closest km':>10} {'force':>5} {'payout RMB':>14}"]
    for t in result.triggers:
        lines.append(f"{t.storm_id:<16} {t.name:<14} {t.time:<26} "
                     f"{t.min_distance_km:>10.1f} {t.force:>5} {t.payout:>14,.0f}")
    lines.append("")
    lines.append("年度赔付 / payout per year:")
    for year, total in result.by_year().items():
        lines.append(f"  {year}: {total:,.0f}")
    lines.append(f"年数 / years: {result.years} ({result.first_year}-{result.last_year})")
    lines.append(f"总赔付 / total payout: {result.total_payout:,.0f}")
    lines.append(f"年均赔付 / annual average payout: {result.annual_average:,.0f}")
    if premium > 0:
        lines.append(f"台风保费 / typhoon premium: {premium:,.0f}; "
                     f"赔付率 / burning cost: {result.annual_average / premium:.1%}")
    return "\n".join(lines)
