"""Tasks of a response (issue 17, levels): listed with their owner, deadline and state;
confirmed by their owner (item by item for the five stops), by an officer above, or
from the signed link of the SMS (a forged one is refused); escalated once, at the
deadline, to the owner's superior through messaging (a local HTTP gateway), and still
confirmable afterwards. The fixture is described in levels_fixtures.py."""

import pytest
from django.core import signing
from django.test import Client

from yingji.core.errors import DomainError
from yingji.messaging import services as messaging
from yingji.messaging.models import Message
from yingji.response import services
from yingji.response.choices_levels import TaskState
from yingji.response.models import ResponseTask, TaskConfirmation

from ..conftest import WENLING, WENLING_TOWN
from .levels_fixtures import (  # noqa: F401
    T0,
    WENLING_TOWNSHIPS,
    ZEGUO,
    chains,
    fast_passwords,
    gateway,
    minutes,
)

pytestmark = pytest.mark.django_db


def declare(user, grade="II"):
    return services.level_declare(by=user, hazard="typhoon", grade=grade, regions=[WENLING], now=T0)


def task(level, order, region):
    return ResponseTask.objects.get(level=level, order__code=order, region_id=region)


def test_tasks_are_listed_with_region_order_owner_deadline_and_state(api_as, wenling_officer, chains):
    level = declare(wenling_officer.user)
    r = api_as(wenling_officer).get("/api/response/tasks", {"level": level.pk, "state": "open", "page_size": 500})
    assert r.status_code == 200, r.content
    items = r.json()["items"]
    # IV + III + II over Wenling: 1 + 17 + 1 + 17 + 17 + 2 villages, all open.
    assert len(items) == r.json()["count"] == 2 + 3 * WENLING_TOWNSHIPS + 2
    five = next(i for i in items if i["order_code"] == "five_stops" and i["region"] == ZEGUO)
    assert five["owner"] == chains.zeguo.pk and five["state"] == "open"
    assert five["due_at"].startswith("2026-07-01T06:00")  # 240 minutes after 02:00 UTC
    assert set(items[0]) >= {"id", "region", "order", "owner", "due_at", "state"}
    assert api_as(wenling_officer).get("/api/response/tasks", {"level": level.pk, "state": "confirmed"}
                                       ).json()["count"] == 0


def test_the_owner_confirms_the_five_stops_item_by_item(api_as, wenling_officer, chains):
    level = declare(wenling_officer.user)
    five = task(level, "five_stops", ZEGUO)
    client = api_as(chains.zeguo)
    r = client.post(f"/api/response/tasks/{five.pk}/confirm", {"note": "学校已停课", "items": ["停课", "停工"]})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "open" and r.json()["checked"] == ["停课", "停工"]
    r = client.post(f"/api/response/tasks/{five.pk}/confirm", {"items": ["停产", "停运", "停业"]})
    assert r.json()["state"] == "confirmed"
    assert TaskConfirmation.objects.filter(task=five).count() == 2
    r = client.post(f"/api/response/tasks/{five.pk}/confirm", {"items": ["放假"]})
    assert r.status_code == 200  # already confirmed: a second tap changes nothing
    post = task(level, "township_post", ZEGUO)
    r = client.post(f"/api/response/tasks/{post.pk}/confirm", {"items": ["放假"], "note": ""})
    assert r.status_code == 200 and r.json()["state"] == "confirmed"  # no checklist: the items are moot


def test_unknown_checklist_items_are_refused_with_the_field(api_as, wenling_officer, chains):
    level = declare(wenling_officer.user)
    five = task(level, "five_stops", ZEGUO)
    r = api_as(chains.zeguo).post(f"/api/response/tasks/{five.pk}/confirm", {"items": ["放假"]})
    assert r.status_code == 400 and "items" in r.json()["error"]["fields"]
    r = api_as(chains.zeguo).post(f"/api/response/tasks/{five.pk}/confirm", {"note": "x" * 301})
    assert r.status_code == 422 and "note" in r.json()["error"]["fields"]
    assert ResponseTask.objects.get(pk=five.pk).state == TaskState.OPEN


def test_an_officer_above_confirms_and_another_cadre_cannot(api_as, wenling_officer, wenling_viewer, chains):
    level = declare(wenling_officer.user)
    post = task(level, "township_post", WENLING_TOWN)
    # Another township's chief does not even see it; a county viewer sees but may not confirm.
    assert api_as(chains.zeguo).post(f"/api/response/tasks/{post.pk}/confirm", {}).status_code == 404
    assert api_as(wenling_viewer).post(f"/api/response/tasks/{post.pk}/confirm", {}).status_code == 403
    r = api_as(wenling_officer).post(f"/api/response/tasks/{post.pk}/confirm", {"note": "电话核实已到岗"})
    assert r.status_code == 200 and r.json()["state"] == "confirmed"


def test_the_signed_link_confirms_and_a_forged_one_is_refused(wenling_officer, chains):
    level = declare(wenling_officer.user)
    five = task(level, "five_stops", WENLING_TOWN)
    token = services.task_token(five)
    message = Message.objects.get(person=chains.town, idempotency_key__startswith="response:change:")
    assert f"/response/t/{token}" in message.text or "等" in message.text
    client = Client()
    page = client.get(f"/response/t/{token}")
    assert page.status_code == 200 and "停课" in page.content.decode()
    assert client.post(f"/response/t/{token}", {"item": "停课"}).status_code == 302
    assert ResponseTask.objects.get(pk=five.pk).checked == ["停课"]
    client.post(f"/response/t/{token}", {})
    assert ResponseTask.objects.get(pk=five.pk).state == TaskState.CONFIRMED
    confirmation = TaskConfirmation.objects.filter(task=five).last()
    assert confirmation.channel == "link" and confirmation.person == chains.town
    other = task(level, "township_post", WENLING_TOWN)
    forged = [signing.dumps([other.pk, chains.zeguo.pk], salt="yingji.response.task"),  # someone else's task
              token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x", "W1sxXQ:bad:sig"]
    for bad in forged:
        assert client.get(f"/response/t/{bad}").status_code == 404
        assert client.post(f"/response/t/{bad}", {}).status_code == 404
    assert ResponseTask.objects.get(pk=other.pk).state == TaskState.OPEN


def test_unconfirmed_tasks_escalate_once_to_the_superior_and_stay_confirmable(wenling_officer, chains, gateway):
    level = declare(wenling_officer.user, grade="III")
    post = task(level, "township_post", WENLING_TOWN)
    services.task_confirm(task=task(level, "township_post", ZEGUO), by=chains.zeguo.user)
    # Level III over Wenling: county_post is due at 60 minutes, county_watch and the 17
    # township posts at 120 (泽国's confirmed), the 17 township patrols at 180.
    assert services.escalate_due_tasks(now=minutes(61)) == 1
    assert services.escalate_due_tasks(now=minutes(121)) == 1 + WENLING_TOWNSHIPS - 1
    assert services.escalate_due_tasks(now=minutes(181)) == WENLING_TOWNSHIPS
    assert services.escalate_due_tasks(now=minutes(500)) == 0
    post.refresh_from_db()
    assert post.state == TaskState.ESCALATED and post.escalated_to == chains.county
    assert ResponseTask.objects.get(level=level, order__code="township_post", region_id=ZEGUO).state == "confirmed"
    sent = Message.objects.filter(idempotency_key=f"response:escalate:{post.pk}:person:{chains.county.pk}")
    assert sent.count() == 1 and "太平街道主任" in sent.get().text
    messaging.deliver_due(limit=500)
    bodies = [b for b in gateway.bodies() if b and "未在" in str(b)]
    to_county = [b for b in bodies if chains.county.mobile in str(b) and "太平街道" in str(b)]
    assert len(to_county) == 2  # the township's patrol and post orders, one SMS each
    services.task_confirm(task=post, by=chains.town.user)
    assert ResponseTask.objects.get(pk=post.pk).state == TaskState.CONFIRMED


def test_lowering_and_ending_leave_nothing_to_escalate(wenling_officer, chains):
    level = declare(wenling_officer.user)
    services.level_change(by=wenling_officer.user, level=level, action="end", now=minutes(5))
    assert services.escalate_due_tasks(now=minutes(1000)) == 0
    assert not Message.objects.filter(idempotency_key__startswith="response:escalate:").exists()
    with pytest.raises(DomainError, match="cancelled"):
        services.task_confirm(task=task(level, "five_stops", ZEGUO), by=chains.zeguo.user)


def test_pages_show_the_level_its_orders_and_the_phone_tasks(client, wenling_officer, chains):
    level = declare(wenling_officer.user)
    client.force_login(wenling_officer.user)
    home = client.get("/response/")
    assert home.status_code == 200 and f"/response/levels/{level.pk}/" in home.content.decode()
    detail = client.get(f"/response/levels/{level.pk}/").content.decode()
    assert "落实“五停”" in detail and 'id="level-map"' in detail
    data = client.get(f"/response/levels/{level.pk}/map.json").json()
    assert data["areas"] == [WENLING] and data["level"] == "II"
    assert sum(r["total"] for r in data["regions"]) == 2 + 3 * WENLING_TOWNSHIPS + 2
    client.force_login(chains.zeguo.user)
    mine = client.get("/response/my/").content.decode()
    assert mine.count('class="card task-card') == 3  # level II for 泽国: patrol, post, five stops


def test_the_task_table_exports_what_the_api_counts(client, api_as, wenling_officer, chains):
    import io

    import openpyxl

    level = declare(wenling_officer.user)
    services.task_confirm(task=task(level, "five_stops", ZEGUO), by=chains.zeguo.user)
    client.force_login(wenling_officer.user)
    for state, expected in (("", 2 + 3 * WENLING_TOWNSHIPS + 2), ("confirmed", 1)):
        r = client.get(f"/response/levels/{level.pk}/", {"format": "xlsx", "state": state})
        assert r.status_code == 200
        rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
        api = api_as(wenling_officer).get("/api/response/tasks", {"level": level.pk, "state": state or None}
                                          if state else {"level": level.pk}).json()["count"]
        assert len(rows) - 1 == api == expected
    assert rows[1][1].endswith("泽国镇") and rows[1][6] == "已确认" and rows[1][7] == "停课、停工、停产、停运、停业"
