from django.contrib import admin

from .models import CallUp, CallUpPolicy, CallUpStep, CallUpTarget, Warning


class CallUpStepInline(admin.TabularInline):
    model = CallUpStep
    extra = 1


@admin.register(CallUpPolicy)
class CallUpPolicyAdmin(admin.ModelAdmin):
    """Administrators edit the policies; running call-ups keep the plan they froze."""

    list_display = ["name", "warning_type", "level", "region", "escalate_after_minutes", "active"]
    list_filter = ["active", "warning_type", "level"]
    filter_horizontal = ["duty_kinds"]
    inlines = [CallUpStepInline]


@admin.register(Warning)
class WarningAdmin(admin.ModelAdmin):
    """Read-only: warnings change through the services (audited), not here."""

    list_display = ["headline", "type", "level", "status", "drill", "effective"]
    list_filter = ["status", "type", "level", "drill"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(CallUp)
class CallUpAdmin(admin.ModelAdmin):
    list_display = ["warning", "status", "drill", "started_at"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CallUpTarget)
class CallUpTargetAdmin(admin.ModelAdmin):
    list_display = ["person", "region", "state", "acknowledged_at", "ack_channel"]
    list_filter = ["state"]
    raw_id_fields = ["callup", "person", "region", "escalated_from"]

    def has_change_permission(self, request, obj=None):
        return False
