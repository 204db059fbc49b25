"""Call-up plans: choosing the policy in force and freezing it into a timeline.

A frozen plan is plain JSON stored on the call-up, so editing a policy never changes
a running call-up. Its `timeline` lists, in minutes after a target was added, every
message to send (first try and redials of each channel rung) and the escalation.
`YINGJI_CALLUP_TIME_SCALE` multiplies every wait; the factor is frozen too.
"""

from django.conf import settings
from django.db.models import Q

from ..core import regioncodes
from ..core.errors import DomainError
from .models import CallUpPolicy


def time_scale() -> float:
    raw = settings.YINGJI_CALLUP_TIME_SCALE
    try:
        scale = float(raw)
    except ValueError:
        scale = -1.0
    if not scale > 0:
        raise DomainError("YINGJI_CALLUP_TIME_SCALE 应为正数",
                          f"YINGJI_CALLUP_TIME_SCALE must be positive, not {raw!r}")
    return scale


def policy_for(*, warning_type: str, level: str, region_codes: list[str]) -> CallUpPolicy | None:
    """The most specific active policy: its region nearest the warning's area first,
    then a named type over "any type", then a named level over "any level"."""
    home = regioncodes.prefixes(regioncodes.common_region(region_codes))
    candidates = (CallUpPolicy.objects.filter(active=True)
                  .filter(Q(warning_type="") | Q(warning_type=warning_type))
                  .filter(Q(level="") | Q(level=level))
                  .filter(Q(region__isnull=True) | Q(region_id__in=home)))
    ranked = sorted(candidates, key=lambda p: (len(p.region_id or ""), p.warning_type != "", p.level != "", p.pk))
    return ranked[-1] if ranked else None


def freeze(policy: CallUpPolicy, *, scale: float) -> dict:
    timeline, at = [], 0.0
    for step in policy.steps.order_by("number"):
        at += step.delay_minutes
        for attempt in range(step.redials + 1):
            timeline.append({"kind": "send", "at": at + attempt * step.redial_interval_minutes,
                             "channel": step.channel, "step": step.number, "attempt": attempt})
        at += step.redials * step.redial_interval_minutes  # the next rung counts from the last redial
    if policy.escalate_after_minutes is not None:
        timeline.append({"kind": "escalate", "at": policy.escalate_after_minutes})
    # At equal times the messages go first: escalating before the last call would be unfair.
    timeline.sort(key=lambda e: (e["at"], e["kind"] == "escalate"))
    # A superior told of unreached subordinates gets each channel of the ladder once.
    notice_channels = list(dict.fromkeys(step.channel for step in policy.steps.order_by("number")))
    return {
        "policy_id": policy.pk, "policy_name": policy.name,
        "duty_kinds": sorted(policy.duty_kinds.values_list("code", flat=True)),
        "notify_duty_officer": policy.notify_duty_officer, "time_scale": scale, "timeline": timeline,
        "notice_channels": notice_channels or ["sms"],
    }
