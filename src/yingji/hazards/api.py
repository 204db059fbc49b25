"""API of the hazards app: hazards and their actions, inspections, checklists,
campaigns, public reports, regional figures and ranking. Thin: parse, call one
service or selector, shape the answer.

The schemas are in `schemas.py`."""

from django.http import HttpResponse
from ninja import File, Form, Query, Router, Status, UploadedFile

from ..core.errors import Forbidden, bilingual
from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import indexes, reporting, selectors, services
from .schemas import (
    AcceptIn,
    ActionIn,
    CampaignDetail,
    CampaignIn,
    CampaignOut,
    ChecklistOut,
    EvidenceOut,
    FiguresOut,
    HazardDetail,
    HazardFilter,
    HazardIn,
    HazardOut,
    InspectionDetail,
    InspectionFilter,
    InspectionIn,
    InspectionOut,
    NegativeEntryIn,
    NegativeEntryOut,
    NegativeListOut,
    OutcomeDoneIn,
    OutcomeIn,
    OutcomeOut,
    PenaltyIn,
    PeriodQuery,
    RankingOut,
    RankingQuery,
    RejectIn,
    RemoveIn,
    ReportFilter,
    ReportIn,
    ReportOut,
    ReportReceipt,
    TransitionError,
)

router = Router(tags=["hazards"])


def _detail(hazard, scope: Scope):
    """The hazard with what the detail shows beside its fields (attributes the
    schema reads, not stored)."""
    hazard.allowed = services.allowed_actions(hazard)
    hazard.actions = services.actions_for(hazard, scope)
    hazard.timeline = list(hazard.events.all())
    hazard.pending_evidence = [e for e in hazard.evidence.all() if e.event_id is None]
    return hazard


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
        campaign_id=given["campaign_id"], note=given["note"], no_hazard_found=given["no_hazard_found"])
    return Status(201, selectors.inspection_get(scope=Scope.for_user(request.user), id=inspection.pk))


@router.get("/inspections/{id}", response=InspectionDetail)
def get_inspection(request, id: int):
    return selectors.inspection_get(scope=Scope.for_user(request.user), id=id)


@router.get("/checklists", response=list[ChecklistOut])
def list_checklists(request):
    return list(selectors.checklist_list())


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


def _campaign(request, id: int):
    return selectors.campaign_get(scope=_campaign_scope(request), id=id)


def _campaign_scope(request) -> Scope:
    """A campaign's lists name other enterprises: not for enterprise users (as its pages)."""
    scope = Scope.for_user(request.user)
    if scope.organization_id is not None:
        raise Forbidden("企业用户不能查看专项整治", "Enterprise users cannot read campaigns")
    return scope


@router.get("/campaigns/{id}/negative-list", response=NegativeListOut)
def get_negative_list(request, id: int):
    """The negative list officers keep (with the removed entries, for the history)
    beside the rule-based suggestion, each suggestion marked when already kept."""
    scope = _campaign_scope(request)
    campaign = selectors.campaign_get(scope=scope, id=id)
    kept = list(selectors.negative_entries(scope=scope, campaign=campaign))
    current = {e.enterprise_id for e in kept if e.removed_at is None}
    suggested = [{**row, "kept": row["enterprise_id"] in current}
                 for row in selectors.campaign_negative_list(campaign, scope=scope)]
    return {"kept": kept, "suggested": suggested}


@router.post("/campaigns/{id}/negative-list", response={201: NegativeEntryOut})
def add_negative_entry(request, id: int, data: NegativeEntryIn):
    return Status(201, services.negative_entry_add(by=request.user, campaign=_campaign(request, id),
                                                   enterprise_id=data.enterprise_id, reason=data.reason))


@router.post("/campaigns/{id}/negative-list/{entry_id}/remove", response=NegativeEntryOut)
def remove_negative_entry(request, id: int, entry_id: int, data: RemoveIn):
    scope = _campaign_scope(request)
    entry = selectors.negative_entry_get(scope=scope, campaign=selectors.campaign_get(scope=scope, id=id),
                                         id=entry_id)
    return services.negative_entry_remove(by=request.user, entry=entry, reason=data.reason)


@router.get("/campaigns/{id}/outcomes", response=list[OutcomeOut])
def list_outcomes(request, id: int):
    scope = _campaign_scope(request)
    return list(selectors.campaign_outcomes(scope=scope, campaign=selectors.campaign_get(scope=scope, id=id)))


@router.post("/campaigns/{id}/outcomes", response=OutcomeOut)
def set_outcome(request, id: int, data: OutcomeIn):
    """Decide (or change) one enterprise's outcome and plan (一企一策)."""
    return services.campaign_outcome_set(by=request.user, campaign=_campaign(request, id), **data.model_dump())


@router.post("/campaigns/{id}/outcomes/{outcome_id}/complete", response=OutcomeOut)
def complete_outcome(request, id: int, outcome_id: int, data: OutcomeDoneIn):
    scope = _campaign_scope(request)
    outcome = selectors.campaign_outcome_get(scope=scope, campaign=selectors.campaign_get(scope=scope, id=id),
                                             id=outcome_id)
    return services.campaign_outcome_complete(by=request.user, outcome=outcome, done_on=data.done_on,
                                              note=data.note)


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
