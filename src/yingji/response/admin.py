"""Administrators edit the hazard types and the orders each response level carries."""

from django.contrib import admin

from ..core.admin_audit import AuditedAdmin
from .models import HazardType, ResponseOrder


@admin.register(HazardType)
class HazardTypeAdmin(AuditedAdmin):
    list_display = ("code", "name", "sort")


@admin.register(ResponseOrder)
class ResponseOrderAdmin(AuditedAdmin):
    list_display = ("hazard", "grade", "sort", "text", "region_level", "duty_kind", "due_minutes", "confirm_wording",
                    "active")
    list_filter = ("hazard", "grade", "region_level", "active")
