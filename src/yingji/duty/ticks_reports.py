"""Information reports' levels whose limit passed are marked late and reminded
(duty.services.reports.process_due_deadlines)."""

from yingji.core.scheduler import register_tick

from .services.reports import process_due_deadlines

register_tick("duty.report_deadlines", process_due_deadlines, every_seconds=30)
