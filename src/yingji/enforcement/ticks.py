"""The enforcement app's ticks: overdue case steps and due reopening checks, hourly."""

from yingji.core.scheduler import register_tick

from .timers import notify_due

register_tick("enforcement.notify_due", notify_due, every_seconds=3600)
