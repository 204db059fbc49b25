"""The hazardous-chemical app's ticks: the nightly set-based reconciliation of every flow
row (findings a licence entered late or an enterprise registered late reveal), and the
work orders past their deadline, told to their region's officers once (hourly, like
enforcement's overdue steps)."""

from yingji.core.scheduler import register_tick

from .services import reconcile_all
from .timers import notify_overdue

register_tick("hazchem.reconcile_all", reconcile_all, every_seconds=24 * 3600)
register_tick("hazchem.notify_overdue", notify_overdue, every_seconds=3600)
