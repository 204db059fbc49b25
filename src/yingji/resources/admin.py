"""The app's admin, one module per subject."""

from . import admin_dispatch, admin_supplies, admin_teams, admin_videodrills  # noqa: F401
