"""The enforcement tick: case steps past their deadline and reopening checks (回头看)
that fall due are each claimed once (rows locked, the notified time set), audited, and
sent as an SMS through the messaging outbox to the officer who filed the case (one
idempotency key per row, so a retried tick sends nothing twice)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ..core import audit
from ..messaging import services as messaging
from .choices import VerificationResult
from .models import Case, CaseStep, StopOrder, Verification


def notify_due(now: dt.datetime | None = None) -> dict[str, list[int]]:
    now = now or timezone.now()
    with transaction.atomic():
        steps = list(CaseStep.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            completed_at__isnull=True, overdue_notified_at__isnull=True, due_at__lte=now).select_related("case"))
        for step in steps:
            step.overdue_notified_at = now
            step.save(update_fields=["overdue_notified_at"])
            audit.record(actor=None, action="case.step_overdue", obj=step.case, region_code=step.case.region_id,
                         after={"step": step.step, "due_at": step.due_at.isoformat()})
            text = f"【执法办案超期】案件 {step.case.number} 的“{step.get_step_display()}”环节已超过期限，请尽快办理。"
            _send(step.case, text, f"case-step-overdue:{step.pk}")
        orders = list(StopOrder.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            checked_at__isnull=True, due_notified_at__isnull=True, check_due_at__lte=now).select_related("case"))
        for order in orders:
            order.due_notified_at = now
            order.save(update_fields=["due_notified_at"])
            audit.record(actor=None, action="stop_order.check_due", obj=order, region_code=order.case.region_id,
                         after={"check_due_at": order.check_due_at.isoformat()})
            text = f"【停产整顿回头看】案件 {order.case.number} 的停产停业整顿已到回头看期限，请组织复查。"
            _send(order.case, text, f"stop-order-check:{order.pk}")
    return {"steps": [s.pk for s in steps], "stop_orders": [o.pk for o in orders]}


def notify_verifications_due(now: dt.datetime | None = None) -> list[int]:
    """Verification checks (验证式执法) that fall due, each claimed once and texted to
    the officer who scheduled it."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(Verification.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            result=VerificationResult.PENDING, due_notified_at__isnull=True, due_at__lte=now).select_related(
            "hazard", "scheduled_by__person"))
        for row in rows:
            row.due_notified_at = now
            row.save(update_fields=["due_notified_at"])
            audit.record(actor=None, action="verification.due", obj=row, region_code=row.region_id,
                         after={"hazard": row.hazard_id, "due_at": row.due_at.isoformat()})
            text = f"【验证式执法】重大隐患 {row.hazard.number} 的整改核查已到期，请前往核查并记录结果。"
            _text(row.scheduled_by, text, f"verification-due:{row.pk}", row.region_id, {"verification": row.pk})
    return [r.pk for r in rows]


def _send(case: Case, text: str, key: str) -> None:
    _text(case.created_by, text, key, case.region_id, {"case": case.pk})


def _text(user, text: str, key: str, region_code: str, context: dict) -> None:
    person = getattr(user, "person", None) if user is not None else None
    if person is None or not person.mobile:
        return
    messaging.send(channel="sms", to="", person=person, text=text, idempotency_key=key, region_code=region_code,
                   context=context)
