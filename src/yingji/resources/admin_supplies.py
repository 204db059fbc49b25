"""Admin of supplies: the catalogue and the reserve standards are editable data (audited); the
ledger, balances and adjustments are read-only here (they change only through the
services, which keep the ledger and the balances together and audited)."""

from django.contrib import admin

from ..core.admin_audit import AuditedAdmin, ReadOnlyAdmin
from .models import ReserveStandard, StockAdjustment, StockBalance, StockMovement, SupplyKind, Warehouse


@admin.register(SupplyKind)
class SupplyKindAdmin(AuditedAdmin):
    list_display = ("code", "name", "unit", "category", "perishable", "shelf_life_days", "active")
    list_filter = ("category", "perishable", "active")
    search_fields = ("code", "name")


@admin.register(Warehouse)
class WarehouseAdmin(ReadOnlyAdmin):
    list_display = ("name", "region", "level", "active")
    list_filter = ("level", "active")
    search_fields = ("name",)


@admin.register(StockBalance)
class StockBalanceAdmin(ReadOnlyAdmin):
    list_display = ("warehouse", "supply_kind", "batch", "expires_on", "quantity")


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "warehouse", "supply_kind", "batch", "delta", "balance_after", "by_name")
    list_filter = ("kind",)


@admin.register(StockAdjustment)
class StockAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ("requested_at", "warehouse", "supply_kind", "delta", "state", "requested_by_name",
                    "decided_by_name")


@admin.register(ReserveStandard)
class ReserveStandardAdmin(AuditedAdmin):
    list_display = ("region", "supply_kind", "quantity")
