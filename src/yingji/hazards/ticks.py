"""Hazard deadlines: once an hour, notify hazards that became overdue."""

from yingji.core.scheduler import register_tick

from .deadlines import notify_overdue

register_tick("hazards.notify_overdue", notify_overdue, every_seconds=3600)
