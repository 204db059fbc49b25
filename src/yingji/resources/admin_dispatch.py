"""Dispatches in the admin: read-only (orders change only through their steps)."""

from django.contrib import admin

from .models import Dispatch, DispatchStep, DispatchSupply


class StepInline(admin.TabularInline):
    model = DispatchStep
    extra = 0
    can_delete = False
    readonly_fields = ("state", "at", "by", "person", "channel", "lat", "lon", "note")

    def has_add_permission(self, request, obj=None):
        return False


class SupplyInline(admin.TabularInline):
    model = DispatchSupply
    extra = 0
    can_delete = False
    readonly_fields = ("warehouse", "kind", "quantity", "movement")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    list_display = ("id", "requested_at", "team", "destination", "state", "drill")
    list_filter = ("state", "drill", "destination_kind")
    search_fields = ("destination", "task", "team__name")
    inlines = [StepInline, SupplyInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
