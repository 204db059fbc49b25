"""Reads of response levels and their tasks, always through the caller's scope. A
response is visible to everyone whose region is inside or above its area; its tasks
to those whose jurisdiction covers the task's region, and to the task's owner."""

from collections import defaultdict

from django.db.models import Count, Q

from ..core import regioncodes
from ..core.errors import NotFound
from ..core.scope import Scope, fits_database
from .choices_levels import WAITING, LevelStatus, TaskState
from .models import HazardType, LevelChange, ResponseLevel, ResponseOrder, ResponseTask


def levels_in_scope(scope: Scope):
    qs = ResponseLevel.objects.all()
    if scope.is_nobody or scope.organization_id is not None:
        return qs.none()  # enterprise users: the government's response is not theirs to read here
    if scope.region_code:
        mine = Q(areas__region__code__startswith=scope.region_code)
        above = Q(areas__region_id__in=regioncodes.prefixes(scope.region_code))
        qs = qs.filter(pk__in=ResponseLevel.objects.filter(mine | above).values("pk"))
    return qs


def level_list(*, scope: Scope, status: str | None = None, hazard: str | None = None, drill: bool | None = None):
    qs = (levels_in_scope(scope).select_related("hazard").prefetch_related("areas__region")
          .annotate(live_tasks=Count("tasks", filter=~Q(tasks__state=TaskState.CANCELLED))))
    if status:
        qs = qs.filter(status=status)
    if hazard:
        qs = qs.filter(hazard_id=hazard)
    if drill is not None:
        qs = qs.filter(drill=drill)
    return qs


def level_get(*, scope: Scope, id: int) -> ResponseLevel:
    if not fits_database(id):
        raise NotFound()
    level = levels_in_scope(scope).select_related("hazard", "warning").filter(pk=id).first()
    if level is None:
        raise NotFound()
    return level


def history(level: ResponseLevel):
    return LevelChange.objects.filter(level=level).select_related("by").order_by("at", "pk")


def tasks_in_scope(scope: Scope, *, person_id: int | None = None):
    qs = ResponseTask.objects.all()
    if scope.is_nobody:
        return qs.none()
    if scope.organization_id is not None:
        return qs.filter(owner_id=person_id) if person_id is not None else qs.none()
    visible = scope.filter(qs)
    if person_id is not None and scope.region_code:
        return ResponseTask.objects.filter(Q(pk__in=visible.values("pk")) | Q(owner_id=person_id))
    return visible


def task_list(*, scope: Scope, level: int | None = None, state: str | None = None, person_id: int | None = None,
              region: str | None = None):
    qs = (tasks_in_scope(scope, person_id=person_id)
          .select_related("order", "region", "owner", "level__hazard").order_by("region_id", "order__sort", "pk"))
    if level is not None:
        qs = qs.filter(level_id=level)
    if state:
        qs = qs.filter(state=state)
    if region:
        qs = qs.filter(region__code__startswith=region)
    return qs


def task_get(*, scope: Scope, id: int, person_id: int | None = None) -> ResponseTask:
    if not fits_database(id):
        raise NotFound()
    task = (tasks_in_scope(scope, person_id=person_id).select_related("order", "region", "owner", "level__hazard")
            .filter(pk=id).first())
    if task is None:
        raise NotFound()
    return task


def my_open_tasks(*, person_id: int):
    """A cadre's phone page: their tasks still waiting, in responses in force."""
    return (ResponseTask.objects.filter(owner_id=person_id, state__in=WAITING, level__status=LevelStatus.IN_FORCE)
            .select_related("order", "region", "level__hazard").order_by("due_at", "pk"))


def order_board(*, scope: Scope, level: ResponseLevel) -> list[dict]:
    """Per order of the response: its tasks by state in the caller's scope, and per
    region the confirmed of the total (cancelled tasks left out of both)."""
    tasks = task_list(scope=scope, level=level.pk).exclude(state=TaskState.CANCELLED)
    counts = defaultdict(lambda: defaultdict(int))
    for order_id, state, n in tasks.values_list("order_id", "state").annotate(n=Count("pk")).order_by():
        counts[order_id][state] += n
    regions = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for order_id, region_id, state, n in (tasks.values_list("order_id", "region_id", "state")
                                          .annotate(n=Count("pk")).order_by()):
        county = region_id[:6]
        regions[order_id][county][1] += n
        if state == TaskState.CONFIRMED:
            regions[order_id][county][0] += n
    rows = []
    for order in ResponseOrder.objects.filter(pk__in=list(counts)).select_related("duty_kind").order_by("grade",
                                                                                                          "sort"):
        c = counts[order.pk]
        total = sum(c.values())
        rows.append({"order": order, "total": total, "confirmed": c[TaskState.CONFIRMED],
                     "open": c[TaskState.OPEN], "escalated": c[TaskState.ESCALATED],
                     "by_county": sorted((code, done, all_) for code, (done, all_) in regions[order.pk].items())})
    return rows


def map_regions(*, scope: Scope, level: ResponseLevel) -> list[dict]:
    """The regions with tasks, for the map: position, tasks confirmed of total."""
    tasks = task_list(scope=scope, level=level.pk).exclude(state=TaskState.CANCELLED)
    rows = (tasks.values("region_id", "region__name", "region__full_name", "region__lat", "region__lon",
                         "region__level")
            .annotate(total=Count("pk"), confirmed=Count("pk", filter=Q(state=TaskState.CONFIRMED)),
                      escalated=Count("pk", filter=Q(state=TaskState.ESCALATED))).order_by("region_id"))
    return [{"code": r["region_id"], "name": r["region__name"], "full_name": r["region__full_name"],
             "lat": r["region__lat"], "lon": r["region__lon"], "level": r["region__level"], "total": r["total"],
             "confirmed": r["confirmed"], "escalated": r["escalated"]} for r in rows]


def hazards():
    return HazardType.objects.all()


def orders(*, hazard: str | None = None):
    qs = ResponseOrder.objects.filter(active=True).select_related("hazard", "duty_kind")
    return qs.filter(hazard_id=hazard) if hazard else qs


def task_progress(*, scope: Scope) -> dict:
    """The orders (tasks) of every response in force, in the caller's scope: the total
    (cancelled left out), confirmed, and unconfirmed (open or escalated)."""
    tasks = tasks_in_scope(scope).filter(level__status=LevelStatus.IN_FORCE).exclude(state=TaskState.CANCELLED)
    states = dict(tasks.values_list("state").annotate(n=Count("pk")).order_by())
    return {"total": sum(states.values()), "confirmed": states.get(TaskState.CONFIRMED, 0),
            "unconfirmed": sum(states.get(s, 0) for s in WAITING),
            "escalated": states.get(TaskState.ESCALATED, 0)}
