"""Rain → discharge → stage for a small mountain catchment (小流域产汇流).

The model, chosen because it needs only what a county has for an ungauged stream
(catchment area, land cover, a lag time) and has a published, widely used source:

1. Runoff depth (产流): the SCS curve-number method, USDA NRCS National Engineering
   Handbook Part 630 (NEH 630), ch. 10 "Estimation of Direct Runoff from Storm
   Rainfall" (2004), eqs. 10-9 to 10-11:
   ``S = 25400 / CN - 254`` (mm), ``Ia = λ S`` (λ = 0.2 by default),
   ``Q = (P - Ia)² / (P - Ia + S)`` for ``P > Ia``, else 0, with P and Q cumulative
   from the start of the event; a step's excess is the increase of Q over the step.
2. Outlet discharge (汇流): the SCS dimensionless unit hydrograph, NEH 630 ch. 16
   "Hydrographs" (2007), Table 16-1 (t/Tp, q/qp), with time to peak
   ``Tp = Δt/2 + L`` (eq. 16-3, L the catchment lag). The curve is integrated to its
   mass curve and differenced over each step, so a step's share of the runoff volume
   is exact and every millimetre of excess leaves the outlet (volume is conserved to
   rounding, not to the 484/0.208 peak-rate factor's 3 digits). Discharges are step
   means (m³/s) over the step ending at each time, the convention of rain steps.
3. Routing to the section (河道演进): Muskingum (McCarthy 1938; Chow, Maidment & Mays
   1988, *Applied Hydrology* §8.4), ``O₂ = C0 I₂ + C1 I₁ + C2 O₁``, with K the reach
   travel time and X the weighting (0 ≤ X ≤ 0.5); K = 0 means the section is at the
   outlet. Steps longer than 2K(1 - X) are split, and X is lowered to Δt/2K where
   Δt < 2KX, so that the coefficients stay ≥ 0 (no negative flows, volume conserved).
4. Stage (水位) from discharge by Manning on the surveyed section, `kernels.section`.

Parameters are calibrated against observed rain and stage by `calibrate`, reporting
the Nash–Sutcliffe efficiency (Nash & Sutcliffe 1970, J. Hydrol. 10(3):282-290,
doi:10.1016/0022-1694(70)90255-6).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .section import CrossSection, Rating, rating

IA_RATIO = 0.2  # λ of NEH 630 ch. 10; 0.05 is the newer proposal (Hawkins et al. 2002)

# NEH 630 ch. 16, Table 16-1: the dimensionless unit hydrograph (peak rate factor 484).
UH_T = np.array([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5,
                 1.6, 1.7, 1.8, 1.9, 2.0, 2.2, 2.4, 2.6, 2.8, 3.0, 3.2, 3.4, 3.6, 3.8, 4.0, 4.5, 5.0])
UH_Q = np.array([0.000, 0.030, 0.100, 0.190, 0.310, 0.470, 0.660, 0.820, 0.930, 0.990, 1.000,
                 0.990, 0.930, 0.860, 0.780, 0.680, 0.560, 0.460, 0.390, 0.330, 0.280, 0.207,
                 0.147, 0.107, 0.077, 0.055, 0.040, 0.029, 0.021, 0.015, 0.011, 0.005, 0.000])
# Its mass curve, by the trapezoidal rule (the table's own Qa/Q column to 3 digits).
_UH_AREA = np.concatenate([[0.0], np.cumsum(np.diff(UH_T) * 0.5 * (UH_Q[1:] + UH_Q[:-1]))])
UH_MASS = _UH_AREA / _UH_AREA[-1]
UH_AREA = float(_UH_AREA[-1])  # ∫ q/qp d(t/Tp) ≈ 1.336; NEH's triangle (Tb = 2.67 Tp) has 1.335

MM_KM2 = 1e3  # m³ in 1 mm over 1 km²


# Runoff depth -----------------------------------------------------------------------

def retention(cn: float) -> float:
    """Potential maximum retention S (mm) of a curve number (NEH 630 eq. 10-12)."""
    if not 0 < cn <= 100:
        raise ValueError("curve number must be in (0, 100]")
    return 25400.0 / cn - 254.0


def runoff_depth(p_mm: ArrayLike, cn: float, ia_ratio: float = IA_RATIO) -> NDArray[np.float64]:
    """Cumulative direct runoff Q (mm) for cumulative rain P (mm) (NEH 630 eq. 10-11)."""
    p = np.asarray(p_mm, dtype=np.float64)
    s = retention(cn)
    ia = ia_ratio * s
    wet = np.maximum(p - ia, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.where(wet > 0, wet * wet / (wet + s), 0.0)
    return q


def rainfall_excess(rain_mm: ArrayLike, cn: float, ia_ratio: float = IA_RATIO) -> NDArray[np.float64]:
    """Per-step excess (mm) from per-step rain (mm), the event starting at step 0:
    the increase of cumulative runoff over each step. NaN rain counts as none."""
    p = np.cumsum(np.nan_to_num(np.asarray(rain_mm, dtype=np.float64), nan=0.0))
    return np.diff(runoff_depth(p, cn, ia_ratio), prepend=0.0)


# Unit hydrograph --------------------------------------------------------------------

def time_to_peak(dt_hours: float, lag_hours: float) -> float:
    """Tp = Δt/2 + L, hours (NEH 630 eq. 16-3)."""
    return dt_hours / 2 + lag_hours


def unit_hydrograph(dt_hours: float, lag_hours: float) -> NDArray[np.float64]:
    """The share of a step's excess volume that leaves the outlet in each step,
    counting the step of the rain as 0. Sums to 1 (ends at 5 Tp)."""
    if dt_hours <= 0 or lag_hours < 0:
        raise ValueError("step must be > 0 and lag >= 0")
    tp = time_to_peak(dt_hours, lag_hours)
    steps = math.ceil(UH_T[-1] * tp / dt_hours)
    edges = np.arange(steps + 1) * dt_hours / tp
    return np.diff(np.interp(edges, UH_T, UH_MASS))


def peak_rate_factor() -> float:
    """qp = factor · A · Q / Tp with A km², Q mm, Tp h → m³/s: 1000 / 3600 / area
    under the dimensionless curve (NEH 630 eq. 16-1 gives 0.208 for 484)."""
    return MM_KM2 / 3600.0 / UH_AREA


def outlet_discharge(excess_mm: ArrayLike, area_km2: float, dt_hours: float,
                     lag_hours: float) -> NDArray[np.float64]:
    """Direct runoff at the catchment outlet, m³/s, as the mean of each step, for
    the same steps as `excess_mm` (the tail after the last step is cut off)."""
    excess = np.asarray(excess_mm, dtype=np.float64)
    weights = unit_hydrograph(dt_hours, lag_hours)
    volumes = np.convolve(excess, weights)[: len(excess)] * area_km2 * MM_KM2  # m³ per step
    return volumes / (dt_hours * 3600.0)


# Routing ----------------------------------------------------------------------------

def muskingum(inflow: ArrayLike, dt_hours: float, k_hours: float, x: float = 0.2) -> NDArray[np.float64]:
    """Muskingum routing of a series of flows (m³/s) through a reach with travel time
    K (h) and weighting X. The reach starts in steady state at the first inflow."""
    flows = np.asarray(inflow, dtype=np.float64)
    if k_hours == 0 or len(flows) == 0:
        return flows.copy()
    if k_hours < 0 or not 0 <= x <= 0.5:
        raise ValueError("K must be >= 0 and 0 <= X <= 0.5")
    substeps = max(1, math.ceil(dt_hours / (2 * k_hours * (1 - x))))
    h = dt_hours / substeps
    x = min(x, h / (2 * k_hours))  # keeps C0 >= 0 (Δt >= 2KX): a little more attenuation
    denom = 2 * k_hours * (1 - x) + h
    c0, c1, c2 = (h - 2 * k_hours * x) / denom, (h + 2 * k_hours * x) / denom, (2 * k_hours * (1 - x) - h) / denom
    out = np.empty_like(flows)
    out[0] = o = flows[0]
    for i in range(1, len(flows)):
        for j in range(substeps):
            i1 = flows[i - 1] + (flows[i] - flows[i - 1]) * j / substeps
            i2 = flows[i - 1] + (flows[i] - flows[i - 1]) * (j + 1) / substeps
            o = c0 * i2 + c1 * i1 + c2 * o
        out[i] = o
    return out


# The whole model --------------------------------------------------------------------

@dataclass(frozen=True)
class Catchment:
    """What the model knows of a catchment and its section (parameters in SI / mm / h)."""

    area_km2: float
    curve_number: float
    lag_hours: float
    manning_n: float
    slope: float
    ia_ratio: float = IA_RATIO
    route_k_hours: float = 0.0
    route_x: float = 0.2
    baseflow_m3s: float = 0.0


def simulate_discharge(rain_mm: ArrayLike, dt_hours: float, c: Catchment) -> NDArray[np.float64]:
    """Discharge at the section (m³/s, step means) for per-step rain (mm)."""
    excess = rainfall_excess(rain_mm, c.curve_number, c.ia_ratio)
    outlet = outlet_discharge(excess, c.area_km2, dt_hours, c.lag_hours)
    return muskingum(outlet, dt_hours, c.route_k_hours, c.route_x) + c.baseflow_m3s


def simulate_stage(rain_mm: ArrayLike, dt_hours: float, c: Catchment,
                   table: Rating) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(discharge m³/s, stage m) at the section for per-step rain (mm)."""
    q = simulate_discharge(rain_mm, dt_hours, c)
    return q, table.stage(q, c.manning_n, c.slope)


def nash_sutcliffe(observed: ArrayLike, simulated: ArrayLike) -> float:
    """NSE = 1 - Σ(o - s)² / Σ(o - ō)² over the steps where both are known: 1 is a
    perfect fit, 0 is no better than the observed mean, below 0 worse."""
    o, s = np.asarray(observed, dtype=np.float64), np.asarray(simulated, dtype=np.float64)
    known = np.isfinite(o) & np.isfinite(s)
    o, s = o[known], s[known]
    spread = np.sum((o - o.mean()) ** 2)
    if len(o) < 2 or spread == 0:
        raise ValueError("NSE needs at least two observations that vary")
    return float(1.0 - np.sum((o - s) ** 2) / spread)


# Calibration ------------------------------------------------------------------------

@dataclass(frozen=True)
class Calibration:
    """Fitted parameters and how well they fit."""

    curve_number: float
    lag_hours: float
    manning_n: float
    nse: float
    simulated_stage: NDArray[np.float64] = field(repr=False)


DEFAULT_BOUNDS = {"curve_number": (30.0, 99.0), "lag_hours": (0.05, 12.0), "manning_n": (0.015, 0.15)}


def calibrate(observed_rain: ArrayLike, observed_stage: ArrayLike, section: CrossSection, *,
              dt_hours: float, area_km2: float, slope: float, ia_ratio: float = IA_RATIO,
              route_k_hours: float = 0.0, route_x: float = 0.2, baseflow_m3s: float = 0.0,
              bounds: dict | None = None, seed: int = 0) -> Calibration:
    """Fit the curve number, lag and Manning's n to observed stage (m, NaN where
    missing) for observed per-step rain (mm), maximising the Nash–Sutcliffe
    efficiency (minimising the squared stage error).

    Global search (scipy's differential evolution, seeded: the same data give the
    same answer) polished by L-BFGS-B: a local fit from a guess often stops in the
    wrong valley, because lag and CN interact through the timing of the peak."""
    from scipy.optimize import (
        differential_evolution,  # imported here: simulation needs no scipy
    )

    rain = np.asarray(observed_rain, dtype=np.float64)
    stage = np.asarray(observed_stage, dtype=np.float64)
    if rain.shape != stage.shape:
        raise ValueError("rain and stage must have one value per step each")
    table = _calibration_table(section, stage)
    limits = {**DEFAULT_BOUNDS, **(bounds or {})}
    known = np.isfinite(stage)

    def catchment(v) -> Catchment:
        return Catchment(area_km2, v[0], v[1], v[2], slope, ia_ratio, route_k_hours, route_x, baseflow_m3s)

    def error(v) -> float:
        _, sim = simulate_stage(rain, dt_hours, catchment(v), table)
        return float(np.sum((sim[known] - stage[known]) ** 2))

    order = ("curve_number", "lag_hours", "manning_n")
    best = differential_evolution(error, [limits[k] for k in order], seed=seed, tol=1e-10,
                                  popsize=20, maxiter=300, polish=True)
    _, sim = simulate_stage(rain, dt_hours, catchment(best.x), table)
    return Calibration(float(best.x[0]), float(best.x[1]), float(best.x[2]),
                       nash_sutcliffe(stage, sim), sim)


def _calibration_table(section: CrossSection, stage: NDArray[np.float64]) -> Rating:
    top = np.nanmax(stage) if np.any(np.isfinite(stage)) else section.top
    return rating(section, height=max(2 * (top - section.bed), section.top - section.bed, 1.0), points=800)
