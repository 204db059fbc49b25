"""API of emergency information reports (首报 · 续报 · 终报). Thin: parse, call one
service or selector, shape the answer.

- `POST /api/info-reports` → 201 the report with its deadlines (one per receiving level)
- `GET /api/info-reports?region=&state=&late=&kind=&flag=&month=`
- `GET /api/info-reports/{id}`: with its versions, acknowledgements and clock
- `POST /api/info-reports/{id}/actions/{followup|final|acknowledge|flag}`
- `GET /api/info-reports/kinds`: the kinds and their limits (reference data)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status

from ..core.errors import DomainError
from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import selectors_reports as selectors
from .grades import AccidentGrade
from .models.reports import ReportFlag, ReportLevel, ReportState
from .services import reports as services

router = Router(tags=["info-reports"])

COUNT = Field(0, ge=0, le=1_000_000)
LOSS = Field(Decimal(0), ge=0, le=Decimal("9999999999999"), description="direct loss, yuan")


class DeadlineOut(Schema):
    level: ReportLevel
    desk_region: str | None = Field(None, alias="desk_region_id")
    due_at: dt.datetime
    done_at: dt.datetime | None
    late: bool
    added_in_version: int


class ReportOut(Schema):
    id: int
    state: ReportState
    kind: str = Field(..., alias="kind_id")
    kind_name: str = Field(..., alias="kind.name")
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    title: str
    occurred_at: dt.datetime
    learned_at: dt.datetime
    phoned_at: dt.datetime | None
    written_at: dt.datetime = Field(..., alias="created_at")
    closed_at: dt.datetime | None
    deaths: int
    injuries: int
    missing: int
    direct_loss: Decimal
    grade: AccidentGrade
    version: int
    late: bool
    flag: str
    deadlines: list[DeadlineOut]


class VersionOut(Schema):
    number: int
    stage: ReportState
    description: str
    measures: str
    deaths: int
    injuries: int
    missing: int
    direct_loss: Decimal
    grade: AccidentGrade
    created_at: dt.datetime


class AckOut(Schema):
    level: ReportLevel = Field(..., alias="deadline.level")
    version: int
    person: str | None = Field(None, alias="person.name")
    channel: str
    at: dt.datetime


class ClockOut(Schema):
    learned_at: dt.datetime
    phoned_at: dt.datetime | None
    phone_due_at: dt.datetime
    written_at: dt.datetime
    written_due_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_due_at: dt.datetime | None
    late: bool


class ReportDetail(ReportOut):
    description: str
    measures: str
    enterprise_name: str
    latitude: float | None
    longitude: float | None
    flag_reason: str
    versions: list[VersionOut]
    acknowledgements: list[AckOut]
    clock: ClockOut


class ReportIn(Schema):
    occurred_at: dt.datetime
    region: str = Field(..., min_length=2, max_length=15)
    kind: str = Field(..., min_length=1, max_length=32)
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1, max_length=5000)
    deaths: int = COUNT
    injuries: int = COUNT
    missing: int = COUNT
    direct_loss: Decimal = LOSS
    learned_at: dt.datetime | None = None
    phoned_at: dt.datetime | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    measures: str = Field("", max_length=5000)
    enterprise_name: str = Field("", max_length=200)
    flag: str = Field("", max_length=16, description='"missed" records an event never reported (漏报)')
    flag_reason: str = Field("", max_length=1000)


class ActionIn(Schema):
    """followup and final: the new version's figures (a figure left out stays as it
    was); acknowledge: optionally the level; flag: flag and reason."""

    deaths: int | None = Field(None, ge=0, le=1_000_000)
    injuries: int | None = Field(None, ge=0, le=1_000_000)
    missing: int | None = Field(None, ge=0, le=1_000_000)
    direct_loss: Decimal | None = Field(None, ge=0, le=Decimal("9999999999999"))
    description: str = Field("", max_length=5000)
    measures: str = Field("", max_length=5000)
    level: ReportLevel | None = None
    flag: ReportFlag | None = None
    reason: str = Field("", max_length=1000)


class ReportFilter(Schema):
    region: str = Field("", max_length=15)
    state: ReportState | None = None
    late: bool | None = None
    kind: str = Field("", max_length=32)
    flag: ReportFlag | None = None
    month: str = Field("", max_length=7, description="YYYY-MM of learning")


class KindOut(Schema):
    code: str
    name: str
    name_en: str
    phone_minutes: int
    written_minutes: int
    pass_up_minutes: int


def _detail(report):
    report.acknowledgements = [a for d in report.deadlines.all() for a in d.acknowledgements.all()]
    report.clock = selectors.report_clock(report)
    return report


@router.get("/info-reports/kinds", response=list[KindOut])
def list_kinds(request):
    return selectors.report_kinds()


@router.get("/info-reports", response=Page[ReportOut])
def list_reports(request, filters: Query[ReportFilter], paging: Query[PageQuery]):
    qs = selectors.report_list(scope=Scope.for_user(request.user), region=filters.region,
                               state=filters.state or "", late=filters.late, kind=filters.kind,
                               flag=filters.flag if filters.flag is not None else "", month=filters.month)
    return paginate(qs, paging)


@router.post("/info-reports", response={201: ReportDetail})
def create_report(request, data: ReportIn):
    report = services.report_create(by=request.user, **data.model_dump())
    return Status(201, _detail(selectors.report_get(scope=Scope.for_user(request.user), id=report.pk)))


class LateSummaryQuery(Schema):
    region: str = Field("", max_length=15, description="a region code; default: your jurisdiction")
    year: int | None = Field(None, ge=2000, le=2100, description="the year learned; default: all years")


class LateRowOut(Schema):
    region: str = Field(..., alias="region_code")
    name: str = Field(..., alias="region_name")
    month: str
    late: int
    missed: int
    concealed: int


# Before /info-reports/{id}: that path would answer this one as a bad id.
@router.get("/info-reports/late-summary", response=list[LateRowOut])
def late_summary(request, query: Query[LateSummaryQuery]):
    """Late (迟报), missed (漏报) and concealed (瞒报) reports per county and month, as the
    late page shows them."""
    return selectors.late_summary(scope=Scope.for_user(request.user), region=query.region, year=query.year)


@router.get("/info-reports/{id}", response=ReportDetail)
def get_report(request, id: int):
    return _detail(selectors.report_get(scope=Scope.for_user(request.user), id=id))


@router.post("/info-reports/{id}/actions/{action}", response=ReportDetail)
def act_on_report(request, id: int, action: str, data: ActionIn):
    scope = Scope.for_user(request.user)
    report = selectors.report_get(scope=scope, id=id)
    figures = {name: getattr(report, name) if getattr(data, name) is None else getattr(data, name)
               for name in ("deaths", "injuries", "missing", "direct_loss")}
    figures.update(description=data.description, measures=data.measures)
    if action == "followup":
        services.report_followup(by=request.user, report=report, **figures)
    elif action == "final":
        services.report_final(by=request.user, report=report, **figures)
    elif action == "acknowledge":
        services.acknowledge_as(by=request.user, report=report, level=data.level or "")
    elif action == "flag":
        services.report_flag(by=request.user, report=report, flag=data.flag or "", reason=data.reason)
    else:
        raise DomainError("未知的操作", f"Unknown action {action[:30]!r}", code="unknown_action",
                          fields={"action": "followup | final | acknowledge | flag"})
    return _detail(selectors.report_get(scope=scope, id=id))
