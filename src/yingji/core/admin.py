"""Django admin for administrators. Audit records are shown read-only."""

from django.contrib import admin

from .models import AuditRecord, Duty, DutyKind, Organization, Person, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "full_name"]
    list_filter = ["level"]
    search_fields = ["code", "name", "full_name"]
    raw_id_fields = ["parent"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["region", "parent"]


class DutyInline(admin.TabularInline):
    model = Duty
    fk_name = "person"
    raw_id_fields = ["region", "organization"]
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "mobile", "role", "region", "organization"]
    list_filter = ["role"]
    search_fields = ["name", "mobile"]
    raw_id_fields = ["user", "region", "organization", "superior"]
    inlines = [DutyInline]


@admin.register(DutyKind)
class DutyKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level"]


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = ["seq", "at", "actor_name", "action", "object_type", "object_id", "region_code"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
