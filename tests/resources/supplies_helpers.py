"""Shared builders of the supplies tests: warehouses, kinds from the shipped
catalogue, and the ledger summed from scratch."""

import datetime as dt

from django.db.models import Sum

from yingji.resources.models import StockBalance, StockMovement, SupplyKind, Warehouse


def warehouse(region: str, name: str = "温岭市防汛物资仓库", level: str = "county", **kw) -> Warehouse:
    return Warehouse.objects.create(name=name, region_id=region, level=level, **kw)


def kind(code: str) -> SupplyKind:
    """A kind of the shipped catalogue: R001 救生衣, F001 编织袋, D001 饮用水 (perishable)…
    (a transactional test has emptied the table its migration filled: fill it again)."""
    if not SupplyKind.objects.exists():
        from yingji.resources.supplies_data import load_catalogue

        load_catalogue(SupplyKind)
    return SupplyKind.objects.get(code=code)


def ledger_totals() -> dict[tuple[int, int, str], int]:
    """Each balance key's sum of movements, from the ledger alone."""
    rows = StockMovement.objects.values("warehouse_id", "supply_kind_id", "batch").annotate(n=Sum("delta"))
    return {(r["warehouse_id"], r["supply_kind_id"], r["batch"]): r["n"] for r in rows}


def balances() -> dict[tuple[int, int, str], int]:
    return {(b.warehouse_id, b.supply_kind_id, b.batch): b.quantity for b in StockBalance.objects.all()}


def in_days(n: int) -> dt.date:
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=n)
