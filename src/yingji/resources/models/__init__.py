"""The app's models, one module per subject, re-exported here."""
from .teams import Equipment, ManpowerStandard, Station, Team, TeamKind, TeamMember  # noqa: F401
from .videodrills import DrillState, NodeKind, OutcomeSource, VideoCall, VideoDrill, VideoEvent, VideoNode  # noqa: F401
