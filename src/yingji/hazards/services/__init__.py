"""Every write of hazard work, by subject: `registration`, `loop` (the closed-loop
transitions and evidence), `inspections` (inspections and campaigns) and
`campaign_lists` (a campaign's kept negative list and per-enterprise outcomes). Each
runs in a transaction, checks the caller's scope and role, appends to the hazard's timeline
and writes an audit record.

Who may do what: officers (and admins) register, accept, return, escalate and
downgrade; the enterprise's own users, or officers on their behalf, report, plan,
start, submit and fix on the spot; only a bureau above the hazard's county lists it
for supervision (挂牌督办) and removes the listing (摘牌).
"""

from .campaign_lists import (
    campaign_outcome_complete,
    campaign_outcome_set,
    negative_entry_add,
    negative_entry_remove,
)
from .checklists import checklist_item_remove, checklist_item_save, checklist_save
from .inspections import campaign_create, campaign_update, inspection_create
from .loop import (
    HIGHER_BUREAU_ACTIONS,
    LOOP,
    OFFICER_ACTIONS,
    PLAN_FIELDS,
    InvalidTransition,
    actions_for,
    allowed_actions,
    evidence_add,
    hazard_accept,
    hazard_act,
    hazard_change_level,
    hazard_delist,
    hazard_fix_on_spot,
    hazard_plan,
    hazard_report,
    hazard_return,
    hazard_start,
    hazard_submit,
    hazard_supervise,
)
from .registration import DEFAULT_DEADLINE_DAYS, deadline_days, hazard_register

__all__ = [
    "DEFAULT_DEADLINE_DAYS", "HIGHER_BUREAU_ACTIONS", "LOOP", "OFFICER_ACTIONS", "PLAN_FIELDS", "InvalidTransition",
    "actions_for", "allowed_actions", "campaign_create", "campaign_outcome_complete",
    "campaign_outcome_set", "campaign_update", "checklist_item_remove",
    "checklist_item_save", "checklist_save", "deadline_days", "evidence_add", "hazard_accept",
    "hazard_act", "hazard_change_level", "hazard_delist", "hazard_fix_on_spot", "hazard_plan", "hazard_register",
    "hazard_report", "hazard_return", "hazard_start", "hazard_submit", "hazard_supervise", "inspection_create",
    "negative_entry_add", "negative_entry_remove",
]
