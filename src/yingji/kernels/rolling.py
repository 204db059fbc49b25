"""Rolling-window rainfall totals (滑动累计雨量) over many stations, and rain events.

A window "ending at" observation ``t`` covers the period ``(t - W, t]``: at a regular
step it is the ``window`` intervals ``t - window + 1 .. t`` (fewer at the start of the
series, where earlier rain counts as zero). Missing values (NaN) count as zero rain.

Exactness. The running total is kept in float64 and updated by adding the new value
and subtracting the one that leaves the window, ``acc += float64(new) - float64(old)``.
For rain data this is exact, with no drift at all: every float32 value >= 2**-10 mm is a
multiple of 2**-33 mm, so every partial sum below 2**20 mm (1,048 m of rain) is a
multiple of 2**-33 that float64's 53-bit mantissa holds exactly. Each output is then a
single rounding of the exact total to float32 ("exact to float32 rounding"). For
pathological inputs (values below 0.001 mm mixed with large ones) the sum is recomputed
from scratch every :data:`RECOMPUTE_WINDOWS` windows, which bounds the drift to
~1e-9 mm. float64 accumulation was chosen over compensated float32 summation because
it is both exact and cheaper (one add per step on the dependency chain), and over
integer tenths of mm because it does not quantize data recorded finer than 0.1 mm.

Thresholds are compared with :func:`reaches_threshold`: totals of decimal readings
stored as float32 (46.7 + 46.7 + 46.6) may land a few 1e-6 mm below their decimal sum
(140.0), so the comparison allows :data:`THRESHOLD_TOLERANCE_MM`, far below the
0.1 mm resolution at which rain is recorded: 140.0 triggers, 139.9 does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit, prange
from numpy.typing import ArrayLike, NDArray

RECOMPUTE_WINDOWS = 16
THRESHOLD_TOLERANCE_MM = 0.005


def reaches_threshold(total_mm: ArrayLike, threshold_mm: float, tolerance_mm: float = THRESHOLD_TOLERANCE_MM):
    """Whether a total reaches a threshold (``>=``), allowing float32 rounding."""
    return np.asarray(total_mm, dtype=np.float64) >= threshold_mm - tolerance_mm


# ----------------------------------------------------------------------------------
# fast kernels (numba)


@njit(cache=True)
def _rain(v):
    return np.float64(v if v == v else np.float32(0.0))  # NaN (missing) counts as no rain


@njit(cache=True)
def _window_sum(x, end, window):
    acc = 0.0
    for j in range(max(0, end - window + 1), end + 1):
        acc += _rain(x[j])
    return acc


@njit(cache=True)
def _block_fast(x, window, out, store, t0, t1):
    """Steps t0..t1-1 without NaN checks; a NaN met on the way leaves ``acc`` NaN.

    Returns (acc at t1-1, best, best_end); the caller redoes the block safely when
    ``acc`` comes back NaN (NaN - x and NaN + x stay NaN to the end of the block).
    """
    acc = 0.0
    for j in range(max(0, t0 - window), t0):
        acc += np.float64(x[j])
    best, best_end = -np.inf, -1
    warm = min(max(t0, window), t1)  # steps before the first full window subtract nothing
    for t in range(t0, warm):
        acc += np.float64(x[t])
        if store:
            out[t] = np.float32(acc)
        if acc > best:
            best, best_end = acc, t
    for t in range(warm, t1):
        acc += np.float64(x[t]) - np.float64(x[t - window])
        if store:
            out[t] = np.float32(acc)
        if acc > best:
            best, best_end = acc, t
    return acc, best, best_end


@njit(cache=True)
def _block_safe(x, window, out, store, t0, t1):
    """As :func:`_block_fast`, counting NaN as zero rain."""
    acc = _window_sum(x, t0 - 1, window)
    best, best_end = -np.inf, -1
    for t in range(t0, t1):
        old = _rain(x[t - window]) if t >= window else 0.0
        acc += _rain(x[t]) - old
        if store:
            out[t] = np.float32(acc)
        if acc > best:
            best, best_end = acc, t
    return acc, best, best_end


@njit(cache=True)
def _station_totals(x, window, out, store):
    """One station: fill ``out`` (when ``store``) and return (max total, first end index).

    One chain of float64 adds per block of RECOMPUTE_WINDOWS windows; each block starts
    from a window summed afresh, which bounds the drift of pathological inputs and is a
    no-op for rain data. The common case (no missing values) runs without NaN checks.
    (Interleaving several independent chains was tried: no faster, the loop is bound by
    loads and stores, not by the add latency.)
    """
    n = x.shape[0]
    period = RECOMPUTE_WINDOWS * window
    best, best_end = -np.inf, -1
    for t0 in range(0, n, period):
        t1 = min(t0 + period, n)
        acc, b, e = _block_fast(x, window, out, store, t0, t1)
        if acc != acc:
            acc, b, e = _block_safe(x, window, out, store, t0, t1)
        if b > best:
            best, best_end = b, e
    return best, best_end


@njit(parallel=True, cache=True)
def _all_totals(rain, window, out):
    n_stations = rain.shape[0]
    best = np.empty(n_stations, np.float64)
    best_end = np.empty(n_stations, np.int64)
    for s in prange(n_stations):
        best[s], best_end[s] = _station_totals(rain[s], window, out[s], True)
    return best, best_end


@njit(parallel=True, cache=True)
def _all_maxima(rain, window):
    n_stations = rain.shape[0]
    best = np.empty(n_stations, np.float64)
    best_end = np.empty(n_stations, np.int64)
    for s in prange(n_stations):
        best[s], best_end[s] = _station_totals(rain[s], window, rain[s], False)  # out unused
    return best, best_end


def _check(rain: np.ndarray, window: int) -> np.ndarray:
    rain = np.ascontiguousarray(rain, dtype=np.float32)
    if rain.ndim != 2:
        raise ValueError("rain must be a 2-D array (stations x time steps)")
    if window < 1:
        raise ValueError("window must be at least one step")
    return rain


@dataclass(frozen=True)
class RollingMaxima:
    """Each station's largest running total and the index of the window's last step."""

    total: NDArray[np.float32]  # mm, one per station
    end: NDArray[np.int64]  # -1 for a station without steps


def rolling_totals(
    rain: ArrayLike, window: int, out: np.ndarray | None = None
) -> tuple[np.ndarray, RollingMaxima]:
    """Running totals of every window ending at every step, for many stations.

    Parameters
    ----------
    rain : array_like, float32, (stations, steps), mm
        Rain that fell in each interval, at a regular step (5 min, 1 h ...).
    window : int
        Window length in steps (72 h of 5-minute steps: 864).
    out : ndarray, float32, (stations, steps), optional
        Where to write the totals (saves allocating 1.26 GB for a year of 3,000
        stations).

    Returns
    -------
    totals : ndarray, float32, (stations, steps), mm
    maxima : RollingMaxima
        Per station, the largest total and the first step where it is reached.
    """
    rain = _check(rain, window)
    if out is None:
        out = np.empty_like(rain)
    if out.shape != rain.shape or out.dtype != np.float32:
        raise ValueError("out must be float32 with the shape of rain")
    best, end = _all_totals(rain, window, out)
    return out, RollingMaxima(best.astype(np.float32), end)


def rolling_maxima(rain: ArrayLike, window: int) -> RollingMaxima:
    """Only each station's largest running total and its end index (no totals array)."""
    rain = _check(rain, window)
    best, end = _all_maxima(rain, window)
    return RollingMaxima(best.astype(np.float32), end)


def rolling_totals_irregular(times: ArrayLike, rain: ArrayLike, window_hours: float) -> NDArray[np.float64]:
    """Totals over ``(t - window, t]`` at each observation of one station.

    Parameters
    ----------
    times : array_like of datetime64, sorted ascending
        End of each observation's interval.
    rain : array_like, mm
        Rain in the interval ending at each time; NaN counts as zero.
    window_hours : float, h

    Returns
    -------
    totals : ndarray, float64, mm
        Observations sharing a time are all included in each other's totals.
    """
    t = np.asarray(times, dtype="datetime64[ms]").astype(np.int64)
    x = np.nan_to_num(np.asarray(rain, dtype=np.float64), nan=0.0)
    if np.any(np.diff(t) < 0):
        raise ValueError("times must be sorted ascending")
    w = int(round(window_hours * 3_600_000))
    # a float64 prefix sum is exact for rain data by the argument in the module docstring
    prefix = np.concatenate(([0.0], np.cumsum(x)))
    right = np.searchsorted(t, t, side="right")
    left = np.searchsorted(t, t - w, side="right")
    return prefix[right] - prefix[left]


# ----------------------------------------------------------------------------------
# rain events


@dataclass(frozen=True)
class RainEvent:
    """A rain event (降雨过程) at one station.

    It starts at the first step whose running total reaches the threshold and ends at
    the last step before the total falls below it; ``peak`` is the end of the window
    with the largest total (the first one if several tie). The window itself is the
    ``window`` steps ending at ``peak`` (regular series) or the period
    ``(time[peak] - window, time[peak]]`` (irregular series).
    """

    start: int
    end: int
    peak: int
    total: float  # mm, the total of the window ending at ``peak``


def rain_events(
    totals: ArrayLike, threshold_mm: float, tolerance_mm: float = THRESHOLD_TOLERANCE_MM
) -> list[RainEvent]:
    """Split one station's running totals into events above a threshold.

    Parameters
    ----------
    totals : array_like, mm
        Running totals (from :func:`rolling_totals` or :func:`rolling_totals_irregular`).
    threshold_mm : float, mm
        Reached when ``total >= threshold`` (see :func:`reaches_threshold`).
    """
    tot = np.asarray(totals, dtype=np.float64)
    above = reaches_threshold(tot, threshold_mm, tolerance_mm).astype(np.int8)
    edges = np.diff(np.concatenate(([0], above, [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    events = []
    for a, b in zip(starts, stops):
        peak = a + int(np.argmax(tot[a:b]))
        events.append(RainEvent(int(a), int(b - 1), peak, float(tot[peak])))
    return events


# ----------------------------------------------------------------------------------
# slow, readable references (for the property tests)


def rolling_totals_reference(rain: ArrayLike, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every window summed from scratch with math.fsum (correctly rounded float64).

    Returns float64 totals (stations, steps), and per station the max and its first end.
    """
    rain = np.nan_to_num(np.asarray(rain, dtype=np.float64), nan=0.0)
    totals = np.zeros(rain.shape)
    for s in range(rain.shape[0]):
        for t in range(rain.shape[1]):
            totals[s, t] = math.fsum(rain[s, max(0, t - window + 1): t + 1])
    if rain.shape[1] == 0:
        return totals, np.full(rain.shape[0], -np.inf), np.full(rain.shape[0], -1)
    return totals, totals.max(axis=1), totals.argmax(axis=1)


def rolling_totals_irregular_reference(times: ArrayLike, rain: ArrayLike, window_hours: float) -> list[float]:
    """For each observation, fsum of every observation in ``(t - window, t]``."""
    t = np.asarray(times, dtype="datetime64[ms]")
    w = np.timedelta64(int(round(window_hours * 3_600_000)), "ms")
    x = [0.0 if math.isnan(v) else float(v) for v in rain]
    return [math.fsum(x[j] for j in range(len(t)) if ti - w < t[j] <= ti) for ti in t]


def rain_events_reference(
    totals: ArrayLike, threshold_mm: float, tolerance_mm: float = THRESHOLD_TOLERANCE_MM
) -> list[RainEvent]:
    """The same events by walking the series one step at a time."""
    events, start, peak = [], None, None
    tot = [float(v) for v in totals]
    for i, v in enumerate(tot + [-math.inf]):
        if v >= threshold_mm - tolerance_mm:
            if start is None:
                start, peak = i, i
            elif v > tot[peak]:
                peak = i
        elif start is not None:
            events.append(RainEvent(start, i - 1, peak, tot[peak]))
            start = None
    return events


__all__ = [
    "RECOMPUTE_WINDOWS", "THRESHOLD_TOLERANCE_MM", "RainEvent", "RollingMaxima", "rain_events",
    "rain_events_reference", "reaches_threshold", "rolling_maxima", "rolling_totals",
    "rolling_totals_irregular", "rolling_totals_irregular_reference", "rolling_totals_reference",
]
