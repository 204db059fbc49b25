"""Timers: the due `CallUpAction` rows, claimed in batches in the transaction that does
their work (one bulk of messages; escalations one by one), then the notices of the
rounds of escalations that are complete (notices.py)."""

import datetime as dt
from collections import Counter

from django.db import connection, transaction
from django.utils import timezone

from ...core import audit
from ...core.bulk import json_rows, rows_table
from ...core.queues import head_in_index_order
from ...messaging import services as messaging
from ..choices import (
    ANSWERED,
    ActionKind,
    ActionState,
    CallUpStatus,
    NoticeKind,
    TargetState,
)
from ..models import (
    CallUp,
    CallUpAction,
    CallUpTarget,
)
from . import notices
from .links import message_text, public_url


def _action(plan: dict, target: CallUpTarget, index: int) -> CallUpAction:
    entry = plan["timeline"][index]
    due = target.created_at + dt.timedelta(minutes=entry["at"] * plan["time_scale"])
    return CallUpAction(target=target, index=index, kind=entry["kind"], channel=entry.get("channel", ""), due_at=due)


def _end_open_actions(target_ids: list[int], state: str) -> None:
    """Close the targets' pending timers with `state`. Found by target, locked, and
    filtered here rather than by `state = 'pending'` in SQL: that predicate lets the
    planner pick the timer-queue index, which after a fan-out holds a dead entry for
    every timer until vacuum runs, and reading them took 3-6 ms per acknowledgement."""
    found = CallUpAction.objects.select_for_update().filter(target_id__in=target_ids).values_list("pk", "state")
    pending = [pk for pk, state_now in found if state_now == ActionState.PENDING]
    if pending:
        CallUpAction.objects.filter(pk__in=pending).update(state=state)


# Timers -----------------------------------------------------------------------------
#
# Timers are claimed in batches of ACTION_BATCH. PostgreSQL: the due actions with
# `FOR UPDATE SKIP LOCKED`, then their targets likewise (a target being acknowledged
# right now is skipped, and its action is left for the next round), so a worker
# never waits for a row lock and an acknowledgement (target, then actions) cannot
# deadlock with us. SQLite (the demo) has no row locks: each action is claimed by
# its own conditional UPDATE. Either way the claim commits with the work.

ACTION_BATCH = 500


def process_due_actions(now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Run up to `limit` due timers, batch by batch (the scheduler tick). Safe in many
    processes at once."""
    done: Counter = Counter()
    remaining = limit
    while remaining > 0:
        at = now or timezone.now()
        with transaction.atomic():
            claimed = _claim_actions(at, min(ACTION_BATCH, remaining))
            done.update(_run_actions(claimed, now=at))
        if not claimed:
            break
        remaining -= len(claimed)
    sent = notices.send_ready(now=now or timezone.now())
    if sent:
        done["notice"] += sent
    return dict(done)


def process_action(action_id: int, *, now: dt.datetime) -> str | None:
    """Claim one due timer and do it; the claim and the work commit together."""
    with transaction.atomic():
        claimed = _claim_each([action_id], now)
        outcomes = _run_actions(claimed, now=now)
    notices.send_ready(now=now)
    return outcomes[0] if outcomes else None


def _claim_actions(now: dt.datetime, limit: int) -> list[tuple[CallUpAction, CallUpTarget]]:
    due = CallUpAction.objects.filter(state=ActionState.PENDING, due_at__lte=now).order_by("due_at", "id")
    if not connection.features.has_select_for_update_skip_locked:
        return _claim_each(list(due.values_list("pk", flat=True)[:limit]), now)
    with head_in_index_order():
        actions = list(due.select_for_update(skip_locked=True)[:limit])
    targets = _targets({a.target_id for a in actions}, lock=True)
    # Locked, not yet marked: `_close_actions` writes each one's outcome once.
    return [(a, targets[a.target_id]) for a in actions if a.target_id in targets]


def _claim_each(ids: list[int], now: dt.datetime) -> list[tuple[CallUpAction, CallUpTarget]]:
    won = [pk for pk in ids if CallUpAction.objects.filter(pk=pk, state=ActionState.PENDING, due_at__lte=now)
           .update(state=ActionState.DONE, done_at=now) == 1]
    actions = list(CallUpAction.objects.filter(pk__in=won).order_by("due_at", "id"))
    targets = _targets({a.target_id for a in actions}, lock=False)
    return [(a, targets[a.target_id]) for a in actions]


def _targets(ids: set[int], *, lock: bool) -> dict[int, CallUpTarget]:
    qs = CallUpTarget.objects.select_related("person").filter(pk__in=ids)
    if lock:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    targets = {t.pk: t for t in qs}
    # Few call-ups per batch: read each once rather than joined onto every target.
    callups = CallUp.objects.select_related("warning").in_bulk({t.callup_id for t in targets.values()})
    for target in targets.values():
        target.callup = callups[target.callup_id]
    return targets


def _run_actions(claimed: list[tuple[CallUpAction, CallUpTarget]], *, now: dt.datetime) -> list[str]:
    """Do claimed timers: skip those of answered, cancelled or stopped targets, send
    the messages in one batch, escalate one by one; then schedule each target's next."""
    skipped, sends, escalations = [], [], []
    for action, target in claimed:
        if target.callup.status != CallUpStatus.RUNNING or target.state in (*ANSWERED, TargetState.CANCELLED):
            skipped.append(action.pk)
        elif action.kind == ActionKind.SEND:
            sends.append((action, target))
        else:
            escalations.append((action, target))
    message_ids = _send_batch(sends, now=now) if sends else []
    for action, target in escalations:
        _escalate(action, target, now=now)
    _schedule_next([(target, action.index + 1) for action, target in sends + escalations])
    _close_actions([(pk, ActionState.SKIPPED, None) for pk in skipped]
                   + [(a.pk, ActionState.DONE, m) for (a, _), m in zip(sends, message_ids, strict=True)]
                   + [(a.pk, ActionState.DONE, None) for a, _ in escalations], now=now)
    return ["skipped"] * len(skipped) + [action.kind for action, _ in sends + escalations]


def _close_actions(rows: list[tuple[int, str, int | None]], *, now: dt.datetime) -> None:
    """Write each action's outcome and the message it made: one statement on
    PostgreSQL (where the claim only locked the rows)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        for pk, state, message_id in rows:
            fields = {"message_id": message_id} if message_id is not None else {}
            CallUpAction.objects.filter(pk=pk).update(state=state, done_at=now, **fields)
        return
    table = CallUpAction._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} AS a SET state = v.state, done_at = %s, "
                       "message_id = COALESCE(v.message_id, a.message_id) "
                       f"FROM {rows_table(CallUpAction, ['id', 'state', 'message_id'])} AS v WHERE a.id = v.id",
                       [now, json_rows(rows)])


def _schedule_next(steps: list[tuple[CallUpTarget, int]]) -> None:
    CallUpAction.objects.bulk_create([_action(target.callup.plan, target, index) for target, index in steps
                                      if index < len(target.callup.plan["timeline"])])


def _send_batch(sends: list[tuple[CallUpAction, CallUpTarget]], *, now: dt.datetime) -> list[int]:
    """One message per claimed step, through the outbox in one batch; their ids. The
    key per target and step makes a repeated step return the message it already made."""
    base_url = public_url()  # read once: a lookup per message showed in profiles
    message_ids = messaging.send_many([
        messaging.Outgoing(
            channel=action.channel, to=target.person.mobile, person_id=target.person_id,
            region_code=target.region_id, idempotency_key=f"alerts:target:{target.pk}:step:{action.index}",
            subject=target.callup.warning.headline,
            text=message_text(target, attempt=target.callup.plan["timeline"][action.index].get("attempt", 0),
                              base_url=base_url),
            context={"alerts_callup": target.callup_id, "alerts_target": target.pk, "drill": target.callup.drill})
        for action, target in sends])
    first = [target.pk for _, target in sends if target.state == TargetState.PENDING]
    CallUpTarget.objects.filter(pk__in=first, state=TargetState.PENDING).update(state=TargetState.CALLING,
                                                                               first_sent_at=now)
    return message_ids


def _escalate(action: CallUpAction, target: CallUpTarget, *, now: dt.datetime) -> None:
    """Not answered in time: onto the unreached list, and into this round's notice to
    the superior (and to the duty officers): one message each when the round is
    complete (notices.py), however many of their people are silent."""
    target.state, target.unreached_at = TargetState.UNREACHED, now
    superior = target.person.superior
    if superior is not None and superior.active:
        notices.gather(target, recipient=superior, kind=NoticeKind.SUPERIOR, round_at=action.due_at, now=now)
        target.escalated_at = now
    target.save(update_fields=["state", "unreached_at", "escalated_at"])
    if target.callup.plan.get("notify_duty_officer"):
        for officer in notices.duty_officers(target, at=now):
            notices.gather(target, recipient=officer, kind=NoticeKind.DUTY_OFFICER, round_at=action.due_at, now=now)
    audit.record(actor=None, action="callup_unreached", obj=target, region_code=target.region_id,
                 after={"person": target.person_id, "superior": superior.pk if superior else None,
                        "escalated": target.escalated_at is not None})
