"""Read-only views of inspections, hazards, campaigns and public reports for
administrators: every change goes through the services (and the audit log), the
hazard's closed loop included, never through the admin."""

from django.contrib import admin

from ..core.admin_audit import ReadOnlyAdmin, ReadOnlyInline
from .models import (
    Campaign,
    CampaignOutcome,
    ChecklistItem,
    ChecklistTemplate,
    Hazard,
    HazardEvent,
    Inspection,
    NegativeListEntry,
    PublicReport,
)


class ChecklistItemInline(ReadOnlyInline):
    model = ChecklistItem
    fields = ["code", "group", "text", "clause", "category", "major_if_no", "order"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "source"]
    search_fields = ["code", "name"]
    inlines = [ChecklistItemInline]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "industry", "tag", "start", "end"]
    search_fields = ["name"]
    raw_id_fields = ["region", "template"]


@admin.register(NegativeListEntry)
class NegativeListEntryAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "enterprise", "reason", "added_at", "removed_at"]
    search_fields = ["enterprise__name", "campaign__name"]
    raw_id_fields = ["campaign", "enterprise", "added_by", "removed_by"]


@admin.register(CampaignOutcome)
class CampaignOutcomeAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "enterprise", "outcome", "due_at", "done_on"]
    list_filter = ["outcome"]
    search_fields = ["enterprise__name", "campaign__name"]
    raw_id_fields = ["campaign", "enterprise", "set_by"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["id", "enterprise", "region", "kind", "date", "campaign"]
    list_filter = ["kind"]
    search_fields = ["enterprise__name"]
    raw_id_fields = ["enterprise", "region", "template", "campaign", "inspectors"]
    date_hierarchy = "date"


class HazardEventInline(ReadOnlyInline):
    model = HazardEvent
    fields = ["at", "actor_name", "action", "from_state", "to_state", "reason"]


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    list_display = ["number", "enterprise", "region", "level", "state", "found_on", "deadline"]
    list_filter = ["state", "level", "source"]
    search_fields = ["number", "enterprise__name", "description"]
    raw_id_fields = ["enterprise", "region", "responsible", "officer", "inspection", "item"]
    date_hierarchy = "found_on"
    inlines = [HazardEventInline]


@admin.register(PublicReport)
class PublicReportAdmin(ReadOnlyAdmin):
    list_display = ["id", "region", "enterprise_name", "state", "created_at"]
    list_filter = ["state"]
    search_fields = ["enterprise_name", "address", "description"]
    raw_id_fields = ["region", "enterprise", "triaged_by"]
    exclude = ["contact"]  # a reporter's contact is shown to nobody beyond the triage page
