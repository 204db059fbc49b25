"""Response levels (issue 17, levels): declaring a typhoon response over Wenling makes
one task per order and region with its owner and deadline, raising adds the next
level's orders, lowering and ending cancel the open ones, and every change is a
history row sent once to each responsible person.

Counted by hand from data/orders.yaml (typhoon) and the fixture (levels_fixtures.py):
level IV carries county_watch (county) and township_patrol (township); III adds
city_post (city: none inside Wenling), county_post and township_post; II adds
five_stops (township) and village_post (village). Over Wenling (1 county, 17
townships, 2 villages): III = 1 + 17 + 1 + 17 = 36 tasks; II adds 17 + 2 = 19."""

import datetime as dt

import pytest

from yingji.core.models import AuditRecord
from yingji.messaging.models import Message
from yingji.response import services
from yingji.response.choices_levels import TaskState
from yingji.response.models import LevelChange, ResponseLevel, ResponseTask

from ..conftest import LINHAI, WENLING, WENLING_TOWN
from .levels_fixtures import T0, VILLAGES, WENLING_TOWNSHIPS, ZEGUO, chains, fast_passwords, minutes  # noqa: F401

pytestmark = pytest.mark.django_db

III_TASKS = 1 + WENLING_TOWNSHIPS + 1 + WENLING_TOWNSHIPS
II_ADDED = WENLING_TOWNSHIPS + len(VILLAGES)


def declare(user, grade="III", regions=(WENLING,), now=T0, **kw):
    return services.level_declare(by=user, hazard="typhoon", grade=grade, regions=list(regions), now=now, **kw)


def live(level):
    return ResponseTask.objects.filter(level=level).exclude(state=TaskState.CANCELLED)


def test_declaring_makes_one_task_per_order_and_region_with_owner_and_deadline(api_as, wenling_officer, chains):
    r = api_as(wenling_officer).post("/api/response/levels", {"hazard": "typhoon", "level": "III",
                                                              "regions": [WENLING], "drill": True})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "in_force" and body["tasks"] == III_TASKS and body["drill"] is True
    level = ResponseLevel.objects.get(pk=body["id"])
    tasks = ResponseTask.objects.filter(level=level).select_related("order")
    assert tasks.count() == III_TASKS
    by_order = {}
    for t in tasks:
        by_order.setdefault(t.order.code, []).append(t)
    assert {k: len(v) for k, v in by_order.items()} == {"county_watch": 1, "township_patrol": 17, "county_post": 1,
                                                        "township_post": 17}
    post = next(t for t in by_order["township_post"] if t.region_id == WENLING_TOWN)
    assert post.owner == chains.town and post.state == TaskState.OPEN
    assert post.due_at - level.declared_at == dt.timedelta(minutes=120)
    county = by_order["county_post"][0]
    assert county.owner == chains.county and county.due_at - level.declared_at == dt.timedelta(minutes=60)
    # 15 townships have no chief: their tasks wait without an owner (a gap the page shows).
    assert sum(1 for t in by_order["township_post"] if t.owner_id is None) == 15


def test_raising_adds_the_next_levels_orders_and_keeps_the_history(wenling_officer, chains):
    level = declare(wenling_officer.user)
    services.level_change(by=wenling_officer.user, level=level, action="raise", grade="II", now=minutes(30))
    assert live(level).count() == III_TASKS + II_ADDED
    five = live(level).get(order__code="five_stops", region_id=ZEGUO)
    assert five.owner == chains.zeguo and five.due_at == minutes(30 + 240)
    assert five.order.checklist == ["停课", "停工", "停产", "停运", "停业"]
    assert [(c.action, c.from_grade, c.to_grade) for c in LevelChange.objects.filter(level=level)] == [
        ("declare", "", "III"), ("raise", "III", "II")]
    level.refresh_from_db()
    assert level.grade == "II"
    assert AuditRecord.objects.filter(action__in=["response_declare", "response_raise"]).count() == 2


def test_lowering_cancels_the_open_tasks_of_the_higher_orders_and_ending_cancels_the_rest(wenling_officer, chains):
    user = wenling_officer.user
    level = declare(user, grade="II")
    assert live(level).count() == III_TASKS + II_ADDED
    done = live(level).get(order__code="five_stops", region_id=ZEGUO)
    services.task_confirm(task=done, by=chains.zeguo.user)
    services.level_change(by=user, level=level, action="lower", grade="III", now=minutes(10))
    # The confirmed five-stops task stays confirmed; the other 18 orders of level II are cancelled.
    assert ResponseTask.objects.filter(level=level, state=TaskState.CANCELLED).count() == II_ADDED - 1
    assert ResponseTask.objects.get(pk=done.pk).state == TaskState.CONFIRMED
    services.level_change(by=user, level=level, action="end", now=minutes(20))
    level.refresh_from_db()
    assert level.status == "ended" and level.ended_at == minutes(20)
    assert ResponseTask.objects.filter(level=level).exclude(state=TaskState.CANCELLED).count() == 1
    assert LevelChange.objects.filter(level=level).count() == 3


def test_raising_again_after_a_lower_reopens_only_what_was_cancelled(wenling_officer, chains):
    user = wenling_officer.user
    level = declare(user, grade="II")
    services.task_confirm(task=live(level).get(order__code="five_stops", region_id=ZEGUO), by=chains.zeguo.user)
    services.level_change(by=user, level=level, action="lower", grade="III")
    services.level_change(by=user, level=level, action="raise", grade="II")
    assert live(level).count() == III_TASKS + II_ADDED  # 18 new tasks beside the confirmed one


def test_each_change_is_sent_once_to_each_chief_and_owner(wenling_officer, chains):
    level = declare(wenling_officer.user, drill=True)
    change = LevelChange.objects.get(level=level)
    to = dict(Message.objects.filter(idempotency_key__startswith=f"response:change:{change.pk}:")
              .values_list("person_id", "text"))
    # The county chief and both township chiefs; village chiefs get nothing at level III.
    assert set(to) == {chains.county.pk, chains.town.pk, chains.zeguo.pk}
    assert to[chains.town.pk].startswith("【演练】【应急响应】浙江省台州市温岭市启动台风Ⅲ级应急响应。任务：")
    assert "/response/t/" in to[chains.town.pk] and "已到岗" in to[chains.town.pk]
    # Telling again (a retried request) adds nothing: one key per change and person.
    from yingji.response.services.levels import _tell
    count = Message.objects.count()
    _tell(level, change, [])
    assert Message.objects.count() == count
    services.level_change(by=wenling_officer.user, level=level, action="raise", grade="II")
    raised = LevelChange.objects.filter(level=level, action="raise").get()
    village = Message.objects.get(idempotency_key=f"response:change:{raised.pk}:person:{chains.villages[0].pk}")
    assert "提升为Ⅱ级" in village.text


def test_only_an_officer_covering_every_region_declares(api_as, wenling_officer, wenling_viewer, chains):
    r = api_as(wenling_officer).post("/api/response/levels", {"hazard": "typhoon", "level": "IV",
                                                              "regions": [WENLING, LINHAI]})
    assert r.status_code == 403 and "region" in r.json()["error"]["fields"]
    r = api_as(wenling_viewer).post("/api/response/levels", {"hazard": "typhoon", "level": "IV",
                                                             "regions": [WENLING]})
    assert r.status_code == 403
    assert ResponseLevel.objects.count() == 0


def test_a_level_is_seen_from_inside_and_above_its_area(api_as, wenling_officer, taizhou_officer, linhai_officer,
                                                        chains):
    level = declare(taizhou_officer.user, regions=[WENLING_TOWN])
    for who, seen in ((wenling_officer, True), (taizhou_officer, True), (linhai_officer, False)):
        ids = [i["id"] for i in api_as(who).get("/api/response/levels").json()["items"]]
        assert (level.pk in ids) is seen
    town_user = api_as(chains.town)
    assert town_user.get(f"/api/response/levels/{level.pk}").status_code == 200


@pytest.mark.parametrize("body, field", [
    ({"hazard": "volcano", "level": "IV", "regions": [WENLING]}, "hazard"),
    ({"hazard": "typhoon", "level": "V", "regions": [WENLING]}, "level"),
    ({"hazard": "typhoon", "level": "IV", "regions": []}, "regions"),
    ({"hazard": "typhoon", "level": "IV", "regions": ["999999"]}, "regions"),
    ({"hazard": "typhoon", "level": "IV", "regions": [WENLING], "warning_id": 99999}, "warning_id"),
    ({"hazard": 7, "level": None, "regions": "x"}, "level"),
])
def test_bad_declarations_get_a_bilingual_field_error(api_as, wenling_officer, chains, body, field):
    r = api_as(wenling_officer).post("/api/response/levels", body)
    assert r.status_code in (400, 422), r.content
    error = r.json()["error"]
    assert field in error["fields"] and " / " in error["message"]
    assert ResponseLevel.objects.count() == 0


def test_bad_changes_are_refused_with_the_reason(api_as, wenling_officer, chains):
    level = declare(wenling_officer.user)
    client = api_as(wenling_officer)
    for action, body, field in (("raise", {"level": "IV"}, "level"), ("lower", {"level": "II"}, "level"),
                                ("raise", {}, "level"), ("raise", {"level": "X"}, "level")):
        r = client.post(f"/api/response/levels/{level.pk}/actions/{action}", body)
        assert r.status_code in (400, 422) and field in r.json()["error"]["fields"], (action, body, r.content)
    assert client.post(f"/api/response/levels/{level.pk}/actions/explode", {}).status_code == 422
    r = client.post(f"/api/response/levels/{level.pk}/actions/raise", {"level": "II"})
    assert r.status_code == 200 and r.json()["level"] == "II" and len(r.json()["history"]) == 2
    assert client.post(f"/api/response/levels/{level.pk}/actions/end").status_code == 200
    r = client.post(f"/api/response/levels/{level.pk}/actions/end")
    assert r.status_code == 400 and r.json()["error"]["code"] == "ended"
    assert client.post(f"/api/response/levels/{2**70}/actions/end").status_code in (404, 422)


def test_orders_are_data_an_administrator_edits(admin_client, wenling_officer, chains):
    from yingji.response.models import ResponseOrder

    assert admin_client.get("/admin/response/responseorder/").status_code == 200
    # Switched off in the admin, the county watch makes no task at the next declaration.
    ResponseOrder.objects.filter(hazard_id="typhoon", code="county_watch").update(active=False)
    level = declare(wenling_officer.user)
    assert live(level).count() == III_TASKS - 1


def test_the_escalation_tick_is_registered():
    from yingji.core import scheduler

    scheduler.autodiscover()
    assert "response.escalate_tasks" in scheduler.registry.ticks
