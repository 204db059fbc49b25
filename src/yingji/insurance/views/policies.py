"""A policy's page (triggers, map, live state, rainfall, events and claims) and the claim steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.shortcuts import render

from ...core import exports
from .. import selectors, services
from ..choices import ClaimStatus, TriggerKind
from ..exports import POLICIES
from ..mapping import force_legend
from ..models import Claim, TyphoonTrigger
from .live import live_states, map_data
from .rain_charts import rain_charts


def policy_list(request):
    policies = selectors.policy_list(scope=selectors.PolicyScope.for_user(request.user))
    if exports.requested(request):
        return exports.response(request, POLICIES, policies)
    return render(request, "insurance/policy_list.html", {"policies": policies})


def policy_detail(request, id: int):
    policy = selectors.policy_get(scope=selectors.PolicyScope.for_user(request.user), id=id)
    events = list(selectors.event_list(policy=policy).select_related("county"))
    triggers = list(policy.typhoon_triggers.all())
    live = live_states(request.user, triggers)
    return render(request, "insurance/policy_detail.html", {
        "policy": policy,
        "lots": list(policy.lots.all()),
        "shares": list(policy.premium_shares.select_related("county")),
        "typhoon_triggers": [(t, _payout_rows(t)) for t in triggers],
        "rain_triggers": [(t, _stations_by_county(t)) for t in policy.rain_triggers.all()],
        "rain_charts": rain_charts(policy),
        "events": [_event_row(request.user, e) for e in events],
        "live": live,
        "map_data": map_data(triggers, events, live),
        "force_legend": force_legend(),
        "tile_url": settings.YINGJI_TILE_URL,
    })


def policy_live(request, id: int):
    """The live panel alone, for htmx polling."""
    policy = selectors.policy_get(scope=selectors.PolicyScope.for_user(request.user), id=id)
    live = live_states(request.user, list(policy.typhoon_triggers.all()))
    return render(request, "insurance/_live_panel.html", {"policy": policy, "live": live})


def _payout_rows(trigger: TyphoonTrigger) -> list[tuple[int, Decimal]]:
    return sorted((int(k), Decimal(str(v))) for k, v in trigger.payouts.items())


def _stations_by_county(trigger) -> list[tuple[object, list[str]]]:
    grouped: dict[str, tuple[object, list[str]]] = {}
    for s in trigger.stations.select_related("county"):
        grouped.setdefault(s.county_id, (s.county, []))[1].append(s.station_code)
    return [grouped[k] for k in sorted(grouped)]


# Events and claims ---------------------------------------------------------------------

@dataclass
class EventRow:
    event: object
    claim: Claim | None
    steps: list[tuple[str, dt.datetime | None]]
    trigger_to_paid: str  # "" until paid
    notice_to_paid: str
    can_verify: bool
    can_pay: bool
    window: tuple[dt.datetime, dt.datetime] | None = None  # a rain event's window


def _rain_window(event) -> tuple[dt.datetime, dt.datetime] | None:
    try:
        return (dt.datetime.fromisoformat(event.evidence["window_start"]),
                dt.datetime.fromisoformat(event.evidence["window_end"]))
    except (KeyError, TypeError, ValueError):
        return None


def _event_row(user, event) -> EventRow:
    claim = getattr(event, "claim", None)
    window = _rain_window(event) if event.kind == TriggerKind.RAIN else None
    if claim is None:
        return EventRow(event, None, [], "", "", False, False, window)
    steps = [("触发", event.occurred_at), ("已通知", claim.notified_at),
             ("已核定", claim.verified_at), ("已赔付", claim.paid_at)]
    allowed = may_process_claim(user, claim)
    return EventRow(
        event, claim, steps,
        duration_text(claim.paid_at - event.occurred_at) if claim.paid_at else "",
        duration_text(claim.paid_at - claim.notified_at) if claim.paid_at else "",
        allowed and claim.status == ClaimStatus.NOTIFIED,
        allowed and claim.status == ClaimStatus.VERIFIED,
        window,
    )


def duration_text(span: dt.timedelta) -> str:
    """A duration as a person says it: "5 小时 07 分", "3 天 2 小时"."""
    minutes = max(int(span.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} 天 {hours} 小时"
    return f"{hours} 小时 {minutes:02d} 分"


def may_process_claim(user, claim: Claim) -> bool:
    """Whether the services would let this user verify or pay the claim: asked of the
    services' own rule, so the buttons and the POST never disagree."""
    return services.claim_can_process(by=user, claim=claim)
