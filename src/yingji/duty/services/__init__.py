"""Every write of the app, one module per subject, re-exported here."""

from .consultations import consultation_action_done, consultation_create, consultation_note_add  # noqa: F401
from .notices import (  # noqa: F401
    answer_token,
    answer_url,
    feedback_answer,
    feedback_read,
    notice_answer,
    notice_create,
    notice_send,
    remind_overdue,
    target_for_token,
)
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
