"""The app's models, one module per subject, re-exported here."""

from .evacuation import (  # noqa: F401
    Household,
    HouseholdState,
    HouseholdTransition,
    QuickReport,
    Shelter,
    ShelterKind,
    ShelterLevel,
    ShelterRedirect,
    ShelterState,
    VillageTally,
)
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

__all__ = [
    "Household", "HouseholdState", "HouseholdTransition", "QuickReport", "Shelter", "ShelterKind", "ShelterLevel",
    "ShelterRedirect", "ShelterState", "VillageTally",
]
