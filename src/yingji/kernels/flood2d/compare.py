"""Measures for comparing two flood runs (模拟结果对比): gauges, arrival, extent, smoothness.

Used by the tests against LISFLOOD-FP 8.1 and by ``benchmarks/validate_flood.py``,
so that both judge a run by the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: depth counted as flooded, m (LISFLOOD-FP's .mass Area uses 0.01 m)
FLOODED = 0.01
#: depth of a cell counted in the smoothness measure, m
SMOOTH_WET = 0.1


def read_stage_file(path) -> tuple[np.ndarray, np.ndarray]:
    """A LISFLOOD-FP ``.stage`` file: (times s, depths m with one column per point)."""
    rows, started = [], False
    with open(path) as fh:
        for line in fh:
            if line.startswith("Time;"):
                started = True  # the data follow this line
            elif started and line.strip():
                rows.append([float(v) for v in line.split()])
    table = np.array(rows, float).reshape(len(rows), -1)
    return table[:, 0], table[:, 1:]


def arrival_time(times, depth, threshold: float = FLOODED) -> float:
    """First time the depth exceeds ``threshold``, s; NaN if it never does."""
    wet = np.asarray(depth) > threshold
    return float(np.asarray(times)[wet.argmax()]) if wet.any() else float("nan")


def neighbour_roughness(h, active, wet: float = SMOOTH_WET, q: float = 99.0) -> float:
    """The q-th percentile of |h − mean of the 4 neighbours| over wet interior cells, m.

    A cell counts when it and its four neighbours are active and deeper than
    ``wet``. A smooth water surface over smooth ground gives centimetres; a
    checkerboard gives metres.
    """
    h = np.where(active, np.nan_to_num(h), 0.0)
    w = (h > wet) & active
    inner = w[1:-1, 1:-1] & w[:-2, 1:-1] & w[2:, 1:-1] & w[1:-1, :-2] & w[1:-1, 2:]
    mean4 = 0.25 * (h[:-2, 1:-1] + h[2:, 1:-1] + h[1:-1, :-2] + h[1:-1, 2:])
    d = np.abs(h[1:-1, 1:-1] - mean4)[inner]
    return float(np.percentile(d, q)) if d.size else 0.0


def flooded_iou(h_a, h_b, threshold: float = FLOODED) -> float:
    """Intersection over union of the cells deeper than ``threshold`` in two depth grids."""
    a = np.nan_to_num(h_a) > threshold
    b = np.nan_to_num(h_b) > threshold
    union = np.count_nonzero(a | b)
    return np.count_nonzero(a & b) / union if union else 1.0


@dataclass
class GaugeAgreement:
    """One gauge of a run against a reference series (depths in m, times in s)."""

    arrival: float
    arrival_ref: float
    max_abs_error: float  # outside the arrival window
    worst_excess: float  # largest |error| − tolerance outside the arrival window (≤ 0: within)
    final: float
    final_ref: float

    @property
    def arrival_shift(self) -> float:
        return self.arrival - self.arrival_ref


def gauge_agreement(times, depth, ref_times, ref_depth, *, abs_tol=0.15, rel_tol=0.10,
                    window: float = 180.0) -> GaugeAgreement:
    """Compare a gauge series with the reference's at the reference's times.

    The tolerance is max(abs_tol, rel_tol·reference depth). Within ``window``
    seconds of either arrival the rising front is minutes steep, so there the
    depth is judged by the arrival time instead.
    """
    ref_times = np.asarray(ref_times, float)
    ref_depth = np.asarray(ref_depth, float)
    ours = np.interp(ref_times, times, depth)
    t_a, t_r = arrival_time(times, depth), arrival_time(ref_times, ref_depth)
    near = np.zeros(ref_times.shape, bool)
    for t in (t_a, t_r):
        if np.isfinite(t):
            near |= np.abs(ref_times - t) <= window
    err = np.abs(ours - ref_depth)[~near]
    tol = np.maximum(abs_tol, rel_tol * np.abs(ref_depth))[~near]
    return GaugeAgreement(t_a, t_r, float(err.max(initial=0.0)), float((err - tol).max(initial=-abs_tol)),
                          float(ours[-1]), float(ref_depth[-1]))
