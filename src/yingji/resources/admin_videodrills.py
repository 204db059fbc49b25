"""Administrators edit video nodes (name, endpoint id, whether called); drills and
calls are read here and changed through the pages and the API, which audit them."""

from django.contrib import admin

from ..core.admin_audit import AuditedAdmin
from .models import VideoNode


@admin.register(VideoNode)
class VideoNodeAdmin(AuditedAdmin):
    list_display = ("name", "kind", "region", "team", "endpoint_id", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "endpoint_id", "region__code")
    raw_id_fields = ("region", "team")
