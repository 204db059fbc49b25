"""Typhoon grades, wind forces, circle entry and the parametric payout (台风指数触发).

Classes are half-open intervals on the real line, ``lower <= v < next lower``, so every
wind speed has exactly one class: force 12 is ``32.7 <= v < 37.0`` m/s, which contains
every value published as 32.7–36.9 at 0.1 m/s resolution. Lower bounds are compared
with a tolerance of :data:`WIND_TOLERANCE` so that a value stored in binary (float32
``56.1`` is 56.0999985...) falls in the class of its decimal reading.

Sources: GB/T 19201-2006 (grades of tropical cyclones), GB/T 28591-2012 (wind force,
extended Beaufort scale 0–17).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .geodesy import EARTH_RADIUS_KM, DistanceMethod, distance_km

WIND_TOLERANCE = 1e-4
"""m/s; far below the 0.1 m/s resolution, far above float32 rounding (4e-6 at 60 m/s)."""

DISTANCE_TOLERANCE_KM = 1e-6
"""1 mm: a position constructed at exactly the radius counts as inside despite rounding."""

ABOVE_17 = 18
"""The force code for winds "above force 17" (>= 61.3 m/s)."""

NO_FORCE = -1
"""The force code for a missing (NaN) wind."""


class TyphoonGrade(enum.IntEnum):
    """Tropical-cyclone grade (热带气旋等级, GB/T 19201-2006); values match CMA's ``I``."""

    BELOW_TD = 0
    TD = 1  # 热带低压 tropical depression
    TS = 2  # 热带风暴 tropical storm
    STS = 3  # 强热带风暴 severe tropical storm
    TY = 4  # 台风 typhoon
    STY = 5  # 强台风 severe typhoon
    SUPER_TY = 6  # 超强台风 super typhoon

    @property
    def label(self) -> str:
        return _GRADE_LABELS[self]


_GRADE_LABELS = {
    TyphoonGrade.BELOW_TD: "低于热带低压 below TD",
    TyphoonGrade.TD: "热带低压 TD",
    TyphoonGrade.TS: "热带风暴 TS",
    TyphoonGrade.STS: "强热带风暴 STS",
    TyphoonGrade.TY: "台风 TY",
    TyphoonGrade.STY: "强台风 STY",
    TyphoonGrade.SUPER_TY: "超强台风 SuperTY",
}

# lower bounds, m/s: grade g starts at GRADE_LOWER[g - 1] (TD .. SuperTY)
GRADE_LOWER = np.array([10.8, 17.2, 24.5, 32.7, 41.5, 51.0])

# lower bounds, m/s, of forces 1 .. 18 (18 = above 17); force 0 starts at 0.0
FORCE_LOWER = np.array([
    0.3, 1.6, 3.4, 5.5, 8.0, 10.8, 13.9, 17.2, 20.8, 24.5, 28.5,  # 1..11 Beaufort
    32.7, 37.0, 41.5, 46.2, 51.0, 56.1, 61.3,  # 12..17 extended, then above 17
])


def _classify(wind: ArrayLike, lower: NDArray) -> NDArray[np.int64]:
    v = np.asarray(wind, dtype=np.float64)
    cls = np.searchsorted(lower - WIND_TOLERANCE, v, side="right")
    return np.where(np.isnan(v), NO_FORCE, cls)


def typhoon_grade(wind: ArrayLike) -> NDArray[np.int64] | int:
    """Grade (0 below TD .. 6 SuperTY) of a maximum sustained wind, m/s.

    Returns an int for a scalar, an int array otherwise; NaN gives -1.
    """
    g = _classify(wind, GRADE_LOWER)
    return int(g) if g.ndim == 0 else g


def wind_force(wind: ArrayLike) -> NDArray[np.int64] | int:
    """Wind force (风力等级) 0..17 on the extended Beaufort scale, 18 above 17.

    Parameters
    ----------
    wind : array_like, m/s
        Mean wind speed; NaN (missing) gives -1.
    """
    f = _classify(wind, FORCE_LOWER)
    return int(f) if f.ndim == 0 else f


ForceRule = Literal["max", "entry", "closest"]
"""Which force counts: the highest inside (default), at the first position inside, or
at the position closest to the centre."""


@dataclass(frozen=True)
class Circle:
    """A trigger circle (巨灾框): centre (lon, lat) in degrees, radius in km."""

    lon: float
    lat: float
    radius_km: float


@dataclass(frozen=True)
class Track:
    """A track as parallel arrays: time datetime64 (UTC), lat/lon degrees, wind m/s."""

    time: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    wind: np.ndarray

    @classmethod
    def of(cls, time, lat, lon, wind) -> Track:
        t = np.asarray(time, dtype="datetime64[m]")
        return cls(t, np.asarray(lat, np.float64), np.asarray(lon, np.float64), np.asarray(wind, np.float64))


@dataclass(frozen=True)
class CircleEntry:
    """The evidence of a track against a circle.

    ``inside`` holds the indices (into ``track``, which is the interpolated track when
    interpolation was asked for) of the positions within the radius; ``distance_km``
    and ``force`` are given for every position of ``track``.
    """

    track: Track
    distance_km: np.ndarray
    force: np.ndarray
    inside: np.ndarray
    counted_force: int  # NO_FORCE when no position is inside
    min_distance_km: float  # over the whole track, inside or not

    @property
    def entered(self) -> bool:
        return len(self.inside) > 0

    @property
    def first_time(self) -> np.datetime64 | None:
        return self.track.time[self.inside[0]] if self.entered else None


def interpolate_track(track: Track, step_minutes: int = 10) -> Track:
    """Positions every ``step_minutes`` from the first fix, plus every official fix.

    Latitude, longitude and wind are interpolated linearly in time, latitude and
    longitude independently (not along the great circle): between 6-hourly fixes a
    storm moves at most a few hundred km, over which the straight line in (lon, lat)
    departs from the great circle by well under 1 km at Zhejiang's latitudes, below the
    0.1° (11 km) resolution of the fixes. Official fixes are kept exactly. A missing
    wind (NaN) at either end makes the wind of that segment NaN.
    """
    t = track.time.astype("datetime64[m]").astype(np.int64)
    if len(t) < 2:
        return track
    if np.any(np.diff(t) <= 0):
        raise ValueError("track times must be strictly increasing")
    grid = np.union1d(np.arange(t[0], t[-1] + 1, step_minutes), t)
    seg = np.clip(np.searchsorted(t, grid, side="right") - 1, 0, len(t) - 2)
    frac = (grid - t[seg]) / (t[seg + 1] - t[seg])

    def lerp(a: np.ndarray) -> np.ndarray:
        out = a[seg] + (a[seg + 1] - a[seg]) * frac
        at_fix = frac == 0.0
        out[at_fix] = a[seg[at_fix]]  # exact, and not NaN-polluted by the next fix
        out[grid == t[-1]] = a[-1]
        return out

    return Track(grid.astype("datetime64[m]"), lerp(track.lat), lerp(track.lon), lerp(track.wind))


def _counted_force(force: np.ndarray, dist: np.ndarray, inside: np.ndarray, rule: ForceRule) -> int:
    if len(inside) == 0:
        return NO_FORCE
    if rule == "max":
        return int(force[inside].max())
    if rule == "entry":
        return int(force[inside[0]])
    if rule == "closest":
        return int(force[inside[np.argmin(dist[inside])]])
    raise ValueError(f"unknown force rule {rule!r}")


def circle_entry(
    track: Track,
    circle: Circle,
    *,
    interpolate: bool = False,
    step_minutes: int = 10,
    force_rule: ForceRule = "max",
    method: DistanceMethod = "sphere",
    radius_km: float = EARTH_RADIUS_KM,
) -> CircleEntry:
    """Which positions of a track lie in a circle, and the force that counts.

    Parameters
    ----------
    track : Track
        Official fixes (times strictly increasing when ``interpolate``).
    circle : Circle
        Centre in degrees, radius in km; a position at distance <= radius is inside.
    interpolate : bool
        Use :func:`interpolate_track` (every ``step_minutes``) so that a storm passing
        through the circle between two fixes is caught. Default: official fixes only.
    force_rule : {"max", "entry", "closest"}
        Which force counts; default the highest force among positions inside.
    method, radius_km
        Distance on the sphere (default, radius 6,371.0 km) or on WGS84.
    """
    if interpolate:
        track = interpolate_track(track, step_minutes)
    dist = distance_km(circle.lon, circle.lat, track.lon, track.lat, method=method, radius_km=radius_km)
    force = np.asarray(wind_force(track.wind)).reshape(-1)
    inside = np.flatnonzero(dist <= circle.radius_km + DISTANCE_TOLERANCE_KM)
    min_d = float(dist.min()) if len(dist) else float("inf")
    return CircleEntry(track, dist, force, inside, _counted_force(force, dist, inside, force_rule), min_d)


def payout_for_force(force: int, payouts: Mapping[int, float], min_force: int) -> float:
    """Payout (RMB) by the force that counts, from a table force -> amount.

    Below ``min_force`` nothing is paid; above the table's highest force the highest
    amount is paid; a force missing inside the table pays the entry of the nearest
    force below it, and a force below the table's lowest entry pays nothing.
    """
    if force < min_force or not payouts:
        return 0.0
    eligible = [f for f in payouts if f <= force]
    return float(payouts[max(eligible)]) if eligible else 0.0


@dataclass(frozen=True)
class TyphoonTriggerResult:
    """Outcome of one storm against one typhoon trigger."""

    triggered: bool
    force: int
    payout: float
    entry: CircleEntry


def evaluate_typhoon_trigger(
    track: Track,
    circle: Circle,
    payouts: Mapping[int, float],
    *,
    min_force: int = 12,
    interpolate: bool = False,
    step_minutes: int = 10,
    force_rule: ForceRule = "max",
    method: DistanceMethod = "sphere",
) -> TyphoonTriggerResult:
    """Does the storm trigger, at which force, and what does the table pay."""
    entry = circle_entry(track, circle, interpolate=interpolate, step_minutes=step_minutes,
                         force_rule=force_rule, method=method)
    triggered = entry.entered and entry.counted_force >= min_force
    payout = payout_for_force(entry.counted_force, payouts, min_force) if triggered else 0.0
    return TyphoonTriggerResult(triggered, entry.counted_force, payout, entry)


# ----------------------------------------------------------------------------------
# slow, readable reference (for the property tests)


def _haversine_reference(lon1: float, lat1: float, lon2: float, lat2: float, r: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlmb = math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * r * math.asin(math.sqrt(min(max(h, 0.0), 1.0)))


def _force_reference(v: float) -> int:
    if math.isnan(v):
        return NO_FORCE
    force = 0
    for f, lower in enumerate(FORCE_LOWER, start=1):
        if v >= lower - WIND_TOLERANCE:
            force = f
    return force


def _interpolate_reference(track: Track, step_minutes: int) -> list[tuple[int, float, float, float]]:
    minutes = [int(t) for t in track.time.astype("datetime64[m]").astype(np.int64)]
    fixes = list(zip(minutes, track.lat.tolist(), track.lon.tolist(), track.wind.tolist()))
    grid = sorted(set(range(minutes[0], minutes[-1] + 1, step_minutes)) | set(minutes))
    points, i = [], 0
    for g in grid:
        while i + 1 < len(fixes) - 1 and fixes[i + 1][0] <= g:
            i += 1
        (t0, *a), (t1, *b) = fixes[i], fixes[i + 1]
        if g == t0:
            points.append((g, *a))
        elif g == t1:
            points.append((g, *b))
        else:
            f = (g - t0) / (t1 - t0)
            points.append((g, *(x + (y - x) * f for x, y in zip(a, b))))
    return points


def circle_entry_reference(
    track: Track,
    circle: Circle,
    *,
    interpolate: bool = False,
    step_minutes: int = 10,
    force_rule: ForceRule = "max",
) -> tuple[list[int], int, float]:
    """(indices inside, counted force, closest distance) by one loop over positions."""
    if interpolate and len(track.time) >= 2:
        points = _interpolate_reference(track, step_minutes)
    else:
        points = list(zip(track.time.tolist(), track.lat.tolist(), track.lon.tolist(), track.wind.tolist()))
    inside, forces, dists = [], [], []
    for i, (_, lat, lon, wind) in enumerate(points):
        d = _haversine_reference(circle.lon, circle.lat, lon, lat, EARTH_RADIUS_KM)
        dists.append(d)
        forces.append(_force_reference(wind))
        if d <= circle.radius_km + DISTANCE_TOLERANCE_KM:
            inside.append(i)
    counted = NO_FORCE
    if inside and force_rule == "max":
        counted = max(forces[i] for i in inside)
    elif inside and force_rule == "entry":
        counted = forces[inside[0]]
    elif inside:
        counted = forces[min(inside, key=lambda i: dists[i])]
    return inside, counted, min(dists, default=math.inf)
