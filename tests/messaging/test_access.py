"""Access by region for the outbox API: a Wenling officer never sees a Linhai
message; gateways without the shared token cannot post receipts."""

import pytest

from yingji.messaging import services
from yingji.messaging.choices import MessageStatus
from yingji.messaging.models import Message

from ..conftest import LINHAI_TOWN, WENLING_TOWN
from ..factories import OrganizationFactory, PersonFactory

ACCESS_CHECKED = {
    "GET /api/messaging/messages",
    "GET /api/messaging/messages/{id}",
    "POST /api/messaging/receipts",
}

pytestmark = pytest.mark.django_db
TOKEN = "gw-secret-0123456789"


@pytest.fixture
def messages(regions):
    def message(key, region):
        person = PersonFactory(region_id=region, mobile="13800000000", user=None)
        return services.send(channel="sms", to=person.mobile, text="预警", idempotency_key=key, person=person,
                             context={"callup_id": 12})
    return {"wenling": message("w", WENLING_TOWN), "linhai": message("l", LINHAI_TOWN)}


LIST_FILTERS = [{}, {"status": "queued"}, {"channel": "sms"}, {"context": "callup_id=12"}]


@pytest.mark.parametrize("params", LIST_FILTERS)
def test_wenling_officer_lists_no_linhai_message(params, api_as, wenling_officer, messages):
    r = api_as(wenling_officer).get("/api/messaging/messages", {**params, "page_size": 500})
    assert r.status_code == 200, r.content
    assert [m["id"] for m in r.json()["items"]] == [messages["wenling"].pk]


def test_filtering_by_a_linhai_person_finds_nothing(api_as, wenling_officer, messages):
    r = api_as(wenling_officer).get("/api/messaging/messages", {"person": messages["linhai"].person_id})
    assert r.json()["items"] == []


def test_province_admin_lists_both_counties(api_as, province_admin, messages):
    items = api_as(province_admin).get("/api/messaging/messages").json()["items"]
    assert {m["id"] for m in items} == {messages["wenling"].pk, messages["linhai"].pk}


def test_linhai_message_is_not_found_for_wenling_officer(api_as, wenling_officer, messages):
    client = api_as(wenling_officer)
    r = client.get(f"/api/messaging/messages/{messages['linhai'].pk}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert client.get(f"/api/messaging/messages/{messages['wenling'].pk}").status_code == 200


def test_enterprise_user_sees_only_messages_to_its_own_people(api_as, enterprise_user, messages):
    colleague = PersonFactory(region_id=enterprise_user.region_id, organization=enterprise_user.organization,
                              user=None)
    own = services.send(channel="sms", to="1", text="a", idempotency_key="own", person=colleague)
    other_org = PersonFactory(region_id=enterprise_user.region_id, user=None,
                              organization=OrganizationFactory(region_id=WENLING_TOWN))
    services.send(channel="sms", to="2", text="b", idempotency_key="other", person=other_org)
    items = api_as(enterprise_user).get("/api/messaging/messages").json()["items"]
    assert [m["id"] for m in items] == [own.pk]


def test_anonymous_caller_cannot_list(api_as, messages):
    assert api_as(None).get("/api/messaging/messages").status_code == 401


@pytest.mark.parametrize("headers, status", [({}, 401), ({"X-Yingji-Gateway-Token": "wrong"}, 403)])
def test_receipt_without_the_right_token_is_refused(headers, status, api_as, messages, settings):
    settings.YINGJI_GATEWAY_TOKEN = TOKEN
    r = api_as(None).post("/api/messaging/receipts", {"message_id": messages["linhai"].pk, "status": "delivered"},
                          headers=headers)
    assert r.status_code == status, r.content
    assert Message.objects.get(pk=messages["linhai"].pk).status == MessageStatus.QUEUED


def test_receipts_are_refused_when_no_token_is_configured(api_as, messages, settings):
    settings.YINGJI_GATEWAY_TOKEN = ""
    r = api_as(None).post("/api/messaging/receipts", {"message_id": messages["wenling"].pk, "status": "delivered"},
                          headers={"X-Yingji-Gateway-Token": ""})
    assert r.status_code == 403


def test_a_logged_in_officer_is_not_a_gateway(api_as, wenling_officer, messages, settings):
    settings.YINGJI_GATEWAY_TOKEN = TOKEN
    r = api_as(wenling_officer).post("/api/messaging/receipts",
                                     {"message_id": messages["wenling"].pk, "status": "delivered"})
    assert r.status_code == 401


def test_receipt_with_the_token_is_recorded(api_as, messages, settings):
    settings.YINGJI_GATEWAY_TOKEN = TOKEN
    r = api_as(None).post("/api/messaging/receipts", {"message_id": messages["wenling"].pk, "status": "delivered"},
                          headers={"X-Yingji-Gateway-Token": TOKEN})
    assert r.status_code == 200, r.content
    assert r.json() == {"message_id": messages["wenling"].pk, "status": "delivered", "reply": "", "queued": False}
    messages["wenling"].refresh_from_db()
    assert messages["wenling"].status == "delivered"
