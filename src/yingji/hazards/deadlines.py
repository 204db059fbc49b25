"""Overdue hazards: notices to the enterprise and the officer, once per deadline.

A hazard is claimed by a conditional UPDATE of `overdue_notified_for` to its current
deadline, so two ticks running at once notify it once; the outbox's idempotency keys
(hazard, deadline, recipient) make a retried tick harmless too. A new deadline (a
treatment plan, an extension) arms the notice again.
"""

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..messaging import services as messaging
from .choices import OPEN_STATES
from .models import Hazard


def notify_overdue(today: dt.date | None = None) -> int:
    """Notify every open hazard past its deadline not yet notified for that deadline;
    returns how many hazards were notified."""
    today = today or timezone.localdate()
    due = (Hazard.objects.filter(state__in=OPEN_STATES, deadline__lt=today)
           .filter(Q(overdue_notified_for__isnull=True) | ~Q(overdue_notified_for=F("deadline"))))
    notified = 0
    for hazard in due.select_related("enterprise", "risk_point", "responsible", "officer").iterator():
        with transaction.atomic():
            claimed = Hazard.objects.filter(pk=hazard.pk, deadline=hazard.deadline).filter(
                Q(overdue_notified_for__isnull=True) | ~Q(overdue_notified_for=F("deadline"))
            ).update(overdue_notified_for=hazard.deadline)
            if claimed:
                _send(hazard)
                notified += 1
    return notified


def _send(hazard: Hazard) -> None:
    text = (f"【隐患逾期】{hazard.place_name} 隐患 {hazard.number}（{hazard.description[:40]}）"
            f"整改期限 {hazard.deadline:%Y-%m-%d} 已过，请尽快整改。")
    key = f"hazard-overdue:{hazard.pk}:{hazard.deadline:%Y%m%d}"
    context = {"hazard": hazard.pk, "number": hazard.number}
    if hazard.enterprise_id and hazard.enterprise.contact_phone:
        messaging.send(channel="sms", to=hazard.enterprise.contact_phone, text=text,
                       idempotency_key=f"{key}:enterprise", region_code=hazard.region_id, context=context)
    told = set()
    for role, person in (("responsible", hazard.responsible), ("officer", hazard.officer)):
        if person is not None and person.mobile and person.pk not in told:
            told.add(person.pk)
            messaging.send(channel="sms", to="", person=person, text=text, idempotency_key=f"{key}:{role}",
                           region_code=hazard.region_id, context=context)
