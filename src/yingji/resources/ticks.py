"""The app's ticks, one module per subject (found by core.scheduler.autodiscover)."""

from . import ticks_dispatch, ticks_videodrills  # noqa: F401
