"""Rain evaluation (降雨指数触发): new observations from hydromet's hand-off, each county
evaluated once over the period the new rain can change, events replayable from their inputs."""

from __future__ import annotations

import datetime as dt

from ...core.scope import SYSTEM
from ...hydromet import services as hydromet
from ...hydromet.choices import Quantity
from ...hydromet.selectors import rain_series
from ..choices import TriggerKind
from ..models import (
    DesignatedStation,
    RainTrigger,
    TriggerEvent,
)
from ..policy_yaml import RainSpec
from ..rain import RainTrigger as RainResult
from ..rain import Series, aware, county_triggers, utc64
from .events import Outcome, record_event
from .policies import money, period_bounds, rain_spec


def rain_inputs_series(series: dict[str, Series]) -> dict:
    """The series as stored in an event's inputs (aware ISO times, as events always had)."""
    return {code: {"time": [aware(t).isoformat() for t in s.times], "mm": s.mm.tolist()} for code, s in series.items()}


def rain_series_from_inputs(d: dict) -> dict[str, Series]:
    return {code: Series([dt.datetime.fromisoformat(t) for t in s["time"]], s["mm"]) for code, s in d.items()}


def rain_spec_inputs(spec: RainSpec, county: str) -> dict:
    return {"window_hours": spec.window_hours, "threshold_mm": spec.threshold_mm,
            "payout_per_county": spec.payout_per_county,
            "payout_table": None if spec.payout_table is None else {f"{k:g}": v for k, v in spec.payout_table.items()},
            "county": county, "stations": list(spec.stations.get(county, ()))}


def rain_outcome(inputs: dict) -> Outcome | None:
    """Recompute a county's rain event (the one starting at ``inputs['event_start']``)."""
    t = inputs["trigger"]
    table = {float(k): v for k, v in t["payout_table"].items()} if t["payout_table"] else None
    spec = RainSpec({t["county"]: tuple(t["stations"])}, t["window_hours"], t["threshold_mm"],
                    t["payout_per_county"], table)
    found = [r for r in county_triggers(t["county"], rain_series_from_inputs(inputs["series"]), spec)
             if r.event_start.isoformat() == inputs["event_start"]]
    return _rain_outcome(found[0], spec) if found else None


def _rain_outcome(r: RainResult, spec: RainSpec) -> Outcome:
    payout = money(r.payout)
    evidence = {"station": r.station, "window_start": r.window_start.isoformat(),
                "window_end": r.window_end.isoformat(), "total_mm": round(r.total_mm, 3),
                "threshold_mm": spec.threshold_mm, "window_hours": spec.window_hours,
                "event_start": r.event_start.isoformat()}
    return Outcome(r.window_end.astimezone(dt.UTC).isoformat(), payout, {r.county: str(payout)} if payout else {},
                   evidence, station_code=r.station, total_mm=float(r.total_mm))


def evaluate_rain_stations(station_codes: set[str], *, start: dt.datetime, end: dt.datetime) -> list[TriggerEvent]:
    """Re-evaluate the counties whose designated stations got observations in [start, end]."""
    designated = (DesignatedStation.objects.filter(station_code__in=station_codes)
                  .select_related("trigger__policy"))
    counties = {(d.trigger, d.county_id) for d in designated if d.trigger.policy.active}
    changed = []
    for trigger, county in sorted(counties, key=lambda tc: (tc[0].pk, tc[1])):
        changed += _evaluate_rain_county(trigger, county, start, end)
    return changed


def _evaluate_rain_county(trigger: RainTrigger, county: str, start: dt.datetime,
                          end: dt.datetime) -> list[TriggerEvent]:
    """Evaluate the county once over the period the new rain can change, and record
    each event found there with the series it came from (for `event_replay`)."""
    policy = trigger.policy
    p_start, p_end = period_bounds(policy)
    if end < p_start or start >= p_end:
        return []
    spec = rain_spec(trigger)
    window = dt.timedelta(hours=spec.window_hours)
    hi = min(p_end, end + window)
    results, series, lo = _county_results(spec, county, start, hi, p_start)
    events = []
    for r in results:
        if not (lo <= r.event_start < hi):
            continue
        outcome = _rain_outcome(r, spec)
        if outcome.payout <= 0:
            continue
        since = utc64([r.event_start - window])[0]  # the rain the event's totals can include
        kept = {code: Series(s.times[s.times > since], s.mm[s.times > since]) for code, s in series.items()}
        inputs = {"trigger": rain_spec_inputs(spec, county), "series": rain_inputs_series(kept),
                  "event_start": r.event_start.isoformat()}
        events.append(record_event(policy=policy, kind=TriggerKind.RAIN, trigger_id=trigger.pk,
                                   event_key=f"{county}:{r.event_start.astimezone(dt.UTC).isoformat()}",
                                   storm=None, county_id=county, inputs=inputs, outcome=outcome))
    return [e for e in events if e is not None]


def _county_results(spec: RainSpec, county: str, start: dt.datetime, hi: dt.datetime, p_start: dt.datetime):
    """The county's events from a read that reaches back far enough to see where the
    earliest of them began: totals are exact from ``lo`` on (the read starts one window
    earlier), and an event found to start within a window of ``lo`` may have begun
    before it, so the read goes back further (doubling) until none does or the policy
    period's start is reached. Usually two windows suffice: one short read."""
    window = dt.timedelta(hours=spec.window_hours)
    back = 2
    while True:
        lo = max(p_start, start - back * window)
        series = rain_series(scope=SYSTEM, station_codes=spec.stations.get(county, ()), start=lo - window, end=hi)
        results = county_triggers(county, series, spec)
        if lo == p_start or all(r.event_start >= lo + window for r in results):
            return results, series, lo
        back *= 2


CONSUMER = "insurance"  # this app's cursor over hydromet's observation batches


def evaluate_new_rain(*, limit: int = 100) -> int:
    """The `insurance.rain_triggers` tick: evaluate the rain triggers of the stations
    that reported in each observation batch not yet seen (hydromet's hand-off: each
    batch in the transaction that moves this app's cursor, so a crash neither loses
    nor repeats one). Returns how many batches were processed."""
    return hydromet.consume(consumer=CONSUMER, handle=rain_of_batch, limit=limit)


def rain_of_batch(observations: list[hydromet.NewObservation]) -> list[TriggerEvent]:
    """Re-evaluate the counties whose designated stations got rain in the batch."""
    rain = [o for o in observations if o.quantity == Quantity.RAIN]
    if not rain:
        return []
    times = [o.time for o in rain]
    return evaluate_rain_stations({o.station for o in rain}, start=min(times), end=max(times))
