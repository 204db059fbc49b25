"""Trigger events and their claims: recorded once, revised when an evaluation changes them,
and announced to the insured and the insurers through the messaging outbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ...core import audit
from ...core.services import save_audited
from ...messaging.services import send
from ..choices import ClaimStatus, TriggerKind
from ..models import (
    Claim,
    Policy,
    Storm,
    TriggerEvent,
)


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
