from django.contrib import admin

from ..core.admin_audit import AuditedAdmin
from .models import Accident, ControlTarget


@admin.register(Accident)
class AccidentAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "region", "kind", "deaths", "serious_injuries", "grade")
    list_filter = ("grade", "kind", "industry")

    def has_add_permission(self, request):
        return False  # registered through the services (a first version with its grade)

    def has_delete_permission(self, request, obj=None):
        return False  # accidents are never deleted

    def has_change_permission(self, request, obj=None):
        return False  # figures change only through versions (services)


@admin.register(ControlTarget)
class ControlTargetAdmin(AuditedAdmin):
    list_display = ("region", "year", "max_accidents", "max_deaths")
