"""The outbox's heartbeat: every few seconds, send what is due (retries whose time
has come, messages whose immediate task was lost, claims whose worker died)."""

from functools import partial

from yingji.core.scheduler import register_tick

from .audit_copy import send_latest_checkpoint
from .inbox import apply_waiting
from .services import deliver_due

# Drain a backlog in batches rather than 100 messages per 5 s.
register_tick("messaging.deliver_due", partial(deliver_due, limit=5000), every_seconds=5)
# Receipts a busy web process did not ask the workers for (messaging/inbox.py).
register_tick("messaging.apply_receipts", apply_waiting, every_seconds=1)
# A copy of each new audit checkpoint to YINGJI_AUDIT_CHECKPOINT_TO (once per checkpoint).
register_tick("messaging.audit_checkpoint_copy", send_latest_checkpoint, every_seconds=60)
