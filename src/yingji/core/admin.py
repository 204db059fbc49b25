"""Django admin for administrators: every change audited (admin_audit.py), audit
records read-only."""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .admin_audit import AuditedAdmin, ReadOnlyAdmin
from .models import AuditRecord, Duty, DutyKind, Organization, Person, Region


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "full_name"]
    list_filter = ["level"]
    search_fields = ["code", "name", "full_name"]
    raw_id_fields = ["parent"]


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
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
class PersonAdmin(AuditedAdmin):
    list_display = ["name", "mobile", "role", "region", "organization"]
    list_filter = ["role"]
    search_fields = ["name", "mobile"]
    raw_id_fields = ["user", "region", "organization", "superior"]
    inlines = [DutyInline]


@admin.register(DutyKind)
class DutyKindAdmin(AuditedAdmin):
    list_display = ["code", "name", "level"]


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor_name", "action", "object_type", "object_id", "region_code"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_name"]


# Accounts: who may log in, as staff or superuser, is the first thing to audit.
admin.site.unregister(get_user_model())
admin.site.unregister(Group)


@admin.register(get_user_model())
class UserAdmin(AuditedAdmin, auth_admin.UserAdmin):
    pass


@admin.register(Group)
class GroupAdmin(AuditedAdmin, auth_admin.GroupAdmin):
    pass
