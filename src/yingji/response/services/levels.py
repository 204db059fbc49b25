"""Response levels: declare, raise, lower, end. Each change is a `LevelChange` row,
audited, adds or cancels tasks, and is sent to the responsible persons of the area
through messaging (one SMS per change and person, under a key of both)."""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ...alerts import selectors as alerts_selectors
from ...core import audit, regioncodes
from ...core.errors import DomainError
from ...core.models import Duty, Person, Region
from ...core.scope import Scope
from ...messaging import services as messaging
from ..choices_levels import RANK, WAITING, ZH, ChangeAction, Grade, LevelStatus, TaskState, grades_up_to
from ..models import HazardType, LevelArea, LevelChange, ResponseLevel, ResponseOrder, ResponseTask
from . import riskcontrol
from . import tasks as task_links

# Who hears of every change of a response in their area: the command chiefs of the
# city, the counties and the townships (core duty kinds), besides the owners of tasks.
CHIEF_DUTIES = ("city_flood_chief", "county_flood_chief", "township_flood_chief")
MAX_REGIONS = 200
TASKS_IN_MESSAGE = 3


def _bad(zh: str, en: str, field: str, reason_zh: str, reason_en: str) -> DomainError:
    return DomainError(zh, en, fields={field: f"{reason_zh} / {reason_en}"})


def level_declare(*, by, hazard: str, grade: str, regions: list[str], drill: bool = False,
                  warning_id: int | None = None, now: dt.datetime | None = None) -> ResponseLevel:
    """Declare a response (启动应急响应) over regions. Only an officer whose jurisdiction
    covers every region; the orders of the level and of the lower ones become tasks."""
    scope = Scope.for_user(by)
    scope.require_officer()
    hazard_row = HazardType.objects.filter(pk=hazard).first() if isinstance(hazard, str) else None
    if hazard_row is None:
        raise _bad("未知的灾害类型", "Unknown hazard type", "hazard", "未知", "unknown")
    _check_grade(grade, "level")
    codes = _area(regions)
    for code in codes:
        scope.require_region(code)
    warning = None
    if warning_id is not None:
        try:
            warning = alerts_selectors.warning_get(scope=scope, id=warning_id)
        except DomainError as exc:
            raise _bad("预警不存在", "No such warning", "warning_id", "不存在", "not found") from exc
    now = now or timezone.now()
    with transaction.atomic():
        level = ResponseLevel(hazard=hazard_row, grade=grade, drill=bool(drill), warning=warning,
                              region_code=regioncodes.common_region(codes), declared_by=_user(by), declared_at=now)
        level.full_clean()
        level.save()
        LevelArea.objects.bulk_create([LevelArea(level=level, region_id=c) for c in codes])
        change = LevelChange.objects.create(level=level, action=ChangeAction.DECLARE, to_grade=grade,
                                            by=_user(by), at=now)
        added = _add_tasks(level, change, grades_up_to(grade), now=now)
        audit.record(actor=_user(by), action="response_declare", obj=level, region_code=level.region_code,
                     after={"hazard": hazard, "grade": grade, "regions": codes, "drill": level.drill,
                            "warning": warning_id, "tasks": len(added)})
        _tell(level, change, added)
    return level


def level_change(*, by, level: ResponseLevel, action: str, grade: str | None = None, note: str = "",
                 now: dt.datetime | None = None) -> LevelChange:
    """Raise, lower or end a response in force. Raising adds the orders of the levels
    passed; lowering cancels the open tasks of the orders above the new level; ending
    cancels every open task. Only an officer whose jurisdiction covers the whole area."""
    scope = Scope.for_user(by)
    scope.require_officer()
    codes = list(level.areas.values_list("region_id", flat=True))
    for code in codes:
        scope.require_region(code)
    now = now or timezone.now()
    with transaction.atomic():
        level = ResponseLevel.objects.select_for_update().get(pk=level.pk)
        if level.status != LevelStatus.IN_FORCE:
            raise DomainError("该应急响应已结束", "This response has ended", code="ended")
        old = level.grade
        if action == ChangeAction.END:
            grade = ""
        else:
            _check_grade(grade, "level")
            if action == ChangeAction.RAISE and RANK[grade] <= RANK[old]:
                raise _bad("提升后的级别须高于当前级别", "A raise must go above the current level", "level",
                           "须高于当前级别", "must be above the current level")
            if action == ChangeAction.LOWER and RANK[grade] >= RANK[old]:
                raise _bad("降低后的级别须低于当前级别", "A lower must go below the current level", "level",
                           "须低于当前级别", "must be below the current level")
        change = LevelChange(level=level, action=action, from_grade=old, to_grade=grade, note=note[:300],
                             by=_user(by), at=now)
        change.full_clean()
        change.save()
        added: list[ResponseTask] = []
        if action == ChangeAction.RAISE:
            added = _add_tasks(level, change, [g for g in grades_up_to(grade) if g not in grades_up_to(old)],
                               now=now)
            cancelled = 0
        else:
            keep = grades_up_to(grade) if grade else []
            cancelled = (ResponseTask.objects.filter(level=level, state__in=WAITING).exclude(order__grade__in=keep)
                         .update(state=TaskState.CANCELLED, closed_at=now))
        if action == ChangeAction.END:
            level.status, level.ended_at = LevelStatus.ENDED, now
            riskcontrol.end_rounds_of(by=_user(by), level=level, at=now)
        else:
            level.grade = grade
        level.save(update_fields=["grade", "status", "ended_at"])
        audit.record(actor=_user(by), action=f"response_{action}", obj=level, region_code=level.region_code,
                     before={"grade": old}, after={"grade": grade, "status": level.status, "tasks_added": len(added),
                                                   "tasks_cancelled": cancelled, "note": change.note})
        _tell(level, change, added)
    return change


def _check_grade(grade, field: str) -> None:
    if grade not in Grade.values:
        raise _bad("响应级别无效", "Invalid response level", field, "应为 IV、III、II 或 I", "must be IV, III, II or I")


def _area(regions) -> list[str]:
    """The regions as given, checked: known codes, none twice, none inside another."""
    if not isinstance(regions, list) or not regions:
        raise _bad("请选择响应区域", "Choose the regions", "regions", "必填", "required")
    if len(regions) > MAX_REGIONS:
        raise _bad("区域过多", "Too many regions", "regions", "过多", "too many")
    codes = sorted({str(c).strip() for c in regions})
    found = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    missing = [c for c in codes if c not in found]
    if missing:
        raise _bad("区划代码不存在", "Unknown region code", "regions", f"不存在：{missing[0][:15]}",
                   f"unknown: {missing[0][:15]}")
    return [c for c in codes if not any(o != c and regioncodes.in_subtree(c, o) for o in codes)]


def _user(by):
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _add_tasks(level: ResponseLevel, change: LevelChange, grades: list[str], *,
               now: dt.datetime) -> list[ResponseTask]:
    """One task per active order of these grades and region of the area at the order's
    region level, unless that order already has a live task there (a raise after a
    lower reopens only what was cancelled)."""
    orders = list(ResponseOrder.objects.filter(hazard_id=level.hazard_id, grade__in=grades, active=True)
                  .select_related("duty_kind"))
    if not orders:
        return []
    within = Q()
    for code in level.areas.values_list("region_id", flat=True):
        within |= Q(code__startswith=code)
    live = set(ResponseTask.objects.filter(level=level).exclude(state=TaskState.CANCELLED)
               .values_list("order_id", "region_id"))
    rows = []
    for order in orders:
        codes = list(Region.objects.filter(within, level=order.region_level).order_by("code")
                     .values_list("code", flat=True))
        owners = _holders(order.duty_kind_id, codes)
        due = now + dt.timedelta(minutes=order.due_minutes)
        rows += [ResponseTask(level=level, order=order, change=change, region_id=code, owner_id=owners.get(code),
                              due_at=due, created_at=now)
                 for code in codes if (order.pk, code) not in live]
    return ResponseTask.objects.bulk_create(rows, batch_size=2000)


def _holders(kind: str, codes: list[str]) -> dict[str, int]:
    """Region code → the active person holding the duty there (the first registered)."""
    holders: dict[str, int] = {}
    for start in range(0, len(codes), 2000):
        for region_id, person_id in (Duty.objects.filter(kind_id=kind, region_id__in=codes[start:start + 2000],
                                                         person__active=True)
                                     .order_by("person_id").values_list("region_id", "person_id")):
            holders.setdefault(region_id, person_id)
    return holders


def title(level: ResponseLevel, grade: str | None = None) -> str:
    """'台风Ⅲ级应急响应'."""
    return f"{level.hazard.name}{ZH.get(grade or level.grade, '')}应急响应"


def prefix(level: ResponseLevel) -> str:
    return ("【演练】" if level.drill else "") + "【应急响应】"


def change_text(level: ResponseLevel, change: LevelChange) -> str:
    area = "、".join(a.region.full_name for a in level.areas.select_related("region")[:5])
    old, new = title(level, change.from_grade), ZH.get(change.to_grade, "")
    if change.action == ChangeAction.DECLARE:
        what = f"启动{title(level, change.to_grade)}"
    elif change.action == ChangeAction.RAISE:
        what = f"将{old}提升为{new}"
    elif change.action == ChangeAction.LOWER:
        what = f"将{old}调整为{new}"
    else:
        what = f"结束{old}"
    return f"{prefix(level)}{area}{what}。"


def _tell(level: ResponseLevel, change: LevelChange, added: list[ResponseTask]) -> None:
    """One SMS per person: the chiefs of the area and the owners of the new tasks, each
    with their own tasks' confirmation links."""
    within = Q()
    for code in level.areas.values_list("region_id", flat=True):
        within |= Q(region__code__startswith=code)
    people = set(Duty.objects.filter(within, kind_id__in=CHIEF_DUTIES, person__active=True)
                 .values_list("person_id", flat=True))
    mine: dict[int, list[ResponseTask]] = defaultdict(list)
    for task in added:
        if task.owner_id:
            mine[task.owner_id].append(task)
    people |= set(mine)
    base = change_text(level, change)
    items = []
    for person in Person.objects.filter(pk__in=people).order_by("pk"):
        text = base + "".join(task_links.task_line(t) for t in mine[person.pk][:TASKS_IN_MESSAGE])
        if len(mine[person.pk]) > TASKS_IN_MESSAGE:
            text += f"等{len(mine[person.pk])}项任务。"
        items.append(messaging.Outgoing(
            channel="sms", to=person.mobile, text=text, person_id=person.pk, region_code=person.region_id,
            idempotency_key=f"response:change:{change.pk}:person:{person.pk}", subject=title(level),
            context={"response_level": level.pk, "response_change": change.pk, "drill": level.drill}))
    for start in range(0, len(items), 2000):
        messaging.send_many(items[start:start + 2000])
