"""The app's models, one module per subject, re-exported here."""

from .desk import Handover, LogEntry

__all__ = ["Handover", "LogEntry"]
