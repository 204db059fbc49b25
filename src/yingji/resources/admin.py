"""The app's admin, one module per subject."""

from . import admin_teams  # noqa: F401
