"""API of evacuation (人员转移) and shelters (避灾安置场所). Thin: scope, parse, one service.

Figures are persons (`planned`, `moved`, `sheltered`, `returned`) with the same counts
in households beside them (`*_households`); `moved` counts everyone who has left
(moved, sheltered or returned), so completeness (应转尽转) is moved ÷ planned."""

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from pydantic import ValidationError as ItemError

from ..core.errors import DomainError
from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import evacuation_import
from . import selectors_evacuation as selectors
from .models import HouseholdState, ShelterKind, ShelterLevel, ShelterState
from .services import evacuation as services
from .services import evacuation_batch
from .services import shelters as shelter_services

router = Router(tags=["evacuation"])


def _scope(request) -> Scope:
    return Scope.for_user(request.user)


# Shelters -----------------------------------------------------------------------------

class ShelterOut(Schema):
    id: int
    name: str
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    kind: ShelterKind
    level: ShelterLevel
    capacity: int
    occupancy: int = Field(..., description="persons sheltered there now (from the households' records)")
    state: ShelterState
    manager: int | None = Field(None, alias="manager_id")
    manager_name: str | None = None
    phone: str
    address: str
    supplies: str
    longitude: float | None
    latitude: float | None

    @staticmethod
    def resolve_manager_name(obj):
        return obj.manager.name if obj.manager_id else None


class ShelterIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    region: str = Field(..., min_length=2, max_length=15, pattern=r"^\d+$")
    kind: ShelterKind = ShelterKind.OTHER
    level: ShelterLevel = ShelterLevel.VILLAGE
    capacity: int = Field(..., ge=1, le=1_000_000, description="persons")
    state: ShelterState = ShelterState.OPEN
    manager: int | None = Field(None, ge=1, le=2**62, description="core person id")
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)
    supplies: str | list[str] = Field("", description="text, or a list of lines (e.g. 棉被 200 床)")
    longitude: float | None = Field(None, ge=73, le=136)
    latitude: float | None = Field(None, ge=3, le=54)


class ShelterFilter(Schema):
    region: str = Field("", max_length=15)
    state: ShelterState | None = None
    q: str = Field("", max_length=100)


class ShelterStateIn(Schema):
    state: ShelterState


class MoveOut(Schema):
    household: int
    persons: int
    to: int
    to_name: str


class RedirectOut(Schema):
    id: int
    reason: str
    moves: list[MoveOut]
    unplaced: list[int]
    at: dt.datetime


class ShelterStateOut(Schema):
    shelter: ShelterOut
    redirect: RedirectOut | None


@router.get("/shelters", response=Page[ShelterOut])
def list_shelters(request, filters: Query[ShelterFilter], paging: Query[PageQuery]):
    return paginate(selectors.shelter_list(scope=_scope(request), region=filters.region, state=filters.state or "",
                                           q=filters.q), paging)


@router.post("/shelters", response={201: ShelterOut})
def create_shelter(request, data: ShelterIn):
    fields = data.model_dump()
    if isinstance(fields["supplies"], list):
        fields["supplies"] = "\n".join(str(s).strip() for s in fields["supplies"] if str(s).strip())
    shelter = shelter_services.shelter_create(by=request.user, **fields)
    return Status(201, selectors.shelter_get(scope=_scope(request), id=shelter.pk))


@router.get("/shelters/{id}", response=ShelterOut)
def get_shelter(request, id: int):
    return selectors.shelter_get(scope=_scope(request), id=id)


@router.post("/shelters/{id}/state", response=ShelterStateOut)
def set_shelter_state(request, id: int, data: ShelterStateIn):
    """Open, mark full or close; full or closed hands the shelter's plan households
    (not yet in it) to the nearest open shelters with room (township, then county)."""
    shelter = selectors.shelter_get(scope=_scope(request), id=id)
    _, redirect = shelter_services.shelter_set_state(by=request.user, shelter=shelter, state=data.state)
    return {"shelter": selectors.shelter_get(scope=_scope(request), id=id), "redirect": redirect}


# Households ---------------------------------------------------------------------------

class HouseholdOut(Schema):
    id: int
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    head: str
    members: int
    elderly: int
    disabled: int
    children: int
    pregnant: int
    phone: str
    address: str
    route: str
    danger_zone: str
    risk_point: int | None = Field(None, alias="risk_point_id")
    cadre: int | None = Field(None, alias="cadre_id")
    shelter_id: int | None = Field(None, description="the planned shelter")
    state: HouseholdState
    sheltered_in: int | None = Field(None, alias="sheltered_in_id", description="the shelter it is in now")
    state_at: dt.datetime | None


class HouseholdIn(Schema):
    region: str = Field(..., min_length=12, max_length=12, pattern=r"^\d+$", description="the village's code")
    head: str = Field(..., min_length=1, max_length=50)
    members: int = Field(..., ge=1, le=100)
    elderly: int = Field(0, ge=0, le=100)
    disabled: int = Field(0, ge=0, le=100)
    children: int = Field(0, ge=0, le=100)
    pregnant: int = Field(0, ge=0, le=100)
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)
    route: str = Field("", max_length=300)
    danger_zone: str = Field("", max_length=100)
    shelter_id: int | None = Field(None, ge=1, le=2**62)
    cadre: int | None = Field(None, ge=1, le=2**62, description="core person id of the responsible cadre")
    risk_point: int | None = Field(None, ge=1, le=2**62, description="the danger zone's risk point (floods) id")


class HouseholdFilter(Schema):
    region: str = Field("", max_length=15)
    state: HouseholdState | None = None
    shelter: int | None = Field(None, ge=1, le=2**62)
    q: str = Field("", max_length=100)


class TransitionOut(Schema):
    from_state: HouseholdState
    to_state: HouseholdState
    shelter: int | None = Field(None, alias="shelter_id")
    note: str
    at: dt.datetime
    by: str = Field(..., alias="by_name")


class HouseholdDetail(HouseholdOut):
    history: list[TransitionOut]

    @staticmethod
    def resolve_history(obj, context):
        return list(selectors.household_history(scope=_scope(context["request"]), household=obj))


class ActionIn(Schema):
    note: str = Field("", max_length=300)
    expected_state: HouseholdState | None = Field(None, description="the state the phone showed (optional)")


class ShelterActionIn(ActionIn):
    shelter_id: int = Field(..., ge=1, le=2**62)


@router.get("/evacuation/households", response=Page[HouseholdOut])
def list_households(request, filters: Query[HouseholdFilter], paging: Query[PageQuery]):
    qs = selectors.household_list(scope=_scope(request), region=filters.region, state=filters.state or "",
                                  shelter=filters.shelter, q=filters.q)
    return paginate(qs, paging, count_limit=10_000, ids_first=True)


@router.post("/evacuation/households", response={201: HouseholdDetail})
def create_household(request, data: HouseholdIn):
    household = services.household_create(by=request.user, **data.model_dump())
    return Status(201, selectors.household_get(scope=_scope(request), id=household.pk))


class ImportReportOut(Schema):
    created: int
    rejected: int
    errors: list[dict]
    warnings: list[str]
    rejects: str | None = Field(None, description="token of the refused rows as a file to correct")


@router.post("/evacuation/households/import", response=ImportReportOut)
def import_households(request, file: File[UploadedFile]):
    """Excel (.xlsx) or CSV of households, one a row (columns as in the page's template):
    good rows are kept, the others reported by row with the reason."""
    report = evacuation_import.import_households(by=request.user, content=file.read(), filename=file.name or "")
    return report.as_dict()


# Before /evacuation/households/{id}: its GET would answer this path with 405.
class BatchItemIn(Schema):
    id: int = Field(..., strict=True, description="household id")
    action: Literal["move", "shelter", "return"]
    shelter_id: int | None = Field(None, strict=True, description="for shelter")
    expected_state: HouseholdState | None = Field(None, description="the state the phone showed (optional)")
    note: str = Field("", max_length=300)
    client_id: str | None = Field(None, max_length=64, description="the phone's own id of the step, echoed back")


class BatchIn(Schema):
    items: list[Any] = Field(..., description=f"at most {evacuation_batch.MAX_ITEMS} steps, applied in order")


class BatchOut(Schema):
    results: list[dict[str, Any]] = Field(..., description='one per item, in order: {"id", "ok": true, "state"} '
                                                           'or {"id", "ok": false, "code", "message" (中文 / English), '
                                                           '"field"}')


def _item(raw) -> dict | DomainError:
    try:
        return BatchItemIn.model_validate(raw).model_dump()
    except ItemError as error:
        first = error.errors()[0] if error.errors() else {}
        field = ".".join(str(p) for p in first.get("loc", ())) or "item"
        return DomainError("该条记录格式有误", "This step is malformed",
                           fields={field: "格式有误 / " + first.get("msg", "invalid")[:200]})


@router.post("/evacuation/households/actions", response=BatchOut)
def act_on_households(request, data: BatchIn):
    """Steps a phone queued (offline, or in quick succession): each applied or refused on
    its own, by the same rules as the one-step actions; one result per item, in order:
    `{"id", "ok": true, "state"}` or `{"id", "ok": false, "code", "message", "field"}`."""
    if len(data.items) > evacuation_batch.MAX_ITEMS:
        raise evacuation_batch.too_many(len(data.items))
    results = evacuation_batch.households_act(by=request.user, items=[_item(raw) for raw in data.items])
    for raw, out in zip(data.items, results, strict=True):
        if out["id"] is None and isinstance(raw, dict) and isinstance(raw.get("id"), int) \
                and not isinstance(raw.get("id"), bool) and -(2**63) <= raw["id"] < 2**63:
            out["id"] = raw["id"]
    return {"results": results}


@router.get("/evacuation/households/{id}", response=HouseholdDetail)
def get_household(request, id: int):
    return selectors.household_get(scope=_scope(request), id=id)


def _act(request, id: int, action: str, data: ActionIn, shelter_id: int | None = None):
    household = selectors.household_get(scope=_scope(request), id=id)
    return services.household_act(by=request.user, household=household, action=action, shelter_id=shelter_id,
                                  note=data.note, expected_state=data.expected_state)


@router.post("/evacuation/households/{id}/actions/move", response=HouseholdOut)
def move_household(request, id: int, data: ActionIn):
    return _act(request, id, "move", data)


@router.post("/evacuation/households/{id}/actions/shelter", response=HouseholdOut)
def shelter_household(request, id: int, data: ShelterActionIn):
    return _act(request, id, "shelter", data, shelter_id=data.shelter_id)


@router.post("/evacuation/households/{id}/actions/return", response=HouseholdOut)
def return_household(request, id: int, data: ActionIn):
    return _act(request, id, "return", data)


# Figures and quick reports --------------------------------------------------------------

class ReportedOut(Schema):
    townships: int
    moved: int
    sheltered: int
    returned: int
    as_of: dt.datetime | None


class FiguresOut(Schema):
    region: str
    planned: int
    moved: int
    sheltered: int
    returned: int
    away: int = Field(..., description="moved and not yet returned")
    planned_households: int
    moved_households: int
    sheltered_households: int
    returned_households: int
    completeness: float | None = Field(..., description="moved ÷ planned (应转尽转); null without a plan")
    reported: ReportedOut = Field(..., description="the townships' latest quick reports (reported figures, "
                                                   "not included in the counts above)")


class FiguresQuery(Schema):
    region: str = Field("", max_length=15, description="any region code; default: your own")


@router.get("/evacuation/figures", response=FiguresOut)
def get_figures(request, query: Query[FiguresQuery]):
    return selectors.figures(scope=_scope(request), region=query.region)


class QuickReportIn(Schema):
    region: str = Field(..., min_length=9, max_length=9, pattern=r"^\d+$", description="the township's code")
    as_of: dt.datetime | None = None
    moved: int = Field(..., ge=0, le=10_000_000)
    sheltered: int = Field(0, ge=0, le=10_000_000)
    returned: int = Field(0, ge=0, le=10_000_000)
    note: str = Field("", max_length=300)


class QuickReportOut(Schema):
    id: int
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    as_of: dt.datetime
    moved: int
    sheltered: int
    returned: int
    note: str
    created_at: dt.datetime


class QuickReportFilter(Schema):
    region: str = Field("", max_length=15)


@router.get("/evacuation/quick-reports", response=Page[QuickReportOut])
def list_quick_reports(request, filters: Query[QuickReportFilter], paging: Query[PageQuery]):
    return paginate(selectors.quick_report_list(scope=_scope(request), region=filters.region), paging)


@router.post("/evacuation/quick-reports", response={201: QuickReportOut})
def create_quick_report(request, data: QuickReportIn):
    fields = data.model_dump()
    if fields["as_of"] is not None and timezone.is_naive(fields["as_of"]):
        fields["as_of"] = timezone.make_aware(fields["as_of"])
    report = services.quick_report_create(by=request.user, **fields)
    return Status(201, selectors.quick_report_list(scope=_scope(request)).get(pk=report.pk))
