"""API of the alerts app: warnings (JSON or CAP 1.2), their call-up board, and
acknowledgement and feedback of call-up targets. Thin: parsing and shaping only."""

import datetime as dt
import json
from typing import Literal

import pydantic
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError

from ..core import regioncodes
from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import cap, reports, selectors, services
from .choices import AckChannel, WarningLevel, WarningStatus, WarningType

router = Router(tags=["alerts"])

CAP_TYPES = ("application/cap+xml", "application/xml", "text/xml")


class WarningIn(pydantic.BaseModel):
    type: WarningType
    level: WarningLevel
    regions: list[str] = pydantic.Field(min_length=1, max_length=2000)
    headline: str = pydantic.Field(min_length=1, max_length=200)
    description: str = ""
    effective: dt.datetime | None = None
    expires: dt.datetime | None = None
    drill: bool = False
    polygon: str = ""
    idempotency_key: str | None = pydantic.Field(None, max_length=200)


class WarningPatch(Schema):
    level: WarningLevel | None = None
    regions: list[str] | None = Field(None, min_length=1, max_length=2000)
    headline: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    expires: dt.datetime | None = None


class WarningOut(Schema):
    id: int
    type: WarningType
    level: WarningLevel
    status: WarningStatus
    drill: bool
    headline: str
    description: str
    effective: dt.datetime
    expires: dt.datetime | None
    regions: list[str]
    region: str  # the smallest region containing the area (for scoping lists by hand)
    polygon: str
    issuer_name: str
    cap_identifier: str
    version: int
    created_at: dt.datetime

    @staticmethod
    def resolve_regions(obj):
        return obj.region_codes

    @staticmethod
    def resolve_region(obj):
        return regioncodes.common_region(obj.region_codes)


class WarningFilter(Schema):
    status: WarningStatus | None = None
    type: WarningType | None = None
    level: WarningLevel | None = None
    drill: bool | None = None
    region: str | None = Field(None, max_length=15)


class UnreachedOut(Schema):
    target_id: int
    person_id: int
    name: str
    mobile: str
    title: str
    region: str
    region_name: str
    duty: str
    unreached_at: dt.datetime | None
    superior: str | None


class GroupOut(Schema):
    targets: int
    acknowledged: int
    unreached: int


class LevelOut(GroupOut):
    level: int


class RegionOut(GroupOut):
    region: str
    region_name: str


class TownshipOut(RegionOut):
    notices: int
    regions: list[RegionOut]


class BoardOut(Schema):
    warning_id: int
    callup_id: int | None
    status: str | None
    drill: bool
    started_at: dt.datetime | None
    policy: str
    targets: int = Field(description="persons called (one each, whatever their duties)")
    duty_targets: int
    notices: int = Field(description="notices of unreached persons to superiors and duty officers (not targets)")
    notices_sent: int
    notified: int = Field(description="persons who received such notices")
    sent: int
    delivered: int
    acknowledged: int
    feedback: int
    escalated: int
    calling: int
    cancelled: int
    ack_seconds_median: float | None
    ack_seconds_p90: float | None
    unreached: list[UnreachedOut]
    by_level: list[LevelOut]
    by_region: list[RegionOut]
    by_township: list[TownshipOut]


class AckIn(Schema):
    channel: Literal["app", "sms", "voice", "link", "dingtalk", "wecom"] = "app"


class FeedbackIn(Schema):
    text: str = Field("", max_length=2000)
    people_moved: int = Field(0, ge=0, le=10_000_000)
    patrols: int = Field(0, ge=0, le=10_000_000)
    counts: dict[str, int] = Field(default_factory=dict)


class TargetOut(Schema):
    id: int
    person_id: int
    region: str = Field(..., alias="region_id")
    state: str
    acknowledged_at: dt.datetime | None
    ack_channel: str


class FeedbackOut(Schema):
    id: int
    target_id: int
    text: str
    people_moved: int
    patrols: int
    counts: dict
    at: dt.datetime


_CREATE_DOC = {
    "requestBody": {"content": {
        "application/json": {"schema": WarningIn.model_json_schema()},
        "application/cap+xml": {"schema": {"type": "string", "description": "CAP 1.2 alert"}},
    }, "required": True},
}


@router.post("/warnings", response={200: WarningOut, 201: WarningOut}, openapi_extra=_CREATE_DOC)
def create_warning(request):
    """Issue a warning from JSON, or apply a CAP 1.2 document (Content-Type
    application/cap+xml, or a multipart upload named `file`): an Alert creates
    (201), an Update or Cancel changes the referenced warning (200)."""
    content_type = (request.content_type or "").lower()
    if content_type in CAP_TYPES or request.FILES.get("file"):
        data = request.FILES["file"].read() if request.FILES.get("file") else request.body
        warning, created = services.warning_from_cap(by=request.user, data=data)
        return Status(201 if created else 200, warning)
    data = _json_body(request)
    warning = services.warning_issue(
        by=request.user, type=data.type, level=data.level, region_codes=data.regions, headline=data.headline,
        description=data.description, effective=data.effective, expires=data.expires, drill=data.drill,
        polygon=data.polygon, idempotency_key=data.idempotency_key)
    return Status(201, warning)


def _json_body(request) -> WarningIn:
    try:
        return WarningIn.model_validate(json.loads(request.body or b"null"))
    except json.JSONDecodeError as exc:
        raise ValidationError([{"loc": ("body",), "type": "json_invalid", "msg": str(exc)}]) from exc
    except pydantic.ValidationError as exc:
        raise ValidationError([{"loc": ("body", *e["loc"]), "type": e["type"], "msg": e["msg"]}
                               for e in exc.errors()]) from exc


@router.get("/warnings", response=Page[WarningOut])
def list_warnings(request, filters: Query[WarningFilter], paging: Query[PageQuery]):
    qs = selectors.warning_list(scope=Scope.for_user(request.user), **filters.dict())
    return paginate(qs, paging)


@router.get("/warnings/{id}", response=WarningOut)
def get_warning(request, id: int):
    return selectors.warning_get(scope=Scope.for_user(request.user), id=id)


@router.patch("/warnings/{id}", response=WarningOut)
def update_warning(request, id: int, data: WarningPatch):
    warning = selectors.warning_get(scope=Scope.for_user(request.user), id=id)
    return services.warning_update(by=request.user, warning=warning, level=data.level, region_codes=data.regions,
                                   headline=data.headline, description=data.description, expires=data.expires)


@router.post("/warnings/{id}/cancel", response=WarningOut)
def cancel_warning(request, id: int):
    warning = selectors.warning_get(scope=Scope.for_user(request.user), id=id)
    return services.warning_cancel(by=request.user, warning=warning)


@router.get("/warnings/{id}/cap", response={200: None})
def warning_cap(request, id: int):
    """The warning as a CAP 1.2 alert (Alert, Update or Cancel by its state)."""
    warning = selectors.warning_get(scope=Scope.for_user(request.user), id=id)
    return HttpResponse(cap.to_cap(warning), content_type="application/cap+xml; charset=utf-8")


class ReportQuery(Schema):
    region: str = Field(..., min_length=2, max_length=12, pattern=r"^\d+$", description="region code")
    month: str = Field(..., pattern=r"^\d{4}-\d{2}$", description="YYYY-MM, in China Standard Time")
    drill: bool = Field(False, description="drills (演练) instead of real call-ups")


class PersonFigures(Schema):
    person_id: int
    name: str
    mobile: str
    region: str
    region_name: str
    duty: str
    called: int
    acknowledged: int
    ack_rate: float | None
    ack_seconds_median: float | None


class StaleContact(Schema):
    person_id: int
    name: str
    address: str
    current_mobile: str
    region: str
    failures: int
    last_failed_at: dt.datetime


class ReportOut(Schema):
    region: str
    month: str
    drill: bool
    callups: int
    called: int
    acknowledged: int
    ack_rate: float | None
    ack_seconds_median: float | None
    persons: list[PersonFigures]
    stale_contacts: list[StaleContact]


def _report(request, query: ReportQuery) -> dict:
    return selectors.monthly_report(scope=Scope.for_user(request.user), region=query.region,
                                    month=reports.parse_month(query.month), drill=query.drill)


@router.get("/callups/report", response=ReportOut)
def callup_report(request, query: Query[ReportQuery]):
    """Monthly report of a region: acknowledgement rate and median time to answer per
    responsible person, and stale contact data (numbers that failed permanently).
    Drills and real call-ups are counted apart (`drill`)."""
    return _report(request, query)


@router.get("/callups/report.xlsx", response={200: None})
def callup_report_xlsx(request, query: Query[ReportQuery]):
    """The monthly report as an Excel workbook."""
    report = _report(request, query)
    response = HttpResponse(reports.workbook(report), content_type=reports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{reports.filename(report)}"'
    return response


@router.get("/warnings/{id}/callup", response=BoardOut)
def warning_callup(request, id: int):
    """The live board: counts, time to acknowledge (seconds), the unreached list;
    limited to the targets in the caller's region."""
    scope = Scope.for_user(request.user)
    return selectors.board(scope=scope, warning=selectors.warning_get(scope=scope, id=id))


class VillageOut(Schema):
    code: str
    name: str
    full_name: str
    lon: float | None
    lat: float | None
    targets: int
    acknowledged: int
    unreached: int
    pending: int
    status: Literal["acknowledged", "unreached", "pending"]


class VillageMapOut(Schema):
    warning_id: int
    callup_id: int | None
    villages: list[VillageOut]


@router.get("/warnings/{id}/callup/villages", response=VillageMapOut)
def warning_callup_villages(request, id: int):
    """The board's map: per village of the call-up (targets in the caller's region),
    acknowledged / unreached / pending counts and the location (WGS84; null when the
    village has none). A grid's targets count for its village."""
    scope = Scope.for_user(request.user)
    return selectors.village_map(scope=scope, warning=selectors.warning_get(scope=scope, id=id))


def _own_or_officer(request, target) -> None:
    """The called person answers for themselves; an officer may record it for them
    (e.g. reached by a landline call)."""
    person = getattr(request.user, "person", None)
    if person is not None and person.pk == target.person_id:
        return
    Scope.for_user(request.user).require_officer()


@router.post("/callups/targets/{id}/acknowledge", response=TargetOut)
def acknowledge_target(request, id: int, data: AckIn):
    target = selectors.target_get(scope=Scope.for_user(request.user), id=id)
    _own_or_officer(request, target)
    return services.acknowledge(target=target, channel=data.channel, by=request.user)


@router.post("/callups/targets/{id}/feedback", response={201: FeedbackOut})
def feedback_target(request, id: int, data: FeedbackIn):
    target = selectors.target_get(scope=Scope.for_user(request.user), id=id)
    _own_or_officer(request, target)
    row = services.feedback(target=target, text=data.text, people_moved=data.people_moved, patrols=data.patrols,
                            counts=data.counts, by=request.user, channel=AckChannel.APP)
    return Status(201, row)

