"""Call-up: start (freeze the policy, resolve the targets, write their first timers in
bulk), follow a changed area, stop."""

import datetime as dt
import logging
from functools import partial

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ...core import audit, regioncodes
from ...core.bulk import insert_rows
from ...core.models import Duty
from ...messaging import services as messaging
from .. import plans
from ..choices import (
    ActionState,
    CallUpStatus,
    NoticeState,
    TargetKind,
    TargetState,
)
from ..models import (
    CallUp,
    CallUpAction,
    CallUpTarget,
    Warning,
)
from . import notices
from .links import _prefix
from .timers import ACTION_BATCH, _action, _end_open_actions

log = logging.getLogger(__name__)


BATCH = 2000


# Call-up: start, targets, stop ------------------------------------------------------

def callup_start(*, warning: Warning, by=None, now: dt.datetime | None = None) -> CallUp | None:
    """Freeze the policy in force, resolve the targets and schedule their first
    message. None when no policy applies (nothing to call)."""
    codes = warning.region_codes
    policy = plans.policy_for(warning_type=warning.type, level=warning.level, region_codes=codes)
    if policy is None:
        return None
    now = now or timezone.now()
    callup = CallUp.objects.create(warning=warning, policy=policy, plan=plans.freeze(policy, scale=plans.time_scale()),
                                   drill=warning.drill, started_at=now)
    added = _add_duty_targets(callup, _responsible(callup.plan["duty_kinds"], codes), now=now)
    # One audit record for the start: per-target records are written when a person
    # answers, is escalated or reports back, not for each of 100,000 rows created here.
    audit.record(actor=by, action="callup_start", obj=callup, region_code=regioncodes.common_region(codes),
                 after={"warning": warning.pk, "targets": added, "plan": callup.plan})
    return callup


def _responsible(duty_kinds: list[str], codes: list[str]) -> dict[int, tuple[str, int, str]]:
    """Each active person holding one of the duties somewhere in the area's subtrees,
    with their highest-level such duty (a township head is called as township head):
    person id → (region code, region level, duty kind). Plain tuples, not model
    objects: a province-wide warning reads 150,000 of them."""
    within = Q()
    for code in codes:
        within |= Q(region__code__startswith=code)
    duties = (Duty.objects.filter(within, kind_id__in=duty_kinds, person__active=True)
              .order_by("person_id", "region__level", "kind_id")
              .values_list("person_id", "region_id", "region__level", "kind_id"))
    chosen: dict[int, tuple[str, int, str]] = {}
    for person_id, region_id, level, kind in duties.iterator(chunk_size=BATCH):
        chosen.setdefault(person_id, (region_id, level, kind))
    return chosen


def _add_duty_targets(callup: CallUp, duties: dict[int, tuple[str, int, str]], *, now: dt.datetime) -> int:
    already = set(callup.targets.filter(kind=TargetKind.DUTY).values_list("person_id", flat=True))
    new = [(pid, region_id, level, kind) for pid, (region_id, level, kind) in duties.items() if pid not in already]
    if connection.vendor == "postgresql":
        _insert_targets_postgresql(callup, new, now=now)
    else:
        rows = [CallUpTarget(callup=callup, person_id=pid, region_id=region_id, level=level, duty_kind=kind,
                             created_at=now) for pid, region_id, level, kind in new]
        for start in range(0, len(rows), BATCH):
            batch = CallUpTarget.objects.bulk_create(rows[start:start + BATCH])
            CallUpAction.objects.bulk_create([_action(callup.plan, t, 0) for t in batch])
    if new:
        transaction.on_commit(partial(_run_timers_soon, len(new)))
    return len(new)


def _insert_targets_postgresql(callup: CallUp, new: list[tuple], *, now: dt.datetime) -> None:
    """The same rows as the ORM path, written by the database: the targets from
    JSON rows (core/bulk.py), then each one's first timer by INSERT ... SELECT. The
    issuing request of a province-wide warning (150,000 targets) must not spend
    tens of seconds building model objects while the workers wait for its commit."""
    targets, actions = CallUpTarget._meta.db_table, CallUpAction._meta.db_table
    first = _action(callup.plan, CallUpTarget(created_at=now), 0)
    for start in range(0, len(new), 20 * BATCH):
        insert_rows(CallUpTarget, ["person_id", "region_id", "level", "duty_kind"], new[start:start + 20 * BATCH],
                    same={"callup_id": callup.pk, "kind": TargetKind.DUTY, "state": TargetState.PENDING,
                          "created_at": now, "ack_channel": ""})
    with connection.cursor() as cursor:
        # The targets just written: this call-up's, stamped now, without a timer yet.
        cursor.execute(
            f'INSERT INTO {actions} (target_id, "index", kind, channel, due_at, state) '
            f"SELECT t.id, 0, %s, %s, %s, %s FROM {targets} t WHERE t.callup_id = %s AND t.created_at = %s "
            f"AND t.escalated_from_id IS NULL AND NOT EXISTS (SELECT 1 FROM {actions} a WHERE a.target_id = t.id)",
            [first.kind, first.channel, first.due_at, ActionState.PENDING, callup.pk, now])


def _run_timers_soon(count: int) -> None:
    """With a broker, put the workers on the new timers at once instead of at the next
    tick: one task per batch, at most MAX_KICKS (each drains what is due). Eager
    (the demo), the scheduler's tick does it, not the request that issued."""
    from django.conf import settings

    from .. import tasks

    if not settings.BROKER_URL:
        return
    for _ in range(min(messaging.MAX_KICKS, -(-count // ACTION_BATCH))):
        try:
            tasks.process_due_actions.delay()
        except Exception:
            log.exception("asking for the call-up timers failed; the tick will run them")
            return


def _retarget(warning: Warning, codes: list[str], *, now: dt.datetime) -> None:
    callup = CallUp.objects.filter(warning=warning, status=CallUpStatus.RUNNING).first()
    if callup is None:
        return
    duties = _responsible(callup.plan["duty_kinds"], codes)
    gone = (callup.targets.filter(kind=TargetKind.DUTY, state__in=[TargetState.PENDING, TargetState.CALLING])
            .exclude(person_id__in=list(duties)))
    _cancel_targets(gone)
    added = _add_duty_targets(callup, duties, now=now)
    audit.record(actor=None, action="callup_retarget", obj=callup, region_code=regioncodes.common_region(codes),
                 after={"regions": codes, "added": added})


def _cancel_targets(targets) -> None:
    ids = list(targets.values_list("pk", flat=True))
    _end_open_actions(ids, ActionState.CANCELLED)
    CallUpTarget.objects.filter(pk__in=ids).update(state=TargetState.CANCELLED)


def _stop(callup: CallUp, *, now: dt.datetime) -> None:
    callup.status, callup.cancelled_at = CallUpStatus.CANCELLED, now
    callup.save(update_fields=["status", "cancelled_at"])
    CallUpAction.objects.filter(target__callup=callup, state=ActionState.PENDING).update(state=ActionState.CANCELLED)
    _cancel_targets(callup.targets.filter(state__in=[TargetState.PENDING, TargetState.CALLING]))
    notices.cancel_open(callup)
    _tell_lifted(callup)


def _tell_lifted(callup: CallUp) -> None:
    """Everyone who was sent anything about the warning (called for a duty, or told
    of unreached subordinates) gets ONE "已解除" SMS: by person, not by target or
    duty, under a key per call-up and person, so stopping twice sends nothing more."""
    warning = callup.warning
    text = f"{_prefix(warning)}已解除：{warning.headline}"
    persons: dict[int, tuple[str, str]] = {}
    called = (callup.targets.filter(first_sent_at__isnull=False).order_by("region_id", "pk")
              .values_list("person_id", "person__mobile", "region_id"))
    told = (callup.notices.filter(state=NoticeState.SENT).order_by("region_id", "pk")
            .values_list("person_id", "person__mobile", "region_id"))
    for rows in (called, told):
        for person_id, mobile, region_id in rows.iterator(chunk_size=BATCH):
            persons.setdefault(person_id, (mobile, region_id))
    items = [messaging.Outgoing(channel="sms", to=mobile, text=text, person_id=person_id, region_code=region_id,
                                idempotency_key=f"alerts:cancel:{callup.pk}:person:{person_id}",
                                subject=warning.headline,
                                context={"alerts_callup": callup.pk, "cancel": True, "drill": callup.drill})
             for person_id, (mobile, region_id) in persons.items()]
    for start in range(0, len(items), BATCH):
        messaging.send_many(items[start:start + BATCH])
