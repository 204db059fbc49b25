"""The outbox API (list filters, detail with its attempts), the tick and the task."""

import importlib

import pytest

from yingji.core import scheduler
from yingji.messaging import services, tasks
from yingji.messaging.choices import MessageStatus

from ..factories import PersonFactory
from .conftest import Answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(api_as, province_admin):
    return api_as(province_admin)


def test_detail_shows_every_attempt(admin_client, gateway):
    gateway.answer(Answer(503, "busy"))
    message = services.send(channel="sms", to="13800000001", text="a", idempotency_key="k",
                            region_code="331081")
    services.deliver_due()
    body = admin_client.get(f"/api/messaging/messages/{message.pk}").json()
    assert body["status"] == "queued" and body["attempts"] == 1
    assert [(a["number"], a["outcome"], a["http_status"]) for a in body["delivery_attempts"]] == [
        (1, "temporary_error", 503)]
    assert "HTTP 503" in body["last_error"]


def test_list_filters_by_status_channel_person_and_context(admin_client, regions, unconfigured):
    person = PersonFactory(region_id="331081", user=None)
    a = services.send(channel="sms", to="1", text="a", idempotency_key="a", context={"callup_id": 12},
                      region_code="331081")
    b = services.send(channel="voice", to="1", text="b", idempotency_key="b", context={"callup_id": "12"},
                      person=person)
    c = services.send(channel="sms", to="1", text="c", idempotency_key="c", context={"callup_id": 13},
                      region_code="3310")
    services.deliver_message(a.pk)  # unconfigured: fails permanently

    def ids(**params):
        return {m["id"] for m in admin_client.get("/api/messaging/messages", params).json()["items"]}
    assert ids() == {a.pk, b.pk, c.pk}
    assert ids(status="failed") == {a.pk}
    assert ids(channel="voice") == {b.pk}
    assert ids(person=person.pk) == {b.pk}
    assert ids(context="callup_id=12") == {a.pk, b.pk}  # stored as a number or as text
    assert ids(context="callup_id") == {a.pk, b.pk, c.pk}


@pytest.mark.parametrize("context", ["callup_id__gt=1", "a b=1", "=1", "_x=1"])
def test_malformed_context_filter_is_a_clear_error(context, admin_client):
    r = admin_client.get("/api/messaging/messages", {"context": context})
    assert r.status_code == 400 and "context" in r.json()["error"]["fields"]


def test_message_without_a_region_is_for_system_wide_eyes_only(admin_client):
    services.send(channel="sms", to="1", text="a", idempotency_key="k")
    assert admin_client.get("/api/messaging/messages").json()["items"] == []


def test_list_is_paged(admin_client):
    for i in range(3):
        services.send(channel="sms", to="1", text="a", idempotency_key=f"k{i}", region_code="33")
    body = admin_client.get("/api/messaging/messages", {"page_size": 2, "page": 2}).json()
    assert (body["count"], len(body["items"])) == (3, 1)


def test_the_tick_sends_what_is_due(gateway):
    import yingji.messaging.ticks

    # Re-register: another test may have swapped the process-wide registry since the
    # module was first imported.
    importlib.reload(yingji.messaging.ticks)
    message = services.send(channel="sms", to="1", text="a", idempotency_key="k")
    tick = scheduler.registry.ticks["messaging.deliver_due"]
    tick.fn()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and tick.every_seconds <= 10


def test_celery_tasks_deliver_and_repeat_harmlessly(gateway):
    message = services.send(channel="sms", to="1", text="a", idempotency_key="k")
    assert tasks.deliver_message.delay(message.pk).get() == "sent"
    assert tasks.deliver_message.delay(message.pk).get() is None
    assert tasks.deliver_due.delay().get() == {}
    assert len(gateway.received) == 1
