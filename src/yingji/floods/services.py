"""Every write of the floods app: risk points and their critical rainfall, sections,
stage forecasts, and the events and alerts raised by rain and by forecasts.

Two watchers raise alerts:

* Rain (临界雨量): `evaluate_new_observations` is this app's tick over hydromet's
  observation batches (a cursor per consumer, see `hydromet.handoff`). For every risk point
  whose gauges reported, the 1/3/6/24-hour totals at each new observation time are
  compared with its critical rainfall; the level reached opens or continues the
  point's flood event, and each level warns once per event. The event ends when every
  total is below every prepare level; a later crossing is a new event and warns again.
* Stage (预报水位): `forecast_section` runs the catchment model on observed plus
  forecast rain and compares the forecast stage with the section's warning and
  critical stages; a crossing warns with its lead time (预见期).

The FloodAlert row is the once-per-event guard (a unique constraint), the record of
what was raised, and the row the warning step claims: `issue_pending_warnings` (a
tick) issues its warning through `alerts.services.warning_issue` (type flash_flood;
move now → red, prepare → orange, see `choices.WARNING_COLOUR`), call-up included,
outside the transaction that evaluated the rain.
"""

import datetime as dt
import logging

import numpy as np
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..alerts import services as alerts_services
from ..core import audit
from ..core.errors import DomainError
from ..core.scope import SYSTEM, Scope
from ..core.services import apply_fields, save_audited
from ..hydromet import handoff
from ..hydromet.choices import Quality, Quantity
from ..hydromet.selectors import rain_series, rain_windows, series, station_list
from .choices import LEVEL_RANK, WARNING_COLOUR, WINDOWS_HOURS, AlertLevel, AlertSource
from .models import (
    CriticalRainfall,
    FloodAlert,
    FloodEvent,
    Forecast,
    RiskPoint,
    RiskPointKind,
    Section,
)

log = logging.getLogger(__name__)

RISK_POINT_FIELDS = {"kind_id", "name", "region_id", "longitude", "latitude", "population", "households", "note",
                     "active"}
SECTION_FIELDS = {"name", "region_id", "longitude", "latitude", "geometry", "manning_n", "slope",
                  "catchment_area_km2", "curve_number", "lag_hours", "route_k_hours", "route_x", "baseflow_m3s",
                  "warning_stage", "critical_stage", "stage_station_id"}

# Rain before a forecast that the curve-number model counts as the current event's:
# one day, the longest window of critical rainfall (a storm's start is rarely older).
ANTECEDENT_HOURS = 24
FORECAST_STEP = dt.timedelta(hours=1)  # forecast rain comes as hourly totals
FORECAST_YEARS = (1950, 2200)  # beyond these a time is a typing error (and overflows datetime arithmetic)
MAX_FORECAST_MM = 2000.0  # more than the world's 24-hour record (1,825 mm): a typing error


# Risk points -------------------------------------------------------------------------

def risk_point_create(*, by, gauges: list[str] | None = None, responsible: list[int] | None = None,
                      **data) -> RiskPoint:
    """Register a risk point in the caller's region, with its gauges (station codes)
    and responsible persons (person ids), both within the caller's scope."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(data.get("region_id"))
    if not RiskPointKind.objects.filter(pk=data.get("kind_id")).exists():
        raise DomainError("风险点类别不存在", "Unknown risk point kind", fields={"kind": "不存在 / unknown"})
    point = RiskPoint()
    apply_fields(point, data, RISK_POINT_FIELDS)
    stations, people = _gauges(scope, gauges or []), _people(scope, responsible or [])
    with transaction.atomic():
        save_audited(point, by=by, action="create", before=None, region_code=point.region_id)
        if stations or people:
            before = audit.snapshot(point)
            point.gauges.set(stations)
            point.responsible.set(people)
            audit.record(actor=by, action="update", obj=point, region_code=point.region_id, before=before,
                         after=audit.snapshot(point))
    return point


def critical_rainfall_set(*, by, risk_point: RiskPoint, values: list[dict]) -> list[CriticalRainfall]:
    """Set the critical rainfall of a risk point for the given windows (each a dict of
    window_hours, prepare_mm, move_now_mm); windows not given are kept."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(risk_point.region_id)
    seen = set()
    with transaction.atomic():
        for value in values:
            window = value.get("window_hours")
            if window not in WINDOWS_HOURS or window in seen:
                raise DomainError("时段应为 1、3、6、24 小时且不重复", "Windows are 1, 3, 6 or 24 hours, each once",
                                  fields={"window_hours": "无效 / invalid"})
            seen.add(window)
            _set_one(by, risk_point, window, value.get("prepare_mm"), value.get("move_now_mm"))
    return list(CriticalRainfall.objects.filter(risk_point=risk_point))  # not a prefetched cache


def _set_one(by, point: RiskPoint, window: int, prepare, move_now) -> None:
    if prepare is None or move_now is None or not 0 < prepare <= move_now:
        raise DomainError("准备转移雨量应大于 0 且不大于立即转移雨量",
                          "Prepare-to-move rain must be > 0 and at most the move-now rain",
                          fields={"prepare_mm": "无效 / invalid"})
    row = CriticalRainfall.objects.filter(risk_point=point, window_hours=window).first()
    before = audit.snapshot(row) if row else None
    row = row or CriticalRainfall(risk_point=point, window_hours=window)
    row.prepare_mm, row.move_now_mm = float(prepare), float(move_now)
    save_audited(row, by=by, action="create" if before is None else "update", before=before,
                 region_code=point.region_id)


def _gauges(scope: Scope, codes: list[str]):
    stations = list(station_list(scope=scope).filter(code__in=codes))
    missing = sorted(set(codes) - {s.code for s in stations})
    if missing:
        raise DomainError(f"测站不存在或不在管辖范围内：{', '.join(missing)}",
                          f"Unknown stations or outside your jurisdiction: {', '.join(missing)}",
                          fields={"gauges": "无效 / invalid"})
    return stations


def _people(scope: Scope, ids: list[int]):
    from ..core.models import Person

    people = list(scope.filter(Person.objects.filter(pk__in=ids)))
    if len(people) != len(set(ids)):
        raise DomainError("责任人不存在或不在管辖范围内", "Unknown responsible persons or outside your jurisdiction",
                          fields={"responsible": "无效 / invalid"})
    return people


# Sections ----------------------------------------------------------------------------

def section_create(*, by, gauges: list[str] | None = None, **data) -> Section:
    """Register a cross-section with its catchment parameters and rain gauges."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(data.get("region_id"))
    section = Section()
    apply_fields(section, data, SECTION_FIELDS)
    stations = _gauges(scope, gauges or [])
    with transaction.atomic():
        save_audited(section, by=by, action="create", before=None, region_code=section.region_id)
        if stations:
            before = audit.snapshot(section)
            section.gauges.set(stations)
            audit.record(actor=by, action="update", obj=section, region_code=section.region_id, before=before,
                         after=audit.snapshot(section))
    return section


# Rain at risk points -----------------------------------------------------------------

CONSUMER = "floods"  # this app's cursor over hydromet's observation batches


def evaluate_new_observations(*, limit: int = 100) -> int:
    """The `floods.rain_at_risk_points` tick: check the critical rainfall at the risk
    points whose gauges reported in each observation batch not yet seen (hydromet's
    hand-off: each batch in the transaction that moves this app's cursor, so a crash
    neither loses nor repeats one). Returns how many batches were processed."""
    return handoff.consume(consumer=CONSUMER, handle=rain_at_risk_points, limit=limit)


def rain_at_risk_points(observations: list[handoff.NewObservation]) -> list[FloodAlert]:
    """Step the event of every risk point whose gauges reported good rain in the batch
    through the batch's observation times."""
    times_by_gauge: dict[str, list] = {}
    for o in observations:
        if o.quantity == Quantity.RAIN and o.quality == Quality.OK:
            times_by_gauge.setdefault(o.station, []).append(o.time)
    if not times_by_gauge:
        return []
    points = (RiskPoint.objects.filter(active=True, gauges__code__in=list(times_by_gauge))
              .distinct().order_by("pk").prefetch_related("gauges", "critical_rainfalls"))
    raised = []
    for point in points:
        codes = [g.code for g in point.gauges.all()]
        times = sorted({t for c in codes for t in times_by_gauge.get(c, ())})
        with transaction.atomic():
            raised += evaluate_risk_point(point, times)
    return raised


def evaluate_risk_point(point: RiskPoint, times: list[dt.datetime]) -> list[FloodAlert]:
    """Step the point's event through the given observation times, oldest first.

    Times more than a day before the newest are skipped: a backlog arriving late
    must not warn of a storm that is long over. The point's total for a window is
    the largest of its gauges' (any gauge reaching the critical rain is enough)."""
    criticals = list(point.critical_rainfalls.all())
    codes = [g.code for g in point.gauges.all()]
    if not criticals or not codes or not times:
        return []
    newest = max(times)
    times = [t for t in times if t >= newest - dt.timedelta(hours=max(WINDOWS_HOURS))]
    rain = rain_windows(scope=SYSTEM, station_codes=codes, ends=times, hours=WINDOWS_HOURS)
    raised = []
    for k, t in enumerate(times):
        totals = {h: max(w[h][k] for w in rain.values()) for h in WINDOWS_HOURS}
        alert = _advance(point, t, totals, level_reached(totals, criticals))
        if alert is not None:
            raised.append(alert)
    return raised


def level_reached(totals: dict[int, float], criticals) -> str | None:
    """The highest level whose critical rainfall any window's total reaches."""
    # Imported here: the rolling kernels load numba, needed only when rain is checked.
    from ..kernels.rolling import reaches_threshold

    level = None
    for c in criticals:
        total = totals.get(c.window_hours, 0.0)
        if reaches_threshold(total, c.move_now_mm):
            return AlertLevel.MOVE_NOW
        if reaches_threshold(total, c.prepare_mm):
            level = AlertLevel.PREPARE
    return level


def _advance(point: RiskPoint, at: dt.datetime, totals: dict, level: str | None) -> FloodAlert | None:
    event = FloodEvent.objects.select_for_update().filter(risk_point=point, ended_at__isnull=True).first()
    if level is None:
        if event is not None and at >= event.started_at:
            _close(event, at)
        return None
    event = _open_or_raise(event, level, at, source=AlertSource.RAIN, risk_point=point, region_id=point.region_id)
    rain = "，".join(f"{h}小时 {totals[h]:.1f} 毫米" for h in WINDOWS_HOURS)
    label = AlertLevel(level).label
    return _raise_alert(
        event, level, by=None, observed_at=at, risk_point=point,
        headline=f"{point.name}山洪{label}预警",
        description=f"{point.name}（{point.region}）累计雨量达到{label}临界雨量：{rain}。",
        evidence={"totals_mm": {str(h): round(v, 1) for h, v in totals.items()},
                  "critical_mm": {str(c.window_hours): [c.prepare_mm, c.move_now_mm]
                                  for c in point.critical_rainfalls.all()}},
    )


# Events and alerts -------------------------------------------------------------------

def _open_or_raise(event: FloodEvent | None, level: str, at: dt.datetime, **subject) -> FloodEvent:
    if event is None:
        return FloodEvent.objects.create(started_at=at, peak_level=level, **subject)
    if LEVEL_RANK[level] > LEVEL_RANK[event.peak_level]:
        event.peak_level = level
        event.save(update_fields=["peak_level"])
    return event


def _close(event: FloodEvent, at: dt.datetime) -> None:
    event.ended_at = at
    event.save(update_fields=["ended_at"])


def _raise_alert(event: FloodEvent, level: str, *, by, observed_at, headline: str, description: str,
                 evidence: dict, **extra) -> FloodAlert | None:
    """Record the alert of `level` in `event`, its warning pending, unless this event
    already warned at this level or a higher one (falling from move-now to prepare is
    no news). The warning itself is issued by `issue_pending_warnings`."""
    issued = set(event.alerts.values_list("level", flat=True))
    if any(LEVEL_RANK[lv] >= LEVEL_RANK[level] for lv in issued):
        return None
    alert = FloodAlert(event=event, level=level, source=event.source, region_id=event.region_id,
                       observed_at=observed_at, headline=headline[:200], description=description, evidence=evidence,
                       warning_pending=True, **extra)
    try:
        with transaction.atomic():  # a concurrent batch may have raised it a moment ago
            alert.save()
    except IntegrityError:
        return None
    audit.record(actor=by, action="raise", obj=alert, region_code=alert.region_id, after=audit.snapshot(alert))
    return alert


# Warnings of alerts -----------------------------------------------------------------

def issue_pending_warnings(*, limit: int = 50) -> int:
    """The `floods.issue_warnings` tick: issue the warning (and with it the call-up,
    which may reach 150,000 people) of each alert raised with its warning pending.
    Each alert is claimed by a conditional UPDATE in the transaction that issues its
    warning: a second worker finds it claimed; a failure rolls the claim back and a
    later round retries (the warning's idempotency key makes a retry harmless).
    Returns how many warnings were issued."""
    issued = 0
    for pk in FloodAlert.objects.filter(warning_pending=True).order_by("pk").values_list("pk", flat=True)[:limit]:
        try:
            with transaction.atomic():
                if FloodAlert.objects.filter(pk=pk, warning_pending=True).update(warning_pending=False):
                    issued += _issue_warning(FloodAlert.objects.select_related("forecast__created_by").get(pk=pk))
        except DomainError as exc:  # refused (e.g. the region has no call-up): retrying would not help
            FloodAlert.objects.filter(pk=pk).update(warning_pending=False)
            log.error("the warning of flood alert %s was refused: %s / %s", pk, exc.zh, exc.en)
        except Exception:
            log.exception("issuing the warning of flood alert %s failed; retried next round", pk)
    return issued


def _issue_warning(alert: FloodAlert) -> int:
    # A forecast's alert is issued in the name of the officer who ran the forecast.
    by = alert.forecast.created_by if alert.forecast_id else None
    warning = alerts_services.warning_issue(
        by=by, type="flash_flood", level=WARNING_COLOUR[alert.level], region_codes=[alert.region_id],
        headline=alert.headline, description=alert.description,
        idempotency_key=f"floods:{alert.event_id}:{alert.level}")
    before = audit.snapshot(alert)
    alert.warning = warning
    save_audited(alert, by=by, action="warn", before=before, region_code=alert.region_id)
    return 1


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
    from ..kernels.runoff import calibrate
    from ..kernels.section import CrossSection

    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(section.region_id)
    steps = int((end - start) / FORECAST_STEP)
    if section.stage_station_id is None:
        raise DomainError("断面未关联水位站", "The section has no stage gauge", fields={"stage_station": "必填 / required"})
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
    from ..kernels.runoff import Catchment, simulate_discharge
    from ..kernels.section import CrossSection, stage_for_discharge, velocity

    shape = CrossSection(section.geometry)
    c = Catchment(area_km2=section.catchment_area_km2, curve_number=section.curve_number,
                  lag_hours=section.lag_hours, manning_n=section.manning_n, slope=section.slope,
                  route_k_hours=section.route_k_hours, route_x=section.route_x, baseflow_m3s=section.baseflow_m3s)
    q = simulate_discharge(rain, FORECAST_STEP.total_seconds() / 3600, c)
    try:
        stages = [stage_for_discharge(shape, float(v), c.manning_n, c.slope) for v in q]
    except ValueError as exc:  # a flow no stage within 10 km of the bed carries: bad parameters
        raise DomainError("断面参数无法计算水位", f"The section's parameters give no stage: {exc}") from exc
    speeds = [velocity(shape, h, c.manning_n, c.slope) for h in stages]
    return {"discharge": q.tolist(), "stage": stages, "velocity": speeds}


def _store_forecast(section, now, forecast_rain, by, times, result, n_past) -> Forecast:
    stages = result["stage"]
    future = range(n_past - 1, len(stages))  # from the step ending now: already above is lead 0
    peak = max(future, key=lambda k: stages[k])
    crossings = {}
    for level, threshold in ((AlertLevel.PREPARE, section.warning_stage), (AlertLevel.MOVE_NOW, section.critical_stage)):
        first = next((k for k in future if stages[k] >= threshold), None)
        if first is not None:
            crossings[level] = times[first]
    top = AlertLevel.MOVE_NOW if AlertLevel.MOVE_NOW in crossings else (
        AlertLevel.PREPARE if crossings else "")
    horizons = {str(h): round(max(stages[n_past - 1 + k] for k in range(1, h + 1)), 3)
                for h in WINDOWS_HOURS if n_past - 1 + h < len(stages)}
    forecast = Forecast(
        section=section, issued_at=now, created_by=by if by is not None and by.is_authenticated else None,
        forecast_rain={str(k): v for k, v in forecast_rain.items()}, step_minutes=60,
        times=[t.isoformat() for t in times], discharges=[round(v, 4) for v in result["discharge"]],
        stages=[round(v, 4) for v in stages], horizon_stages=horizons,
        peak_stage=stages[peak], peak_at=times[peak], crossing_level=top,
        crossing_at=crossings.get(top), lead_minutes=_lead(crossings.get(top), now),
    )
    forecast.crossings = crossings  # not stored: the alerts read each level's own crossing
    save_audited(forecast, by=by, action="forecast", before=None, region_code=section.region_id)
    return forecast


def _lead(at: dt.datetime | None, now: dt.datetime) -> int | None:
    return None if at is None else max(0, round((at - now).total_seconds() / 60))


def _advance_section(section: Section, forecast: Forecast, by) -> FloodAlert | None:
    event = FloodEvent.objects.select_for_update().filter(section=section, ended_at__isnull=True).first()
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
