"""The app's admin, one module per subject."""

from . import admin_teams  # noqa: F401
from . import admin_dispatch  # noqa: F401
