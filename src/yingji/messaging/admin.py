"""Read-only views of the outbox for operators: what was sent, to whom, how it went.
Changes go through the services (and the audit log), never through the admin."""

from django.contrib import admin

from ..core.admin_audit import ReadOnlyAdmin, ReadOnlyInline
from .models import DeliveryAttempt, InboundReceipt, Message


class DeliveryAttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = ["number", "started_at", "duration_ms", "outcome", "http_status", "error", "worker"]


class InboundReceiptInline(ReadOnlyInline):
    model = InboundReceipt
    fields = ["received_at", "status", "reply", "error", "applied_at"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "channel", "to", "person", "status", "attempts", "due_at", "sent_at",
                    "delivered_at", "region_code"]
    list_filter = ["status", "channel"]
    search_fields = ["to", "idempotency_key", "provider_message_id", "person__name", "region_code"]
    raw_id_fields = ["person"]
    date_hierarchy = "created_at"
    inlines = [DeliveryAttemptInline, InboundReceiptInline]


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    list_display = ["message", "number", "started_at", "outcome", "http_status", "duration_ms", "worker"]
    list_filter = ["outcome"]
    raw_id_fields = ["message"]


@admin.register(InboundReceipt)
class InboundReceiptAdmin(ReadOnlyAdmin):
    list_display = ["id", "message", "status", "reply", "received_at", "applied_at"]
    list_filter = ["status"]
    raw_id_fields = ["message"]
