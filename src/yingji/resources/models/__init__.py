"""The app's models, one module per subject, re-exported here."""
from .dispatch import Dispatch, DispatchStep, DispatchSupply  # noqa: F401
from .supplies import (  # noqa: F401
    AdjustmentState,
    MovementKind,
    ReserveStandard,
    StockAdjustment,
    StockBalance,
    StockMovement,
    SupplyCategory,
    SupplyKind,
    Warehouse,
    WarehouseLevel,
)
from .teams import Equipment, ManpowerStandard, Station, Team, TeamKind, TeamMember  # noqa: F401
from .videodrills import DrillState, NodeKind, OutcomeSource, VideoCall, VideoDrill, VideoEvent, VideoNode  # noqa: F401
