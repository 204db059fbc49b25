"""The app's models, one module per subject, re-exported here."""

from .riskcontrol import (  # noqa: F401
    ControlState,
    RiskControlRound,
    RiskPointReport,
    RiskPointStatus,
    RoundHazard,
)
