"""Every write of the outbox, by subject: `outbox` (enqueue), `claims` (the retry policy
and taking due messages), `delivery` (sending a claimed batch, recording outcomes) and
`receipts` (applying what gateways report). Callers import from `messaging.services`.

The message row is the queue (the Healthchecks shape): `send()` writes a row and,
after the caller's transaction commits, asks for an immediate delivery; the
scheduler tick `deliver_due()` picks up whatever is due anyway, so a lost task, a
broker restart or a crashed worker delays a message but never loses it.

A worker claims rows with conditional UPDATEs that name the state they read
(status, due time or expired lease, and the attempt count as a fence): two workers
never send the same attempt. Due messages are claimed in batches (see `delivery`),
sent side by side over keep-alive connections (httpclient.py), and their outcomes
recorded in bulk. A claim is a lease: a worker that dies after claiming
leaves its unrecorded rows in SENDING, which another worker retries once the lease has
expired, with the same message ids, so the gateway can recognise a duplicate of a
try that did get out. The message id is the idempotency key towards the gateway;
`idempotency_key` is the one towards our callers (the same key never makes a
second message). Gateways' receipts arrive through the inbox (inbox.py) and are
applied here, in batches (`record_receipts`).
"""

from .claims import (
    LEASE_EXPIRED,
    RetryPolicy,
    batch_size,
    claim,
    claim_batch,
    concurrency,
    default_worker_name,
    due_message_ids,
    expired_lease_ids,
)
from .delivery import FLUSH_ROWS, FLUSH_SECONDS, MOVED, Tried, deliver_due, deliver_message, finish_batch, send_batch
from .outbox import KICK_PER_MESSAGES, MAX_KICKS, PERSON_ADDRESSED, Outgoing, send, send_many
from .receipts import (
    RECEIPT_STATUSES,
    Receipt,
    ReplyBatchListener,
    check_receipt_statuses,
    record_receipt,
    record_receipts,
    register_reply_batch_listener,
    reply_batch_listeners,
)

__all__ = [
    "FLUSH_ROWS", "FLUSH_SECONDS", "KICK_PER_MESSAGES", "LEASE_EXPIRED", "MAX_KICKS", "MOVED", "PERSON_ADDRESSED",
    "RECEIPT_STATUSES", "Outgoing", "Receipt", "ReplyBatchListener", "RetryPolicy", "Tried", "batch_size",
    "check_receipt_statuses", "claim", "claim_batch", "concurrency", "default_worker_name", "deliver_due",
    "deliver_message", "due_message_ids", "expired_lease_ids", "finish_batch", "record_receipt", "record_receipts",
    "register_reply_batch_listener", "reply_batch_listeners", "send", "send_batch", "send_many",
]
