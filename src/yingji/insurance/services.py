"""Every write of the insurance app: policies from YAML, storms and positions, trigger
evaluation into events and claims, and the claim workflow. Each write is audited.

Evaluation is incremental: a new position re-evaluates only the storm that moved,
against the active policies whose period covers the position; new rain observations
re-evaluate only the counties whose designated stations reported. The evaluation
itself is the pure code of :mod:`.backtest` and :mod:`.rain` (the same as the
offline commands), and each event keeps its inputs so that :func:`event_replay`
recomputes it.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from django.db import transaction
from django.utils import timezone

from ..core import audit
from ..core.choices import OrganizationKind, Role
from ..core.errors import DomainError, Forbidden, NotFound
from ..core.models import Organization, Region
from ..core.scope import SYSTEM, Scope
from ..core.services import organization_create, save_audited
from ..hydromet import handoff
from ..hydromet.choices import Quantity
from ..hydromet.selectors import rain_series
from ..kernels.typhoon import Track
from ..messaging.services import send
from .backtest import evaluate_storm, iso_utc, storm_codes
from .choices import ClaimStatus, TrackSource, TriggerKind
from .models import (
    Claim,
    DesignatedStation,
    Policy,
    PolicyLot,
    PremiumShare,
    RainTrigger,
    Storm,
    TrackPosition,
    TriggerEvent,
    TyphoonTrigger,
)
from .policy_yaml import PolicySpec, RainSpec, TyphoonSpec, premium_shares
from .rain import RainTrigger as RainResult
from .rain import Series, aware, county_triggers, utc64

log = logging.getLogger(__name__)

# Policy periods are calendar dates in China Standard Time, the contract's clock.
CONTRACT_TZ = ZoneInfo("Asia/Shanghai")
FEN = Decimal("0.01")


def money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(FEN, rounding=ROUND_HALF_UP)


# Policies from YAML ---------------------------------------------------------------

def policy_load(*, by, spec: PolicySpec) -> tuple[Policy, bool]:
    """Create or update (by name) a policy and everything under it from a parsed file."""
    scope = Scope.for_user(by)
    scope.require_officer()
    if not spec.region:
        raise DomainError("保单文件缺少承保区域 region", "The policy file needs a region",
                          fields={"region": "必填 / required"})
    scope.require_region(spec.region)
    region = Region.objects.filter(pk=spec.region).first()
    if region is None:
        raise DomainError("承保区域不存在", f"Region {spec.region} does not exist", fields={"region": "不存在 / unknown"})
    _check_counties(spec)
    with transaction.atomic():
        policy = Policy.objects.select_for_update().filter(name=spec.name).first()
        created = policy is None
        before = None if created else audit.snapshot(policy)
        policy = policy or Policy(name=spec.name)
        policy.region = region
        policy.insured = _organization(by, spec.insured, OrganizationKind.GOVERNMENT, region.code) if spec.insured else None
        policy.period_start, policy.period_end = spec.start, spec.end
        policy.premium_typhoon, policy.premium_rain = money(spec.premium_typhoon), money(spec.premium_rain)
        policy.allocation_weights = dict(spec.allocation.weights) if spec.allocation else {}
        policy.contacts = [{"channel": c.channel, "to": c.to} for c in spec.contacts]
        policy.source_yaml = spec.source
        save_audited(policy, by=by, action="create" if created else "update", before=before, region_code=region.code)
        _load_lots(by, policy, spec)
        _load_typhoon(by, policy, spec.typhoon)
        _load_rain(by, policy, spec.rain)
        _load_shares(by, policy, spec)
    return policy, created


def _check_counties(spec: PolicySpec) -> None:
    codes = set(spec.rain.stations) if spec.rain else set()
    codes |= set(spec.allocation.counties) if spec.allocation else set()
    known = set(Region.objects.filter(pk__in=codes).values_list("pk", flat=True))
    bad = {c for c in codes if c not in known or not c.startswith(spec.region)}
    if bad:
        raise DomainError("县级区划不存在或不在承保区域内", "Counties unknown or outside the policy's region",
                          fields={c: "不在承保区域内 / outside the region" for c in sorted(bad)})


def _organization(by, name: str, kind: str, region_code: str) -> Organization:
    found = Organization.objects.filter(name=name, kind=kind).order_by("pk").first()
    return found or organization_create(by=by, name=name, kind=kind, region_id=region_code)


def _save(by, obj, policy: Policy, before: dict | None) -> None:
    save_audited(obj, by=by, action="create" if before is None else "update", before=before,
                 region_code=policy.region_id)


def _delete(by, obj, policy: Policy) -> None:
    audit.record(actor=by, action="delete", obj=obj, region_code=policy.region_id, before=audit.snapshot(obj))
    obj.delete()


def _load_lots(by, policy: Policy, spec: PolicySpec) -> None:
    existing = {lot.name: lot for lot in policy.lots.all()}
    for lot_spec in spec.lots:
        lot = existing.pop(lot_spec.name, None)
        before = audit.snapshot(lot) if lot else None
        lot = lot or PolicyLot(policy=policy, name=lot_spec.name)
        lot.insurer = _organization(by, lot_spec.insurer, OrganizationKind.INSURER, policy.region_id)
        lot.share = Decimal(str(lot_spec.share)).quantize(Decimal("0.000001"))
        lot.contacts = [{"channel": c.channel, "to": c.to} for c in lot_spec.contacts]
        _save(by, lot, policy, before)
    for lot in existing.values():
        _delete(by, lot, policy)


def _load_typhoon(by, policy: Policy, spec: TyphoonSpec | None) -> None:
    trigger = policy.typhoon_triggers.order_by("pk").first()
    if spec is None:
        if trigger is not None and not trigger_has_events(trigger, TriggerKind.TYPHOON):
            _delete(by, trigger, policy)
        return
    before = audit.snapshot(trigger) if trigger else None
    trigger = trigger or TyphoonTrigger(policy=policy)
    trigger.center_lon, trigger.center_lat, trigger.radius_km = spec.lon, spec.lat, spec.radius_km
    trigger.min_force, trigger.interpolate = spec.min_force, spec.interpolate
    trigger.force_rule, trigger.distance_method = spec.force_rule, spec.distance
    trigger.payouts = {str(k): v for k, v in sorted(spec.payouts.items())}
    _save(by, trigger, policy, before)


def _load_rain(by, policy: Policy, spec: RainSpec | None) -> None:
    trigger = policy.rain_triggers.order_by("pk").first()
    if spec is None:
        if trigger is not None and not trigger_has_events(trigger, TriggerKind.RAIN):
            _delete(by, trigger, policy)
        return
    before = audit.snapshot(trigger) if trigger else None
    trigger = trigger or RainTrigger(policy=policy)
    trigger.window_hours, trigger.threshold_mm = spec.window_hours, spec.threshold_mm
    trigger.payout_per_county = money(spec.payout_per_county) if spec.payout_per_county is not None else None
    trigger.payout_table = ({f"{k:g}": v for k, v in sorted(spec.payout_table.items())}
                            if spec.payout_table is not None else None)
    _save(by, trigger, policy, before)
    wanted = {(county, code) for county, codes in spec.stations.items() for code in codes}
    for station in trigger.stations.all():
        if (station.county_id, station.station_code) in wanted:
            wanted.discard((station.county_id, station.station_code))
        else:
            _delete(by, station, policy)
    for county, code in sorted(wanted):
        _save(by, DesignatedStation(trigger=trigger, county_id=county, station_code=code), policy, None)


def _load_shares(by, policy: Policy, spec: PolicySpec) -> None:
    """Typhoon shares from the indicators; rain shares equal among the rain counties
    (or among the allocation's counties when the policy has no rain trigger)."""
    counties = dict(spec.allocation.counties) if spec.allocation else {}
    typhoon = premium_shares(spec.allocation) if spec.allocation else {}
    rain_counties = sorted(spec.rain.stations) if spec.rain else sorted(counties)
    for code in rain_counties:
        counties.setdefault(code, {})
    existing = {s.county_id: s for s in policy.premium_shares.all()}
    for code, indicators in sorted(counties.items()):
        share = existing.pop(code, None)
        before = audit.snapshot(share) if share else None
        share = share or PremiumShare(policy=policy, county_id=code)
        for name in ("gdp", "typhoon_history", "location", "area", "population"):
            setattr(share, name, indicators.get(name, 0.0))
        share.typhoon_share = _share(typhoon.get(code, 0.0))
        share.rain_share = _share(1 / len(rain_counties) if code in rain_counties else 0.0)
        _save(by, share, policy, before)
    for share in existing.values():
        _delete(by, share, policy)


def _share(value: float) -> Decimal:
    # quantized like the column, so that reloading an unchanged file audits nothing
    return Decimal(str(value)).quantize(Decimal("0.00000001"), rounding=ROUND_HALF_UP)


def trigger_has_events(trigger, kind: str) -> bool:
    return TriggerEvent.objects.filter(kind=kind, trigger_id=trigger.pk).exists()


def typhoon_spec(trigger: TyphoonTrigger) -> TyphoonSpec:
    return TyphoonSpec(trigger.center_lon, trigger.center_lat, trigger.radius_km,
                       {int(k): float(v) for k, v in trigger.payouts.items()}, trigger.min_force,
                       trigger.interpolate, trigger.force_rule, trigger.distance_method)


def rain_spec(trigger: RainTrigger) -> RainSpec:
    stations: dict[str, list[str]] = {}
    for s in trigger.stations.all():
        stations.setdefault(s.county_id, []).append(s.station_code)
    table = {float(k): float(v) for k, v in trigger.payout_table.items()} if trigger.payout_table else None
    fixed = float(trigger.payout_per_county) if trigger.payout_per_county is not None else None
    return RainSpec({k: tuple(v) for k, v in stations.items()}, trigger.window_hours, trigger.threshold_mm,
                    fixed, table)


# Storms and positions ----------------------------------------------------------------

def storm_create(*, by, code: str, name: str = "", year: int | None = None) -> Storm:
    """Start following a storm live (officers)."""
    Scope.for_user(by).require_officer()
    if Storm.objects.filter(code=code).exists():
        raise DomainError("台风编号已存在", "A storm with this code exists", fields={"code": "重复 / duplicate"},
                          code="duplicate")
    storm = Storm(code=code, name=name, year=year or timezone.now().year, source=TrackSource.LIVE)
    with transaction.atomic():
        return save_audited(storm, by=by, action="create", before=None)


def position_add(*, by, storm: Storm, time: dt.datetime, lat: float, lon: float, wind: float | None,
                 pressure: float | None = None) -> tuple[TrackPosition, list[TriggerEvent]]:
    """Record a live position, then re-evaluate this storm against the active policies."""
    Scope.for_user(by).require_officer()
    if time.tzinfo is None:
        raise DomainError("时间需带时区", "The time needs a UTC offset", fields={"time": "缺少时区 / no offset"})
    if TrackPosition.objects.filter(storm=storm, time=time).exists():
        raise DomainError("该时间已有路径点", "There is already a position at this time",
                          fields={"time": "重复 / duplicate"}, code="duplicate")
    position = TrackPosition(storm=storm, time=time, lat=lat, lon=lon % 360, wind=wind, pressure=pressure)
    with transaction.atomic():
        save_audited(position, by=by, action="create", before=None)
        events = evaluate_storm_live(storm, at=time)
    return position, events


def import_tracks(*, by, paths: list[Path]) -> dict:
    """Import CMA best-track files; a storm is matched by its code, so a second run
    changes nothing. One audit record per storm created or changed (not per fix).
    Storms with new positions are evaluated against the active policies."""
    from ..kernels.besttrack import parse_paths

    Scope.for_user(by).require_officer()
    parsed = parse_paths(paths)
    report = {"created": 0, "updated": 0, "unchanged": 0, "positions": 0, "issues": [str(i) for i in parsed.issues]}
    for code, storm in storm_codes(parsed.storms):
        with transaction.atomic():
            outcome, added = _import_storm(by, storm, code)
        report[outcome] += 1
        report["positions"] += added
    return report


def _import_storm(by, parsed, code: str) -> tuple[str, int]:
    storm = Storm.objects.filter(code=code).first()
    before = audit.snapshot(storm) if storm else None
    storm = storm or Storm(code=code)
    storm.name, storm.year, storm.source = parsed.name, parsed.year, TrackSource.CMA
    storm.cn_id = "" if parsed.cn_id == "0000" else parsed.cn_id
    storm.intl_id = "" if parsed.intl_id == "0000" else parsed.intl_id
    if before is None or audit.snapshot(storm) != before:
        storm.full_clean()
        storm.save()
    stored = set(storm.positions.values_list("time", flat=True))
    new = [TrackPosition(storm=storm, time=t, lat=lat, lon=lon, wind=_nan_none(w), pressure=_nan_none(p), grade=int(g))
           for t, lat, lon, w, p, g in zip(_aware(parsed.time), parsed.lat.tolist(), parsed.lon.tolist(),
                                           parsed.wind.tolist(), parsed.pressure.tolist(), parsed.grade.tolist())
           if t not in stored]
    TrackPosition.objects.bulk_create(new)
    after = audit.snapshot(storm)
    if before == after and not new:
        return "unchanged", 0
    after["positions_added"] = len(new)
    audit.record(actor=by, action="import" if before is None else "update", obj=storm, before=before, after=after)
    if new:  # a storm of an active policy's period (a late best track) is evaluated like a live one
        evaluate_storm_live(storm)
    return ("created" if before is None else "updated"), len(new)


def _aware(times: np.ndarray) -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(str(t.astype("datetime64[s]"))).replace(tzinfo=dt.UTC) for t in times]


def _nan_none(v: float) -> float | None:
    return None if v is None or math.isnan(v) else float(v)


# Typhoon evaluation ------------------------------------------------------------------

def period_bounds(policy: Policy) -> tuple[dt.datetime, dt.datetime]:
    """The policy's period as [start, end) instants: whole days in China Standard Time."""
    start = dt.datetime.combine(policy.period_start, dt.time(), CONTRACT_TZ)
    end = dt.datetime.combine(policy.period_end + dt.timedelta(days=1), dt.time(), CONTRACT_TZ)
    return start, end


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


@dataclass(frozen=True)
class Outcome:
    """What an evaluation found: the fields an event stores, replayable."""

    occurred_at: str
    payout: Decimal
    allocation: dict
    evidence: dict
    force: int | None = None
    min_distance_km: float | None = None
    station_code: str = ""
    total_mm: float | None = None

    def comparable(self) -> dict:
        return {"occurred_at": self.occurred_at, "payout": str(self.payout), "force": self.force,
                "min_distance_km": None if self.min_distance_km is None else round(self.min_distance_km, 6),
                "station_code": self.station_code,
                "total_mm": None if self.total_mm is None else round(self.total_mm, 6),
                "allocation": self.allocation}


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


# Rain evaluation ---------------------------------------------------------------------

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


def _evaluate_rain_county(trigger: RainTrigger, county: str, start: dt.datetime, end: dt.datetime) -> list[TriggerEvent]:
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
        series = rain_series(list(spec.stations.get(county, ())), lo - window, hi, scope=SYSTEM)
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
    return handoff.consume(consumer=CONSUMER, handle=rain_of_batch, limit=limit)


def rain_of_batch(observations: list[handoff.NewObservation]) -> list[TriggerEvent]:
    """Re-evaluate the counties whose designated stations got rain in the batch."""
    rain = [o for o in observations if o.quantity == Quantity.RAIN]
    if not rain:
        return []
    times = [o.time for o in rain]
    return evaluate_rain_stations({o.station for o in rain}, start=min(times), end=max(times))


# Events, claims, notifications --------------------------------------------------------

def record_event(*, policy: Policy, kind: str, trigger_id: int, event_key: str, storm: Storm | None,
                 inputs: dict, outcome: Outcome, county=None, county_id: str | None = None) -> TriggerEvent | None:
    """Create the event (and its claim) or update it when the evaluation changed it.
    Returns the event when created or changed, None when nothing changed."""
    with transaction.atomic():
        event = (TriggerEvent.objects.select_for_update()
                 .filter(policy=policy, kind=kind, trigger_id=trigger_id, event_key=event_key).first())
        created = event is None
        if not created and _stored_outcome(event).comparable() == outcome.comparable() and event.inputs == inputs:
            return None
        before = None if created else audit.snapshot(event)
        old_payout = None if created else event.payout
        event = event or TriggerEvent(policy=policy, kind=kind, trigger_id=trigger_id, event_key=event_key,
                                      storm=storm, county_id=county_id or (county.pk if county else None))
        event.occurred_at = dt.datetime.fromisoformat(outcome.occurred_at)
        event.force, event.min_distance_km = outcome.force, outcome.min_distance_km
        event.station_code, event.total_mm = outcome.station_code, outcome.total_mm
        event.payout, event.allocation = outcome.payout, outcome.allocation
        event.evidence, event.inputs = outcome.evidence, inputs
        save_audited(event, by=None, action="trigger" if created else "reevaluate", before=before,
                     region_code=policy.region_id)
        if created:
            claim = Claim(event=event, amount=event.payout, notified_at=timezone.now())
            save_audited(claim, by=None, action="create", before=None, region_code=policy.region_id)
        else:
            _claim_follows(event)
        if created or old_payout != event.payout:
            _notify(event, revision=None if created else str(event.payout))
    return event


def _claim_follows(event: TriggerEvent) -> None:
    claim = Claim.objects.select_for_update().filter(event=event).first()
    if claim is not None and claim.status != ClaimStatus.PAID and claim.amount != event.payout:
        before = audit.snapshot(claim)
        claim.amount = event.payout
        save_audited(claim, by=None, action="update", before=before, region_code=event.policy.region_id)


def _stored_outcome(event: TriggerEvent) -> Outcome:
    return Outcome(event.occurred_at.astimezone(dt.UTC).isoformat(), event.payout, event.allocation, event.evidence,
                   force=event.force, min_distance_km=event.min_distance_km, station_code=event.station_code,
                   total_mm=event.total_mm)


def _recipients(policy: Policy) -> list[tuple[str, str, str]]:
    """(role, channel, to): the insured's contacts and every lot's insurer contacts."""
    out = [("insured", c["channel"], c["to"]) for c in policy.contacts]
    for lot in policy.lots.all():
        out += [(f"insurer:{lot.name}", c["channel"], c["to"]) for c in lot.contacts]
    return out


def _notice(event: TriggerEvent) -> tuple[str, str]:
    policy = event.policy
    if event.kind == TriggerKind.TYPHOON:
        what = (f"台风 {event.storm} 进入巨灾框，风力 {event.force} 级，最近 {event.min_distance_km:.1f} km / "
                f"typhoon {event.storm} entered the circle at force {event.force}")
    else:
        what = (f"{event.county_id} 站 {event.station_code} 累计雨量 {event.total_mm:.1f} mm / "
                f"station {event.station_code} reached {event.total_mm:.1f} mm")
    subject = f"巨灾保险触发 / Catastrophe insurance triggered: {policy.name}"
    text = f"{subject}\n{what}\n赔付 / payout: RMB {event.payout:,}\n事件 / event: {event.pk}"
    return subject, text


def _notify(event: TriggerEvent, *, revision: str | None) -> None:
    """Tell the insured and the insurers through the messaging outbox. The idempotency
    key comes from the event id (and the revised payout): re-evaluation never sends twice."""
    subject, text = _notice(event)
    for role, channel, to in _recipients(event.policy):
        key = f"insurance:event:{event.pk}:{channel}:{to}" + (f":payout:{revision}" if revision else "")
        send(channel=channel, to=to, text=text, subject=subject, idempotency_key=key[:200],
             region_code=event.policy.region_id, context={"event": event.pk, "recipient": role})


def _claim_actor(by, claim: Claim) -> None:
    """Staff of an insurer that holds a lot of the policy (not read-only viewers), or
    government officers whose region covers the policy's region. Insurer staff are
    judged as insurers only, whatever region they sit in."""
    scope = Scope.for_user(by)
    policy = claim.event.policy
    person = getattr(by, "person", None)
    org = person.organization if person is not None and person.active and person.organization_id else None
    if org is not None and org.kind == OrganizationKind.INSURER:
        if person.role != Role.VIEWER and policy.lots.filter(insurer=org).exists():
            return
    elif scope.role in (Role.ADMIN, Role.OFFICER) and scope.covers_region(policy.region_id):
        return
    raise Forbidden("只有承保区域的工作人员或承保机构可以办理理赔",
                    "Only officers of the insured region or the policy's insurers may process claims")


def claim_can_process(*, by, claim: Claim) -> bool:
    """Whether `by` may verify or pay this claim (the rule of `_claim_actor`)."""
    try:
        _claim_actor(by, claim)
    except Forbidden:
        return False
    return True


def claim_verify(*, by, claim: Claim) -> Claim:
    _claim_actor(by, claim)
    if claim.status != ClaimStatus.NOTIFIED:
        raise DomainError("只有已通知的理赔可以核定", "Only a notified claim can be verified",
                          fields={"status": claim.status}, code="conflict")
    return _claim_step(by, claim, ClaimStatus.VERIFIED, "verify")


def claim_pay(*, by, claim: Claim) -> Claim:
    _claim_actor(by, claim)
    if claim.status != ClaimStatus.VERIFIED:
        raise DomainError("只有已核定的理赔可以登记赔付", "Only a verified claim can be paid",
                          fields={"status": claim.status}, code="conflict")
    return _claim_step(by, claim, ClaimStatus.PAID, "pay")


def _claim_step(by, claim: Claim, status: str, action: str) -> Claim:
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        before = audit.snapshot(claim)
        claim.status = status
        now = timezone.now()
        if status == ClaimStatus.VERIFIED:
            claim.verified_at, claim.verified_by = now, by
        else:
            claim.paid_at, claim.paid_by = now, by
        return save_audited(claim, by=by, action=action, before=before, region_code=claim.event.policy.region_id)


# Replay ------------------------------------------------------------------------------

@dataclass
class Replay:
    event_id: int
    stored: dict
    replayed: dict | None
    differences: dict = field(default_factory=dict)

    @property
    def agrees(self) -> bool:
        return self.replayed is not None and not self.differences

    def as_json(self) -> dict:
        return {"event": self.event_id, "stored": self.stored, "replayed": self.replayed, "agrees": self.agrees}


def event_replay(*, event_id: int) -> Replay:
    """Recompute an event from its stored inputs and compare with what was stored."""
    event = TriggerEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise NotFound()
    outcome = typhoon_outcome(event.inputs) if event.kind == TriggerKind.TYPHOON else rain_outcome(event.inputs)
    stored = _stored_outcome(event).comparable()
    if outcome is None:
        return Replay(event.pk, stored, None, {"triggered": (True, False)})
    replayed = outcome.comparable()
    diffs = {k: (stored[k], replayed[k]) for k in stored if stored[k] != replayed[k]}
    if event.evidence != outcome.evidence:
        diffs["evidence"] = ("stored", "differs")
    return Replay(event.pk, stored, replayed, diffs)
