"""API of the accidents app. Thin: parse, call one service or selector, shape the answer."""

import datetime as dt

from django.utils import timezone
from ninja import Query, Router, Status

from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import selectors, services
from .schemas import (
    AccidentDetail,
    AccidentFilter,
    AccidentHazardIn,
    AccidentIn,
    AccidentOut,
    AccidentPatch,
    CheckIn,
    ExplanationIn,
    ExtensionIn,
    FiguresOut,
    FiguresQuery,
    InvestigationIn,
    ItemCloseIn,
    OverdueOut,
    RankingOut,
    RemedialIn,
    RemedialItemOut,
    TargetIn,
    TargetOut,
    TargetQuery,
)

router = Router(tags=["accidents"])


def detail(accident, change=None):
    """The accident with what its page shows beside its fields (attributes the schema
    reads, not stored)."""
    accident.late_report_days = services.late_report_days(accident)
    accident.change = {"counted": change.counted, "message": change.message} if change else None
    return accident


def aware(moment: dt.datetime) -> dt.datetime:
    """A time without a zone is Beijing time."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def default_period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """This year to today unless given."""
    today = timezone.localdate()
    end = end or today
    return start or dt.date(end.year, 1, 1), end


def home_region(scope: Scope, region: str) -> str:
    return region or scope.region_code or "33"


@router.get("/accidents", response=Page[AccidentOut])
def list_accidents(request, filters: Query[AccidentFilter], paging: Query[PageQuery]):
    f = filters
    qs = selectors.accident_list(scope=Scope.for_user(request.user), region=f.region, start=f.start, end=f.end,
                                 grade=f.grade or "", kind=f.kind or "", industry=f.industry or "", q=f.q)
    return paginate(qs, paging)


@router.post("/accidents", response={201: AccidentDetail})
def create_accident(request, data: AccidentIn):
    given = data.model_dump()
    accident = services.accident_create(by=request.user, region_code=given.pop("region"),
                                        occurred_at=aware(given.pop("occurred_at")), **given)
    return Status(201, detail(selectors.accident_get(scope=Scope.for_user(request.user), id=accident.pk)))


@router.get("/accidents/figures", response=FiguresOut, by_alias=True)
def accident_figures(request, query: Query[FiguresQuery]):
    scope = Scope.for_user(request.user)
    start, end = default_period(query.start, query.end)
    return selectors.figures(scope=scope, region=home_region(scope, query.region), start=start, end=end,
                             group_by=query.group_by)


@router.get("/accidents/ranking", response=RankingOut)
def accident_ranking(request, query: Query[FiguresQuery]):
    """Child regions worst first: by deaths, then accidents."""
    scope = Scope.for_user(request.user)
    start, end = default_period(query.start, query.end)
    region = home_region(scope, query.region)
    return {"region": region, "items": selectors.ranking(scope=scope, region=region, start=start, end=end)}


@router.get("/accidents/targets", response=Page[TargetOut])
def list_targets(request, query: Query[TargetQuery], paging: Query[PageQuery]):
    return paginate(selectors.target_list(scope=Scope.for_user(request.user), year=query.year,
                                          region=query.region), paging)


@router.post("/accidents/targets", response={201: TargetOut})
def save_target(request, data: TargetIn):
    target = services.target_save(by=request.user, region_code=data.region, year=data.year,
                                  max_accidents=data.max_accidents, max_deaths=data.max_deaths)
    return Status(201, selectors.target_list(scope=Scope.for_user(request.user)).get(pk=target.pk))


@router.get("/accidents/overdue-investigations", response=Page[OverdueOut])
def list_overdue(request, paging: Query[PageQuery]):
    return paginate(selectors.overdue_investigations(scope=Scope.for_user(request.user)), paging)


@router.post("/accidents/remedial-items/{id}/close", response=RemedialItemOut)
def close_remedial_item(request, id: int, data: ItemCloseIn):
    item = selectors.remedial_item_get(scope=Scope.for_user(request.user), id=id)
    return services.remedial_item_close(by=request.user, item=item, closed_on=data.closed_on, note=data.note)


@router.get("/accidents/{id}", response=AccidentDetail)
def get_accident(request, id: int):
    return detail(selectors.accident_get(scope=Scope.for_user(request.user), id=id))


@router.patch("/accidents/{id}", response=AccidentDetail)
def patch_accident(request, id: int, data: AccidentPatch):
    """Change figures (a new version: 补报 within the window recomputes the grade; later,
    recorded and not counted, `change.counted` false with the reason) or descriptive fields."""
    scope = Scope.for_user(request.user)
    accident = selectors.accident_get(scope=scope, id=id)
    given = data.model_dump(exclude_none=True)
    change = services.accident_update(by=request.user, accident=accident, reason=given.pop("reason", ""), **given)
    return detail(selectors.accident_get(scope=scope, id=id), change)


def _accident(request, id: int):
    return selectors.accident_get(scope=Scope.for_user(request.user), id=id)


@router.post("/accidents/{id}/investigation", response=AccidentDetail)
def save_investigation(request, id: int, data: InvestigationIn):
    accident = _accident(request, id)
    services.investigation_save(by=request.user, accident=accident, **data.model_dump(exclude_none=True))
    return detail(_accident(request, id))


@router.post("/accidents/{id}/investigation/extension", response=AccidentDetail)
def extend_investigation(request, id: int, data: ExtensionIn):
    accident = _accident(request, id)
    services.investigation_extend(by=request.user, accident=accident, days=data.days, reason=data.reason)
    return detail(_accident(request, id))


@router.post("/accidents/{id}/checks", response=AccidentDetail)
def record_check(request, id: int, data: CheckIn):
    accident = _accident(request, id)
    services.check_record(by=request.user, accident=accident, **data.model_dump())
    return detail(_accident(request, id))


@router.post("/accidents/{id}/double-explanation", response=AccidentDetail)
def save_explanation(request, id: int, data: ExplanationIn):
    accident = _accident(request, id)
    services.explanation_save(by=request.user, accident=accident, **data.model_dump(exclude_none=True))
    return detail(_accident(request, id))


@router.post("/accidents/{id}/remedials", response={201: AccidentDetail})
def create_remedial(request, id: int, data: RemedialIn):
    accident = _accident(request, id)
    given = data.model_dump()
    services.remedial_create(by=request.user, accident=accident, region_code=given["region"], start=given["start"],
                             scope_text=given["scope_text"], items=given["items"])
    return Status(201, detail(_accident(request, id)))


@router.post("/accidents/{id}/hazards", response={201: AccidentDetail})
def register_hazard(request, id: int, data: AccidentHazardIn):
    """Register a hazard found after the accident (through the hazards app) and link it."""
    accident = _accident(request, id)
    services.hazard_register_after(by=request.user, accident=accident, **data.model_dump())
    return Status(201, detail(_accident(request, id)))
