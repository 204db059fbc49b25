"""The outbox's heartbeat: every few seconds, send what is due (retries whose time
has come, messages whose immediate task was lost, claims whose worker died)."""

from yingji.core.scheduler import register_tick

from .services import deliver_due

register_tick("messaging.deliver_due", deliver_due, every_seconds=5)
