"""The app's models, one module per subject, re-exported here."""
from .teams import Equipment, ManpowerStandard, Station, Team, TeamKind, TeamMember  # noqa: F401
