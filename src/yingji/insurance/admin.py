"""Admin of policies and what hangs off them. Trigger events and claims are shown
read-only: they change only through the services (evaluation, the claim workflow),
which audit every step."""

from django.contrib import admin

from ..core.admin_audit import AuditedAdmin, ReadOnlyAdmin
from .models import (
    Claim,
    DesignatedStation,
    Policy,
    PolicyLot,
    PremiumShare,
    RainTrigger,
    Storm,
    TriggerEvent,
    TyphoonTrigger,
)


class LotInline(admin.TabularInline):
    model = PolicyLot
    extra = 0


class TyphoonTriggerInline(admin.StackedInline):
    model = TyphoonTrigger
    extra = 0


class RainTriggerInline(admin.StackedInline):
    model = RainTrigger
    extra = 0


class ShareInline(admin.TabularInline):
    model = PremiumShare
    extra = 0


@admin.register(Policy)
class PolicyAdmin(AuditedAdmin):
    list_display = ("name", "region", "period_start", "period_end", "premium_typhoon", "premium_rain", "active")
    list_filter = ("active",)
    search_fields = ("name",)
    inlines = [LotInline, TyphoonTriggerInline, RainTriggerInline, ShareInline]


@admin.register(DesignatedStation)
class DesignatedStationAdmin(AuditedAdmin):
    list_display = ("trigger", "county", "station_code")


@admin.register(Storm)
class StormAdmin(AuditedAdmin):
    list_display = ("code", "name", "year", "source")
    search_fields = ("code", "name", "cn_id")
    list_filter = ("source",)


@admin.register(TriggerEvent)
class TriggerEventAdmin(ReadOnlyAdmin):
    list_display = ("policy", "kind", "event_key", "occurred_at", "force", "total_mm", "payout")
    list_filter = ("kind",)


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ("event", "status", "amount", "notified_at", "verified_at", "paid_at")
    list_filter = ("status",)
