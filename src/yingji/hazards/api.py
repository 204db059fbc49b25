"""API of the hazards app: hazards and their actions, inspections, checklists,
campaigns, public reports, regional figures and ranking. Thin: parse, call one
service or selector, shape the answer."""

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from ..core.errors import bilingual
from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import indexes, reporting, selectors, services
from .choices import (
    Answer,
    HazardCategory,
    HazardLevel,
    HazardSource,
    HazardState,
    InspectionKind,
    Light,
    ReportState,
)
from .lights import light

router = Router(tags=["hazards"])


# Hazards -----------------------------------------------------------------------

class HazardOut(Schema):
    id: int
    number: str
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    region: str = Field(..., alias="region_id")
    location: str
    description: str
    category: HazardCategory
    source: HazardSource
    level: HazardLevel
    state: HazardState
    found_on: dt.date
    deadline: dt.date
    closed_on: dt.date | None
    supervised: bool
    light: Light

    @staticmethod
    def resolve_light(obj):
        return light(state=obj.state, deadline=obj.deadline)


class EvidenceOut(Schema):
    id: int
    text: str
    file: str
    at: dt.datetime

    @staticmethod
    def resolve_file(obj):
        return obj.file.name or ""


class EventOut(Schema):
    at: dt.datetime
    actor: str = Field(..., alias="actor_name")
    action: str
    from_state: str
    to_state: str
    reason: str
    data: dict
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_evidence(obj):
        return list(obj.evidence.all())


class PlanOut(Schema):
    goal: str
    measures: str
    funds: Decimal
    materials: str
    people: str
    deadline: dt.date
    safety_measures: str
    contingency_plan: str


class HazardDetail(HazardOut):
    responsible_id: int | None
    officer_id: int | None
    inspection_id: int | None
    campaign_id: int | None
    allowed: list[str]
    actions: list[str] = Field(..., description="what the caller may do now")
    timeline: list[EventOut]
    plan: PlanOut | None
    pending_evidence: list[EvidenceOut]

    @staticmethod
    def resolve_plan(obj):
        return getattr(obj, "plan", None)


def _detail(hazard, scope: Scope):
    """The hazard with what the detail shows beside its fields (attributes the
    schema reads, not stored)."""
    hazard.allowed = services.allowed_actions(hazard)
    hazard.actions = services.actions_for(hazard, scope)
    hazard.timeline = list(hazard.events.all())
    hazard.pending_evidence = [e for e in hazard.evidence.all() if e.event_id is None]
    return hazard


class HazardFilter(Schema):
    region: str = Field("", max_length=15, description="region code: hazards found in its subtree")
    state: HazardState | None = None
    level: HazardLevel | None = None
    source: HazardSource | None = None
    enterprise: int | None = Field(None, ge=1, le=2**62)
    campaign: int | None = Field(None, ge=1, le=2**62)
    overdue: bool | None = None
    light: Light | None = None
    q: str = Field("", max_length=100, description="text in the number, description or enterprise name")


class HazardIn(Schema):
    enterprise_id: int = Field(..., ge=1, le=2**62)
    description: str = Field(..., min_length=1, max_length=5000)
    level: HazardLevel = HazardLevel.GENERAL
    deadline: dt.date
    found_on: dt.date | None = None
    location: str = Field("", max_length=200)
    category: HazardCategory = HazardCategory.OTHER
    source: HazardSource = HazardSource.INSPECTION
    responsible_id: int | None = Field(None, ge=1, le=2**62)


class PlanIn(Schema):
    goal: str = Field(..., min_length=1, max_length=5000)
    measures: str = Field(..., min_length=1, max_length=5000)
    funds: Decimal = Field(..., ge=0, le=Decimal(999999999999))
    materials: str = Field("", max_length=5000)
    people: str = Field(..., min_length=1, max_length=2000)
    deadline: dt.date
    safety_measures: str = Field(..., min_length=1, max_length=5000)
    contingency_plan: str = Field(..., min_length=1, max_length=5000)


class ActionIn(Schema):
    reason: str = Field("", max_length=2000, description="required for return, escalate, downgrade")
    evidence_text: str = Field("", max_length=5000, description="evidence for submit and fix_on_spot")
    expert: str = Field("", max_length=200, description="the expert at a major hazard's acceptance")
    plan: PlanIn | None = Field(None, description="the treatment plan, for the action 'plan'")


class TransitionError(Schema):
    error: dict


# A province-wide list holds millions of hazards: its count stops here (core.paging).
HAZARD_COUNT_LIMIT = 10_000


@router.get("/hazards", response=Page[HazardOut])
def list_hazards(request, filters: Query[HazardFilter], paging: Query[PageQuery]):
    qs = selectors.hazard_list(scope=Scope.for_user(request.user), **_filter_args(filters))
    return paginate(qs, paging, count_limit=HAZARD_COUNT_LIMIT, ids_first=True)


def _filter_args(filters: HazardFilter) -> dict:
    data = filters.model_dump()
    return {k: ("" if v is None and k in ("state", "level", "source", "light") else v) for k, v in data.items()}


@router.post("/hazards", response={201: HazardDetail})
def create_hazard(request, data: HazardIn):
    hazard = services.hazard_register(by=request.user, **data.model_dump())
    scope = Scope.for_user(request.user)
    return Status(201, _detail(selectors.hazard_get(scope=scope, id=hazard.pk), scope))


@router.get("/hazards/{id}", response=HazardDetail)
def get_hazard(request, id: int):
    scope = Scope.for_user(request.user)
    return _detail(selectors.hazard_get(scope=scope, id=id), scope)


@router.post("/hazards/{id}/actions/{action}", response={200: HazardDetail, 409: TransitionError})
def act_on_hazard(request, id: int, action: str, data: ActionIn):
    """Take one step of the closed loop. Not allowed now → 409 with the allowed actions."""
    scope = Scope.for_user(request.user)
    hazard = selectors.hazard_get(scope=scope, id=id)
    plan = data.plan.model_dump() if data.plan else None
    try:
        services.hazard_act(by=request.user, hazard=hazard, action=action, reason=data.reason,
                            evidence_text=data.evidence_text, plan=plan, expert=data.expert)
    except services.InvalidTransition as exc:
        return Status(409, {"error": {"code": exc.code, "message": bilingual(exc.zh, exc.en),
                                      "fields": exc.fields, "allowed": exc.allowed}})
    return _detail(selectors.hazard_get(scope=scope, id=id), scope)


@router.post("/hazards/{id}/evidence", response={201: EvidenceOut})
def add_evidence(request, id: int, file: File[UploadedFile] = None, text: Form[str] = ""):
    """Upload a photo or file (multipart field `file`, optional `text`); the next
    submission takes it along."""
    hazard = selectors.hazard_get(scope=Scope.for_user(request.user), id=id)
    if file is not None and file.size and file.size > MAX_EVIDENCE_BYTES:
        from ..core.errors import DomainError

        raise DomainError("文件超过 20 MB", "The file is larger than 20 MB", fields={"file": "太大 / too large"})
    return Status(201, services.evidence_add(by=request.user, hazard=hazard, file=file, text=text[:5000]))


MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


# Inspections -------------------------------------------------------------------

class AnswerIn(Schema):
    item: str = Field(..., max_length=20, description="the checklist item's code")
    answer: Answer
    note: str = Field("", max_length=500)


class InspectionIn(Schema):
    enterprise_id: int = Field(..., ge=1, le=2**62)
    kind: InspectionKind
    date: dt.date
    template: str = Field("", max_length=60, description="checklist code")
    answers: list[AnswerIn] = Field(default_factory=list, max_length=500)
    inspector_ids: list[int] = Field(default_factory=list, max_length=20)
    campaign_id: int | None = Field(None, ge=1, le=2**62)
    note: str = Field("", max_length=5000)


class InspectionOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    region: str = Field(..., alias="region_id")
    kind: InspectionKind
    date: dt.date
    template: str | None
    campaign_id: int | None
    inspector_ids: list[int]

    @staticmethod
    def resolve_template(obj):
        return obj.template.code if obj.template_id else None

    @staticmethod
    def resolve_inspector_ids(obj):
        return sorted(p.pk for p in obj.inspectors.all())


class AnswerOut(Schema):
    item: str = Field(..., alias="item.code")
    text: str = Field(..., alias="item.text")
    answer: Answer
    note: str


class InspectionDetail(InspectionOut):
    note: str
    answers: list[AnswerOut]
    hazards: list[HazardOut]

    @staticmethod
    def resolve_answers(obj):
        return list(obj.answers.all())

    @staticmethod
    def resolve_hazards(obj):
        return list(obj.hazards.select_related("enterprise"))


class InspectionFilter(Schema):
    region: str = Field("", max_length=15)
    enterprise: int | None = Field(None, ge=1, le=2**62)
    kind: InspectionKind | None = None
    campaign: int | None = Field(None, ge=1, le=2**62)


@router.get("/inspections", response=Page[InspectionOut])
def list_inspections(request, filters: Query[InspectionFilter], paging: Query[PageQuery]):
    qs = selectors.inspection_list(scope=Scope.for_user(request.user), region=filters.region,
                                   enterprise=filters.enterprise, kind=filters.kind or "", campaign=filters.campaign)
    return paginate(qs, paging)


@router.post("/inspections", response={201: InspectionDetail})
def create_inspection(request, data: InspectionIn):
    given = data.model_dump()
    inspection = services.inspection_create(
        by=request.user, enterprise_id=given["enterprise_id"], kind=given["kind"], date=given["date"],
        template_code=given["template"], answers=given["answers"], inspector_ids=given["inspector_ids"],
        campaign_id=given["campaign_id"], note=given["note"])
    return Status(201, selectors.inspection_get(scope=Scope.for_user(request.user), id=inspection.pk))


@router.get("/inspections/{id}", response=InspectionDetail)
def get_inspection(request, id: int):
    return selectors.inspection_get(scope=Scope.for_user(request.user), id=id)


# Checklists --------------------------------------------------------------------

class ItemOut(Schema):
    code: str
    group: str
    text: str
    clause: str
    category: HazardCategory
    major_if_no: bool


class ChecklistOut(Schema):
    code: str
    name: str
    source: str
    description: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


@router.get("/checklists", response=list[ChecklistOut])
def list_checklists(request):
    return list(selectors.checklist_list())


# Campaigns ---------------------------------------------------------------------

class CampaignIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    region: str = Field(..., max_length=15)
    start: dt.date
    end: dt.date
    industry: str = Field("", max_length=30)
    tag: str = Field("", max_length=50)
    template: str = Field("", max_length=60)
    description: str = Field("", max_length=5000)


class CampaignOut(Schema):
    id: int
    name: str
    region: str = Field(..., alias="region_id")
    industry: str
    tag: str | None
    template: str | None
    start: dt.date
    end: dt.date

    @staticmethod
    def resolve_tag(obj):
        return obj.tag.name if obj.tag_id else None

    @staticmethod
    def resolve_template(obj):
        return obj.template.code if obj.template_id else None


class CoverageOut(Schema):
    total: int
    inspected: int
    coverage: float | None
    found: int
    closed: int
    major_found: int


class NegativeOut(Schema):
    enterprise_id: int
    name: str
    region: str
    open_major: bool
    repeated: bool


class CampaignDetail(CampaignOut):
    description: str
    coverage: CoverageOut
    negative_list: list[NegativeOut]


@router.get("/campaigns", response=Page[CampaignOut])
def list_campaigns(request, paging: Query[PageQuery]):
    return paginate(selectors.campaign_list(scope=Scope.for_user(request.user)), paging)


@router.post("/campaigns", response={201: CampaignOut})
def create_campaign(request, data: CampaignIn):
    given = data.model_dump()
    return Status(201, services.campaign_create(
        by=request.user, name=given["name"], region_code=given["region"], start=given["start"], end=given["end"],
        industry=given["industry"], tag=given["tag"], template_code=given["template"],
        description=given["description"]))


@router.get("/campaigns/{id}", response=CampaignDetail)
def get_campaign(request, id: int):
    campaign = selectors.campaign_get(scope=Scope.for_user(request.user), id=id)
    campaign.coverage = selectors.campaign_coverage(campaign)
    campaign.negative_list = selectors.campaign_negative_list(campaign)
    return campaign


# Public reports ----------------------------------------------------------------

class ReportIn(Schema):
    region: str = Field(..., max_length=15, description="county or township code where the hazard is")
    description: str = Field(..., min_length=5, max_length=5000)
    enterprise_name: str = Field("", max_length=200)
    address: str = Field("", max_length=300)
    contact: str = Field("", max_length=100, description="optional: phone or e-mail for the reward")


class ReportReceipt(Schema):
    id: int
    state: ReportState
    created_at: dt.datetime


class ReportOut(ReportReceipt):
    region: str = Field(..., alias="region_id")
    description: str
    enterprise_name: str
    address: str
    contact: str
    reject_reason: str
    enterprise_id: int | None
    hazard_id: int | None
    fine: Decimal | None
    reward: Decimal | None

    @staticmethod
    def resolve_hazard_id(obj):
        hazard = getattr(obj, "hazard", None)
        return hazard.pk if hazard else None


class RejectIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class AcceptIn(Schema):
    enterprise_id: int = Field(..., ge=1, le=2**62)
    deadline: dt.date
    level: HazardLevel = HazardLevel.GENERAL
    category: HazardCategory = HazardCategory.OTHER
    description: str = Field("", max_length=5000)


class PenaltyIn(Schema):
    fine: Decimal = Field(..., gt=0, le=Decimal(999999999))


class ReportFilter(Schema):
    state: ReportState | None = None


def client_ip(request) -> str:
    """The client's address. Behind a reverse proxy REMOTE_ADDR is the proxy: the
    deployment must then pass the real address in REMOTE_ADDR (e.g. a trusted
    proxy middleware), or every reporter shares one limit."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@router.post("/reports", response={201: ReportReceipt}, auth=None)
def create_report(request, data: ReportIn):
    """Report a hazard: no login. Rate-limited per client address (429)."""
    given = data.model_dump()
    return Status(201, reporting.report_create(ip=client_ip(request), region_code=given.pop("region"), **given))


@router.get("/reports", response=Page[ReportOut])
def list_reports(request, filters: Query[ReportFilter], paging: Query[PageQuery]):
    return paginate(selectors.report_list(scope=_officer_scope(request), state=filters.state or ""), paging)


def _officer_scope(request) -> Scope:
    """Reports can name a reporter: only officers (and admins) read them."""
    scope = Scope.for_user(request.user)
    scope.require_officer()
    return scope


@router.post("/reports/{id}/reject", response=ReportOut)
def reject_report(request, id: int, data: RejectIn):
    report = selectors.report_get(scope=Scope.for_user(request.user), id=id)
    return reporting.report_reject(by=request.user, report=report, reason=data.reason)


@router.post("/reports/{id}/accept", response={201: HazardDetail})
def accept_report(request, id: int, data: AcceptIn):
    scope = Scope.for_user(request.user)
    report = selectors.report_get(scope=scope, id=id)
    hazard = reporting.report_accept(by=request.user, report=report, **data.model_dump())
    return Status(201, _detail(selectors.hazard_get(scope=scope, id=hazard.pk), scope))


@router.post("/reports/{id}/penalty", response=ReportOut)
def record_penalty(request, id: int, data: PenaltyIn):
    report = selectors.report_get(scope=Scope.for_user(request.user), id=id)
    return reporting.report_record_penalty(by=request.user, report=report, fine=data.fine)


# Regional figures and ranking ----------------------------------------------------

class PeriodQuery(Schema):
    region: str = Field(..., max_length=15)
    start: dt.date = Field(..., alias="from")
    end: dt.date = Field(..., alias="to")


class RankingQuery(PeriodQuery):
    bottom: int = Field(indexes.DEFAULT_BOTTOM, ge=0, le=1000)


class FiguresOut(Schema):
    region: str
    name: str
    found: int
    closed: int
    rectification_rate: float | None
    overdue: int
    major_found: int
    major_closed: int
    supervised: int
    inspections: int
    inspected_enterprises: int
    enterprises: int
    coverage: float | None


class RankedOut(FiguresOut):
    index: float
    rank: int


class RankingOut(Schema):
    region: str
    name: str
    weights: dict[str, float]
    items: list[RankedOut]
    bottom: list[RankedOut]


@router.get("/stats/hazards", response=FiguresOut)
def hazard_stats(request, query: Query[PeriodQuery]):
    return indexes.region_figures(scope=Scope.for_user(request.user), code=query.region, start=query.start,
                                  end=query.end)


@router.get("/stats/ranking", response=RankingOut)
def hazard_ranking(request, query: Query[RankingQuery]):
    return indexes.ranking(scope=Scope.for_user(request.user), code=query.region, start=query.start,
                           end=query.end, bottom=query.bottom)


@router.get("/stats/ranking/export", response={200: None})
def export_ranking(request, query: Query[RankingQuery]):
    """The ranking as an Excel workbook."""
    result = indexes.ranking(scope=Scope.for_user(request.user), code=query.region, start=query.start,
                             end=query.end, bottom=query.bottom)
    response = HttpResponse(indexes.ranking_xlsx(result),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (f'attachment; filename="ranking-{query.region}-{query.start:%Y%m%d}-'
                                       f'{query.end:%Y%m%d}.xlsx"')
    return response
