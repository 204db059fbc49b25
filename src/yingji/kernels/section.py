"""Stage, discharge and velocity at a surveyed cross-section (断面) by Manning's equation.

No measured rating curve is needed: the section is the surveyed profile across the
channel, ``(offset m, bed elevation m)`` points from one bank to the other, and for a
water level (stage, 水位, m in the same datum as the bed) the wetted geometry follows
from the profile; the discharge from Manning's equation for steady uniform flow,

    Q = (1/n) · A · R^(2/3) · S^(1/2)            (SI units; R = A / P)

with n Manning's roughness (s/m^(1/3)), S the energy slope (taken as the bed slope).
Source: Chow, V. T. (1959), *Open-Channel Hydraulics*, McGraw-Hill, ch. 5-6.

Conventions
-----------
* The water surface is level across the section; every part of the profile below the
  stage is wet, so two channels separated by a bar are two wet sub-channels
  (子槽) at the same stage.
* Discharge is summed over the wet sub-channels, each with its own hydraulic radius
  (conveyance K = A R^(2/3) / n per sub-channel): lumping a wide shallow part with a
  deep one into one radius would understate the flow (Chow 1959, §6-7).
* Where the water rises above an end point of the survey, the section is closed by a
  vertical "glass wall" at that end, counted as wetted perimeter: the surveyor is
  expected to survey up to the highest stage of interest.
* Offsets must not decrease (equal neighbours make a vertical wall).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray


@dataclass(frozen=True)
class WetGeometry:
    """Wetted geometry of a section at one stage (all in m or m²)."""

    area: float  # wetted (flow) area A, m²
    perimeter: float  # wetted perimeter P, m
    top_width: float  # width of the water surface, m

    @property
    def hydraulic_radius(self) -> float:
        """R = A / P, m (0 for a dry section)."""
        return self.area / self.perimeter if self.perimeter > 0 else 0.0


class CrossSection:
    """A surveyed cross-section: offsets across the channel (m, non-decreasing) and
    bed elevations (m). Immutable once built."""

    def __init__(self, points: ArrayLike):
        pts = np.asarray(points, dtype=np.float64)
        if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) < 2:
            raise ValueError("a section needs at least two (offset, elevation) points")
        if not np.all(np.isfinite(pts)):
            raise ValueError("section points must be finite numbers")
        if np.any(np.diff(pts[:, 0]) < 0):
            raise ValueError("offsets must not decrease across the section")
        if pts[-1, 0] <= pts[0, 0]:
            raise ValueError("a section must have a width")
        self.x = pts[:, 0].copy()
        self.z = pts[:, 1].copy()

    @property
    def bed(self) -> float:
        """The lowest bed elevation (thalweg), m: the stage of an empty channel."""
        return float(self.z.min())

    @property
    def top(self) -> float:
        """The lower of the two bank tops, m: above it the glass walls start."""
        return float(min(self.z[0], self.z[-1]))

    def sub_channels(self, stage: float) -> list[WetGeometry]:
        """The wetted geometry of each separate wet part (sub-channel) at `stage`,
        from the left bank to the right."""
        parts: list[list[float]] = []
        current = None
        for i in range(len(self.x) - 1):
            a, p, w = _segment(self.x[i], self.z[i], self.x[i + 1], self.z[i + 1], stage)
            if p > 0 or a > 0:
                if current is None:
                    current = [0.0, 0.0, 0.0]
                    parts.append(current)
                current[0] += a
                current[1] += p
                current[2] += w
            if stage <= self.z[i + 1]:  # the bed rises out of the water here: a part ends
                current = None
        if parts:
            parts[0][1] += max(0.0, stage - self.z[0])  # glass walls above the survey's ends
            parts[-1][1] += max(0.0, stage - self.z[-1])
        return [WetGeometry(*p) for p in parts]

    def geometry(self, stage: float) -> WetGeometry:
        """The whole section's wetted area, perimeter and top width at `stage`."""
        parts = self.sub_channels(stage)
        return WetGeometry(sum(p.area for p in parts), sum(p.perimeter for p in parts),
                           sum(p.top_width for p in parts))


def _segment(x0: float, z0: float, x1: float, z1: float, stage: float) -> tuple[float, float, float]:
    """(area, wetted perimeter, top width) of one straight bed segment under `stage`."""
    d0, d1 = stage - z0, stage - z1
    if d0 <= 0 and d1 <= 0:
        return 0.0, 0.0, 0.0
    dx, length = x1 - x0, math.hypot(x1 - x0, z1 - z0)
    if d0 >= 0 and d1 >= 0:
        return 0.5 * (d0 + d1) * dx, length, dx
    wet_depth = max(d0, d1)
    fraction = wet_depth / (wet_depth - min(d0, d1))  # the wet share of the segment (similar triangles)
    return 0.5 * wet_depth * fraction * dx, fraction * length, fraction * dx


# Manning ------------------------------------------------------------------------------

def discharge(section: CrossSection, stage: float, n: float, slope: float) -> float:
    """Discharge Q (m³/s) at `stage` (m) by Manning, summed over the wet sub-channels.

    Parameters
    ----------
    n : float, s/m^(1/3)
        Manning's roughness (e.g. 0.035-0.05 for mountain streams with boulders).
    slope : float, m/m
        Energy slope, taken as the bed slope for uniform flow.
    """
    _check_hydraulics(n, slope)
    root_s = math.sqrt(slope)
    return sum(p.area * p.hydraulic_radius ** (2 / 3) * root_s / n
               for p in section.sub_channels(stage) if p.perimeter > 0)


def velocity(section: CrossSection, stage: float, n: float, slope: float) -> float:
    """Mean velocity Q / A (m/s) at `stage`; 0 for a dry section."""
    area = section.geometry(stage).area
    return discharge(section, stage, n, slope) / area if area > 0 else 0.0


def velocity_for_discharge(section: CrossSection, q: float, stage: float) -> float:
    """Mean velocity V = Q / A (m/s) of a discharge `q` (m³/s) flowing at `stage` (m):
    the model's own discharge over the wetted area its stage gives (for the stage of
    `stage_for_discharge`, the same as `velocity` there, without a second Manning
    evaluation); 0 where the section is dry."""
    if q < 0 or not math.isfinite(q):
        raise ValueError("discharge must be a finite number >= 0")
    area = float(section.geometry(stage).area)
    return q / area if area > 0 else 0.0


def stage_for_discharge(section: CrossSection, q: float, n: float, slope: float, *,
                        tolerance: float = 1e-6) -> float:
    """The stage (m) at which the section carries `q` (m³/s): the inverse of
    `discharge`, by bracketing (the stage at the thalweg carries nothing; the upper
    end is raised until it carries more) and Brent's method within the bracket.

    Q(stage) rises with stage for every ordinary section; should a survey make it dip
    (a floodplain wetting at once), the root found is one stage carrying `q`.
    """
    if q < 0 or not math.isfinite(q):
        raise ValueError("discharge must be a finite number >= 0")
    low = section.bed
    if q == 0:
        return low
    high = max(section.top, low + 1.0)
    while discharge(section, high, n, slope) < q:
        high = low + 2 * (high - low)
        if high - low > 1e4:
            raise ValueError("no stage within 10 km of the bed carries this discharge")
    from scipy.optimize import (
        brentq,  # imported here: section geometry alone needs no scipy
    )

    return float(brentq(lambda h: discharge(section, h, n, slope) - q, low, high, xtol=tolerance))


def _check_hydraulics(n: float, slope: float) -> None:
    if not n > 0:
        raise ValueError("Manning's n must be > 0")
    if not slope > 0:
        raise ValueError("slope must be > 0")


# Rating table: the fast inverse for long series and calibration -----------------------

@dataclass(frozen=True)
class Rating:
    """A rating table computed from the section at unit roughness and slope: the
    conveyance factor K1 = A R^(2/3) per stage, so that Q = K1 · S^(1/2) / n for
    any n and S without recomputing the geometry (calibration tries thousands).

    Interpolation is linear in stage against K1^(3/5): for a wide channel
    K1 ∝ y^(5/3), so that transform is linear near the bed, where Q is most curved."""

    stages: NDArray[np.float64]  # m, rising
    k1: NDArray[np.float64]  # m³/s at n = 1, S = 1; rising

    @property
    def _kt(self) -> NDArray[np.float64]:
        return self.k1 ** 0.6

    def discharge(self, stages: ArrayLike, n: float, slope: float) -> NDArray[np.float64]:
        kt = np.interp(stages, self.stages, self._kt)
        return kt ** (5 / 3) * math.sqrt(slope) / n

    def stage(self, q: ArrayLike, n: float, slope: float) -> NDArray[np.float64]:
        """Stages (m) for discharges (m³/s) by interpolation in the table;
        discharges beyond the table's top are extrapolated along its last step."""
        kt = (np.maximum(np.asarray(q, dtype=np.float64), 0.0) * n / math.sqrt(slope)) ** 0.6
        table = self._kt
        out = np.interp(kt, table, self.stages)
        above = kt > table[-1]
        if np.any(above):
            rise = (table[-1] - table[-2]) / (self.stages[-1] - self.stages[-2])
            out[above] = self.stages[-1] + (kt[above] - table[-1]) / rise
        return out


def rating(section: CrossSection, *, height: float | None = None, points: int = 400) -> Rating:
    """The rating table of `section` from the thalweg up to `height` m above it
    (default: twice the lower bank's height, at least 2 m), at `points` stages
    spaced more closely near the bed.

    Where a survey makes Q dip with rising stage, the table keeps the running maximum
    so that the inverse stays single-valued (the lowest stage carrying each Q)."""
    low = section.bed
    height = height if height is not None else max(2 * (section.top - low), 2.0)
    stages = low + height * np.linspace(0.0, 1.0, points) ** 1.5
    k1 = np.array([discharge(section, h, 1.0, 1.0) for h in stages])
    k1 = np.maximum.accumulate(k1)
    # Strictly rising for np.interp's inverse: flat steps (a dip levelled above) get a
    # vanishing rise that keeps the lowest stage.
    k1 = k1 + np.arange(points) * 1e-12 * max(k1[-1], 1.0)
    return Rating(stages, k1)
