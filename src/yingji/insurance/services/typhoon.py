"""Typhoon evaluation: a storm against the active policies' circles, replayable from its inputs."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from ...kernels.typhoon import Track
from ..backtest import evaluate_storm, iso_utc
from ..choices import TriggerKind
from ..models import (
    Policy,
    Storm,
    TrackPosition,
    TriggerEvent,
    TyphoonTrigger,
)
from ..policy_yaml import TyphoonSpec
from .events import Outcome, record_event
from .policies import CONTRACT_TZ, FEN, money, period_bounds, typhoon_spec


def evaluate_storm_live(storm: Storm, *, at: dt.datetime | None = None) -> list[TriggerEvent]:
    """Evaluate one storm against every active typhoon trigger whose policy period
    covers ``at`` (default: the storm's latest position). Returns the events created
    or changed."""
    at = at or storm.positions.order_by("-time").values_list("time", flat=True).first()
    if at is None:
        return []
    local_day = at.astimezone(CONTRACT_TZ).date()
    triggers = TyphoonTrigger.objects.select_related("policy").filter(
        policy__active=True, policy__period_start__lte=local_day, policy__period_end__gte=local_day)
    changed = []
    for trigger in triggers:
        event = _evaluate_typhoon_trigger(trigger, storm)
        if event is not None:
            changed.append(event)
    return changed


def _positions_in_period(storm: Storm, policy: Policy) -> list[TrackPosition]:
    start, end = period_bounds(policy)
    return list(storm.positions.filter(time__gte=start, time__lt=end).order_by("time"))


def track_inputs(positions: list[TrackPosition]) -> dict:
    return {"time": [p.time.astimezone(dt.UTC).isoformat() for p in positions],
            "lat": [p.lat for p in positions], "lon": [p.lon for p in positions],
            "wind": [p.wind for p in positions]}


def track_from_inputs(track: dict) -> Track:
    times = [dt.datetime.fromisoformat(t).astimezone(dt.UTC).replace(tzinfo=None) for t in track["time"]]
    wind = [np.nan if w is None else w for w in track["wind"]]
    return Track.of(np.array(times, dtype="datetime64[m]"), track["lat"], track["lon"], wind)


def typhoon_spec_inputs(spec: TyphoonSpec) -> dict:
    return {"lon": spec.lon, "lat": spec.lat, "radius_km": spec.radius_km, "min_force": spec.min_force,
            "interpolate": spec.interpolate, "force_rule": spec.force_rule, "distance": spec.distance,
            "payouts": {str(k): v for k, v in sorted(spec.payouts.items())}}


def typhoon_spec_from_inputs(d: dict) -> TyphoonSpec:
    return TyphoonSpec(d["lon"], d["lat"], d["radius_km"], {int(k): v for k, v in d["payouts"].items()},
                       d["min_force"], d["interpolate"], d["force_rule"], d["distance"])


def typhoon_outcome(inputs: dict) -> Outcome | None:
    """Evaluate a stored track against stored terms; None when it does not trigger."""
    spec = typhoon_spec_from_inputs(inputs["trigger"])
    track = track_from_inputs(inputs["track"])
    if len(track.time) == 0:
        return None
    result = evaluate_storm(track, spec)
    if not result.triggered:
        return None
    entry = result.entry
    inside = [{"time": iso_utc(entry.track.time[i]), "lat": round(float(entry.track.lat[i]), 6),
               "lon": round(float(entry.track.lon[i]), 6),
               "wind": None if np.isnan(entry.track.wind[i]) else round(float(entry.track.wind[i]), 3),
               "distance_km": round(float(entry.distance_km[i]), 3), "force": int(entry.force[i])}
              for i in entry.inside]
    payout = money(result.payout)
    evidence = {"positions_inside": inside, "counted_force": result.force, "force_rule": spec.force_rule,
                "interpolated": spec.interpolate, "radius_km": spec.radius_km, "center": [spec.lon, spec.lat]}
    return Outcome(iso_utc(entry.first_time), payout, allocate(payout, inputs["shares"]), evidence,
                   force=result.force, min_distance_km=float(entry.min_distance_km))


def allocate(payout: Decimal, shares: dict[str, str]) -> dict[str, str]:
    """Split a payout by shares to the fen; the rounding remainder goes to the largest
    share (then the smallest code) so that the parts add up to the payout exactly."""
    weights = {code: Decimal(s) for code, s in shares.items() if Decimal(s) > 0}
    if not weights:
        return {}
    total = sum(weights.values())
    parts = {code: (payout * w / total).quantize(FEN, rounding=ROUND_HALF_UP) for code, w in weights.items()}
    largest = min(weights, key=lambda c: (-weights[c], c))
    parts[largest] += payout - sum(parts.values())
    return {code: str(v) for code, v in sorted(parts.items())}


def _typhoon_shares(policy: Policy) -> dict[str, str]:
    shares = {s.county_id: str(s.typhoon_share) for s in policy.premium_shares.all()}
    return shares if any(Decimal(v) > 0 for v in shares.values()) else {policy.region_id: "1"}


def _evaluate_typhoon_trigger(trigger: TyphoonTrigger, storm: Storm) -> TriggerEvent | None:
    policy = trigger.policy
    inputs = {"trigger": typhoon_spec_inputs(typhoon_spec(trigger)),
              "track": track_inputs(_positions_in_period(storm, policy)),
              "shares": _typhoon_shares(policy)}
    outcome = typhoon_outcome(inputs)
    if outcome is None:
        return None
    return record_event(policy=policy, kind=TriggerKind.TYPHOON, trigger_id=trigger.pk, event_key=storm.code,
                        storm=storm, county=None, inputs=inputs, outcome=outcome)
