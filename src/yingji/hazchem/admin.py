"""Hazardous chemicals in the admin: read only; rows are written through the services
only (validation, reconciliation, audit)."""

from django.contrib import admin

from ..core.admin_audit import ReadOnlyAdmin
from .models import Chemical, Flow, HazchemLicence, WorkOrder


@admin.register(Chemical)
class ChemicalAdmin(ReadOnlyAdmin):
    list_display = ("serial_no", "name", "cas", "highly_toxic", "explosive_precursor")
    list_filter = ("highly_toxic", "explosive_precursor")
    search_fields = ("name", "aliases", "cas")


@admin.register(HazchemLicence)
class HazchemLicenceAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "enterprise", "valid_from", "valid_to", "authority")
    list_filter = ("kind",)


@admin.register(Flow)
class FlowAdmin(ReadOnlyAdmin):
    list_display = ("date", "enterprise", "direction", "chemical", "quantity", "unit", "counterparty_uscc", "amount")
    list_filter = ("direction",)


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "state", "region", "party_uscc", "chemical", "illegal_gains", "due_at")
    list_filter = ("kind", "state")
