"""Every write of warnings and call-ups, by subject: `warnings` (issue, update, cancel,
CAP import), `callup` (start, targets, stop), `timers` (the due actions: messages,
escalation), `notices` (one grouped notice per superior or duty officer and escalation
round), `answers` (acknowledgement, feedback, replies) and `links` (the signed
acknowledgement links and the texts of call-up messages). Callers import from
`alerts.services`; the names below are its whole interface.

Timers are rows (`CallUpAction`, one open per target): `process_due_actions` claims
a batch of due rows inside the transaction that does their work (one bulk of
messages, escalations one by one), so a crash rolls back claims and work together,
and a second worker finds the rows taken (see `timers` for how). Messages go
through the messaging outbox with an idempotency key per target and plan step: a
step that is retried never sends twice.

Hot path of a province-wide warning (150,000 targets): issuing writes the targets
and their first timers in bulk (by the database itself on PostgreSQL) and asks the
workers to start; each worker then turns 500 timers at a time into 500 messages
(`messaging.send_many`: one insert, one audit record), and the outbox's workers
send them in batches. Machine events are audited per batch (core/audit.py);
officers' acts (issue, update, cancel, acknowledging by link) one record each.
"""

from .answers import ACK_REPLIES, acknowledge, feedback, on_replies
from .callup import BATCH, callup_start
from .links import ACK_SALT, ack_token, ack_url, message_text, public_url, target_for_token
from .notices import officer_text, superior_text
from .timers import ACTION_BATCH, process_action, process_due_actions
from .warnings import cap_sender, warning_cancel, warning_from_cap, warning_issue, warning_update

__all__ = [
    "ACK_REPLIES", "ACK_SALT", "ACTION_BATCH", "BATCH", "ack_token", "ack_url", "acknowledge", "callup_start",
    "cap_sender", "feedback", "message_text", "officer_text", "on_replies", "process_action",
    "process_due_actions", "public_url", "superior_text", "target_for_token", "warning_cancel", "warning_from_cap",
    "warning_issue", "warning_update",
]
