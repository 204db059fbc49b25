"""Consultations (会商) and the daily routines (日研判、日调度、日通报): written once,
never deleted; corrections and additions are notes appended beside the record, and
follow-up actions are marked done. Every write is in the audit chain."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ...core import audit
from ...core.errors import DomainError
from ...core.models import Region
from ...core.scope import Scope
from ...core.services import save_audited
from ..models.notices import Consultation, ConsultationAction, ConsultationNote

MAX_ACTIONS = 50


def consultation_create(*, by, region: str, held_at: dt.datetime, topic: str, convened_by: str,
                        kind: str = "consultation", participants: str = "", units: str = "",
                        situation: str = "", decisions: str = "", actions: list[dict] | None = None) -> Consultation:
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(region)
    if not Region.objects.filter(pk=region).exists():
        raise DomainError("区划不存在", "Unknown region", fields={"region": "不存在 / unknown"})
    actions = actions or []
    if len(actions) > MAX_ACTIONS:
        raise DomainError(f"落实事项最多 {MAX_ACTIONS} 项", f"At most {MAX_ACTIONS} actions",
                          fields={"actions": "过多 / too many"})
    with transaction.atomic():
        row = save_audited(
            Consultation(region_id=region, kind=kind, held_at=held_at, topic=topic, convened_by=convened_by,
                         participants=participants, units=units, situation=situation, decisions=decisions,
                         created_by=by),
            by=by, action="consultation.create", before=None, region_code=region)
        for item in actions:
            save_audited(ConsultationAction(consultation=row, text=item.get("text", ""),
                                            owner=item.get("owner", ""), due_on=item.get("due_on")),
                         by=by, action="consultation.action", before=None, region_code=region)
    return row


def consultation_note_add(*, by, consultation: Consultation, text: str) -> ConsultationNote:
    """Append a correction or an addition: the record itself never changes."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(consultation.region_id)
    if not (text or "").strip():
        raise DomainError("请填写说明", "The text is required", fields={"text": "必填 / required"})
    with transaction.atomic():
        return save_audited(ConsultationNote(consultation=consultation, text=text.strip(), by=by),
                            by=by, action="consultation.note", before=None, region_code=consultation.region_id)


def consultation_action_done(*, by, action: ConsultationAction, now: dt.datetime | None = None) -> ConsultationAction:
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(action.consultation.region_id)
    if action.done_at is not None:
        return action
    with transaction.atomic():
        before = audit.snapshot(action)
        action.done_at = now or timezone.now()
        return save_audited(action, by=by, action="consultation.action_done", before=before,
                            region_code=action.consultation.region_id)
