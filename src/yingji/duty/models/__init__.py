"""The app's models, one module per subject, re-exported here."""

from .desk import Handover, LogEntry  # noqa: F401
from .notices import (  # noqa: F401
    Consultation,
    ConsultationAction,
    ConsultationKind,
    ConsultationNote,
    FeedbackState,
    Notice,
    NoticeKind,
    NoticeTarget,
    Urgency,
)
from .reports import (  # noqa: F401
    InfoReport,
    InfoReportVersion,
    ReportAcknowledgement,
    ReportDeadline,
    ReportingRule,
    ReportKind,
)
