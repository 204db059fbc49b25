"""Writes of supplies (应急物资): warehouses, the stock ledger, adjustments, standards.

Every change of stock is one `StockMovement` and the matching change of one
`StockBalance`, in one transaction. A decrease is a conditional UPDATE
(`quantity >= n`), so two concurrent issues of the last ten life jackets cannot both
succeed: the second updates no row and is refused, naming what is short. Perishables
are issued first-expiring-first (FEFO) from batches not yet expired; an issue that
spans batches writes one movement per batch.

Public contract (dispatch uses it): `issue(*, by, warehouse, kind, quantity, reason,
reference="") -> StockMovement`, raising `StockShort` (a `core.errors.DomainError`,
Chinese and English) when the warehouse holds less than asked.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from ...core import audit
from ...core.errors import DomainError, Forbidden
from ...core.models import Person, Region
from ...core.scope import Scope, fits_database
from ...core.services import save_audited
from ..models import (
    AdjustmentState,
    MovementKind,
    ReserveStandard,
    StockAdjustment,
    StockBalance,
    StockMovement,
    SupplyKind,
    Warehouse,
)
from ..models.supplies import MAX_QUANTITY

WAREHOUSE_FIELDS = ("name", "level", "phone", "address", "lat", "lon", "active")


class StockShort(DomainError):
    """The warehouse holds less of the kind than asked (nothing was taken)."""

    status = 409
    code = "stock_short"

    def __init__(self, *, warehouse: Warehouse, kind: SupplyKind, requested: int, available: int,
                 expired: int = 0):
        zh = (f"{warehouse.name}的{kind.name}库存不足：需要 {requested}{kind.unit}，"
              f"可用 {available}{kind.unit}")
        en = (f"Not enough {kind.code} ({kind.name}) in warehouse {warehouse.pk}: "
              f"{requested} {kind.unit} asked, {available} available")
        if expired:
            zh += f"（另有已过期 {expired}{kind.unit} 不可发放）"
            en += f" ({expired} more expired, not issuable)"
        super().__init__(zh, en, fields={"quantity": f"库存不足，可用 {available} / short, {available} available"})
        self.warehouse, self.kind = warehouse, kind
        self.requested, self.available, self.expired = requested, available, expired


# Checks -------------------------------------------------------------------

def _officer_for(by, warehouse: Warehouse) -> Scope:
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(warehouse.region_id)
    return scope


def _quantity(value, *, field: str = "quantity", signed: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError("数量应为整数", "Quantity must be a whole number", fields={field: "整数 / integer"})
    if (value == 0) if signed else (value <= 0):
        raise DomainError("数量应大于 0" if not signed else "调整数量不能为 0",
                          "Quantity must be above 0" if not signed else "An adjustment cannot be 0",
                          fields={field: "必须为正数 / must be positive" if not signed else "不能为 0 / not 0"})
    if abs(value) > MAX_QUANTITY:
        raise DomainError("数量过大", "Quantity too large", fields={field: f"≤ {MAX_QUANTITY}"})
    return value


def _reason(reason) -> str:
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise DomainError("请填写事由", "A reason is required", fields={"reason": "必填 / required"})
    if len(reason) > 300:
        raise DomainError("事由超过 300 字", "Reason: more than 300 characters", fields={"reason": "太长 / too long"})
    return reason


def _reference(reference) -> str:
    reference = (reference or "").strip()
    if len(reference) > 100:
        raise DomainError("关联单号超过 100 字", "Reference: more than 100 characters",
                          fields={"reference": "太长 / too long"})
    return reference


def _batch_for_receipt(kind: SupplyKind, batch, expires_on, *, today: dt.date) -> tuple[str, dt.date | None]:
    batch = (batch or "").strip()
    if len(batch) > 40:
        raise DomainError("批次号超过 40 字", "Batch: more than 40 characters", fields={"batch": "太长 / too long"})
    if not kind.perishable:
        if expires_on is not None or batch:
            raise DomainError(f"{kind.name}无保质期，不分批次", f"{kind.code} is not perishable: no batch or expiry",
                              fields={"expires_on": "不适用 / not applicable"})
        return "", None
    if expires_on is None:
        raise DomainError(f"{kind.name}有保质期，请填写有效期", f"{kind.code} is perishable: give its expiry date",
                          fields={"expires_on": "必填 / required"})
    if expires_on < today:
        raise DomainError("已过期的物资不能入库", "Expired supplies cannot be received",
                          fields={"expires_on": "已过期 / expired"})
    return batch or expires_on.isoformat(), expires_on


def _active_warehouse(warehouse: Warehouse, field: str = "warehouse_id") -> None:
    if not warehouse.active:
        raise DomainError(f"仓库“{warehouse.name}”已停用", f"Warehouse {warehouse.pk} is not active",
                          fields={field: "已停用 / inactive"})


# The ledger ---------------------------------------------------------------

MOVEMENT_ACTIONS = {MovementKind.RECEIPT: "stock_receipt", MovementKind.ISSUE: "stock_issue",
                    MovementKind.TRANSFER_OUT: "stock_transfer_out", MovementKind.TRANSFER_IN: "stock_transfer_in",
                    MovementKind.ADJUSTMENT: "stock_adjustment"}


def _audit_movement(by, movement: StockMovement) -> None:
    audit.record(actor=by, action=MOVEMENT_ACTIONS[movement.kind], obj=movement,
                 region_code=movement.warehouse.region_id, after=audit.snapshot(movement))


def _write(*, by, kind: str, warehouse: Warehouse, supply_kind: SupplyKind, batch: str,
           expires_on, delta: int, balance_after: int, reason: str, reference: str = "",
           pair: StockMovement | None = None, idempotency_key: str | None = None,
           at=None) -> StockMovement:
    return StockMovement.objects.create(
        kind=kind, warehouse=warehouse, supply_kind=supply_kind, batch=batch, expires_on=expires_on,
        delta=delta, balance_after=balance_after, reason=reason, reference=reference, pair=pair,
        idempotency_key=idempotency_key, at=at or timezone.now(),
        by=by if by is not None and by.is_authenticated else None, by_name=getattr(by, "username", "") or "system")


def _add(warehouse: Warehouse, kind: SupplyKind, batch: str, expires_on, quantity: int) -> int:
    """Add to a balance (creating it); returns the quantity after."""
    balance, _ = StockBalance.objects.get_or_create(warehouse=warehouse, supply_kind=kind, batch=batch,
                                                    defaults={"expires_on": expires_on})
    if balance.expires_on != expires_on:
        raise DomainError(f"批次 {batch} 已登记有效期 {balance.expires_on}",
                          f"Batch {batch} is already recorded with expiry {balance.expires_on}",
                          fields={"expires_on": "与批次不符 / differs from the batch"})
    StockBalance.objects.filter(pk=balance.pk).update(quantity=F("quantity") + quantity, updated_at=timezone.now())
    return StockBalance.objects.values_list("quantity", flat=True).get(pk=balance.pk)


def _take_from(balance_id: int, wanted: int) -> tuple[int, int]:
    """Take up to `wanted` from one balance by conditional updates; returns (taken, after)."""
    while True:
        current = StockBalance.objects.values_list("quantity", flat=True).get(pk=balance_id)
        take = min(wanted, current)
        if take <= 0:
            return 0, current
        if StockBalance.objects.filter(pk=balance_id, quantity__gte=take).update(
                quantity=F("quantity") - take, updated_at=timezone.now()):
            return take, StockBalance.objects.values_list("quantity", flat=True).get(pk=balance_id)
        # Someone took some between our read and our update: read again.


def available(warehouse: Warehouse, kind: SupplyKind, *, today: dt.date | None = None,
              batch: str | None = None) -> tuple[int, int]:
    """(issuable, expired) quantity of a kind in a warehouse now."""
    today = today or timezone.localdate()
    rows = StockBalance.objects.filter(warehouse=warehouse, supply_kind=kind)
    if batch is not None:
        rows = rows.filter(batch=batch)
    usable = rows.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today)).aggregate(n=Sum("quantity"))["n"]
    expired = rows.filter(expires_on__lt=today).aggregate(n=Sum("quantity"))["n"]
    return usable or 0, expired or 0


def _take(*, by, movement_kind: str, warehouse: Warehouse, kind: SupplyKind, quantity: int, reason: str,
          reference: str, batch: str | None, at) -> list[StockMovement]:
    """Take `quantity` out of the warehouse (earliest expiry first), one movement per
    batch touched; StockShort (and nothing taken) when there is not enough."""
    today = timezone.localdate(at)
    rows = StockBalance.objects.filter(warehouse=warehouse, supply_kind=kind, quantity__gt=0) \
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    if batch:
        rows = rows.filter(batch=batch)
    remaining, movements = quantity, []
    for balance in rows.order_by(F("expires_on").asc(nulls_last=True), "batch", "id"):
        taken, after = _take_from(balance.pk, remaining)
        if taken:
            movements.append(_write(by=by, kind=movement_kind, warehouse=warehouse, supply_kind=kind,
                                    batch=balance.batch, expires_on=balance.expires_on, delta=-taken,
                                    balance_after=after, reason=reason, reference=reference, at=at))
            remaining -= taken
        if not remaining:
            return movements
    usable, expired = available(warehouse, kind, today=today, batch=batch or None)
    raise StockShort(warehouse=warehouse, kind=kind, requested=quantity,
                     available=usable + (quantity - remaining), expired=expired)


def receive(*, by, warehouse: Warehouse, kind: SupplyKind, quantity: int, reason: str, batch: str = "",
            expires_on: dt.date | None = None, reference: str = "",
            idempotency_key: str | None = None) -> StockMovement:
    """A receipt (入库). With an `idempotency_key` (import rows) a second receipt under the
    same key adds nothing and returns the first one's movement (marked `replayed`)."""
    _officer_for(by, warehouse)
    _active_warehouse(warehouse)
    quantity, reason, reference = _quantity(quantity), _reason(reason), _reference(reference)
    batch, expires_on = _batch_for_receipt(kind, batch, expires_on, today=timezone.localdate())
    if idempotency_key:
        done = StockMovement.objects.filter(idempotency_key=idempotency_key).first()
        if done is not None:
            done.replayed = True
            return done
    try:
        with transaction.atomic():
            after = _add(warehouse, kind, batch, expires_on, quantity)
            movement = _write(by=by, kind=MovementKind.RECEIPT, warehouse=warehouse, supply_kind=kind, batch=batch,
                              expires_on=expires_on, delta=quantity, balance_after=after, reason=reason,
                              reference=reference, idempotency_key=idempotency_key or None)
            _audit_movement(by, movement)
    except IntegrityError:
        if idempotency_key:  # the same row, imported at the same moment by someone else
            done = StockMovement.objects.filter(idempotency_key=idempotency_key).first()
            if done is not None:
                done.replayed = True
                return done
        raise
    return movement


def issue(*, by, warehouse: Warehouse, kind: SupplyKind, quantity: int, reason: str, reference: str = "",
          batch: str | None = None) -> StockMovement:
    """An issue (出库). Returns the (first) movement; a perishable issue spanning several
    batches writes one movement per batch, all on `movement.movements`."""
    _officer_for(by, warehouse)
    quantity, reason, reference = _quantity(quantity), _reason(reason), _reference(reference)
    with transaction.atomic():
        movements = _take(by=by, movement_kind=MovementKind.ISSUE, warehouse=warehouse, kind=kind,
                          quantity=quantity, reason=reason, reference=reference, batch=batch, at=timezone.now())
        for m in movements:
            _audit_movement(by, m)
    first = movements[0]
    first.movements = movements
    return first


def transfer(*, by, warehouse: Warehouse, to_warehouse: Warehouse, kind: SupplyKind, quantity: int,
             reason: str, reference: str = "", batch: str | None = None) -> StockMovement:
    """A transfer (调拨): out of one warehouse, into another, as pairs of movements
    (one pair per batch). Returns the first transfer-out; all on `.movements`."""
    _officer_for(by, warehouse)
    _officer_for(by, to_warehouse)
    _active_warehouse(to_warehouse, "to_warehouse_id")
    if to_warehouse.pk == warehouse.pk:
        raise DomainError("调入仓库不能与调出仓库相同", "Transfer to the same warehouse",
                          fields={"to_warehouse_id": "相同 / same warehouse"})
    quantity, reason, reference = _quantity(quantity), _reason(reason), _reference(reference)
    at = timezone.now()
    with transaction.atomic():
        outs = _take(by=by, movement_kind=MovementKind.TRANSFER_OUT, warehouse=warehouse, kind=kind,
                     quantity=quantity, reason=reason, reference=reference, batch=batch, at=at)
        every = []
        for out in outs:
            after = _add(to_warehouse, kind, out.batch, out.expires_on, -out.delta)
            into = _write(by=by, kind=MovementKind.TRANSFER_IN, warehouse=to_warehouse, supply_kind=kind,
                          batch=out.batch, expires_on=out.expires_on, delta=-out.delta, balance_after=after,
                          reason=reason, reference=reference, pair=out, at=at)
            every += [out, into]
        for m in every:
            _audit_movement(by, m)
    first = outs[0]
    first.movements = every
    return first


# Adjustments (盘点调整) ------------------------------------------------------

def adjustment_request(*, by, warehouse: Warehouse, kind: SupplyKind, delta: int, reason: str, batch: str = "",
                       expires_on: dt.date | None = None) -> StockAdjustment:
    """Ask for a correction (+ found more, − found less); nothing changes until a second
    person approves."""
    _officer_for(by, warehouse)
    delta, reason = _quantity(delta, signed=True), _reason(reason)
    batch = (batch or "").strip()
    if delta > 0:
        batch, expires_on = _batch_for_receipt(kind, batch, expires_on, today=dt.date.min)
    else:
        if kind.perishable and not batch:
            raise DomainError("减少有保质期物资时请指明批次", "Name the batch to reduce for a perishable kind",
                              fields={"batch": "必填 / required"})
        balance = StockBalance.objects.filter(warehouse=warehouse, supply_kind=kind, batch=batch).first()
        if balance is None:
            raise DomainError("该仓库没有此物资（批次）的库存", "No stock of that kind (batch) in the warehouse",
                              fields={"batch": "无库存 / no stock"})
        expires_on = balance.expires_on
    adjustment = StockAdjustment(warehouse=warehouse, supply_kind=kind, batch=batch, expires_on=expires_on,
                                 delta=delta, reason=reason, requested_by=by if by is not None else None,
                                 requested_by_name=getattr(by, "username", "") or "system",
                                 requested_at=timezone.now())
    with transaction.atomic():
        return save_audited(adjustment, by=by, action="stock_adjustment_request", before=None,
                            region_code=warehouse.region_id)


def _decide(*, by, adjustment: StockAdjustment, approve: bool, note: str) -> StockAdjustment:
    _officer_for(by, adjustment.warehouse)
    note = (note or "").strip()
    if len(note) > 300:
        raise DomainError("审批意见超过 300 字", "Note: more than 300 characters", fields={"note": "太长 / too long"})
    with transaction.atomic():
        adj = StockAdjustment.objects.select_for_update().select_related("warehouse", "supply_kind") \
            .get(pk=adjustment.pk)
        if adj.state != AdjustmentState.REQUESTED:
            raise DomainError("该调整已审批", "This adjustment was already decided",
                              fields={"state": adj.state}, code="conflict")
        if by is not None and adj.requested_by_id == by.pk:
            raise Forbidden("调整须由申请人以外的人审批", "An adjustment must be approved by someone other than "
                            "who requested it", fields={"by": "本人申请 / your own request"})
        before = audit.snapshot(adj)
        adj.state = AdjustmentState.APPROVED if approve else AdjustmentState.REJECTED
        adj.decided_by = by if by is not None else None
        adj.decided_by_name = getattr(by, "username", "") or "system"
        adj.decided_at = timezone.now()
        adj.decision_note = note
        if approve:
            if adj.delta > 0:
                after = _add(adj.warehouse, adj.supply_kind, adj.batch, adj.expires_on, adj.delta)
            else:
                balance = StockBalance.objects.get(warehouse=adj.warehouse, supply_kind=adj.supply_kind,
                                                   batch=adj.batch)
                if not StockBalance.objects.filter(pk=balance.pk, quantity__gte=-adj.delta).update(
                        quantity=F("quantity") + adj.delta, updated_at=timezone.now()):
                    balance.refresh_from_db()
                    raise StockShort(warehouse=adj.warehouse, kind=adj.supply_kind, requested=-adj.delta,
                                     available=balance.quantity)
                after = StockBalance.objects.values_list("quantity", flat=True).get(pk=balance.pk)
            movement = _write(by=by, kind=MovementKind.ADJUSTMENT, warehouse=adj.warehouse,
                              supply_kind=adj.supply_kind, batch=adj.batch, expires_on=adj.expires_on,
                              delta=adj.delta, balance_after=after, reason=adj.reason,
                              reference=f"ADJ-{adj.pk}")
            _audit_movement(by, movement)
            adj.movement = movement
        adj.save()
        action = "stock_adjustment_approved" if approve else "stock_adjustment_rejected"
        audit.record(actor=by, action=action, obj=adj, region_code=adj.warehouse.region_id,
                     before=before, after=audit.snapshot(adj))
    return adj


def adjustment_approve(*, by, adjustment: StockAdjustment, note: str = "") -> StockAdjustment:
    return _decide(by=by, adjustment=adjustment, approve=True, note=note)


def adjustment_reject(*, by, adjustment: StockAdjustment, note: str = "") -> StockAdjustment:
    return _decide(by=by, adjustment=adjustment, approve=False, note=note)


# Warehouses and standards -------------------------------------------------

def _region(scope: Scope, code: str, field: str = "region") -> Region:
    scope.require_region(code)
    region = Region.objects.filter(pk=code).first()
    if region is None:
        raise DomainError("区划不存在", "No such region", fields={field: "不存在 / does not exist"})
    return region


def _manager(scope: Scope, person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    person = scope.filter(Person.objects.all()).filter(pk=person_id).first() if fits_database(person_id) else None
    if person is None:
        raise DomainError("人员不存在或不在管辖范围内", "No such person in your jurisdiction",
                          fields={"manager_id": "不存在 / not found"})
    return person


def warehouse_create(*, by, region: str, manager_id: int | None = None, **fields) -> Warehouse:
    scope = Scope.for_user(by)
    scope.require_officer()
    warehouse = Warehouse(region=_region(scope, region), manager=_manager(scope, manager_id),
                          **{k: v for k, v in fields.items() if k in WAREHOUSE_FIELDS})
    with transaction.atomic():
        return save_audited(warehouse, by=by, action="create", before=None, region_code=warehouse.region_id)


def warehouse_update(*, by, warehouse: Warehouse, manager_id: int | None = None, **fields) -> Warehouse:
    scope = _officer_for(by, warehouse)
    with transaction.atomic():
        warehouse = Warehouse.objects.select_for_update().get(pk=warehouse.pk)
        before = audit.snapshot(warehouse)
        for k, v in fields.items():
            if k not in WAREHOUSE_FIELDS:
                raise DomainError(f"字段 {k} 不可修改", f"Field {k} cannot be changed",
                                  fields={k: "不可修改 / read-only"})
            setattr(warehouse, k, v)
        if manager_id is not None:
            warehouse.manager = _manager(scope, manager_id)
        return save_audited(warehouse, by=by, action="update", before=before, region_code=warehouse.region_id)


def standard_set(*, by, region: str, kind: SupplyKind, quantity: int, note: str = "") -> ReserveStandard:
    """Set (create or change) the reserve standard of a region for a kind."""
    scope = Scope.for_user(by)
    scope.require_officer()
    region_obj = _region(scope, region)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0 or quantity > MAX_QUANTITY:
        raise DomainError("储备定额应为 0 至 10 亿的整数", "The standard must be a whole number from 0 to 1e9",
                          fields={"quantity": "0–1000000000"})
    with transaction.atomic():
        standard = ReserveStandard.objects.select_for_update().filter(region=region_obj, supply_kind=kind).first()
        before = audit.snapshot(standard) if standard else None
        if standard is None:
            standard = ReserveStandard(region=region_obj, supply_kind=kind)
        standard.quantity, standard.note = quantity, (note or "").strip()[:200]
        return save_audited(standard, by=by, action="create" if before is None else "update", before=before,
                            region_code=region_obj.pk)
