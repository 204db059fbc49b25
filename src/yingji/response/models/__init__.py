"""The app's models, one module per subject, re-exported here."""

from .levels import HazardType, LevelArea, LevelChange, ResponseLevel, ResponseOrder, ResponseTask, TaskConfirmation

__all__ = ["HazardType", "LevelArea", "LevelChange", "ResponseLevel", "ResponseOrder", "ResponseTask",
           "TaskConfirmation"]
