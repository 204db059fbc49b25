"""The response app's ticks, one module per subject (found by core.scheduler.autodiscover)."""

from . import ticks_evacuation, ticks_lastmile, ticks_levels  # noqa: F401
