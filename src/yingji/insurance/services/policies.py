"""Policies from YAML (保单): create or update a policy and everything under it, audited."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from ...core import audit
from ...core.choices import OrganizationKind
from ...core.errors import DomainError
from ...core.models import Organization, Region
from ...core.scope import Scope
from ...core.services import organization_create, save_audited
from ..choices import TriggerKind
from ..models import (
    DesignatedStation,
    Policy,
    PolicyLot,
    PremiumShare,
    RainTrigger,
    TriggerEvent,
    TyphoonTrigger,
)
from ..policy_yaml import PolicySpec, RainSpec, TyphoonSpec, premium_shares

# Policy periods are calendar dates in China Standard Time, the contract's clock.
CONTRACT_TZ = ZoneInfo("Asia/Shanghai")
FEN = Decimal("0.01")


def money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(FEN, rounding=ROUND_HALF_UP)



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
        raise DomainError("承保区域不存在", f"Region {spec.region} does not exist",
                          fields={"region": "不存在 / unknown"})
    _check_counties(spec)
    with transaction.atomic():
        policy = Policy.objects.select_for_update().filter(name=spec.name).first()
        created = policy is None
        before = None if created else audit.snapshot(policy)
        policy = policy or Policy(name=spec.name)
        policy.region = region
        policy.insured = (_organization(by, spec.insured, OrganizationKind.GOVERNMENT, region.code)
                          if spec.insured else None)
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



def period_bounds(policy: Policy) -> tuple[dt.datetime, dt.datetime]:
    """The policy's period as [start, end) instants: whole days in China Standard Time."""
    start = dt.datetime.combine(policy.period_start, dt.time(), CONTRACT_TZ)
    end = dt.datetime.combine(policy.period_end + dt.timedelta(days=1), dt.time(), CONTRACT_TZ)
    return start, end
