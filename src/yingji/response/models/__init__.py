"""The app's models, one module per subject, re-exported here."""

from .lastmile import (  # noqa: F401
    BroadcastTerminal,
    LastMileCursor,
    LastMileDispatch,
    LastMileRule,
    LastMileSend,
    WarningDevice,
)
from .levels import (  # noqa: F401
    HazardType,
    LevelArea,
    LevelChange,
    ResponseLevel,
    ResponseOrder,
    ResponseTask,
    TaskConfirmation,
)
from .riskcontrol import (  # noqa: F401
    ControlState,
    RiskControlRound,
    RiskPointReport,
    RiskPointStatus,
    RoundHazard,
)
