from django.contrib import admin

from ..core import audit
from ..core.admin_audit import AuditedAdmin
from .models import ConsumerCursor, ObservationBatch, Station
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


@admin.register(ConsumerCursor)
class ConsumerCursorAdmin(admin.ModelAdmin):
    """Read-only: how far each consumer of observations has got (a cursor that lags
    the latest batch is a consumer failing; its log says why)."""

    list_display = ["consumer", "position", "waiting", "updated_at"]

    @admin.display(description="待处理批次 / batches waiting")
    def waiting(self, obj):
        return ObservationBatch.objects.filter(pk__gt=obj.position).count()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
