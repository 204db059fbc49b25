"""The app's admin, one module per subject."""

from . import (
    admin_dispatch,  # noqa: F401
    admin_supplies,  # noqa: F401
    admin_teams,  # noqa: F401
)
