"""Administrators edit the team kinds, the manpower standards (town ≥ 50, village ≥ 30)
and, where needed, teams, equipment and stations."""

from django.contrib import admin

from ..core.admin_audit import AuditedAdmin
from .models import ManpowerStandard, Station, Team, TeamKind


@admin.register(TeamKind)
class TeamKindAdmin(AuditedAdmin):
    list_display = ("code", "name", "sort")


@admin.register(ManpowerStandard)
class ManpowerStandardAdmin(AuditedAdmin):
    list_display = ("region_level", "kind", "minimum_members")
    list_filter = ("region_level", "kind")


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ("name", "kind", "region", "readiness", "active")
    list_filter = ("kind", "readiness", "active")
    search_fields = ("name",)
    raw_id_fields = ("region", "leader")


@admin.register(Station)
class StationAdmin(AuditedAdmin):
    list_display = ("name", "region", "lat", "lon", "speed_kmh", "active")
    list_filter = ("active",)
    raw_id_fields = ("region", "team")
