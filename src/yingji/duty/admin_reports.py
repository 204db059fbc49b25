"""Admin of information reports: the kinds and their reporting limits are edited here
(audited); reports themselves are read only (they change through the services)."""

from django.contrib import admin

from ..core.admin_audit import AuditedAdmin, ReadOnlyAdmin
from .models.reports import InfoReport, ReportDeadline, ReportingRule, ReportKind


class ReportingRuleInline(admin.TabularInline):
    model = ReportingRule
    extra = 0


@admin.register(ReportKind)
class ReportKindAdmin(AuditedAdmin):
    """The kinds of event and the reporter's own limits; the levels each grade must
    reach and by when are the inline rules."""

    list_display = ["code", "name", "phone_minutes", "written_minutes", "pass_up_minutes", "position"]
    inlines = [ReportingRuleInline]


@admin.register(InfoReport)
class InfoReportAdmin(ReadOnlyAdmin):
    list_display = ["title", "region", "kind", "state", "grade", "late", "flag", "learned_at"]
    list_filter = ["state", "grade", "late", "flag", "kind"]
    raw_id_fields = ["region", "created_by", "flagged_by"]


@admin.register(ReportDeadline)
class ReportDeadlineAdmin(ReadOnlyAdmin):
    list_display = ["report", "level", "desk_region", "due_at", "done_at", "late"]
    list_filter = ["level", "late"]
    raw_id_fields = ["report", "desk_region", "done_by"]
