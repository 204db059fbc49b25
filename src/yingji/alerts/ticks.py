"""The call-up's heartbeat: run the timers that are due (messages, redials, escalations)."""

from yingji.core.scheduler import register_tick

from .services import process_due_actions

register_tick("alerts.process_due_actions", process_due_actions, every_seconds=5)
