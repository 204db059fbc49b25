from django.contrib import admin

from ..core.admin_audit import AuditedAdmin, ReadOnlyAdmin
from .models import CallUp, CallUpNotice, CallUpPolicy, CallUpStep, CallUpTarget, Warning


class CallUpStepInline(admin.TabularInline):
    model = CallUpStep
    extra = 1


@admin.register(CallUpPolicy)
class CallUpPolicyAdmin(AuditedAdmin):
    """Administrators edit the policies; running call-ups keep the plan they froze."""

    list_display = ["name", "warning_type", "level", "region", "escalate_after_minutes", "active"]
    list_filter = ["active", "warning_type", "level"]
    filter_horizontal = ["duty_kinds"]
    inlines = [CallUpStepInline]


@admin.register(Warning)
class WarningAdmin(ReadOnlyAdmin):
    """Read-only: warnings change through the services (audited), not here."""

    list_display = ["headline", "type", "level", "status", "drill", "effective"]
    list_filter = ["status", "type", "level", "drill"]


@admin.register(CallUp)
class CallUpAdmin(ReadOnlyAdmin):
    list_display = ["warning", "status", "drill", "started_at"]


@admin.register(CallUpTarget)
class CallUpTargetAdmin(ReadOnlyAdmin):
    list_display = ["person", "region", "state", "acknowledged_at", "ack_channel"]
    list_filter = ["state"]
    raw_id_fields = ["callup", "person", "region", "escalated_from"]


@admin.register(CallUpNotice)
class CallUpNoticeAdmin(ReadOnlyAdmin):
    list_display = ["person", "kind", "region", "round_at", "state", "sent_at"]
    list_filter = ["kind", "state"]
    raw_id_fields = ["callup", "person", "region", "about"]
