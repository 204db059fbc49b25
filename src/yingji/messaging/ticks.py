"""The outbox's heartbeat: every few seconds, send what is due (retries whose time
has come, messages whose immediate task was lost, claims whose worker died)."""

from functools import partial

from yingji.core.scheduler import register_tick

from .services import deliver_due

# Drain a backlog in batches rather than 100 messages per 5 s.
register_tick("messaging.deliver_due", partial(deliver_due, limit=5000), every_seconds=5)
