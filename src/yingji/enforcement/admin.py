"""Enforcement in the admin: read only. Cases move, decisions are made and evidence is
stored only through the services (steps, discretion, hashes, audit); evidence is never
changed and nothing is deleted."""

from django.contrib import admin

from ..core.admin_audit import ReadOnlyAdmin as ReadOnly
from .models import Case, Decision, Detection, Evidence, Summons


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
