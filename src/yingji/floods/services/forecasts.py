"""Stage forecasts (预报水位) at sections from observed and forecast rain, and calibration."""

import datetime as dt

import numpy as np
from django.db import transaction
from django.utils import timezone

from ...core import audit
from ...core.errors import DomainError
from ...core.scope import SYSTEM, Scope
from ...core.services import save_audited
from ...hydromet.choices import Quantity
from ...hydromet.selectors import rain_series, series
from ..choices import WINDOWS_HOURS, AlertLevel, AlertSource
from ..models import (
    FloodAlert,
    FloodEvent,
    Forecast,
    Section,
)
from .events import _close, _open_or_raise, _raise_alert
from .stage import advance_scour

# Rain before a forecast that the curve-number model counts as the current event's:
# one day, the longest window of critical rainfall (a storm's start is rarely older).
ANTECEDENT_HOURS = 24
FORECAST_STEP = dt.timedelta(hours=1)  # forecast rain comes as hourly totals
FORECAST_YEARS = (1950, 2200)  # beyond these a time is a typing error (and overflows datetime arithmetic)
MAX_FORECAST_MM = 2000.0  # more than the world's 24-hour record (1,825 mm): a typing error


# Stage forecasts ---------------------------------------------------------------------

def forecast_section(*, section: Section, now: dt.datetime, forecast_rain: dict, by=None) -> Forecast:
    """Forecast the stage at `section` from the observed rain of its gauges over the
    last day and `forecast_rain` ({hours: mm} cumulative for the next 1/3/6/24 h, any
    of them), store it, and warn of the highest level it reaches with that level's
    first crossing time and lead time. A forecast reaching no level ends the
    section's open event."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(section.region_id)
    if not FORECAST_YEARS[0] <= now.year <= FORECAST_YEARS[1]:
        raise DomainError("预报时间超出范围", "Forecast time out of range", fields={"now": "无效 / invalid"})
    steps_ahead, ahead = forecast_steps(forecast_rain)
    past = observed_steps(section, now)
    result = _run_model(section, np.concatenate([past, ahead]))
    times = [now + (k - len(past) + 1) * FORECAST_STEP for k in range(len(past) + steps_ahead)]
    with transaction.atomic():
        forecast = _store_forecast(section, now, forecast_rain, by, times, result, len(past))
        _advance_section(section, forecast, by)
        advance_scour(section, forecast, by)
    return forecast


def forecast_steps(forecast_rain: dict) -> tuple[int, np.ndarray]:
    """Hourly rain (mm) from cumulative totals for the next 1/3/6/24 h, spread evenly
    within each interval (hours 2-3 share the 3-hour total less the 1-hour one)."""
    try:
        given = {int(h): float(v) for h, v in (forecast_rain or {}).items()}
    except (TypeError, ValueError):
        given = {}
    if not given or set(given) - set(WINDOWS_HOURS) or not all(0 <= v <= MAX_FORECAST_MM for v in given.values()):
        raise DomainError("预报雨量应为 1/3/6/24 小时累计值（毫米，≥0）",
                          "Forecast rain is cumulative mm (>= 0) for 1, 3, 6 or 24 hours",
                          fields={"forecast_rain": "无效 / invalid"})
    steps, done, total = [], 0, 0.0
    for hours in sorted(given):
        if given[hours] < total:
            raise DomainError("预报累计雨量不能随时段减少", "Cumulative forecast rain cannot decrease with the window",
                              fields={"forecast_rain": "无效 / invalid"})
        steps += [(given[hours] - total) / (hours - done)] * (hours - done)
        done, total = hours, given[hours]
    return done, np.array(steps)


def observed_steps(section: Section, now: dt.datetime) -> np.ndarray:
    """Hourly areal rain (mm, mean of the section's gauges) over the last
    ANTECEDENT_HOURS, in steps ending at now - 23 h ... now."""
    codes = [g.code for g in section.gauges.all()]
    return hourly_rain(codes, now - ANTECEDENT_HOURS * FORECAST_STEP, ANTECEDENT_HOURS)


def hourly_rain(codes: list[str], start: dt.datetime, steps: int) -> np.ndarray:
    """Areal rain (mm) per hour from `start`: the mean of the gauges' totals, each
    observation counted in the step (start + k h, start + (k+1) h] holding its time.
    The arithmetic mean is the areal rain of a small catchment with a few gauges; a
    gauge without readings counts as dry."""
    out = np.zeros(steps)
    if not codes:
        return out
    edges = _edges(start, steps)
    for s in rain_series(scope=SYSTEM, station_codes=codes, start=start, end=start + steps * FORECAST_STEP).values():
        index = np.searchsorted(edges, s.times, side="left") - 1
        keep = (index >= 0) & (index < steps)
        np.add.at(out, index[keep], s.values[keep])
    return out / len(codes)


def hourly_stage(code: str, start: dt.datetime, steps: int) -> np.ndarray:
    """A stage gauge's last reading (m) in each hour from `start`; NaN where none."""
    out = np.full(steps, np.nan)
    found = series(scope=SYSTEM, station_codes=[code], quantity=Quantity.STAGE, start=start,
                   end=start + steps * FORECAST_STEP).get(code)
    if found is not None:
        index = np.searchsorted(_edges(start, steps), found.times, side="left") - 1
        keep = (index >= 0) & (index < steps)
        out[index[keep]] = found.values[keep]  # times ascend: the last reading of a step wins
    return out


def _edges(start: dt.datetime, steps: int) -> np.ndarray:
    first = np.datetime64(start.astimezone(dt.UTC).replace(tzinfo=None), "ms")
    return first + np.arange(steps + 1) * np.timedelta64(3600_000, "ms")


MAX_CALIBRATION_HOURS = 24 * 90


def section_calibrate(*, by, section: Section, start: dt.datetime, end: dt.datetime):
    """Fit the section's curve number, lag and Manning's n to its gauges' rain and
    its stage gauge's readings over [start, end] (hourly steps), store them with the
    Nash–Sutcliffe efficiency, and return the kernel's `Calibration`. The surveyed
    profile and the stage gauge must share one datum."""
    from ...kernels.runoff import calibrate
    from ...kernels.section import CrossSection

    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(section.region_id)
    steps = int((end - start) / FORECAST_STEP)
    if section.stage_station_id is None:
        raise DomainError("断面未关联水位站", "The section has no stage gauge",
                          fields={"stage_station": "必填 / required"})
    if not 12 <= steps <= MAX_CALIBRATION_HOURS:
        raise DomainError("率定时段应为 12 小时至 90 天", "The period must be 12 hours to 90 days",
                          fields={"end": "无效 / invalid"})
    rain = hourly_rain([g.code for g in section.gauges.all()], start, steps)
    stage = hourly_stage(section.stage_station.code, start, steps)
    if np.count_nonzero(np.isfinite(stage)) < 12:
        raise DomainError("水位观测不足 12 个时段", "Fewer than 12 hours with stage readings")
    fit = calibrate(rain, stage, CrossSection(section.geometry), dt_hours=1.0, area_km2=section.catchment_area_km2,
                    slope=section.slope, route_k_hours=section.route_k_hours, route_x=section.route_x,
                    baseflow_m3s=section.baseflow_m3s)
    before = audit.snapshot(section)
    section.curve_number, section.lag_hours = round(fit.curve_number, 2), round(fit.lag_hours, 3)
    section.manning_n, section.calibration_nse = round(fit.manning_n, 4), round(fit.nse, 4)
    section.calibrated_at = timezone.now()
    with transaction.atomic():
        save_audited(section, by=by, action="calibrate", before=before, region_code=section.region_id)
    return fit


def _run_model(section: Section, rain: np.ndarray) -> dict:
    from ...kernels.runoff import Catchment, simulate_discharge
    from ...kernels.section import CrossSection, stage_for_discharge, velocity_for_discharge

    shape = CrossSection(section.geometry)
    c = Catchment(area_km2=section.catchment_area_km2, curve_number=section.curve_number,
                  lag_hours=section.lag_hours, manning_n=section.manning_n, slope=section.slope,
                  route_k_hours=section.route_k_hours, route_x=section.route_x, baseflow_m3s=section.baseflow_m3s)
    q = simulate_discharge(rain, FORECAST_STEP.total_seconds() / 3600, c)
    try:
        stages = [stage_for_discharge(shape, float(v), c.manning_n, c.slope) for v in q]
    except ValueError as exc:  # a flow no stage within 10 km of the bed carries: bad parameters
        raise DomainError("断面参数无法计算水位", f"The section's parameters give no stage: {exc}") from exc
    speeds = [velocity_for_discharge(shape, float(v), h) for v, h in zip(q, stages)]  # V = Q / A
    return {"discharge": q.tolist(), "stage": stages, "velocity": speeds}


def _store_forecast(section, now, forecast_rain, by, times, result, n_past) -> Forecast:
    stages = result["stage"]
    future = range(n_past - 1, len(stages))  # from the step ending now: already above is lead 0
    peak = max(future, key=lambda k: stages[k])
    crossings = {}
    for level, threshold in ((AlertLevel.PREPARE, section.warning_stage),
                             (AlertLevel.MOVE_NOW, section.critical_stage)):
        first = next((k for k in future if stages[k] >= threshold), None)
        if first is not None:
            crossings[level] = times[first]
    top = AlertLevel.MOVE_NOW if AlertLevel.MOVE_NOW in crossings else (
        AlertLevel.PREPARE if crossings else "")
    fastest = max(future, key=lambda k: result["velocity"][k])
    horizons = {str(h): round(max(stages[n_past - 1 + k] for k in range(1, h + 1)), 3)
                for h in WINDOWS_HOURS if n_past - 1 + h < len(stages)}
    forecast = Forecast(
        section=section, issued_at=now, created_by=by if by is not None and by.is_authenticated else None,
        forecast_rain={str(k): v for k, v in forecast_rain.items()}, step_minutes=60,
        times=[t.isoformat() for t in times], discharges=[round(v, 4) for v in result["discharge"]],
        stages=[round(v, 4) for v in stages], horizon_stages=horizons,
        velocities=[round(float(v), 4) for v in result["velocity"]],
        peak_velocity=round(float(result["velocity"][fastest]), 4),
        peak_velocity_at=times[fastest],
        peak_stage=stages[peak], peak_at=times[peak], crossing_level=top,
        crossing_at=crossings.get(top), lead_minutes=_lead(crossings.get(top), now),
    )
    forecast.crossings = crossings  # not stored: the alerts read each level's own crossing
    save_audited(forecast, by=by, action="forecast", before=None, region_code=section.region_id)
    return forecast


def _lead(at: dt.datetime | None, now: dt.datetime) -> int | None:
    return None if at is None else max(0, round((at - now).total_seconds() / 60))


def _advance_section(section: Section, forecast: Forecast, by) -> FloodAlert | None:
    event = (FloodEvent.objects.select_for_update()
             .filter(section=section, source=AlertSource.FORECAST, ended_at__isnull=True).first())
    level = forecast.crossing_level or None
    if level is None:
        if event is not None:
            _close(event, forecast.issued_at)
        return None
    event = _open_or_raise(event, level, forecast.issued_at, source=AlertSource.FORECAST, section=section,
                           region_id=section.region_id)
    stage = section.critical_stage if level == AlertLevel.MOVE_NOW else section.warning_stage
    kind = "危急水位" if level == AlertLevel.MOVE_NOW else "警戒水位"
    lead = forecast.lead_minutes
    when = timezone.localtime(forecast.crossing_at)
    return _raise_alert(
        event, level, by=by, observed_at=forecast.issued_at, section=section, forecast=forecast,
        crossing_at=forecast.crossing_at, lead_minutes=lead,
        headline=f"{section.name}预报超{kind}（{AlertLevel(level).label}）",
        description=(f"{section.name}预报水位将于 {when:%m-%d %H:%M}（约 {lead} 分钟后）达到{kind} {stage:.2f} 米，"
                     f"预报最高水位 {forecast.peak_stage:.2f} 米。"),
        evidence={"forecast": forecast.pk, "threshold_m": stage, "peak_stage_m": round(forecast.peak_stage, 3),
                  "crossings": {lv: t.isoformat() for lv, t in forecast.crossings.items()}},
    )
