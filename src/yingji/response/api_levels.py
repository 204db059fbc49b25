"""API of response levels and their tasks (应急响应): declare, raise, lower, end; list
and confirm tasks. Thin: scope, parse, one service."""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import selectors_levels as selectors
from . import services
from .choices_levels import ChangeAction, Grade, LevelStatus, TaskState

router = Router(tags=["response"])


class LevelIn(Schema):
    hazard: str = Field(..., min_length=1, max_length=30)
    level: Grade
    regions: list[str] = Field(..., min_length=1, max_length=200)
    drill: bool = False
    warning_id: int | None = Field(None, ge=1, le=2**62)


class ChangeIn(Schema):
    level: Grade | None = None
    note: str = Field("", max_length=300)


class ChangeOut(Schema):
    action: str
    from_level: str = Field(..., alias="from_grade")
    to_level: str = Field(..., alias="to_grade")
    note: str
    at: dt.datetime


class LevelOut(Schema):
    id: int
    hazard: str = Field(..., alias="hazard_id")
    level: str = Field(..., alias="grade")
    status: str
    drill: bool
    regions: list[str]
    warning_id: int | None
    declared_at: dt.datetime
    ended_at: dt.datetime | None
    tasks: int

    @staticmethod
    def resolve_regions(obj):
        return sorted(a.region_id for a in obj.areas.all())

    @staticmethod
    def resolve_tasks(obj):
        live = getattr(obj, "live_tasks", None)  # annotated on lists; one count for a single level
        return live if live is not None else obj.tasks.exclude(state=TaskState.CANCELLED).count()


class LevelDetail(LevelOut):
    history: list[ChangeOut]

    @staticmethod
    def resolve_history(obj):
        return list(selectors.history(obj))


class LevelFilter(Schema):
    status: LevelStatus | None = None
    hazard: str = Field("", max_length=30)


class TaskOut(Schema):
    id: int
    level: int = Field(..., alias="level_id")
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    order: str = Field(..., alias="order.text")
    order_code: str = Field(..., alias="order.code")
    confirm_wording: str = Field(..., alias="order.confirm_wording")
    checklist: list[str] = Field(..., alias="order.checklist")
    checked: list[str]
    owner: int | None = Field(None, alias="owner_id")
    owner_name: str | None = None
    due_at: dt.datetime
    state: str
    note: str
    confirmed_at: dt.datetime | None
    escalated_at: dt.datetime | None

    @staticmethod
    def resolve_owner_name(obj):
        return obj.owner.name if obj.owner_id else None


class TaskFilter(Schema):
    level: int | None = Field(None, ge=1, le=2**62)
    state: TaskState | None = None
    region: str = Field("", max_length=15)


class ConfirmIn(Schema):
    note: str = Field("", max_length=300)
    items: list[str] | None = Field(None, max_length=20, description="checklist items (五停); omitted: all")


@router.get("/response/levels", response=Page[LevelOut])
def list_levels(request, filters: Query[LevelFilter], paging: Query[PageQuery]):
    qs = selectors.level_list(scope=Scope.for_user(request.user), status=filters.status, hazard=filters.hazard)
    return paginate(qs, paging)


@router.post("/response/levels", response={201: LevelOut})
def declare_level(request, data: LevelIn):
    level = services.level_declare(by=request.user, hazard=data.hazard, grade=data.level, regions=data.regions,
                                   drill=data.drill, warning_id=data.warning_id)
    return Status(201, selectors.level_get(scope=Scope.for_user(request.user), id=level.pk))


@router.get("/response/levels/{id}", response=LevelDetail)
def get_level(request, id: int):
    return selectors.level_get(scope=Scope.for_user(request.user), id=id)


@router.post("/response/levels/{id}/actions/{action}", response=LevelDetail)
def change_level(request, id: int, action: Literal["raise", "lower", "end"], data: ChangeIn | None = None):
    scope = Scope.for_user(request.user)
    level = selectors.level_get(scope=scope, id=id)
    data = data or ChangeIn()
    services.level_change(by=request.user, level=level, action=ChangeAction(action), grade=data.level,
                          note=data.note)
    return selectors.level_get(scope=scope, id=id)


@router.get("/response/tasks", response=Page[TaskOut])
def list_tasks(request, filters: Query[TaskFilter], paging: Query[PageQuery]):
    person = getattr(request.user, "person", None)
    qs = selectors.task_list(scope=Scope.for_user(request.user), level=filters.level, state=filters.state,
                             region=filters.region, person_id=person.pk if person else None)
    return paginate(qs, paging)


@router.post("/response/tasks/{id}/confirm", response=TaskOut)
def confirm_task(request, id: int, data: ConfirmIn):
    person = getattr(request.user, "person", None)
    scope = Scope.for_user(request.user)
    task = selectors.task_get(scope=scope, id=id, person_id=person.pk if person else None)
    services.task_confirm(task=task, by=request.user, items=data.items, note=data.note)
    return selectors.task_get(scope=scope, id=id, person_id=person.pk if person else None)
