"""Answers: acknowledgement (by link, reply or an officer), feedback, and the replies
the messaging inbox hands over in batches."""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from ...core import audit, regioncodes
from ...core.bulk import update_rows
from ...core.errors import DomainError
from ..choices import (
    AckChannel,
    ActionState,
    TargetState,
)
from ..models import (
    Acknowledgement,
    CallUpTarget,
    Feedback,
)
from .timers import _end_open_actions

ACK_REPLIES = {"1", "１", "收到", "已收到"}


# Answers ----------------------------------------------------------------------------

def acknowledge(*, target: CallUpTarget, channel: str, at: dt.datetime | None = None, by=None) -> CallUpTarget:
    """Record that the person confirmed. Repeating it changes nothing: the first
    answer's time and channel stay."""
    if channel not in AckChannel.values:
        raise DomainError("未知的应答方式", f"Unknown acknowledgement channel {channel!r}",
                          fields={"channel": "未知 / unknown"})
    with transaction.atomic():
        target = CallUpTarget.objects.select_for_update().get(pk=target.pk)
        if target.acknowledged_at is not None:
            return target
        at = at or timezone.now()
        before = {"state": target.state}
        target.state, target.acknowledged_at, target.ack_channel = TargetState.ACKNOWLEDGED, at, channel
        target.save(update_fields=["state", "acknowledged_at", "ack_channel"])
        Acknowledgement.objects.create(target=target, channel=channel, at=at)
        _end_open_actions([target.pk], ActionState.SKIPPED)
        audit.record(actor=by, action="acknowledge", obj=target, region_code=target.region_id, before=before,
                     after={"state": target.state, "channel": channel, "at": at})
    return target


def feedback(*, target: CallUpTarget, text: str = "", people_moved: int = 0, patrols: int = 0,
             counts: dict | None = None, by=None, channel: str = AckChannel.APP,
             at: dt.datetime | None = None) -> Feedback:
    """Closed-loop feedback (闭环反馈). Reporting back implies having received the
    call, so an unacknowledged target is acknowledged first."""
    if not (text or "").strip() and not people_moved and not patrols and not counts:
        raise DomainError("反馈内容不能为空", "Feedback needs a text or counts", fields={"text": "必填 / required"})
    if people_moved < 0 or patrols < 0:
        raise DomainError("人数不能为负", "Counts cannot be negative", fields={"people_moved": "无效 / invalid"})
    at = at or timezone.now()
    with transaction.atomic():
        target = acknowledge(target=target, channel=channel, at=at, by=by)
        row = Feedback.objects.create(target=target, text=(text or "").strip(), people_moved=people_moved,
                                      patrols=patrols, counts=counts or {}, at=at)
        CallUpTarget.objects.filter(pk=target.pk).update(state=TargetState.FEEDBACK)
        audit.record(actor=by, action="feedback", obj=target, region_code=target.region_id,
                     after={"text": row.text, "people_moved": people_moved, "patrols": patrols, "counts": row.counts})
    return row


_CHANNEL_ACK = {"sms": AckChannel.SMS, "voice": AckChannel.VOICE, "dingtalk": AckChannel.DINGTALK,
                "wecom": AckChannel.WECOM}


def on_replies(replies: list) -> None:
    """Messaging reply listener: "1" or "收到" to a call-up message acknowledges it
    (an SMS reply, or a voice call's key press reported the same way). A gateway's
    list of receipts is acknowledged together: the targets locked in id order, written
    by one statement, and ONE audit record listing the targets (a machine-ingested
    batch; an acknowledgement by link or app stays one record)."""
    wanted: dict[int, tuple] = {}
    for message, reply in replies:
        context = message.context or {}
        target_id = context.get("alerts_target")
        if target_id and not context.get("cancel") and reply.strip() in ACK_REPLIES:
            wanted.setdefault(target_id, (message.person_id, _CHANNEL_ACK.get(message.channel, AckChannel.SMS),
                                          message.replied_at or timezone.now(), message.pk))
    if not wanted:
        return
    targets = [t for t in CallUpTarget.objects.select_for_update().filter(pk__in=wanted, acknowledged_at__isnull=True)
               .order_by("pk") if t.person_id == wanted[t.pk][0]]
    if not targets:
        return
    _mark_acknowledged([(t.pk, *wanted[t.pk][1:3]) for t in targets])
    Acknowledgement.objects.bulk_create([Acknowledgement(target_id=t.pk, channel=wanted[t.pk][1], at=wanted[t.pk][2])
                                         for t in targets])
    ids = [t.pk for t in targets]
    _end_open_actions(ids, ActionState.SKIPPED)
    audit.record_batch(actor=None, action="acknowledge_batch", object_type="alerts.calluptarget",
                       ids={"acknowledged": ids}, region_code=regioncodes.common_region([t.region_id for t in targets]),
                       extra={"messages": {str(t.pk): wanted[t.pk][3] for t in targets}})


def _mark_acknowledged(rows: list[tuple[int, str, dt.datetime]]) -> None:
    """(target id, channel, time) each: one statement on PostgreSQL, where every
    reply from the receipts inbox has a time of its own."""
    if connection.vendor == "postgresql":
        update_rows(CallUpTarget, ["state", "ack_channel", "acknowledged_at"],
                    [(pk, TargetState.ACKNOWLEDGED, channel, at) for pk, channel, at in rows])
        return
    for pk, channel, at in rows:
        CallUpTarget.objects.filter(pk=pk).update(state=TargetState.ACKNOWLEDGED, acknowledged_at=at,
                                                  ack_channel=channel)
