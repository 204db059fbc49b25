"""The call-up's heartbeat: run the timers that are due (messages, redials, escalations)."""

from functools import partial

from yingji.core.scheduler import register_tick

from .services import process_due_actions

# Batches of 500 until nothing is due (up to 5,000 a round), not 500 per 5 s.
register_tick("alerts.process_due_actions", partial(process_due_actions, limit=5000), every_seconds=5)
