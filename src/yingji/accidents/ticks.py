"""The accidents app's ticks: investigations past due are marked and audited once an
hour; the duty desk's accident reports become accidents (accidents.intake)."""

from yingji.core.scheduler import register_tick

from .intake import take_accident_reports
from .services import notify_overdue_investigations

register_tick("accidents.notify_overdue_investigations", notify_overdue_investigations, every_seconds=3600)
register_tick("accidents.take_accident_reports", take_accident_reports, every_seconds=30)
