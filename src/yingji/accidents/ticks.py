"""Investigation deadlines: once an hour, mark and audit investigations past due."""

from yingji.core.scheduler import register_tick

from .services import notify_overdue_investigations

register_tick("accidents.notify_overdue_investigations", notify_overdue_investigations, every_seconds=3600)
