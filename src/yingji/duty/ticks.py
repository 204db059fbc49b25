"""The duty app's scheduler ticks, one module per subject (imported here so that
core.scheduler.autodiscover finds them)."""

from . import ticks_notices, ticks_reports  # noqa: F401
