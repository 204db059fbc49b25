"""Tasks of a response: the signed confirmation link, confirming (item by item for a
checklist order such as 五停), and escalating the unconfirmed ones at their deadline
to the owner's superior, once."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone

from ...core import audit, regioncodes
from ...core.errors import DomainError, Forbidden
from ...core.models import Person
from ...core.scope import Scope
from ...core.selectors import on_duty
from ...messaging import services as messaging
from ..choices_levels import ConfirmChannel, LevelStatus, TaskState
from ..models import ResponseTask, TaskConfirmation

SALT = "yingji.response.task"
ESCALATE_BATCH = 500


# The signed link -------------------------------------------------------------------

def task_token(task: ResponseTask) -> str:
    """Good only for this task and its owner (a new owner needs a new link)."""
    return signing.dumps([task.pk, task.owner_id], salt=SALT, compress=False)


def task_for_token(token: str) -> ResponseTask:
    try:
        task_id, owner_id = signing.loads(token, salt=SALT)
        task = (ResponseTask.objects.select_related("order", "region", "level__hazard", "owner")
                .filter(pk=int(task_id), owner_id=owner_id).first())
    except (signing.BadSignature, ValueError, TypeError, OverflowError) as exc:
        raise DomainError("确认链接无效", "Invalid confirmation link", code="invalid_token") from exc
    if task is None:
        raise DomainError("确认链接无效", "Invalid confirmation link", code="invalid_token")
    return task


def task_url(task: ResponseTask) -> str:
    return f"{settings.YINGJI_PUBLIC_URL.rstrip('/')}/response/t/{task_token(task)}"


def task_line(task: ResponseTask) -> str:
    """The task in its owner's SMS: what, by when, the confirmation link."""
    due = timezone.localtime(task.due_at).strftime("%H:%M")
    return f"任务：{task.order.text}，{due}前确认“{task.order.confirm_wording}”：{task_url(task)} "


# Confirming -----------------------------------------------------------------------

def task_confirm(*, task: ResponseTask, by=None, items: list[str] | None = None, note: str = "",
                 channel: str = ConfirmChannel.LOGIN, now: dt.datetime | None = None) -> ResponseTask:
    """Confirm a task, or some items of its checklist (the task is confirmed once every
    item is). Logged in: by its owner, or by an officer whose jurisdiction covers its
    region. By the signed link (`by` None, channel link): as its owner."""
    person = _person_of(by) if channel == ConfirmChannel.LOGIN else task.owner
    if channel == ConfirmChannel.LOGIN:
        scope = Scope.for_user(by)
        is_owner = person is not None and person.pk == task.owner_id
        if not is_owner and not (scope.role in ("admin", "officer") and scope.covers_region(task.region_id)):
            raise Forbidden("只有任务责任人或上级工作人员可以确认",
                            "Only the task's owner or an officer above may confirm")
    note = (note or "").strip()
    if len(note) > 300:
        raise DomainError("备注太长", "Note too long", fields={"note": "太长 / too long"})
    now = now or timezone.now()
    with transaction.atomic():
        task = ResponseTask.objects.select_for_update(of=("self",)).select_related("order", "level").get(pk=task.pk)
        if task.state == TaskState.CONFIRMED:
            return task  # a second tap changes nothing
        if task.state == TaskState.CANCELLED or task.level.status != LevelStatus.IN_FORCE:
            raise DomainError("该任务已取消", "This task was cancelled", code="cancelled")
        checklist = task.order.checklist
        chosen = _items(checklist, items)
        before = {"state": task.state, "checked": list(task.checked)}
        task.checked = [i for i in checklist if i in set(task.checked) | set(chosen)]
        if len(task.checked) == len(checklist):
            task.state, task.confirmed_at = TaskState.CONFIRMED, now
        if note:
            task.note = note
        task.save(update_fields=["checked", "state", "confirmed_at", "note"])
        TaskConfirmation.objects.create(task=task, items=chosen, note=note, by=by if channel == "login" else None,
                                        person=person, channel=channel, at=now)
        audit.record(actor=by if channel == ConfirmChannel.LOGIN else None, action="response_task_confirm",
                     obj=task, region_code=task.region_id, before=before,
                     after={"state": task.state, "checked": task.checked, "channel": channel,
                            "person": person.pk if person else None})
    return task


def _person_of(user) -> Person | None:
    return getattr(user, "person", None) if user is not None else None


def _items(checklist: list[str], items) -> list[str]:
    if not checklist:
        return []
    if items is None:
        return list(checklist)  # the whole checklist at once
    unknown = [i for i in items if i not in checklist]
    if unknown or not items:
        raise DomainError("清单项无效", "Unknown checklist item",
                          fields={"items": f"应为：{'、'.join(checklist)} / must be among the checklist"})
    return list(dict.fromkeys(items))


# Escalation -----------------------------------------------------------------------

def escalate_due_tasks(now: dt.datetime | None = None) -> int:
    """The scheduler's tick: every open task past its deadline goes, once, to its
    owner's superior (no superior: the duty officers of the nearest region above), and
    is marked escalated (still confirmable). A batch is claimed under row locks that
    other workers skip (PostgreSQL; SQLite has one writer), so two workers never send
    one twice; the message's key makes a retry send nothing more."""
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            due = ResponseTask.objects.filter(state=TaskState.OPEN, due_at__lte=now).order_by("due_at", "pk")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            ids = list(due.values_list("pk", flat=True)[:ESCALATE_BATCH])
            if not ids:
                return done
            ResponseTask.objects.filter(pk__in=ids, state=TaskState.OPEN).update(state=TaskState.ESCALATED,
                                                                                 escalated_at=now)
            tasks = list(ResponseTask.objects.filter(pk__in=ids)
                         .select_related("order", "region", "owner__superior", "level__hazard"))
            officers: dict[str, list[Person]] = {}
            first: dict[int, list[int]] = defaultdict(list)
            items = []
            for task in tasks:
                recipients = _recipients(task, now=now, officers=officers)
                items += [_escalation(task, r) for r in recipients]
                if recipients:
                    first[recipients[0].pk].append(task.pk)
            for person_id, task_ids in first.items():
                ResponseTask.objects.filter(pk__in=task_ids).update(escalated_to_id=person_id)
            messaging.send_many(items)
            audit.record_batch(actor=None, action="response_task_escalate", object_type="response.responsetask",
                               ids={"escalated": ids},
                               region_code=regioncodes.common_region(t.region_id for t in tasks))
        done += len(ids)


def _recipients(task: ResponseTask, *, now: dt.datetime, officers: dict[str, list[Person]]) -> list[Person]:
    owner = task.owner
    if owner is not None and owner.superior_id and owner.superior.active:
        return [owner.superior]
    for code in reversed(regioncodes.ancestors(task.region_id)):
        if code not in officers:
            officers[code] = on_duty(region_code=code, at=now)
        if officers[code]:
            return officers[code]
    return []


def _escalation(task: ResponseTask, recipient: Person) -> messaging.Outgoing:
    from .levels import prefix

    due = timezone.localtime(task.due_at).strftime("%H:%M")
    owner = f"{task.owner.name} {task.owner.mobile or '无号码'}" if task.owner else "无责任人"
    text = (f"{prefix(task.level)}{task.region.full_name}“{task.order.text}”未在{due}前确认"
            f"（责任人：{owner}），请立即督促落实。")
    return messaging.Outgoing(
        channel="sms", to=recipient.mobile, text=text, person_id=recipient.pk, region_code=recipient.region_id,
        idempotency_key=f"response:escalate:{task.pk}:person:{recipient.pk}", subject=task.order.text,
        context={"response_level": task.level_id, "response_task": task.pk, "drill": task.level.drill})
