"""The app's admin, one module per subject."""

from . import admin_reports  # noqa: F401
