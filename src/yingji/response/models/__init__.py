"""The app's models, one module per subject, re-exported here."""

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
