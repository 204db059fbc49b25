"""API of the enforcement app. Thin: parse, call one service or selector, shape the answer."""

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from ninja import File, Form, Query, Router, Status, UploadedFile

from ..core.errors import DomainError
from ..core.limits import plausible_year
from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import offsite, selectors, services, summons, verification
from .schemas import (
    AcceptIn,
    ActionIn,
    CaseDetail,
    CaseFilter,
    CaseIn,
    CaseOut,
    CheckIn,
    CustodyOut,
    DetectionFilter,
    DetectionIn,
    DetectionOut,
    DismissIn,
    EvaluationOut,
    EvidenceIn,
    EvidenceOut,
    FiguresOut,
    FiguresQuery,
    FollowUpIn,
    PreviewIn,
    StopOrderOut,
    SummonsFilter,
    SummonsIn,
    SummonsOut,
    VerificationFilter,
    VerificationIn,
    VerificationOut,
    VerificationResultIn,
    VerifyOut,
)

router = Router(tags=["enforcement"])


def _scope(request) -> Scope:
    return Scope.for_user(request.user)


def _case(request, id: int):
    return selectors.case_get(scope=_scope(request), id=id)


def detail(case):
    """The case with what its page shows beside its fields (attributes the schema reads)."""
    case.light = selectors.current_light(case)
    case.allowed_actions = services.allowed_actions(case)
    transfer = selectors.transfer_of(case)
    case.police_transfer = None if transfer is None else {
        "agency": transfer.agency, "reason": transfer.reason, "transferred_at": transfer.transferred_at,
        "evidence_ids": sorted(transfer.evidence.values_list("pk", flat=True))}
    return case


@router.get("/cases", response=Page[CaseOut])
def list_cases(request, filters: Query[CaseFilter], paging: Query[PageQuery]):
    qs = selectors.case_list(scope=_scope(request), region=filters.region, state=filters.state or "", q=filters.q)
    page = paginate(qs, paging)
    for case in page["items"]:
        case.light = selectors.current_light(case)
    return page


@router.post("/cases", response={201: CaseDetail})
def open_case(request, data: CaseIn):
    case = services.case_open(by=request.user, **data.model_dump())
    return Status(201, detail(_case(request, case.pk)))


@router.get("/cases/{id}", response=CaseDetail)
def get_case(request, id: int):
    return detail(_case(request, id))


@router.post("/cases/{id}/actions/{action}", response=CaseDetail)
def act_on_case(request, id: int, action: str, data: ActionIn | None = None):
    """Complete the current step: investigate, review, notify, decide (with the
    decisions' facts: the discretion rules fix tier and fine), serve, execute, close;
    or transfer to the police (agency, note as the reason, evidence_ids)."""
    case = _case(request, id)
    given = (data or ActionIn()).model_dump()
    services.case_act(by=request.user, case=case, action=action[:30], note=given["note"],
                      decisions=given["decisions"], decided_on=given["decided_on"], agency=given["agency"],
                      evidence_ids=given["evidence_ids"], stop_production=given["stop_production"])
    return detail(_case(request, id))


@router.post("/cases/{id}/decision/preview", response=list[EvaluationOut])
def preview_decision(request, id: int, data: PreviewIn):
    """The discretion rules applied to the facts given, without deciding anything."""
    _case(request, id)
    return services.preview(facts=[f.model_dump() for f in data.decisions],
                            decided_on=data.decided_on or timezone.localdate())


@router.post("/cases/{id}/evidence", response={201: EvidenceOut})
def add_evidence(request, id: int, file: File[UploadedFile], data: Form[EvidenceIn]):
    """Store one evidence item; its SHA-256 is computed from the bytes received."""
    case = _case(request, id)
    if file.size > services.MAX_EVIDENCE_BYTES:
        raise DomainError("文件太大", "The file is too large", fields={"file": "太大 / too large"}, code="too_large")
    captured_at = data.captured_at if timezone.is_aware(data.captured_at) else timezone.make_aware(data.captured_at)
    item = services.evidence_add(by=request.user, case=case, kind=data.kind, content=file.read(),
                                 captured_at=captured_at, place=data.place, description=data.description,
                                 original_name=file.name or "")
    return Status(201, item)


@router.get("/cases/{id}/evidence/verify", response=VerifyOut)
def verify_evidence(request, id: int):
    """Recompute every item's SHA-256; `intact` is false if any file changed."""
    return services.evidence_verify(by=request.user, case=_case(request, id))


@router.get("/cases/{id}/evidence/{evidence_id}/file")
def export_evidence(request, id: int, evidence_id: int):
    """The stored file (an export, in the chain of custody), refused if altered."""
    scope = _scope(request)
    item = selectors.evidence_get(scope=scope, case=selectors.case_get(scope=scope, id=id), id=evidence_id)
    content = services.evidence_export(by=request.user, item=item)
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{item.sha256}"'
    response["X-Content-SHA256"] = item.sha256
    return response


@router.get("/cases/{id}/custody", response=list[CustodyOut])
def case_custody(request, id: int):
    scope = _scope(request)
    return list(selectors.custody(scope=scope, case=selectors.case_get(scope=scope, id=id)))


@router.post("/enforcement/stop-orders/{id}/check", response=StopOrderOut)
def check_stop_order(request, id: int, data: CheckIn):
    """Record the reopening check (回头看) of a stop-production order."""
    order = selectors.stop_order_get(scope=_scope(request), id=id)
    return services.reopening_check(by=request.user, order=order, outcome=data.outcome)


@router.get("/enforcement/figures", response=FiguresOut, by_alias=True)
def enforcement_figures(request, query: Query[FiguresQuery]):
    scope = _scope(request)
    end = query.end or timezone.localdate()
    start = query.start or dt.date(end.year, 1, 1)
    return selectors.figures(scope=scope, region=query.region or scope.region_code or "33", start=start, end=end)


@router.post("/offsite/detections", response={200: DetectionOut, 201: DetectionOut})
def receive_detection(request, data: DetectionIn):
    """A camera, IoT device or drone's detection: kept, and queued for review where the
    rules (enforcement/offsite_rules.yaml) say it may open a case. Sent again with the
    same `detection_id` (same source and device): 200 with the row kept the first time."""
    row = offsite.detection_receive(by=request.user, **offsite.detection_fields(data))
    return Status(200 if row.duplicate else 201, row)


@router.get("/offsite/detections", response=Page[DetectionOut])
def list_detections(request, filters: Query[DetectionFilter], paging: Query[PageQuery]):
    """The review queue with `state=pending`."""
    return paginate(offsite.detection_list(scope=_scope(request), state=filters.state or "",
                                           region=filters.region), paging)


@router.post("/offsite/detections/{id}/accept", response=DetectionOut)
def accept_detection(request, id: int, data: AcceptIn | None = None):
    """Open a case from the detection, or with `case_id` add it to that open case; the
    detection's record (media link and SHA-256 included) becomes the case's evidence."""
    scope, given = _scope(request), data or AcceptIn()
    detection = offsite.detection_get(scope=scope, id=id)
    case = None if given.case_id is None else selectors.case_get(scope=scope, id=given.case_id)
    return offsite.detection_accept(by=request.user, detection=detection, summary=given.summary, case=case)


@router.post("/offsite/detections/{id}/dismiss", response=DetectionOut)
def dismiss_detection(request, id: int, data: DismissIn):
    detection = offsite.detection_get(scope=_scope(request), id=id)
    return offsite.detection_dismiss(by=request.user, detection=detection, reason=data.reason)


@router.get("/summons", response=Page[SummonsOut])
def list_summons(request, filters: Query[SummonsFilter], paging: Query[PageQuery]):
    """Summons records (约谈); `open=true` for those whose follow-up is not done."""
    return paginate(summons.summons_list(scope=_scope(request), region=filters.region, open_only=filters.open),
                    paging)


@router.post("/summons", response={201: SummonsOut})
def record_summons(request, data: SummonsIn):
    given = data.model_dump()
    moment = given.pop("held_at")
    held_at = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    return Status(201, summons.summons_record(by=request.user, held_at=held_at, **given))


@router.post("/summons/{id}/follow-up", response=SummonsOut)
def follow_up_summons(request, id: int, data: FollowUpIn):
    row = summons.summons_get(scope=_scope(request), id=id)
    return summons.summons_follow_up(by=request.user, summons=row, outcome=data.outcome)


@router.get("/verifications", response=Page[VerificationOut])
def list_verifications(request, filters: Query[VerificationFilter], paging: Query[PageQuery]):
    """Verification checks (验证式执法) of major hazards, soonest due first."""
    return paginate(verification.verification_list(scope=_scope(request), hazard_id=filters.hazard_id,
                                                    result=filters.result or ""), paging)


@router.post("/verifications", response={201: VerificationOut})
def schedule_verification(request, data: VerificationIn):
    """Schedule the check of a major hazard the enterprise reported rectified; the
    officer is texted when it falls due."""
    if not plausible_year(data.due_at):
        raise DomainError("核查时间须晚于现在", "The check must be due in the future",
                          fields={"due_at": "须晚于现在 / must be in the future"})
    due_at = data.due_at if timezone.is_aware(data.due_at) else timezone.make_aware(data.due_at)
    return Status(201, verification.verification_schedule(by=request.user, hazard_id=data.hazard_id, due_at=due_at,
                                                          note=data.note))


@router.get("/verifications/{id}", response=VerificationOut)
def get_verification(request, id: int):
    return verification.verification_get(scope=_scope(request), id=id)


@router.post("/verifications/{id}/result", response=VerificationOut)
def record_verification(request, id: int, data: Form[VerificationResultIn], file: File[UploadedFile] = None):
    """The result, once: `passed`, or `failed` with the findings, which opens a case
    from the hazard (`case_id`). A form, with an optional evidence file."""
    row = verification.verification_get(scope=_scope(request), id=id)
    if file is not None and file.size > services.MAX_EVIDENCE_BYTES:
        raise DomainError("文件太大", "The file is too large", fields={"file": "太大 / too large"}, code="too_large")
    return verification.verification_record(by=request.user, verification=row, result=data.result,
                                            findings=data.findings, evidence=file.read() if file else None,
                                            evidence_name=(file.name or "") if file else "")
