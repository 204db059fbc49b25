from django.contrib import admin

from ..core import audit
from ..core.admin_audit import AuditedAdmin
from .models import Station
from .services import station_save


@admin.register(Station)
class StationAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "region", "source", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["region"]

    def save_model(self, request, obj, form, change):
        # Through the service, so that admin edits are audited and kept in the editor's region.
        before = audit.snapshot(Station.objects.get(pk=obj.pk)) if change else None
        station_save(by=request.user, station=obj, before=before)
        obj._audit_recorded = True  # station_save wrote the record (deletes: AuditedAdmin)
