"""Enforcement in the admin: read only, but for the documents' wording. Cases move,
decisions are made and evidence is stored only through the services (steps,
discretion, hashes, audit); evidence is never changed and nothing is deleted. The
document templates (文书模板) are reference data administrators edit here, audited;
their placeholders are checked on save (DocumentTemplate.clean)."""

from django.contrib import admin

from ..core.admin_audit import AuditedAdmin
from ..core.admin_audit import ReadOnlyAdmin as ReadOnly
from .models import Case, Decision, Detection, DocumentTemplate, Evidence, Summons, Verification


@admin.register(Case)
class CaseAdmin(ReadOnly):
    list_display = ("number", "region", "enterprise", "source_kind", "state", "created_at")
    list_filter = ("state", "source_kind")


@admin.register(Decision)
class DecisionAdmin(ReadOnly):
    list_display = ("case", "party", "provision", "rule_version", "tier", "fine", "confiscated", "decided_on")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnly):
    list_display = ("case", "kind", "sha256", "captured_at", "added_at")


@admin.register(Detection)
class DetectionAdmin(ReadOnly):
    list_display = ("detected_at", "region", "kind", "source", "state")
    list_filter = ("state", "source")


@admin.register(Summons)
class SummonsAdmin(ReadOnly):
    list_display = ("held_at", "region", "summoned", "reason", "follow_up_due_at", "followed_up_at")


@admin.register(Verification)
class VerificationAdmin(ReadOnly):
    list_display = ("due_at", "hazard", "region", "result", "recorded_at", "case")
    list_filter = ("result",)


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(AuditedAdmin):
    """One row per kind of document, written by migration 0005: changed, never added or deleted."""

    list_display = ("kind", "title", "authority", "updated_at")
    fields = ("kind", "title", "body", "authority", "footer")
    readonly_fields = ("kind",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
