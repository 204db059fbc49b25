"""An order not acknowledged in time is escalated once (issue 18, dispatch): the timer
is the order's `ack_due_at`, the tick sends to the officer who gave it and the duty
desk of the team's region, and never twice."""

import pytest

from yingji.core.models import AuditRecord
from yingji.messaging.models import Message
from yingji.resources.models import Dispatch
from yingji.resources.services import dispatch as services

from ..conftest import WENLING
from .dispatch_helpers import WENLING_SPOT, at, duty_officer, wenling_team  # noqa: F401

pytestmark = pytest.mark.django_db


def test_an_unacknowledged_dispatch_is_escalated_once_at_its_deadline(wenling_officer, wenling_team):
    desk = duty_officer(WENLING)
    dispatch = services.dispatch_create(by=wenling_officer.user, team_id=wenling_team.pk, task="抢险",
                                        ack_minutes=10, now=at(0), **WENLING_SPOT)
    assert dispatch.ack_due_at == at(10)
    assert services.escalate_due_dispatches(now=at(9.9)) == 0
    assert services.escalate_due_dispatches(now=at(10)) == 1
    keys = set(Message.objects.filter(idempotency_key__contains=":escalate:").values_list("idempotency_key",
                                                                                          flat=True))
    assert keys == {f"resources:dispatch:{dispatch.pk}:escalate:person:{wenling_officer.pk}",
                    f"resources:dispatch:{dispatch.pk}:escalate:person:{desk.pk}"}
    text = Message.objects.get(person=desk, idempotency_key__contains=":escalate:").text
    assert "未在" in text and "王队长" in text
    assert Dispatch.objects.get(pk=dispatch.pk).escalated_at == at(10)
    assert services.escalate_due_dispatches(now=at(30)) == 0  # once
    assert Message.objects.filter(idempotency_key__contains=":escalate:").count() == 2
    assert AuditRecord.objects.filter(action="dispatch_escalate").count() == 1
    # Still acknowledgeable after the escalation.
    assert services.dispatch_step(dispatch=dispatch, action="acknowledge", channel="link",
                                  now=at(31)).state == "acknowledged"


def test_an_acknowledged_dispatch_is_not_escalated(wenling_officer, wenling_team):
    duty_officer(WENLING)
    dispatch = services.dispatch_create(by=wenling_officer.user, team_id=wenling_team.pk, task="抢险",
                                        ack_minutes=5, now=at(0), **WENLING_SPOT)
    services.dispatch_step(dispatch=dispatch, action="acknowledge", channel="link", now=at(4))
    assert services.escalate_due_dispatches(now=at(60)) == 0
    assert not Message.objects.filter(idempotency_key__contains=":escalate:").exists()


def test_the_tick_is_registered():
    from yingji.core.scheduler import autodiscover
    from yingji.core.scheduler import registry as ticks

    autodiscover()
    assert "resources.escalate_dispatches" in ticks.ticks
