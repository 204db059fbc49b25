"""Receipts stored by the endpoint while workers run are applied by a real Celery
worker (RabbitMQ, PostgreSQL): the SMS replies "1" acknowledge their targets at
the time they arrived, and the inbox is left empty."""

import pytest

from yingji.alerts import services
from yingji.alerts import tasks as alerts_tasks
from yingji.alerts.choices import TargetState
from yingji.alerts.models import CallUpTarget
from yingji.messaging import inbox
from yingji.messaging import services as messaging
from yingji.messaging import tasks as messaging_tasks
from yingji.messaging.choices import MessageStatus
from yingji.messaging.models import InboundReceipt, Message

from .test_worker_crash import (  # noqa: F401  (fixtures)
    VILLAGE,
    broker,
    gateway,
    publish,
    sms_only_policy,
    village_chiefs,
    wait_for,
    workers,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_worker_applies_the_stored_receipts(regions, broker, gateway, workers, settings, monkeypatch):
    sms_only_policy()
    village_chiefs(3)
    warning = services.warning_issue(by=None, type="rainstorm", level="red", region_codes=[VILLAGE],
                                     headline="温岭市暴雨红色预警")
    workers.start()
    publish(alerts_tasks.process_due_actions, broker)
    wait_for(lambda: Message.objects.filter(status=MessageStatus.SENT).count() == 3, "the three SMS", workers)

    settings.BROKER_URL = "amqp://"  # the web side of an installation with workers
    monkeypatch.setattr(inbox, "_ask_workers", lambda: None)  # asked below, through the real broker
    messages = list(Message.objects.order_by("pk"))
    assert inbox.receive([messaging.Receipt(m.pk, "delivered", "1") for m in messages[:2]]) == [True, True]
    assert not CallUpTarget.objects.filter(state=TargetState.ACKNOWLEDGED).exists()  # stored, not applied

    publish(messaging_tasks.apply_receipts, broker)
    wait_for(lambda: not InboundReceipt.objects.filter(applied_at__isnull=True).exists(), "the receipts applied",
             workers)
    arrived = {r.message_id: r.received_at for r in InboundReceipt.objects.all()}
    acked = {t.pk: t.acknowledged_at for t in warning.callup.targets.filter(state=TargetState.ACKNOWLEDGED)}
    assert len(acked) == 2 and sorted(acked.values()) == sorted(arrived.values())
    assert Message.objects.get(pk=messages[2].pk).status == MessageStatus.SENT
