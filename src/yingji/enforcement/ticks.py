"""The enforcement app's ticks: overdue case steps, due reopening checks and due
verification checks (hourly), and the hazardous-chemical work orders waiting for a
case (every minute)."""

from yingji.core.scheduler import register_tick

from .intake import cases_from_work_orders
from .timers import notify_due, notify_verifications_due

register_tick("enforcement.notify_due", notify_due, every_seconds=3600)
register_tick("enforcement.verifications_due", notify_verifications_due, every_seconds=3600)
# Work orders handed over by hazchem: claimed within a minute of the officer's request.
register_tick("enforcement.cases_from_work_orders", cases_from_work_orders, every_seconds=60)
