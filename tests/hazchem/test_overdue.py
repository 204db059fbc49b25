"""The overdue tick: a work order still open or accepted past its `due_at` is told to
its region's officers once (the clock moved past the deadline, the tick run twice), and
shows a red light on the work-order list."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from yingji.core import scheduler
from yingji.core.models import AuditRecord
from yingji.hazchem.models import WorkOrder
from yingji.hazchem.timers import notify_overdue
from yingji.messaging.models import Message

from .helpers import flow

pytestmark = pytest.mark.django_db


def phone(person, number):
    person.mobile = number
    person.save()
    return person


@pytest.fixture
def order(enterprise_user, linhai_enterprise, linhai_officer, wenling_officer):
    """Wenling's enterprise buys caustic soda from Linhai's, which holds no licence: a work
    order for Linhai (the seller's county), due in HAZCHEM_WORK_ORDER_DAYS."""
    phone(linhai_officer, "13800000001")
    phone(wenling_officer, "13800000002")
    return WorkOrder.objects.get(pk=flow(enterprise_user, counterparty=linhai_enterprise.uscc)[1][0]["work_order_id"])


def told(person) -> int:
    return Message.objects.filter(person=person, idempotency_key__startswith="hazchem-work-order-overdue:").count()


def test_an_overdue_order_is_told_to_its_regions_officers_once(order, linhai_officer, wenling_officer):
    with time_machine.travel(order.due_at - dt.timedelta(minutes=1), tick=False):
        assert notify_overdue() == []
    assert told(linhai_officer) == 0
    with time_machine.travel(order.due_at + dt.timedelta(hours=1), tick=False):
        assert notify_overdue() == [order.pk]
        assert notify_overdue() == []
    with time_machine.travel(order.due_at + dt.timedelta(days=3), tick=False):
        assert notify_overdue() == []
    assert told(linhai_officer) == 1 and told(wenling_officer) == 0
    message = Message.objects.get(person=linhai_officer)
    assert f"工单 {order.pk}" in message.text and "已超过办理期限" in message.text
    assert AuditRecord.objects.filter(action="hazchem.work_order_overdue", object_id=str(order.pk)).count() == 1
    order.refresh_from_db()
    assert order.overdue_notified_at == order.due_at + dt.timedelta(hours=1)


def test_the_tick_is_registered_and_runs_through_the_scheduler(order, linhai_officer):
    scheduler.autodiscover()
    tick = scheduler.registry.ticks["hazchem.notify_overdue"]
    with time_machine.travel(order.due_at + dt.timedelta(minutes=5), tick=False):
        tick.fn()
        tick.fn()
    assert told(linhai_officer) == 1


@pytest.mark.parametrize("state, expected", [("accepted", True), ("case_requested", False), ("case_opened", False),
                                             ("closed", False)])
def test_only_orders_waiting_for_an_officer_are_overdue(order, linhai_officer, state, expected):
    WorkOrder.objects.filter(pk=order.pk).update(state=state)
    with time_machine.travel(order.due_at + dt.timedelta(minutes=5), tick=False):
        assert notify_overdue() == ([order.pk] if expected else [])
    assert told(linhai_officer) == (1 if expected else 0)


def test_a_township_order_goes_to_the_county_when_the_township_has_no_officer(order, linhai_enterprise,
                                                                              linhai_officer):
    assert order.region_id == linhai_enterprise.region_id and len(order.region_id) > len(linhai_officer.region_id)
    with time_machine.travel(order.due_at + dt.timedelta(minutes=5), tick=False):
        notify_overdue()
    assert told(linhai_officer) == 1


def test_the_work_order_list_shows_overdue_orders_red(order, linhai_officer):
    def listing():
        client = Client()
        client.force_login(linhai_officer.user)  # inside the moved clock: a session of that day
        r = client.get("/hazchem/work-orders/")
        assert r.status_code == 200
        html = r.content.decode()
        assert f"/hazchem/work-orders/{order.pk}/" in html
        return html

    with time_machine.travel(order.due_at - dt.timedelta(minutes=1), tick=False):
        html = listing()
        assert "light-red" not in html and "已超期" not in html
    with time_machine.travel(order.due_at + dt.timedelta(minutes=1), tick=False):
        html = listing()
        assert 'class="dot light-red"' in html and "已超期" in html
        WorkOrder.objects.filter(pk=order.pk).update(state="closed")
        assert "light-red" not in listing()
