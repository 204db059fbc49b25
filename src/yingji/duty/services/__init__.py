"""Every write of the app, one module per subject, re-exported here."""

from .reports import (  # noqa: F401
    acknowledge_as,
    deadline_for_token,
    on_replies,
    process_due_deadlines,
    report_acknowledge,
    report_create,
    report_final,
    report_flag,
    report_followup,
)
