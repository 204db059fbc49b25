"""Observed stage (实测水位) and scour velocity (冲刷流速) at sections.

Observed stage: each section with a stage gauge is watched by that gauge's readings,
compared as they arrive with the section's warning stage (警戒水位: prepare to move)
and critical stage (危急水位: move now), in the gauge's datum (the one the profile and
both levels are surveyed in). The readings reach this app by hydromet's hand-off, as
rain does: `evaluate_new_stage` is the `floods.stage_at_sections` tick over the
observation batches, with its own cursor (`STAGE_CONSUMER`), so each batch is handled
once, in the transaction that moves the cursor, and a crash loses none.

The rules, decided here:

* A good reading at or above the warning stage opens the section's observed-stage
  event (source `stage`); each level alerts once per event (the FloodAlert row's
  unique (event, level) is the guard). A stage that stays above does not alert again
  at every reading; a fall from critical to warning is no news; a jump from below
  warning straight over the critical stage alerts move now only (as rain does).
* The event ends at the first good reading below the warning stage. A new rise
  within the quiet period (`settings.YINGJI_STAGE_QUIET_MINUTES`, default 60) after
  that end reopens the same event, so a stage hovering about its warning level does
  not alert at every wiggle; a rise after a longer quiet is a new event and alerts
  again.
* A reading older than the end of the section's last event is history arriving late:
  it neither reopens nor alerts. Readings more than a day before the newest of their
  batch are skipped (a backlog must not warn of a flood long over). Suspect readings
  never count.

Scour: every stage forecast stores its velocity per step (V = Q / A: the model's
discharge over the wetted area at its stage, `kernels.section.velocity_for_discharge`);
when a step from now on reaches the section's scour velocity (its own
`scour_velocity`, else `settings.YINGJI_SCOUR_VELOCITY`), the forecast opens or
continues the section's scour event (source `scour`) and alerts once per event at the
prepare level (orange: banks, dykes and bridges downstream are at risk, not yet the
people); a forecast below the threshold ends the event.

Either alert is raised with its warning pending, and the `floods.issue_warnings` tick
issues it, as for rain.
"""

import datetime as dt

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ...core import audit
from ...core.errors import DomainError
from ...core.scope import SYSTEM, Scope
from ...core.services import save_audited
from ...hydromet import services as hydromet
from ...hydromet.choices import Quality, Quantity
from ...hydromet.selectors import series, station_list
from ..choices import AlertLevel, AlertSource
from ..models import FloodAlert, FloodEvent, Forecast, Section
from .events import _close, _open_or_raise, _raise_alert

STAGE_CONSUMER = "floods.stage"  # this app's second cursor over hydromet's batches
BACKLOG = dt.timedelta(hours=24)
LEVEL_NAMES = {AlertLevel.PREPARE: "警戒水位", AlertLevel.MOVE_NOW: "危急水位"}


# Observed stage -----------------------------------------------------------------------

def evaluate_new_stage(*, limit: int = 100) -> int:
    """The `floods.stage_at_sections` tick: compare the stage readings of each batch
    not yet seen with the levels of the sections their gauges watch. Returns how many
    batches were processed."""
    return hydromet.consume(consumer=STAGE_CONSUMER, handle=stage_at_sections, limit=limit)


def stage_at_sections(observations: list[hydromet.NewObservation]) -> list[FloodAlert]:
    """Step the observed-stage event of every section whose stage gauge reported a
    good reading in the batch through those readings, oldest first."""
    times_by_gauge: dict[str, list] = {}
    for o in observations:
        if o.quantity == Quantity.STAGE and o.quality == Quality.OK:
            times_by_gauge.setdefault(o.station, []).append(o.time)
    if not times_by_gauge:
        return []
    sections = (Section.objects.filter(stage_station__code__in=list(times_by_gauge))
                .select_related("stage_station", "region").order_by("pk"))
    raised = []
    for section in sections:
        with transaction.atomic():
            raised += evaluate_section_stage(section, times_by_gauge[section.stage_station.code])
    return raised


def evaluate_section_stage(section: Section, times: list[dt.datetime]) -> list[FloodAlert]:
    """Step the section's observed-stage event through its gauge's good readings at
    `times`; the alerts raised."""
    raised = []
    for at, value in stage_readings(section.stage_station.code, times):
        alert = _step(section, at, value)
        if alert is not None:
            raised.append(alert)
    return raised


def stage_readings(code: str, times: list[dt.datetime]) -> list[tuple[dt.datetime, float]]:
    """The gauge's good stage readings (m) at `times`, oldest first, leaving out those
    more than BACKLOG before the newest."""
    if not times:
        return []
    newest = max(times)
    times = sorted({t for t in times if t >= newest - BACKLOG})
    found = series(scope=SYSTEM, station_codes=[code], quantity=Quantity.STAGE,
                   start=times[0] - dt.timedelta(seconds=1), end=times[-1]).get(code)
    if found is None:
        return []
    values = dict(zip(found.times.astype(np.int64).tolist(), found.values.tolist()))
    keyed = ((t, round(t.timestamp() * 1000)) for t in times)
    return [(t, values[ms]) for t, ms in keyed if ms in values]


def quiet_period() -> dt.timedelta:
    return dt.timedelta(minutes=float(settings.YINGJI_STAGE_QUIET_MINUTES))


def _step(section: Section, at: dt.datetime, stage: float) -> FloodAlert | None:
    events = FloodEvent.objects.select_for_update().filter(section=section, source=AlertSource.STAGE)
    event = events.filter(ended_at__isnull=True).first()
    last = None
    if event is None:
        last = events.filter(ended_at__isnull=False).order_by("-ended_at", "-pk").first()
        if last is not None and at < last.ended_at:
            return None  # history arriving late: the event it belongs to is over
    level = section.stage_level(stage)
    if level is None:
        if event is not None and at >= event.started_at:
            _close(event, at)
        return None
    if event is None and last is not None and at - last.ended_at < quiet_period():
        last.ended_at = None  # back above within the quiet period: the same event goes on
        last.save(update_fields=["ended_at"])
        event = last
    event = _open_or_raise(event, level, at, source=AlertSource.STAGE, section=section, region_id=section.region_id)
    threshold = section.critical_stage if level == AlertLevel.MOVE_NOW else section.warning_stage
    name, code = LEVEL_NAMES[level], section.stage_station.code
    return _raise_alert(
        event, level, by=None, observed_at=at, section=section,
        headline=f"{section.name}实测水位超{name}（{AlertLevel(level).label}）",
        description=(f"{section.name}水位站 {code} 于 {timezone.localtime(at):%m-%d %H:%M} 实测水位 {stage:.2f} 米，"
                     f"达到{name} {threshold:.2f} 米。"),
        evidence={"station": code, "stage_m": round(stage, 3), "threshold_m": threshold,
                  "warning_stage_m": section.warning_stage, "critical_stage_m": section.critical_stage},
    )


# Scour velocity -----------------------------------------------------------------------

def scour_crossing(forecast: Forecast, threshold: float) -> tuple[dt.datetime, float] | None:
    """The first step from the forecast time on whose velocity reaches `threshold`."""
    for time, speed in zip(forecast.times, forecast.velocities):
        at = dt.datetime.fromisoformat(time)
        if at >= forecast.issued_at and speed >= threshold:
            return at, speed
    return None


def advance_scour(section: Section, forecast: Forecast, by) -> FloodAlert | None:
    """Open, continue or end the section's scour event by `forecast`; the alert raised,
    if any. Runs in the transaction that stores the forecast."""
    event = (FloodEvent.objects.select_for_update()
             .filter(section=section, source=AlertSource.SCOUR, ended_at__isnull=True).first())
    threshold = section.scour_threshold
    crossing = scour_crossing(forecast, threshold)
    if crossing is None:
        if event is not None:
            _close(event, forecast.issued_at)
        return None
    at, speed = crossing
    level = AlertLevel.PREPARE
    event = _open_or_raise(event, level, forecast.issued_at, source=AlertSource.SCOUR, section=section,
                           region_id=section.region_id)
    lead = max(0, round((at - forecast.issued_at).total_seconds() / 60))
    return _raise_alert(
        event, level, by=by, observed_at=forecast.issued_at, section=section, forecast=forecast,
        crossing_at=at, lead_minutes=lead,
        headline=f"{section.name}预报流速超冲刷流速",
        description=(f"{section.name}预报流速将于 {timezone.localtime(at):%m-%d %H:%M}（约 {lead} 分钟后）达到 "
                     f"{speed:.2f} 米/秒，超过冲刷流速 {threshold:.2f} 米/秒；预报最大流速 "
                     f"{forecast.peak_velocity:.2f} 米/秒。请注意下游河岸、堤防、桥涵冲刷。"),
        evidence={"forecast": forecast.pk, "threshold_mps": threshold, "velocity_mps": round(speed, 3),
                  "peak_velocity_mps": forecast.peak_velocity},
    )


# Levels of a section --------------------------------------------------------------------

def section_levels_set(*, by, section: Section, warning_stage: float, critical_stage: float,
                       scour_velocity: float | None = None, stage_station: str | None = None) -> Section:
    """Set a section's warning and critical stages, its scour velocity (None: the
    default) and its stage gauge (a station code in the caller's scope; None: none)."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(section.region_id)
    station = None
    if stage_station:
        station = station_list(scope=scope).filter(code=stage_station).first()
        if station is None:
            raise DomainError(f"测站不存在或不在管辖范围内：{stage_station}",
                              f"Unknown station or outside your jurisdiction: {stage_station}",
                              fields={"stage_station": "无效 / invalid"})
    before = audit.snapshot(section)
    section.warning_stage, section.critical_stage = warning_stage, critical_stage
    section.scour_velocity, section.stage_station = scour_velocity, station
    with transaction.atomic():
        save_audited(section, by=by, action="update", before=before, region_code=section.region_id)
    return section
