"""Rain at risk points (临界雨量): hydromet's observation batches, consumed by this app's
cursor, step each point's flood event; a level reached raises its alert once per event."""

import datetime as dt

from django.db import transaction

from ...core.scope import SYSTEM
from ...hydromet import services as hydromet
from ...hydromet.choices import Quality, Quantity
from ...hydromet.selectors import rain_windows
from ..choices import WINDOWS_HOURS, AlertLevel, AlertSource
from ..models import (
    FloodAlert,
    FloodEvent,
    RiskPoint,
)
from .events import _close, _open_or_raise, _raise_alert

CONSUMER = "floods"  # this app's cursor over hydromet's observation batches


def evaluate_new_observations(*, limit: int = 100) -> int:
    """The `floods.rain_at_risk_points` tick: check the critical rainfall at the risk
    points whose gauges reported in each observation batch not yet seen (hydromet's
    hand-off: each batch in the transaction that moves this app's cursor, so a crash
    neither loses nor repeats one). Returns how many batches were processed."""
    return hydromet.consume(consumer=CONSUMER, handle=rain_at_risk_points, limit=limit)


def rain_at_risk_points(observations: list[hydromet.NewObservation]) -> list[FloodAlert]:
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
    from ...kernels.rolling import reaches_threshold

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
