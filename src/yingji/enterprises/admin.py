from django.contrib import admin

from ..core.admin_audit import AuditedAdmin
from .models import Enterprise, Licence, Tag


class LicenceInline(admin.TabularInline):
    model = Licence
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdmin):
    list_display = ["name", "uscc", "region", "industry", "risk_grade"]
    list_filter = ["risk_grade", "industry", "scale"]
    search_fields = ["name", "uscc", "address"]
    raw_id_fields = ["region", "organization"]
    filter_horizontal = ["tags"]
    inlines = [LicenceInline]


admin.site.register(Tag, AuditedAdmin)
