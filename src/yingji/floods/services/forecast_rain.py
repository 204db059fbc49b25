"""Forecast rain at work (预报雨量预警): the `floods.rain_forecasts` tick evaluates each
due `RainForecastBatch` (a row with `due_at`, written with the forecasts it brought).

* Risk points (临界雨量): for each of the point's gauges, its observed hourly rain over
  the last day followed by its forecast (the station's own, else the cell holding the
  gauge; a point without gauges takes the cell holding the point), spread evenly
  within each forecast interval as `forecast_steps` does. The 1/3/6/24-hour totals
  of every hour ending in the forecast's horizon are compared with the critical
  rainfall (the largest total over the gauges, the rule of observed rain); the
  highest level reached raises one alert per event, with the time it is first
  reached (预计超限时间) and the lead (预见期). An event a forecast opens starts at
  that time, so observed rain that is still low before it does not end it.
* Sections (预报水位): the areal forecast (mean of the gauges' forecasts, else the cell
  holding the section) goes through `forecast_section`, as a forecast typed by hand.

Alerts go through the durable path of every flood alert (raised with their warning
pending; the `floods.issue_warnings` tick issues them). A batch is claimed by a
conditional UPDATE in the transaction that evaluates it; a failure rolls back both,
and the batch is retried later with backoff (given up after MAX_ATTEMPTS, the error
kept on the row). A batch older than STALE_AFTER when its turn comes is closed
unevaluated: a forecast of hours already past must not warn.
"""

import datetime as dt
import logging
import math

import numpy as np
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ...core.errors import DomainError
from ..choices import WINDOWS_HOURS, AlertLevel, AlertSource
from ..feed_models import RainForecast, RainForecastBatch
from ..models import FloodEvent, RiskPoint, Section
from .events import _open_or_raise, _raise_alert
from .forecasts import ANTECEDENT_HOURS, FORECAST_STEP, forecast_section, forecast_steps, hourly_rain
from .rain import level_reached

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
RETRY_BASE = dt.timedelta(minutes=1)
STALE_AFTER = dt.timedelta(hours=6)


def evaluate_due_rain_forecasts(*, now: dt.datetime | None = None, limit: int = 20) -> int:
    """The tick: evaluate the batches whose `due_at` has come; how many were done."""
    now = now or timezone.now()
    done = 0
    due = RainForecastBatch.objects.filter(due_at__lte=now).order_by("due_at", "id").values_list("pk", flat=True)
    for pk in list(due[:limit]):
        try:
            with transaction.atomic():
                if not RainForecastBatch.objects.filter(pk=pk, due_at__lte=now).update(
                        due_at=None, attempts=F("attempts") + 1):
                    continue  # another worker has it
                batch = RainForecastBatch.objects.get(pk=pk)
                batch.result = evaluate_batch(batch, now=now)
                batch.done_at, batch.last_error = now, ""
                batch.save(update_fields=["result", "done_at", "last_error"])
            done += 1
        except Exception as exc:  # rolled back with its claim: retried later
            log.exception("evaluating rain forecast batch %s failed", pk)
            _retry_later(pk, now, exc)
    return done


def _retry_later(pk: int, now: dt.datetime, exc: Exception) -> None:
    batch = RainForecastBatch.objects.get(pk=pk)
    attempts = batch.attempts + 1
    due = None if attempts >= MAX_ATTEMPTS else now + RETRY_BASE * 2 ** (attempts - 1)
    RainForecastBatch.objects.filter(pk=pk).update(attempts=attempts, due_at=due,
                                                   last_error=f"{type(exc).__name__}: {exc}"[:2000])


def evaluate_batch(batch: RainForecastBatch, *, now: dt.datetime) -> dict:
    if now - batch.issued_at > STALE_AFTER:
        return {"stale": True, "risk_points": 0, "sections": 0, "alerts": 0}
    pool = ForecastPool(batch.issued_at)
    mine = list(batch.forecasts.all())
    result = {"risk_points": 0, "sections": 0, "alerts": 0, "errors": []}
    for point in _risk_points(batch, mine):
        result["risk_points"] += 1
        with transaction.atomic():
            result["alerts"] += evaluate_point(point, pool, batch.issued_at) is not None
    for section in _sections(batch, mine):
        rain = areal_forecast(section, pool)
        if rain is None or any(f.forecast_rain == rain for f in section.forecasts.filter(issued_at=batch.issued_at)):
            continue  # this forecast with the same rain is there already (another batch of it)
        try:
            forecast = forecast_section(section=section, now=batch.issued_at, forecast_rain=rain, by=None)
        except DomainError as exc:  # the section's parameters: the operator's to fix, not a retry's
            result["errors"].append({"section": section.pk, "error": f"{exc.zh} / {exc.en}"})
            continue
        result["sections"] += 1
        result["alerts"] += forecast.alerts.count()
    return result


# Where a forecast applies ------------------------------------------------------------

class ForecastPool:
    """The forecasts of one issue time, by station and by cell (bucketed by cell)."""

    def __init__(self, issued_at: dt.datetime):
        rows = list(RainForecast.objects.filter(issued_at=issued_at).select_related("station"))
        self.by_station = {r.station.code: r for r in rows if r.station_id}
        self.buckets: dict[tuple, list[RainForecast]] = {}
        for r in rows:
            if not r.station_id:
                self.buckets.setdefault(_bucket(r.cell_deg, r.cell_lon, r.cell_lat), []).append(r)
        self.sizes = sorted({k[0] for k in self.buckets})

    def at(self, lon, lat, region_code: str, code: str = "") -> RainForecast | None:
        """The station's own forecast, else the cell holding (lon, lat) whose region
        covers `region_code` (the smallest such region first)."""
        if code and code in self.by_station:
            return self.by_station[code]
        if lon is None or lat is None:
            return None
        found = []
        for size in self.sizes:
            _, i, j = _bucket(size, lon, lat)
            for di in (-1, 0, 1):
                for dj in (-1, 0, 1):
                    found += [r for r in self.buckets.get((size, i + di, j + dj), ())
                              if r.contains(lon, lat) and region_code.startswith(r.region_id or "")]
        return max(found, key=lambda r: (len(r.region_id or ""), -r.cell_deg), default=None)


def _bucket(size: float, lon: float, lat: float) -> tuple:
    return size, math.floor(lon / size), math.floor(lat / size)


def _risk_points(batch: RainForecastBatch, mine: list[RainForecast]):
    qs = RiskPoint.objects.filter(active=True, critical_rainfalls__isnull=False)
    qs = qs.filter(_touched(batch, mine, "gauges__code__in")).distinct()
    return qs.select_related("region").prefetch_related("gauges", "critical_rainfalls").order_by("pk")


def _sections(batch: RainForecastBatch, mine: list[RainForecast]):
    qs = Section.objects.filter(_touched(batch, mine, "gauges__code__in")).distinct()
    return qs.prefetch_related("gauges").order_by("pk")


def _touched(batch: RainForecastBatch, mine: list[RainForecast], gauge_lookup: str):
    """Rows whose gauges the batch forecast, or (with cells) inside a cell's region."""
    from django.db.models import Q

    where = Q(**{gauge_lookup: batch.stations}) if batch.stations else Q(pk__in=[])
    cell_regions = {r.region_id for r in mine if not r.station_id}
    if None in cell_regions:
        return Q()
    for code in cell_regions:
        where |= Q(region__code__startswith=code)
    return where


# Risk points -------------------------------------------------------------------------

def evaluate_point(point: RiskPoint, pool: ForecastPool, issued_at: dt.datetime):
    """Raise the alert of the highest level the forecast reaches at `point`, if any."""
    criticals = list(point.critical_rainfalls.all())
    series = _point_series(point, pool, issued_at)
    if not criticals or not series:
        return None
    horizon = max(len(s) for s in series) - ANTECEDENT_HOURS
    crossings = {}
    for j in range(1, horizon + 1):
        end = ANTECEDENT_HOURS + j  # exclusive: the hour ending at issued_at + j h
        totals = {h: max(float(np.sum(s[max(0, end - h):end])) for s in series) for h in WINDOWS_HOURS}
        level = level_reached(totals, criticals)
        for lv in ([AlertLevel.PREPARE, AlertLevel.MOVE_NOW] if level == AlertLevel.MOVE_NOW else [level]):
            if lv is not None and lv not in crossings:
                crossings[lv] = (issued_at + j * FORECAST_STEP, totals)
    if not crossings:
        return None
    top = AlertLevel.MOVE_NOW if AlertLevel.MOVE_NOW in crossings else AlertLevel.PREPARE
    first_at = min(at for at, _ in crossings.values())
    event = FloodEvent.objects.select_for_update().filter(risk_point=point, ended_at__isnull=True).first()
    event = _open_or_raise(event, top, first_at, source=AlertSource.FORECAST_RAIN, risk_point=point,
                           region_id=point.region_id)
    at, totals = crossings[top]
    lead = round((at - issued_at).total_seconds() / 60)
    label = AlertLevel(top).label
    rain = "，".join(f"{h}小时 {totals[h]:.1f} 毫米" for h in WINDOWS_HOURS)
    return _raise_alert(
        event, top, by=None, observed_at=issued_at, risk_point=point, crossing_at=at, lead_minutes=lead,
        source=AlertSource.FORECAST_RAIN,
        headline=f"{point.name}预报雨量将达{label}临界雨量",
        description=(f"{point.name}（{point.region}）按 {timezone.localtime(issued_at):%m-%d %H:%M} "
                     f"发布的降雨预报，累计雨量预计于 {timezone.localtime(at):%m-%d %H:%M}（约 {lead} 分钟后）"
                     f"达到{label}临界雨量：{rain}。"),
        evidence={"issued_at": issued_at.isoformat(), "totals_mm": {str(h): round(v, 1) for h, v in totals.items()},
                  "crossings": {lv: t.isoformat() for lv, (t, _) in crossings.items()},
                  "critical_mm": {str(c.window_hours): [c.prepare_mm, c.move_now_mm] for c in criticals}},
    )


def _point_series(point: RiskPoint, pool: ForecastPool, issued_at: dt.datetime) -> list[np.ndarray]:
    start = issued_at - ANTECEDENT_HOURS * FORECAST_STEP
    series = []
    for gauge in point.gauges.all():
        found = pool.at(gauge.longitude, gauge.latitude, point.region_id, gauge.code)
        if found is not None:
            series.append(np.concatenate([hourly_rain([gauge.code], start, ANTECEDENT_HOURS), _steps(found)]))
    if not series and not point.gauges.all():
        found = pool.at(point.longitude, point.latitude, point.region_id)
        if found is not None:
            series.append(np.concatenate([np.zeros(ANTECEDENT_HOURS), _steps(found)]))
    return series


def _steps(forecast: RainForecast) -> np.ndarray:
    return forecast_steps({str(h): v for h, v in forecast.cumulative().items()})[1]


# Sections ----------------------------------------------------------------------------

def areal_forecast(section: Section, pool: ForecastPool) -> dict[str, float] | None:
    """The mean of the gauges' cumulative forecasts over the windows all of them give
    (a gauge with none is left out), else the cell holding the section."""
    found = [pool.at(g.longitude, g.latitude, section.region_id, g.code) for g in section.gauges.all()]
    found = [f for f in found if f is not None]
    if not found:
        own = pool.at(section.longitude, section.latitude, section.region_id)
        found = [own] if own is not None else []
    if not found:
        return None
    windows = set.intersection(*(set(f.cumulative()) for f in found))
    if not windows:
        return None
    return {str(h): round(sum(f.cumulative()[h] for f in found) / len(found), 2) for h in sorted(windows)}
