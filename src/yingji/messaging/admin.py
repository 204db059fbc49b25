"""Read-only views of the outbox for operators: what was sent, to whom, how it went.
Changes go through the services (and the audit log), never through the admin."""

from django.contrib import admin

from .models import DeliveryAttempt, Message


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    fields = ["number", "started_at", "duration_ms", "outcome", "http_status", "error", "worker"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "channel", "to", "person", "status", "attempts", "due_at", "sent_at",
                    "delivered_at", "region_code"]
    list_filter = ["status", "channel"]
    search_fields = ["to", "idempotency_key", "provider_message_id", "person__name", "region_code"]
    raw_id_fields = ["person"]
    date_hierarchy = "created_at"
    inlines = [DeliveryAttemptInline]


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    list_display = ["message", "number", "started_at", "outcome", "http_status", "duration_ms", "worker"]
    list_filter = ["outcome"]
    raw_id_fields = ["message"]
