"""The Django admin under the audit rule: every ModelAdmin is either read-only or an
`AuditedAdmin`, whose adds, changes and deletes go into the audit chain like the
services' changes do (one record per row, with before and after, as the admin user).
tests/core/test_admin_audit.py checks every registered admin.

Choose per model: read-only where the rows change only through a workflow whose
services check more than the form can (warnings, call-ups, claims, messages);
audited where the admin is the way administrators maintain reference data.
"""

import hashlib

from django.contrib import admin
from django.db import router, transaction
from django.db.models.deletion import Collector

from . import audit

# Never copied into the audit log: a change shows as a different digest.
REDACTED_FIELDS = {"password"}


def admin_snapshot(obj) -> dict:
    data = audit.snapshot(obj)
    for name in REDACTED_FIELDS & data.keys():
        digest = hashlib.sha256(str(data[name]).encode()).hexdigest()[:16]
        data[name] = f"(redacted {digest})"
    return data


def region_of(obj) -> str:
    """The region code a row belongs to, from its model's `scope_region` path ("" if
    it has none or the path runs through a many-valued relation)."""
    value = obj
    for part in getattr(type(obj), "scope_region", "").split("__"):
        if not part:
            return ""
        value = getattr(value, part, None)
        if value is None or hasattr(value, "all"):  # a many-to-many or reverse manager
            return ""
    return value if isinstance(value, str) else ""


def record(request, action: str, obj, *, before: dict | None, after: dict | None) -> None:
    if before is not None and after is not None and before == after:
        return  # saved unchanged: nothing to record, as in core.services.save_audited
    audit.record(actor=request.user, action=f"admin-{action}", obj=obj, region_code=region_of(obj),
                 before=before, after=after)


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose every write is audited. Django calls log_addition and
    log_change once a save (with its many-to-many fields) is done, inside the view's
    transaction; inline rows are recorded by save_formset; deletes record every row
    they remove, cascades included. A save_model that calls an audited service instead
    sets `obj._audit_recorded = True`."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:  # before the form changes it (the password form too)
            obj._audit_before = admin_snapshot(obj)
        return obj

    def save_model(self, request, obj, form, change):
        if change and not hasattr(obj, "_audit_before"):  # e.g. list_editable rows
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            obj._audit_before = admin_snapshot(stored) if stored else None
        super().save_model(request, obj, form, change)

    def log_addition(self, request, obj, message):
        super().log_addition(request, obj, message)
        if not getattr(obj, "_audit_recorded", False):
            record(request, "create", obj, before=None, after=admin_snapshot(obj))

    def log_change(self, request, obj, message):
        super().log_change(request, obj, message)
        if not getattr(obj, "_audit_recorded", False):
            record(request, "update", obj, before=getattr(obj, "_audit_before", None), after=admin_snapshot(obj))

    def save_formset(self, request, form, formset, change):
        stored = [f.instance.pk for f in formset.initial_forms if f.instance.pk is not None]
        before = {o.pk: admin_snapshot(o) for o in formset.model._default_manager.filter(pk__in=stored)}
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            record(request, "create", obj, before=None, after=admin_snapshot(obj))
        for obj, _fields in formset.changed_objects:
            record(request, "update", obj, before=before.get(obj.pk), after=admin_snapshot(obj))
        for obj in formset.deleted_objects:
            record(request, "delete", obj, before=before.get(obj.pk), after=None)

    def delete_model(self, request, obj):
        with transaction.atomic(using=router.db_for_write(type(obj))):
            self._record_deletion(request, [obj])
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=queryset.db):
            self._record_deletion(request, list(queryset))
            super().delete_queryset(request, queryset)

    def _record_deletion(self, request, objs: list) -> None:
        """One record per row the delete will remove or set to null, found the way
        the delete itself finds them."""
        collector = Collector(using=router.db_for_write(self.model))
        collector.collect(objs)
        for instances in collector.data.values():
            for obj in instances:
                record(request, "delete", obj, before=admin_snapshot(obj), after=None)
        for queryset in collector.fast_deletes:
            for obj in queryset:
                record(request, "delete", obj, before=admin_snapshot(obj), after=None)
        for (field, value), groups in collector.field_updates.items():
            for group in groups:
                for obj in group:
                    before = admin_snapshot(obj)
                    record(request, "update", obj, before=before, after={**before, field.attname: value})


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed here: the rows change only through their services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """A read-only admin's rows of a related table (`fields` shown, none editable)."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False
