"""API of supplies (应急物资): warehouses, the catalogue, stock balances, the ledger,
adjustments with approval, reserve standards with shortfalls, expiry, import. Thin:
scope, parse, one service. Quantities are whole numbers in the kind's unit."""

import datetime as dt
from typing import Literal

from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from ..core.errors import DomainError
from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import selectors_supplies as selectors
from . import supplies_import
from .models import AdjustmentState, MovementKind, SupplyCategory, WarehouseLevel
from .services import supplies as services

router = Router(tags=["supplies"])


def _scope(request) -> Scope:
    return Scope.for_user(request.user)


def _page_of_list(rows: list, paging: PageQuery) -> dict:
    start = (paging.page - 1) * paging.page_size
    return {"items": rows[start:start + paging.page_size], "count": len(rows), "page": paging.page,
            "page_size": paging.page_size, "count_exact": True}


# Warehouses ---------------------------------------------------------------------------

class WarehouseOut(Schema):
    id: int
    name: str
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    level: WarehouseLevel
    manager: int | None = Field(None, alias="manager_id")
    manager_name: str | None = None
    phone: str
    address: str
    lat: float | None
    lon: float | None
    active: bool

    @staticmethod
    def resolve_manager_name(obj):
        return obj.manager.name if obj.manager_id else None


class WarehouseIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    region: str = Field(..., min_length=2, max_length=15, pattern=r"^\d+$")
    level: WarehouseLevel = WarehouseLevel.COUNTY
    manager: int | None = Field(None, ge=1, le=2**62, description="core person id")
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)
    lat: float | None = Field(None, ge=3, le=54)
    lon: float | None = Field(None, ge=73, le=136)
    active: bool = True


class WarehousePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    level: WarehouseLevel | None = None
    manager: int | None = Field(None, ge=1, le=2**62)
    phone: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=200)
    lat: float | None = Field(None, ge=3, le=54)
    lon: float | None = Field(None, ge=73, le=136)
    active: bool | None = None


class WarehouseFilter(Schema):
    region: str = Field("", max_length=15)
    level: WarehouseLevel | None = None
    q: str = Field("", max_length=100)


@router.get("/warehouses", response=Page[WarehouseOut])
def list_warehouses(request, filters: Query[WarehouseFilter], paging: Query[PageQuery]):
    return paginate(selectors.warehouse_list(scope=_scope(request), region=filters.region,
                                             level=filters.level or "", q=filters.q), paging)


@router.post("/warehouses", response={201: WarehouseOut})
def create_warehouse(request, data: WarehouseIn):
    fields = data.model_dump()
    warehouse = services.warehouse_create(by=request.user, manager_id=fields.pop("manager"), **fields)
    return Status(201, selectors.warehouse_get(scope=_scope(request), id=warehouse.pk))


@router.get("/warehouses/{id}", response=WarehouseOut)
def get_warehouse(request, id: int):
    return selectors.warehouse_get(scope=_scope(request), id=id)


@router.patch("/warehouses/{id}", response=WarehouseOut)
def update_warehouse(request, id: int, data: WarehousePatch):
    warehouse = selectors.warehouse_get(scope=_scope(request), id=id)
    fields = data.model_dump(exclude_unset=True)
    services.warehouse_update(by=request.user, warehouse=warehouse, manager_id=fields.pop("manager", None), **fields)
    return selectors.warehouse_get(scope=_scope(request), id=id)


# The catalogue --------------------------------------------------------------------------

class SupplyKindOut(Schema):
    code: str
    name: str
    unit: str
    category: SupplyCategory
    perishable: bool
    shelf_life_days: int | None


class KindFilter(Schema):
    q: str = Field("", max_length=50)
    category: SupplyCategory | None = None


@router.get("/supply-kinds", response=Page[SupplyKindOut])
def list_supply_kinds(request, filters: Query[KindFilter], paging: Query[PageQuery]):
    """The catalogue of supply kinds (the same for every region)."""
    return paginate(selectors.kind_list(q=filters.q, category=filters.category or ""), paging)


# Stock -----------------------------------------------------------------------------------

class BalanceOut(Schema):
    warehouse: int = Field(..., alias="warehouse_id")
    warehouse_name: str = Field(..., alias="warehouse.name")
    region: str = Field(..., alias="warehouse.region_id")
    supply_kind: str = Field(..., alias="supply_kind.code")
    supply_kind_name: str = Field(..., alias="supply_kind.name")
    unit: str = Field(..., alias="supply_kind.unit")
    batch: str
    expires_on: dt.date | None
    quantity: int


class StockFilter(Schema):
    warehouse: int | None = Field(None, ge=1, le=2**62)
    supply_kind: str = Field("", max_length=20)
    region: str = Field("", max_length=15)
    nonzero: bool = False


@router.get("/stock", response=Page[BalanceOut])
def list_stock(request, filters: Query[StockFilter], paging: Query[PageQuery]):
    """Balances: one row per warehouse × kind × batch (batches for perishables)."""
    return paginate(selectors.balance_list(scope=_scope(request), warehouse=filters.warehouse,
                                           supply_kind=filters.supply_kind, region=filters.region,
                                           nonzero=filters.nonzero), paging)


class MovementOut(Schema):
    id: int
    kind: MovementKind
    warehouse: int = Field(..., alias="warehouse_id")
    warehouse_name: str = Field(..., alias="warehouse.name")
    region: str = Field(..., alias="warehouse.region_id")
    supply_kind: str = Field(..., alias="supply_kind.code")
    supply_kind_name: str = Field(..., alias="supply_kind.name")
    unit: str = Field(..., alias="supply_kind.unit")
    batch: str
    expires_on: dt.date | None
    quantity: int = Field(..., description="always positive; delta carries the sign")
    delta: int
    balance_after: int
    reason: str
    reference: str
    pair: int | None = Field(None, description="the other half of a transfer")
    at: dt.datetime
    by: str = Field(..., alias="by_name")

    @staticmethod
    def resolve_pair(obj):
        if obj.pair_id:
            return obj.pair_id
        paired = getattr(obj, "paired", None) if obj.kind == MovementKind.TRANSFER_OUT else None
        return paired.pk if paired is not None else None


class MovementFilter(Schema):
    warehouse: int | None = Field(None, ge=1, le=2**62)
    supply_kind: str = Field("", max_length=20)
    kind: MovementKind | None = None
    region: str = Field("", max_length=15)
    reference: str = Field("", max_length=100)


class AdjustmentOut(Schema):
    id: int
    warehouse: int = Field(..., alias="warehouse_id")
    warehouse_name: str = Field(..., alias="warehouse.name")
    region: str = Field(..., alias="warehouse.region_id")
    supply_kind: str = Field(..., alias="supply_kind.code")
    batch: str
    expires_on: dt.date | None
    delta: int
    reason: str
    state: AdjustmentState
    requested_by: str = Field(..., alias="requested_by_name")
    requested_at: dt.datetime
    decided_by: str = Field(..., alias="decided_by_name")
    decided_at: dt.datetime | None
    decision_note: str
    movement: int | None = Field(None, alias="movement_id")


class MovementIn(Schema):
    kind: Literal["receipt", "issue", "transfer", "adjustment"]
    warehouse_id: int = Field(..., strict=True, ge=1, le=2**62)
    supply_kind: str = Field(..., min_length=1, max_length=20, description="catalogue code, e.g. R001")
    quantity: int = Field(..., strict=True, description="> 0; for an adjustment signed (− found less)")
    to_warehouse_id: int | None = Field(None, strict=True, ge=1, le=2**62, description="transfer only")
    batch: str = Field("", max_length=40)
    expires_on: dt.date | None = None
    reason: str = Field(..., min_length=1, max_length=300)
    reference: str = Field("", max_length=100)


class MovementResultOut(Schema):
    movements: list[MovementOut] = Field(description="what the ledger recorded (none yet for an adjustment)")
    adjustment: AdjustmentOut | None = Field(None, description="the adjustment awaiting a second person")


@router.get("/stock/movements", response=Page[MovementOut])
def list_movements(request, filters: Query[MovementFilter], paging: Query[PageQuery]):
    return paginate(selectors.movement_list(scope=_scope(request), warehouse=filters.warehouse,
                                            supply_kind=filters.supply_kind, kind=filters.kind or "",
                                            region=filters.region, reference=filters.reference), paging,
                    count_limit=10_000)


@router.post("/stock/movements", response={201: MovementResultOut})
def create_movement(request, data: MovementIn):
    """A receipt, an issue, a transfer (to_warehouse_id) or an adjustment request (signed
    quantity; it changes nothing until a second person approves it)."""
    scope = _scope(request)
    warehouse = selectors.warehouse_get(scope=scope, id=data.warehouse_id)
    kind = selectors.kind_by_code(data.supply_kind)
    common = {"by": request.user, "warehouse": warehouse, "kind": kind, "reason": data.reason}
    if data.kind != "transfer" and data.to_warehouse_id is not None:
        raise DomainError("只有调拨需要调入仓库", "to_warehouse_id is for transfers only",
                          fields={"to_warehouse_id": "仅调拨 / transfer only"})
    if data.kind == "adjustment":
        adj = services.adjustment_request(delta=data.quantity, batch=data.batch, expires_on=data.expires_on, **common)
        return Status(201, {"movements": [], "adjustment": selectors.adjustment_get(scope=scope, id=adj.pk)})
    if data.kind == "receipt":
        first = services.receive(quantity=data.quantity, batch=data.batch, expires_on=data.expires_on,
                                 reference=data.reference, **common)
        movements = [first]
    elif data.kind == "issue":
        movements = services.issue(quantity=data.quantity, reference=data.reference, batch=data.batch or None,
                                   **common).movements
    else:
        if data.to_warehouse_id is None:
            raise DomainError("请指定调入仓库", "A transfer needs to_warehouse_id",
                              fields={"to_warehouse_id": "必填 / required"})
        to = selectors.warehouse_get(scope=scope, id=data.to_warehouse_id)
        movements = services.transfer(to_warehouse=to, quantity=data.quantity, reference=data.reference,
                                      batch=data.batch or None, **common).movements
    ids = [m.pk for m in movements]
    rows = {m.pk: m for m in selectors.movement_list(scope=scope).filter(pk__in=ids)}
    return Status(201, {"movements": [rows[i] for i in ids], "adjustment": None})


class AdjustmentFilter(Schema):
    warehouse: int | None = Field(None, ge=1, le=2**62)
    state: AdjustmentState | None = None


class DecisionIn(Schema):
    note: str = Field("", max_length=300)


@router.get("/stock/adjustments", response=Page[AdjustmentOut])
def list_adjustments(request, filters: Query[AdjustmentFilter], paging: Query[PageQuery]):
    return paginate(selectors.adjustment_list(scope=_scope(request), warehouse=filters.warehouse,
                                              state=filters.state or ""), paging)


@router.get("/stock/adjustments/{id}", response=AdjustmentOut)
def get_adjustment(request, id: int):
    return selectors.adjustment_get(scope=_scope(request), id=id)


@router.post("/stock/adjustments/{id}/approve", response=AdjustmentOut)
def approve_adjustment(request, id: int, data: DecisionIn):
    """Approve (by someone other than who asked): the movement is written and the balance changes."""
    adj = selectors.adjustment_get(scope=_scope(request), id=id)
    services.adjustment_approve(by=request.user, adjustment=adj, note=data.note)
    return selectors.adjustment_get(scope=_scope(request), id=id)


@router.post("/stock/adjustments/{id}/reject", response=AdjustmentOut)
def reject_adjustment(request, id: int, data: DecisionIn):
    adj = selectors.adjustment_get(scope=_scope(request), id=id)
    services.adjustment_reject(by=request.user, adjustment=adj, note=data.note)
    return selectors.adjustment_get(scope=_scope(request), id=id)


class ImportReportOut(Schema):
    created: int
    skipped: int = Field(description="rows imported before (the same row again adds nothing)")
    rejected: int
    errors: list[dict]
    warnings: list[str]
    rejects: str | None = Field(None, description="token of the refused rows as a file to correct")


@router.post("/stock/import", response=ImportReportOut)
def import_stock(request, file: File[UploadedFile]):
    """Excel (.xlsx) or CSV of receipts / opening stock, one a row (仓库编号, 物资编码, 数量,
    批次, 有效期至, 单号, 事由): good rows kept, the others reported by row, field and reason."""
    return supplies_import.import_stock(by=request.user, content=file.read(), filename=file.name or "").as_dict()


# Standards, shortfalls, expiry ----------------------------------------------------------

class StandardOut(Schema):
    id: int
    region: str
    region_name: str
    supply_kind: str
    supply_kind_name: str
    unit: str
    required: int
    held: int = Field(description="stock not expired in the active warehouses of the region's subtree")
    short: int
    percent: int


class StandardIn(Schema):
    region: str = Field(..., min_length=2, max_length=15, pattern=r"^\d+$")
    supply_kind: str = Field(..., min_length=1, max_length=20)
    quantity: int = Field(..., strict=True, ge=0, le=1_000_000_000)
    note: str = Field("", max_length=200)


class RegionFilter(Schema):
    region: str = Field("", max_length=15)


@router.get("/reserve-standards", response=Page[StandardOut])
def list_standards(request, filters: Query[RegionFilter], paging: Query[PageQuery]):
    return _page_of_list(selectors.standing(scope=_scope(request), region=filters.region), paging)


@router.post("/reserve-standards", response={201: StandardOut})
def set_standard(request, data: StandardIn):
    """Set a region's standard for a kind (creates it, or changes the one there)."""
    kind = selectors.kind_by_code(data.supply_kind)
    standard = services.standard_set(by=request.user, region=data.region, kind=kind, quantity=data.quantity,
                                     note=data.note)
    row = next(r for r in selectors.standing(scope=_scope(request), region=standard.region_id)
               if r["id"] == standard.pk)
    return Status(201, row)


@router.get("/stock/shortfalls", response=Page[StandardOut])
def list_shortfalls(request, filters: Query[RegionFilter], paging: Query[PageQuery]):
    """The standards not met: required, held, short."""
    return _page_of_list(selectors.shortfalls(scope=_scope(request), region=filters.region), paging)


class ExpiryFilter(Schema):
    region: str = Field("", max_length=15)
    days: int | None = Field(None, ge=0, le=selectors.MAX_EXPIRY_DAYS,
                             description="within how many days (default settings.YINGJI_SUPPLY_EXPIRY_DAYS)")
    expired: bool = Field(False, description="the batches already expired instead")


@router.get("/stock/expiring", response=Page[BalanceOut])
def list_expiring(request, filters: Query[ExpiryFilter], paging: Query[PageQuery]):
    """Perishable batches with stock that expire within `days`, or (expired=true) have expired."""
    scope = _scope(request)
    if filters.expired:
        return paginate(selectors.expired(scope=scope, region=filters.region), paging)
    return paginate(selectors.expiring(scope=scope, region=filters.region, days=filters.days), paging)
