"""The app's models, one module per subject, re-exported here."""

from .lastmile import (  # noqa: F401
    BroadcastTerminal,
    LastMileCursor,
    LastMileDispatch,
    LastMileRule,
    LastMileSend,
    WarningDevice,
)
