"""Every write of warnings and call-ups: issue, update, cancel; start a call-up, run
its timers, acknowledge, feedback, escalate.

Timers are rows (`CallUpAction`, one open per target): `process_due_actions` claims
a batch of due rows inside the transaction that does their work (one bulk of
messages, escalations one by one), so a crash rolls back claims and work together,
and a second worker finds the rows taken (see "Timers" below for how). Messages go
through the messaging outbox with an idempotency key per target and plan step: a
step that is retried never sends twice.

Hot path of a province-wide warning (150,000 targets): issuing writes the targets
and their first timers in bulk (by the database itself on PostgreSQL) and asks the
workers to start; each worker then turns 500 timers at a time into 500 messages
(`messaging.send_many`: one insert, one audit record), and the outbox's workers
send them in batches. Machine events are audited per batch (core/audit.py);
officers' acts (issue, update, cancel, acknowledging by link) one record each.
"""

import datetime as dt
import logging
import uuid
from collections import Counter
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..core import audit, regioncodes
from ..core.bulk import insert_rows, json_rows, rows_table, update_rows
from ..core.errors import DomainError, Forbidden
from ..core.models import Duty, Person, Region
from ..core.queues import head_in_index_order
from ..core.scope import Scope
from ..core.text import check_text_fields
from ..messaging import services as messaging
from . import plans
from .choices import (
    ANSWERED,
    AckChannel,
    ActionKind,
    ActionState,
    CallUpStatus,
    TargetKind,
    TargetState,
    WarningLevel,
    WarningStatus,
    WarningType,
)
from .models import (
    Acknowledgement,
    CallUp,
    CallUpAction,
    CallUpTarget,
    Feedback,
    Warning,
    WarningArea,
)

log = logging.getLogger(__name__)

ACK_SALT = "yingji.alerts.ack"
ACK_REPLIES = {"1", "１", "收到", "已收到"}
MAX_ESCALATION_DEPTH = 4  # county chief is at most four links above a grid worker
BATCH = 2000


def public_url() -> str:
    return settings.YINGJI_PUBLIC_URL.rstrip("/")


def cap_sender() -> str:
    return settings.YINGJI_CAP_SENDER


# Warnings -------------------------------------------------------------------------

def warning_issue(*, by, type: str, level: str, region_codes: list[str], headline: str,
                  description: str = "", effective: dt.datetime | None = None,
                  expires: dt.datetime | None = None, drill: bool = False, polygon: str = "",
                  idempotency_key: str | None = None, cap_identifier: str | None = None,
                  cap_sender_id: str | None = None, cap_sent: dt.datetime | None = None,
                  issuer_name: str = "", now: dt.datetime | None = None) -> Warning:
    """Issue a warning over the given regions and start its call-up. `by` is the
    issuing user (None: the system, e.g. a threshold crossed in floods). Repeating a
    call with the same `idempotency_key` returns the first warning."""
    scope = Scope.for_user(by)
    scope.require_officer()
    if idempotency_key:
        existing = Warning.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    codes = _checked_area(scope, region_codes)
    now = now or timezone.now()
    warning = Warning(
        type=type, level=level, headline=(headline or "").strip(), description=description or "",
        effective=effective or now, expires=expires, drill=drill, polygon=_checked_polygon(polygon),
        issuer=_person_of(by), issuer_name=issuer_name or _issuer_name(by),
        cap_identifier=cap_identifier or f"yingji-{uuid.uuid4().hex}", cap_sender=cap_sender_id or cap_sender(),
        cap_sent=cap_sent or now, idempotency_key=idempotency_key or None,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    _validate(warning)
    if Warning.objects.filter(cap_identifier=warning.cap_identifier).exists():
        raise DomainError("该 CAP 标识的预警已存在", "A warning with this CAP identifier exists",
                          fields={"identifier": "重复 / duplicate"}, code="duplicate")
    with transaction.atomic():
        warning.save()
        WarningArea.objects.bulk_create([WarningArea(warning=warning, region_id=c) for c in codes])
        audit.record(actor=by, action="issue", obj=warning, region_code=regioncodes.common_region(codes),
                     after=audit.snapshot(warning) | {"regions": codes})
        callup_start(warning=warning, by=by, now=now)
    return warning


def _checked_area(scope: Scope, region_codes) -> list[str]:
    codes = sorted({str(c).strip() for c in (region_codes or []) if str(c).strip()})
    if not codes:
        raise DomainError("请至少指定一个预警区划", "Give at least one region of the warning's area",
                          fields={"regions": "必填 / required"})
    known = set(Region.objects.filter(pk__in=codes).values_list("pk", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise DomainError(f"区划代码不存在：{', '.join(unknown)}", f"Unknown region codes: {', '.join(unknown)}",
                          fields={"regions": "不存在 / unknown: " + ", ".join(unknown)})
    for code in codes:
        scope.require_region(code)
    return codes


def _checked_polygon(polygon: str) -> str:
    polygon = (polygon or "").strip()
    if not polygon:
        return ""
    from shapely import wkt
    from shapely.errors import ShapelyError

    try:
        shape = wkt.loads(polygon)
    except (ShapelyError, ValueError) as exc:
        raise DomainError("多边形不是有效的 WKT", f"Polygon is not valid WKT: {exc}",
                          fields={"polygon": "格式错误 / invalid WKT"}) from exc
    if shape.geom_type != "Polygon" or not shape.is_valid:
        raise DomainError("多边形无效", "Polygon must be a valid simple polygon", fields={"polygon": "无效 / invalid"})
    return shape.wkt


def _validate(warning: Warning) -> None:
    if warning.type not in WarningType.values:
        raise DomainError("未知的预警类型", f"Unknown warning type {warning.type!r}", fields={"type": "未知 / unknown"})
    if warning.level not in WarningLevel.values:
        raise DomainError("预警级别应为 blue/yellow/orange/red", "Level must be blue, yellow, orange or red",
                          fields={"level": "不是允许的取值 / not an allowed value"})
    if not warning.headline:
        raise DomainError("标题不能为空", "Headline is required", fields={"headline": "必填 / required"})
    if warning.expires is not None and warning.expires <= warning.effective:
        raise DomainError("失效时间应晚于生效时间", "Expiry must be after the effective time",
                          fields={"expires": "早于生效时间 / before effective"})
    warning.full_clean(validate_unique=False)
    check_text_fields(warning)


def _person_of(user) -> Person | None:
    return getattr(user, "person", None) if user is not None and user.is_authenticated else None


def _issuer_name(user) -> str:
    person = _person_of(user)
    if person is not None and person.organization_id:
        return person.organization.name
    return person.name if person is not None else "应急预警平台"


def _require_whole_area(scope: Scope, warning: Warning) -> None:
    """Changing a warning needs every region of its area inside the caller's subtree."""
    scope.require_officer()
    for code in warning.region_codes:
        if not scope.covers_region(code):
            raise Forbidden("该预警的范围超出您的管辖", "The warning covers regions outside your jurisdiction",
                            fields={"regions": "超出管辖 / outside your jurisdiction"})


def warning_update(*, by, warning: Warning, level: str | None = None, region_codes: list[str] | None = None,
                   headline: str | None = None, description: str | None = None,
                   expires: dt.datetime | None = None, now: dt.datetime | None = None) -> Warning:
    """Change a warning in force (CAP msgType Update). A changed area re-targets the
    call-up: new responsible persons are called, those no longer covered stop."""
    scope = Scope.for_user(by)
    _require_whole_area(scope, warning)
    if warning.status not in (WarningStatus.ACTIVE, WarningStatus.UPDATED):
        raise DomainError("预警已解除，不能更新", "The warning was cancelled", code="cancelled")
    now = now or timezone.now()
    before = audit.snapshot(warning) | {"regions": warning.region_codes}
    codes = _checked_area(scope, region_codes) if region_codes is not None else before["regions"]
    for name, value in (("level", level), ("headline", headline), ("description", description),
                        ("expires", expires)):
        if value is not None:
            setattr(warning, name, value)
    warning.status, warning.version = WarningStatus.UPDATED, warning.version + 1
    _validate(warning)
    with transaction.atomic():
        warning.save()
        if codes != before["regions"]:
            warning.areas.exclude(region_id__in=codes).delete()
            WarningArea.objects.bulk_create([WarningArea(warning=warning, region_id=c) for c in codes],
                                            ignore_conflicts=True)
            _retarget(warning, codes, now=now)
        audit.record(actor=by, action="update", obj=warning, region_code=regioncodes.common_region(codes),
                     before=before, after=audit.snapshot(warning) | {"regions": codes})
    return warning


def warning_cancel(*, by, warning: Warning, now: dt.datetime | None = None) -> Warning:
    """End a warning (CAP msgType Cancel): its call-up stops, open timers are
    cancelled, and everyone already called is told that it has been lifted."""
    scope = Scope.for_user(by)
    _require_whole_area(scope, warning)
    if warning.status == WarningStatus.CANCELLED:
        return warning
    now = now or timezone.now()
    before = audit.snapshot(warning)
    with transaction.atomic():
        warning.status, warning.cancelled_at, warning.version = WarningStatus.CANCELLED, now, warning.version + 1
        warning.save(update_fields=["status", "cancelled_at", "version", "updated_at"])
        callup = CallUp.objects.filter(warning=warning).first()
        if callup is not None:
            _stop(callup, now=now)
        audit.record(actor=by, action="cancel", obj=warning, region_code=regioncodes.common_region(warning.region_codes),
                     before=before, after=audit.snapshot(warning))
    return warning


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

    from . import tasks

    if not settings.BROKER_URL:
        return
    for _ in range(min(messaging.MAX_KICKS, -(-count // ACTION_BATCH))):
        try:
            tasks.process_due_actions.delay()
        except Exception:
            log.exception("asking for the call-up timers failed; the tick will run them")
            return


def _action(plan: dict, target: CallUpTarget, index: int) -> CallUpAction:
    entry = plan["timeline"][index]
    due = target.created_at + dt.timedelta(minutes=entry["at"] * plan["time_scale"])
    return CallUpAction(target=target, index=index, kind=entry["kind"], channel=entry.get("channel", ""), due_at=due)


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


def _end_open_actions(target_ids: list[int], state: str) -> None:
    """Close the targets' pending timers with `state`. Found by target, locked, and
    filtered here rather than by `state = 'pending'` in SQL: that predicate lets the
    planner pick the timer-queue index, which after a fan-out holds a dead entry for
    every timer until vacuum runs, and reading them took 3-6 ms per acknowledgement."""
    found = CallUpAction.objects.select_for_update().filter(target_id__in=target_ids).values_list("pk", "state")
    pending = [pk for pk, state_now in found if state_now == ActionState.PENDING]
    if pending:
        CallUpAction.objects.filter(pk__in=pending).update(state=state)


def _stop(callup: CallUp, *, now: dt.datetime) -> None:
    callup.status, callup.cancelled_at = CallUpStatus.CANCELLED, now
    callup.save(update_fields=["status", "cancelled_at"])
    CallUpAction.objects.filter(target__callup=callup, state=ActionState.PENDING).update(state=ActionState.CANCELLED)
    _cancel_targets(callup.targets.filter(state__in=[TargetState.PENDING, TargetState.CALLING]))
    warning = callup.warning
    called = callup.targets.filter(first_sent_at__isnull=False).select_related("person")
    for target in called.iterator(chunk_size=BATCH):
        messaging.send(channel="sms", to="", person=target.person, region_code=target.region_id,
                       idempotency_key=f"alerts:cancel:{target.pk}", subject=warning.headline,
                       text=f"{_prefix(warning)}已解除：{warning.headline}",
                       context={"alerts_callup": callup.pk, "alerts_target": target.pk, "cancel": True})


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
    return dict(done)


def process_action(action_id: int, *, now: dt.datetime) -> str | None:
    """Claim one due timer and do it; the claim and the work commit together."""
    with transaction.atomic():
        claimed = _claim_each([action_id], now)
        outcomes = _run_actions(claimed, now=now)
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
    for _, target in escalations:
        _escalate(target, now=now)
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


def ack_token(target: CallUpTarget) -> str:
    """The signed value in the acknowledgement link: good only for this target, that
    is, this person in this call-up."""
    return _ack_signer().sign_object([target.pk, target.callup_id, target.person_id], compress=False)


_signers: dict[str, signing.TimestampSigner] = {}


def _ack_signer() -> signing.TimestampSigner:
    """The signer `signing.dumps` would build, built once per secret key: building
    it for each of 150,000 links cost a third of the signing. Same tokens."""
    key = settings.SECRET_KEY
    if key not in _signers:
        _signers.clear()
        _signers[key] = signing.TimestampSigner(key=key, salt=ACK_SALT)
    return _signers[key]


def target_for_token(token: str) -> CallUpTarget:
    try:
        target_id, callup_id, person_id = signing.loads(token, salt=ACK_SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise DomainError("确认链接无效", "Invalid acknowledgement link", code="invalid_token") from exc
    target = CallUpTarget.objects.select_related("callup__warning", "person", "region").filter(
        pk=target_id, callup_id=callup_id, person_id=person_id).first()
    if target is None:
        raise DomainError("确认链接无效", "Invalid acknowledgement link", code="invalid_token")
    return target


def ack_url(target: CallUpTarget, *, base_url: str | None = None) -> str:
    return f"{base_url or public_url()}/ack/{ack_token(target)}"


def _prefix(warning: Warning) -> str:
    # get_FOO_display() builds a dict of every choice on each call (half a
    # millisecond): a batch of 500 messages shares one warning object, and its prefix.
    prefix = getattr(warning, "_message_prefix", None)
    if prefix is None:
        drill = "【演练】" if warning.drill else ""
        prefix = warning._message_prefix = f"{drill}【{warning.get_type_display()}{warning.get_level_display()}预警】"
    return prefix


def message_text(target: CallUpTarget, *, attempt: int = 0, base_url: str | None = None) -> str:
    warning = target.callup.warning
    parts = [_prefix(warning), warning.headline, "。"]
    if target.kind == TargetKind.ESCALATION and target.escalated_from_id:
        low = target.escalated_from
        parts.append(f"您的下级{low.person.name}（{low.region.full_name}）未应答叫应，请立即联系或上门督促。")
    if attempt:
        parts.append(f"（第{attempt + 1}次呼叫）")
    parts.append(f"请回复1或点击链接确认收到：{ack_url(target, base_url=base_url)}")
    return "".join(parts)


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


def _escalate(target: CallUpTarget, *, now: dt.datetime) -> None:
    """Not answered in time: onto the unreached list, and the superior is called."""
    target.state, target.unreached_at = TargetState.UNREACHED, now
    superior = target.person.superior
    if superior is not None and superior.active and _depth(target) < MAX_ESCALATION_DEPTH:
        upper, created = CallUpTarget.objects.get_or_create(
            callup=target.callup, person=superior, escalated_from=target,
            defaults={"region_id": superior.region_id, "level": superior.region.level,
                      "kind": TargetKind.ESCALATION, "created_at": now})
        if created:
            _action(target.callup.plan, upper, 0).save()
        target.escalated_at = now
    target.save(update_fields=["state", "unreached_at", "escalated_at"])
    if target.callup.plan.get("notify_duty_officer"):
        _tell_duty_officers(target)
    audit.record(actor=None, action="callup_unreached", obj=target, region_code=target.region_id,
                 after={"person": target.person_id, "superior": superior.pk if superior else None,
                        "escalated": target.escalated_at is not None})


def _depth(target: CallUpTarget) -> int:
    depth, current = 0, target
    while current.escalated_from_id is not None:
        depth, current = depth + 1, current.escalated_from
    return depth


def _tell_duty_officers(target: CallUpTarget) -> None:
    """The unreached list goes back to the centre: the duty officers of the nearest
    region above the person that has any."""
    for code in reversed(regioncodes.prefixes(target.region_id)):
        officers = [d.person for d in Duty.objects.filter(kind_id="duty_officer", region_id=code,
                                                         person__active=True).select_related("person")]
        if officers:
            break
    else:
        return
    warning = target.callup.warning
    text = (f"{_prefix(warning)}未叫应：{target.person.name}（{target.region.full_name}，"
            f"{target.person.mobile or '无号码'}）在规定时间内未应答。")
    for officer in officers:
        messaging.send(channel="sms", to="", person=officer, region_code=officer.region_id, text=text,
                       idempotency_key=f"alerts:unreached:{target.pk}:officer:{officer.pk}",
                       context={"alerts_callup": target.callup_id, "unreached_target": target.pk})


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


# CAP import ---------------------------------------------------------------------------

def warning_from_cap(*, by, data: bytes, now: dt.datetime | None = None) -> tuple[Warning, bool]:
    """Apply a CAP 1.2 document: an Alert issues a warning (the same identifier twice
    returns the first), an Update or Cancel changes the warning it references.
    Returns the warning and whether it was created."""
    from . import cap

    alert = cap.parse_cap(data)
    if alert.msg_type == "Alert":
        existing = Warning.objects.filter(cap_identifier=alert.identifier).first()
        if existing is not None:
            return existing, False
        warning = warning_issue(
            by=by, type=alert.type, level=alert.level, region_codes=alert.region_codes, headline=alert.headline,
            description=alert.description, effective=alert.effective or alert.sent, expires=alert.expires,
            drill=alert.drill, polygon=alert.polygon, cap_identifier=alert.identifier, cap_sender_id=alert.sender,
            cap_sent=alert.sent, issuer_name=alert.sender_name, now=now)
        return warning, True
    warning = _referenced(alert, by)
    if alert.msg_type == "Cancel":
        return warning_cancel(by=by, warning=warning, now=now), False
    return warning_update(by=by, warning=warning, level=alert.level, region_codes=alert.region_codes,
                          headline=alert.headline, description=alert.description, expires=alert.expires,
                          now=now), False


def _referenced(alert, by) -> Warning:
    """The warning an Update/Cancel refers to ("sender,identifier,sent" entries)."""
    from .selectors import warnings_in_scope

    identifiers = [ref.split(",")[1] for ref in alert.references if ref.count(",") == 2]
    identifiers += [i.rsplit(".v", 1)[0] for i in identifiers]
    warning = warnings_in_scope(Scope.for_user(by)).filter(cap_identifier__in=identifiers).first()
    if warning is None:
        raise DomainError("CAP 引用的预警不存在", "The warning referenced by this Update/Cancel is unknown",
                          fields={"references": "未找到 / not found"}, code="invalid_cap")
    return warning
