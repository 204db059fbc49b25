"""The app's admin, one module per subject."""

from . import admin_dispatch  # noqa: F401
