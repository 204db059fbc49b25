"""Notices of unreached persons (未应答通知): one message per recipient per event.

When persons do not answer in time, their superior must be told, and the unreached
list goes back to the centre's duty officers. Telling a superior once per silent
subordinate (each with its own ladder of calls) gave a township chief with two
silent village chiefs two SMS and two voice calls at once. Instead each escalation
gathers the person into the open notice of its recipient and round (`gather`), and
once every escalation of the round is done, each notice becomes one message per
channel (`send_ready`): "下级 A、B 未应答".

A round is the escalation time (`CallUpAction.due_at`) shared by the targets added
together (a call-up's start, or an area change). It is complete when no escalation
of that call-up and time is pending: on PostgreSQL a timer claimed by another worker
stays pending until that worker commits, so the notice waits for its persons.
"""

import datetime as dt

from django.db import connection, transaction
from django.db.models import Prefetch

from ...core import audit, regioncodes
from ...core.models import Person
from ...core.selectors import on_duty
from ...messaging import services as messaging
from ..choices import ActionKind, ActionState, CallUpStatus, NoticeKind, NoticeState
from ..models import CallUp, CallUpAction, CallUpNotice, CallUpTarget
from .links import _prefix

NAMES_IN_NOTICE = 10  # an SMS names this many, then "等 N 人"


def gather(target: CallUpTarget, *, recipient: Person, kind: str, round_at: dt.datetime,
           now: dt.datetime) -> CallUpNotice:
    """Add an unreached target to its recipient's open notice of this round."""
    notice = CallUpNotice.objects.filter(callup_id=target.callup_id, person=recipient, kind=kind,
                                         round_at=round_at).first()
    if notice is not None and notice.state != NoticeState.OPEN:
        # The round's notice already went (a straggler): the person opens a round of its own.
        round_at = max(now, round_at + dt.timedelta(microseconds=1))
        notice = None
    if notice is None:
        notice, _ = CallUpNotice.objects.get_or_create(
            callup_id=target.callup_id, person=recipient, kind=kind, round_at=round_at,
            defaults={"region_id": recipient.region_id, "created_at": now})
    notice.about.add(target)
    return notice


def duty_officers(target: CallUpTarget, *, at: dt.datetime) -> list[Person]:
    """The duty officers of the nearest region above the person that has any: whoever is
    on that desk's roster now, or its standing duty officers where no roster covers now."""
    for code in reversed(regioncodes.prefixes(target.region_id)):
        officers = on_duty(region_code=code, at=at)
        if officers:
            return officers
    return []


def cancel_open(callup: CallUp) -> None:
    CallUpNotice.objects.filter(callup=callup, state=NoticeState.OPEN).update(state=NoticeState.CANCELLED)


def send_ready(*, now: dt.datetime) -> int:
    """Send every open notice whose round is complete: one message per notice and
    channel, under a key per notice and channel. Returns how many notices went."""
    rounds = set(CallUpNotice.objects.filter(state=NoticeState.OPEN, round_at__lte=now)
                 .values_list("callup_id", "round_at"))
    sent = 0
    for callup_id, round_at in sorted(rounds):
        if CallUpAction.objects.filter(target__callup_id=callup_id, kind=ActionKind.ESCALATE,
                                       state=ActionState.PENDING, due_at=round_at).exists():
            continue  # persons of this round are still being escalated
        with transaction.atomic():
            sent += _send_round(callup_id, round_at, now=now)
    return sent


def _send_round(callup_id: int, round_at: dt.datetime, *, now: dt.datetime) -> int:
    callup = CallUp.objects.select_related("warning").get(pk=callup_id)
    qs = CallUpNotice.objects.filter(callup_id=callup_id, round_at=round_at, state=NoticeState.OPEN)
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    about = CallUpTarget.objects.select_related("person", "region").order_by("region_id", "person__name", "pk")
    notices = list(qs.select_related("person").prefetch_related(Prefetch("about", queryset=about)))
    if not notices:
        return 0
    ids = [n.pk for n in notices]
    if callup.status != CallUpStatus.RUNNING:
        CallUpNotice.objects.filter(pk__in=ids).update(state=NoticeState.CANCELLED)
        return 0
    messaging.send_many([item for notice in notices for item in _messages(callup, notice)])
    CallUpNotice.objects.filter(pk__in=ids, state=NoticeState.OPEN).update(state=NoticeState.SENT, sent_at=now)
    audit.record_batch(actor=None, action="notice_batch", object_type="alerts.callupnotice", ids={"sent": ids},
                       region_code=regioncodes.common_region(n.region_id for n in notices))
    return len(notices)


def notice_channels(plan: dict) -> list[str]:
    """The channels of the plan's ladder, each once, in ladder order: a superior gets
    one SMS and, when the ladder calls, one voice call."""
    if plan.get("notice_channels"):
        return list(plan["notice_channels"])
    seen: list[str] = []
    for entry in plan.get("timeline", []):
        if entry.get("kind") == "send" and entry["channel"] not in seen:
            seen.append(entry["channel"])
    return seen or ["sms"]


def _messages(callup: CallUp, notice: CallUpNotice) -> list[messaging.Outgoing]:
    persons = list(notice.about.all())
    if notice.kind == NoticeKind.SUPERIOR:
        channels, text = notice_channels(callup.plan), superior_text(callup.warning, persons)
    else:
        channels, text = ["sms"], officer_text(callup.warning, persons)
    return [messaging.Outgoing(
        channel=channel, to=notice.person.mobile, text=text, person_id=notice.person_id,
        region_code=notice.region_id, idempotency_key=f"alerts:notice:{notice.pk}:{channel}",
        subject=callup.warning.headline,
        context={"alerts_callup": callup.pk, "alerts_notice": notice.pk, "drill": callup.drill})
        for channel in channels]


def _names(targets: list[CallUpTarget]) -> str:
    names = "、".join(t.person.name for t in targets[:NAMES_IN_NOTICE])
    return names if len(targets) <= NAMES_IN_NOTICE else f"{names} 等 {len(targets)} 人"


def _contacts(targets: list[CallUpTarget]) -> str:
    return "；".join(f"{t.person.name} {t.person.mobile or '无号码'}（{t.region.full_name}）"
                    for t in targets[:NAMES_IN_NOTICE])


def superior_text(warning, targets: list[CallUpTarget]) -> str:
    """'【暴雨红色预警】标题。下级 A、B 未应答，请立即联系或上门督促：A 138…（某村）；B …'"""
    return (f"{_prefix(warning)}{warning.headline}。下级 {_names(targets)} 未应答，"
            f"请立即联系或上门督促：{_contacts(targets)}")


def officer_text(warning, targets: list[CallUpTarget]) -> str:
    return f"{_prefix(warning)}未叫应 {len(targets)} 人：{_names(targets)} 在规定时间内未应答。{_contacts(targets)}"
