"""The response app's ticks, one module per subject (found by core.scheduler.autodiscover)."""

from . import ticks_lastmile, ticks_levels  # noqa: F401
