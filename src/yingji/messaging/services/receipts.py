"""Receipts: what gateways report (delivered, failed, a reply), applied in batches from
the inbox (inbox.py); replies are handed to the apps' listeners."""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from ...core import audit
from ...core.bulk import update_rows
from ...core.errors import DomainError, NotFound
from ..choices import MessageStatus
from ..models import Message
from .claims import _ACTIONS
from .outbox import _common_region

log = logging.getLogger(__name__)

RECEIPT_STATUSES = (MessageStatus.DELIVERED, MessageStatus.FAILED)


# Receipts ------------------------------------------------------------------------
#
# The receipts endpoint stores what gateways report in the inbox (inbox.py); the
# workers apply it here in batches. A batch is one transaction: the messages locked
# in id order (two batches never deadlock), each receipt applied at its arrival
# time, the changed rows written, the replies handed to the listeners, and ONE
# audit record listing what happened to which message.

@dataclass(frozen=True)
class Receipt:
    """A gateway's report (回执) on one message."""

    message_id: int
    status: str
    reply: str | None = None
    error: str = ""
    at: dt.datetime | None = None  # when it arrived; None: now


ReplyBatchListener = Callable[[list[tuple[Message, str]]], object]


# Apps that act on replies (the call-up reads "1" / "收到" as acknowledgement)
# register here from their AppConfig.ready(): each gets the whole list of (message,
# reply) of a batch of receipts; interpreting a reply is their job.
reply_batch_listeners: list[ReplyBatchListener] = []


def register_reply_batch_listener(listener: ReplyBatchListener) -> None:
    """Add a listener once (ready() may run twice in tests and management commands)."""
    if listener not in reply_batch_listeners:
        reply_batch_listeners.append(listener)


def record_receipt(*, message_id: int, status: str, reply: str | None = None, error: str = "") -> Message:
    """A gateway's report on a message: delivered or failed, perhaps with the text the
    person sent back. A reply is stored and handed to every reply listener. A
    repeated receipt changes nothing; a late "failed" does not undo "delivered"."""
    message = record_receipts([Receipt(message_id, status, reply, error)])[0]
    if message is None:
        raise NotFound("消息不存在", "No such message")
    return message


def check_receipt_statuses(receipts: list[Receipt]) -> None:
    for index, receipt in enumerate(receipts):
        if receipt.status not in RECEIPT_STATUSES:
            where = f"[{index}].status" if len(receipts) > 1 else "status"
            raise DomainError("回执状态只能是 delivered 或 failed", "Receipt status must be delivered or failed",
                              fields={where: "不是允许的取值 / not an allowed value"})


def record_receipts(receipts: list[Receipt]) -> list[Message | None]:
    """Apply a list of receipts; for each, its message as it now stands, or None when
    there is no such message (the others are recorded all the same)."""
    check_receipt_statuses(receipts)
    now = timezone.now()
    with transaction.atomic():
        ids = sorted({r.message_id for r in receipts})
        messages = {m.pk: m for m in Message.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
        changed: dict[int, set[str]] = {}
        happened: dict[str, list[int]] = {}
        replies: list[tuple[Message, str]] = []
        for receipt in receipts:
            message = messages.get(receipt.message_id)
            if message is None:
                continue
            at = receipt.at or now
            fields = _apply_receipt_status(message, receipt.status, receipt.error, at)
            if fields:
                changed.setdefault(message.pk, set()).update(fields)
                happened.setdefault(_ACTIONS[receipt.status], []).append(message.pk)
            reply = (receipt.reply or "").strip()[:2000]
            if reply and reply != message.reply:
                message.reply, message.replied_at = reply, at
                changed.setdefault(message.pk, set()).update({"reply", "replied_at"})
                happened.setdefault("reply", []).append(message.pk)
                replies.append((message, reply))
        _save_changed(messages, changed)
        _tell_listeners(replies)
        # Last: the chain head stays locked from here to the commit, and concurrent
        # receipts queue on it.
        if happened:
            audit.record_batch(actor=None, action="receipts", object_type="messaging.message",
                               ids={k: sorted(set(v)) for k, v in happened.items()},
                               region_code=_common_region(messages[i] for i in changed),
                               extra={"replies": {str(m.pk): r for m, r in replies[:500]}})
    return [messages.get(r.message_id) for r in receipts]


def _apply_receipt_status(message: Message, status: str, error: str, now: dt.datetime) -> set[str]:
    """Change the message in memory; the fields changed (none for a repeat, or a late
    failure report after the delivery one)."""
    if message.status in (status, MessageStatus.DELIVERED):
        return set()
    if status == MessageStatus.DELIVERED:
        message.delivered_at = now
        message.sent_at = message.sent_at or now  # the receipt overtook the worker's report
        fields = {"delivered_at", "sent_at"}
    else:
        message.last_error = f"网关回执：发送失败 / gateway reported failure{': ' + error[:300] if error else ''}"
        fields = {"last_error"}
    message.status, message.due_at, message.claimed_at, message.claimed_by = status, None, None, ""
    return fields | {"status", "due_at", "claimed_at", "claimed_by"}


def _save_changed(messages: dict[int, Message], changed: dict[int, set[str]]) -> None:
    # Rows that changed the same fields share one statement (a list of replies "1"
    # changes the same five fields on every row).
    groups: dict[frozenset, list[Message]] = {}
    for pk, fields in changed.items():
        groups.setdefault(frozenset(fields), []).append(messages[pk])
    for fields, rows in groups.items():
        names = sorted(fields)
        if len(rows) == 1:
            rows[0].save(update_fields=names)
        elif connection.vendor == "postgresql":
            update_rows(Message, names, [(m.pk, *(getattr(m, name) for name in names)) for m in rows])
        else:
            Message.objects.bulk_update(rows, names, batch_size=200)


def _tell_listeners(replies: list[tuple[Message, str]]) -> None:
    """Hand the replies on; a failing listener rolls back only its own writes."""
    if not replies:
        return
    for listener in reply_batch_listeners:
        try:
            with transaction.atomic():
                listener(replies)
        except Exception:
            log.exception("reply batch listener %r failed", listener)
