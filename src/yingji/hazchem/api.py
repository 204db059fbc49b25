"""API of the hazardous-chemical app (危化品): the catalogue, licences, flows with their
reconciliation, work orders. Thin: parse, call one service or selector, shape the answer."""

from ninja import File, Query, Router, Status, UploadedFile

from ..core import exports
from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import flows_import, selectors, services
from .exports import FLOWS
from .schemas import (
    ActionIn,
    ChemicalOut,
    ChemicalQuery,
    FlowCreated,
    FlowIn,
    FlowOut,
    FlowQuery,
    ImportReportOut,
    LicenceIn,
    LicenceOut,
    LicenceQuery,
    WorkOrderDetail,
    WorkOrderOut,
    WorkOrderQuery,
)

router = Router(tags=["hazchem"])


@router.get("/hazchem/chemicals", response=Page[ChemicalOut])
def list_chemicals(request, query: Query[ChemicalQuery], paging: Query[PageQuery]):
    qs = selectors.chemical_list(scope=Scope.for_user(request.user), q=query.q, highly_toxic=query.highly_toxic,
                                 explosive_precursor=query.explosive_precursor)
    return paginate(qs, paging)


@router.get("/hazchem/licences", response=Page[LicenceOut])
def list_licences(request, query: Query[LicenceQuery], paging: Query[PageQuery]):
    return paginate(selectors.licence_list(scope=Scope.for_user(request.user), holder_uscc=query.holder_uscc,
                                           kind=query.kind, region=query.region), paging)


@router.post("/hazchem/licences", response={201: LicenceOut})
def create_licence(request, data: LicenceIn):
    licence = services.licence_create(by=request.user, **data.model_dump())
    return Status(201, selectors.licence_get(scope=Scope.for_user(request.user), id=licence.pk))


@router.get("/hazchem/licences/{id}", response=LicenceOut)
def get_licence(request, id: int):
    return selectors.licence_get(scope=Scope.for_user(request.user), id=id)


def _flows(request, query: FlowQuery):
    return selectors.flow_list(scope=Scope.for_user(request.user), direction=query.direction, start=query.start,
                               end=query.end, region=query.region, q=query.q)


@router.get("/hazchem/flows", response=Page[FlowOut])
def list_flows(request, query: Query[FlowQuery], paging: Query[PageQuery]):
    return paginate(_flows(request, query), paging)


@router.get("/hazchem/flows/export")
def export_flows(request, query: Query[FlowQuery]):
    """The listed flows as .xlsx (default) or CSV (`format=csv`)."""
    return exports.response(request, FLOWS, _flows(request, query))


@router.post("/hazchem/flows", response={201: FlowCreated})
def record_flow(request, data: FlowIn):
    """Record one flow; it is reconciled at once and the answer carries the findings,
    each with the work order it opened or updated."""
    flow, findings = services.flow_record(by=request.user, **data.model_dump())
    flow.findings = findings
    return Status(201, flow)


@router.post("/hazchem/flows/import", response=ImportReportOut)
def import_flows(request, file: File[UploadedFile]):
    """Excel (.xlsx) or CSV of the caller's enterprise's flows, one a row (方向, 日期, CAS号 or
    品名编号, 数量, 单位, 对方统一社会信用代码, 金额): good rows kept, bad ones reported."""
    return flows_import.import_flows(by=request.user, content=file.read(), filename=file.name or "").as_dict()


@router.get("/hazchem/work-orders", response=Page[WorkOrderOut])
def list_work_orders(request, query: Query[WorkOrderQuery], paging: Query[PageQuery]):
    return paginate(selectors.work_order_list(scope=Scope.for_user(request.user), region=query.region,
                                              state=query.state, kind=query.kind), paging)


@router.get("/hazchem/work-orders/{id}", response=WorkOrderDetail)
def get_work_order(request, id: int):
    return selectors.work_order_get(scope=Scope.for_user(request.user), id=id)


@router.post("/hazchem/work-orders/{id}/actions/{action}", response=WorkOrderDetail)
def act_on_work_order(request, id: int, action: str, data: ActionIn):
    """accept; close (with `reason`); open_case (state `case_requested`, claimed by enforcement)."""
    scope = Scope.for_user(request.user)
    order = selectors.work_order_get(scope=scope, id=id)
    services.work_order_act(by=request.user, order=order, action=action, reason=data.reason)
    return selectors.work_order_get(scope=scope, id=id)
