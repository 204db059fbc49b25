"""The hazchem tick: a work order still open or accepted past its `due_at` is claimed
once (rows locked, `overdue_notified_at` set), audited, and texted through the messaging
outbox to the officers of its region (one idempotency key per order and person, so a
retried tick sends nothing twice). Hazchem calls no other app: the outbox is a row."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ..core import audit, regioncodes
from ..core.choices import Role
from ..core.scope import SYSTEM
from ..core.selectors import person_list
from ..messaging import services as messaging
from .choices import OVERDUE_STATES
from .models import WorkOrder


def notify_overdue(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """The ids of the work orders found overdue (and notified) in this round."""
    now = now or timezone.now()
    with transaction.atomic():
        orders = list(WorkOrder.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            state__in=OVERDUE_STATES, overdue_notified_at__isnull=True, due_at__lte=now)
            .select_related("chemical", "party").order_by("due_at", "id")[:limit])
        for order in orders:
            order.overdue_notified_at = now
            order.save(update_fields=["overdue_notified_at"])
            officers = responsible_officers(order.region_id)
            audit.record(actor=None, action="hazchem.work_order_overdue", obj=order, region_code=order.region_id,
                         after={"due_at": order.due_at.isoformat(), "notified": [p.pk for p in officers]})
            text = (f"【危化品工单超期】工单 {order.pk}（{order.get_kind_display()}，"
                    f"{order.party.name if order.party else order.party_uscc}，{order.chemical.name}）"
                    f"已超过办理期限 {timezone.localtime(order.due_at):%Y-%m-%d %H:%M}，请尽快办理。")
            for person in (p for p in officers if p.mobile):
                messaging.send(channel="sms", to="", person=person, text=text, region_code=order.region_id,
                               idempotency_key=f"hazchem-work-order-overdue:{order.pk}:{person.pk}",
                               context={"work_order": order.pk})
    return [o.pk for o in orders]


def responsible_officers(region_code: str) -> list:
    """The active officers of the order's region; where that region (a township, say) has
    none, those of the nearest region above it that has some, so that somebody with the
    order in their jurisdiction is told, and not a whole province. (Those without a
    mobile number are audited as told but get no SMS.)"""
    people = person_list(scope=SYSTEM).filter(role=Role.OFFICER, active=True).order_by("id")
    for code in reversed(regioncodes.prefixes(region_code)):
        found = list(people.filter(region_id=code))
        if found:
            return found
    return []
