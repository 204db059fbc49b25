"""The enforcement tick: an overdue step and a due reopening check are each claimed,
audited and sent once; a second run sends nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.models import AuditRecord
from yingji.enforcement import services
from yingji.enforcement.timers import notify_due
from yingji.messaging.models import Message

from .conftest import open_case, walk_to

pytestmark = pytest.mark.django_db
HAZARD = {"provision": "work-safety-hazard-not-removed", "refused": True}


def test_overdue_steps_and_due_checks_are_notified_once(wenling_officer, wenling_enterprise):
    wenling_officer.mobile = "13800000000"
    wenling_officer.save()
    stalled = open_case(wenling_officer, wenling_enterprise)
    stopped = walk_to(wenling_officer, open_case(wenling_officer, wenling_enterprise), "prior_notice")
    stopped = services.case_act(by=wenling_officer.user, case=stopped, action="decide", decisions=[HAZARD])
    order = stopped.stop_orders.get()
    later = timezone.now() + dt.timedelta(days=61)  # past the investigation (60 days) and the check (30)
    result = notify_due(now=later)
    step = stalled.steps.get(step="investigation")
    assert step.pk in result["steps"] and result["stop_orders"] == [order.pk]
    assert AuditRecord.objects.filter(action="case.step_overdue", object_id=str(stalled.pk)).count() == 1
    assert AuditRecord.objects.filter(action="stop_order.check_due").count() == 1
    sent = Message.objects.filter(idempotency_key__in=[f"case-step-overdue:{step.pk}",
                                                       f"stop-order-check:{order.pk}"]).count()
    assert sent == 2
    assert notify_due(now=later) == {"steps": [], "stop_orders": []}
