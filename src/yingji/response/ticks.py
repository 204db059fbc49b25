"""The response app's ticks, one module per subject (found by core.scheduler.autodiscover)."""

from . import ticks_evacuation  # noqa: F401
