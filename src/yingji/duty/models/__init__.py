"""The app's models, one module per subject, re-exported here."""

from .reports import (  # noqa: F401
    InfoReport,
    InfoReportVersion,
    ReportAcknowledgement,
    ReportDeadline,
    ReportingRule,
    ReportKind,
)
