"""Reads of supplies, always through the caller's scope: `(*, scope, ...)`.

Shortfalls: each reserve standard of a region against the stock, not expired, of the
active warehouses in the region's subtree (one grouped query of balances, summed by
region prefix). Expiry: balances with stock whose batch expires within N days
(settings.YINGJI_SUPPLY_EXPIRY_DAYS, 30 by default; a page or call may ask for
another N), and those already expired."""

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from ..core import regioncodes
from ..core.errors import DomainError, NotFound
from ..core.scope import fits_database
from .models import (
    AdjustmentState,
    ReserveStandard,
    StockAdjustment,
    StockBalance,
    StockMovement,
    SupplyKind,
    Warehouse,
)

MAX_EXPIRY_DAYS = 3650


def expiry_days() -> int:
    return settings.YINGJI_SUPPLY_EXPIRY_DAYS


def _in(code: str, field: str = "region_id") -> Q:
    lo, hi = regioncodes.subtree_bounds(code)
    return Q(**{f"{field}__gte": lo, f"{field}__lte": hi})


def warehouse_list(*, scope, region: str = "", level: str = "", q: str = "", active: bool | None = None) -> QuerySet:
    qs = scope.filter(Warehouse.objects.select_related("region", "manager"))
    if region:
        qs = qs.filter(_in(region))
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("region_id", "name", "id")


def warehouse_get(*, scope, id: int) -> Warehouse:
    return scope.get(Warehouse.objects.select_related("region", "manager"), pk=id)


def kind_list(*, q: str = "", category: str = "", active_only: bool = True) -> QuerySet:
    """The catalogue (the same for everyone: kinds are not regional records)."""
    qs = SupplyKind.objects.all()
    if active_only:
        qs = qs.filter(active=True)
    if category:
        qs = qs.filter(category=category)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__iexact=q))
    return qs.order_by("sort", "code")


def kind_by_code(code: str, *, field: str = "supply_kind") -> SupplyKind:
    kind = SupplyKind.objects.filter(code=(code or "").strip()[:20], active=True).first()
    if kind is None:
        raise DomainError("物资编码不存在", "No such supply kind", fields={field: "不存在 / not found"})
    return kind


def balance_list(*, scope, warehouse: int | None = None, supply_kind: str = "", region: str = "",
                 nonzero: bool = False) -> QuerySet:
    qs = scope.filter(StockBalance.objects.select_related("warehouse", "warehouse__region", "supply_kind"))
    if warehouse is not None:
        qs = qs.filter(warehouse_id=warehouse if fits_database(warehouse) else 0)
    if supply_kind:
        qs = qs.filter(supply_kind__code=supply_kind)
    if region:
        qs = qs.filter(_in(region, "warehouse__region_id"))
    if nonzero:
        qs = qs.filter(quantity__gt=0)
    return qs.order_by("warehouse__region_id", "warehouse_id", "supply_kind__sort", "supply_kind_id",
                       "expires_on", "batch")


def movement_list(*, scope, warehouse: int | None = None, supply_kind: str = "", kind: str = "",
                  region: str = "", reference: str = "") -> QuerySet:
    qs = scope.filter(StockMovement.objects.select_related("warehouse", "supply_kind", "pair"))
    if warehouse is not None:
        qs = qs.filter(warehouse_id=warehouse if fits_database(warehouse) else 0)
    if supply_kind:
        qs = qs.filter(supply_kind__code=supply_kind)
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(_in(region, "warehouse__region_id"))
    if reference:
        qs = qs.filter(reference=reference)
    return qs.order_by("-at", "-id")


def adjustment_list(*, scope, warehouse: int | None = None, state: str = "") -> QuerySet:
    qs = scope.filter(StockAdjustment.objects.select_related("warehouse", "supply_kind", "movement"))
    if warehouse is not None:
        qs = qs.filter(warehouse_id=warehouse if fits_database(warehouse) else 0)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-requested_at", "-id")


def adjustment_get(*, scope, id: int) -> StockAdjustment:
    return scope.get(StockAdjustment.objects.select_related("warehouse", "supply_kind", "movement"), pk=id)


def pending_adjustments(*, scope) -> int:
    return adjustment_list(scope=scope, state=AdjustmentState.REQUESTED).count()


def standard_list(*, scope, region: str = "", supply_kind: str = "") -> QuerySet:
    qs = scope.filter(ReserveStandard.objects.select_related("region", "supply_kind"))
    if region:
        qs = qs.filter(_in(region))
    if supply_kind:
        qs = qs.filter(supply_kind__code=supply_kind)
    return qs.order_by("region_id", "supply_kind__sort", "supply_kind_id")


def held(*, today: dt.date | None = None) -> dict[tuple[str, int], int]:
    """Stock not expired in active warehouses, by (warehouse region code, kind id)."""
    today = today or timezone.localdate()
    rows = StockBalance.objects.filter(warehouse__active=True, quantity__gt=0) \
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today)) \
        .values("warehouse__region_id", "supply_kind_id").annotate(n=Sum("quantity"))
    return {(r["warehouse__region_id"], r["supply_kind_id"]): r["n"] for r in rows}


def standing(*, scope, region: str = "", only_short: bool = False, today: dt.date | None = None) -> list[dict]:
    """Each standard in scope with what is held against it and the shortfall (0 when met)."""
    standards = list(standard_list(scope=scope, region=region))
    if not standards:
        return []
    stock = held(today=today)
    out = []
    for s in standards:
        have = sum(n for (code, kind_id), n in stock.items()
                   if kind_id == s.supply_kind_id and code.startswith(s.region_id))
        short = max(0, s.quantity - have)
        if only_short and not short:
            continue
        out.append({"id": s.pk, "region": s.region_id, "region_name": s.region.full_name,
                    "supply_kind": s.supply_kind.code, "supply_kind_name": s.supply_kind.name,
                    "unit": s.supply_kind.unit, "required": s.quantity, "held": have, "short": short,
                    "percent": round(100 * have / s.quantity) if s.quantity else 100, "standard": s})
    return out


def shortfalls(*, scope, region: str = "", today: dt.date | None = None) -> list[dict]:
    return standing(scope=scope, region=region, only_short=True, today=today)


def check_days(days) -> int:
    if days in (None, ""):
        return expiry_days()
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= MAX_EXPIRY_DAYS:
        raise DomainError(f"天数应为 0 至 {MAX_EXPIRY_DAYS} 的整数", f"days must be a whole number from 0 to "
                          f"{MAX_EXPIRY_DAYS}", fields={"days": f"0–{MAX_EXPIRY_DAYS}"})
    return days


def expiring(*, scope, days: int | None = None, region: str = "", today: dt.date | None = None) -> QuerySet:
    """Batches with stock that expire from today to today + days (still issuable)."""
    today = today or timezone.localdate()
    days = expiry_days() if days is None else days
    return balance_list(scope=scope, region=region, nonzero=True) \
        .filter(expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=days)) \
        .order_by("expires_on", "warehouse_id", "supply_kind_id")


def expired(*, scope, region: str = "", today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return balance_list(scope=scope, region=region, nonzero=True).filter(expires_on__lt=today) \
        .order_by("expires_on", "warehouse_id", "supply_kind_id")


def warehouse_stock(*, scope, warehouse: Warehouse) -> list[dict]:
    """A warehouse's stock by kind (batches summed), for its page."""
    rows = balance_list(scope=scope, warehouse=warehouse.pk).values(
        "supply_kind__code", "supply_kind__name", "supply_kind__unit").annotate(n=Sum("quantity"))
    return [{"code": r["supply_kind__code"], "name": r["supply_kind__name"], "unit": r["supply_kind__unit"],
             "quantity": r["n"]} for r in rows]


def region_in_scope(scope, region: str) -> str:
    region = (region or "").strip()[:15]
    if region and not scope.covers_region(region):
        raise NotFound()
    return region


def warehouses_in_bbox(*, scope, bbox) -> QuerySet:
    """Active warehouses with a position, inside bbox (minlon, minlat, maxlon, maxlat) or anywhere."""
    qs = scope.filter(Warehouse.objects.filter(active=True, lat__isnull=False, lon__isnull=False)
                      .select_related("region"))
    if bbox is not None:
        minlon, minlat, maxlon, maxlat = bbox
        qs = qs.filter(lat__gte=minlat, lat__lte=maxlat, lon__gte=minlon, lon__lte=maxlon)
    return qs.order_by("id")
