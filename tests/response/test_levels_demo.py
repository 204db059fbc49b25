"""The response drill of the demo (issue 17, levels, item 5) and the way from a warning
to a declared level: counts agree between the API, the page and the tasks, and every
input the API accepts answers without a 500."""

import pytest

from yingji.alerts import services as alerts_services
from yingji.demo.seed import seed_demo
from yingji.response.choices_levels import TaskState
from yingji.response.demo_levels import seed_levels_demo
from yingji.response.models import LevelChange, ResponseLevel, ResponseTask

from ..conftest import WENLING
from .levels_fixtures import chains, fast_passwords  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_drill_raises_iii_to_ii_with_most_townships_confirmed_and_the_late_escalated(regions, api_as, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_demo()
    report = seed_levels_demo()
    assert report.created and not seed_levels_demo().created  # once
    level = ResponseLevel.objects.get(drill=True)
    assert (level.hazard_id, level.grade, level.status, level.region_code) == ("typhoon", "II", "in_force", "3310")
    assert list(LevelChange.objects.filter(level=level).values_list("action", flat=True)) == ["declare", "raise"]
    five = ResponseTask.objects.filter(level=level, order__code="five_stops")
    townships = five.count()
    assert townships == 136  # every township of Taizhou in the official list (townships_33.csv)
    confirmed = five.filter(state=TaskState.CONFIRMED).count()
    assert confirmed > townships // 2 and confirmed < townships
    posts = ResponseTask.objects.filter(level=level, order__code="township_post")
    assert 0 < posts.filter(state=TaskState.ESCALATED).count() < townships // 2
    assert report.counts["escalated"] == ResponseTask.objects.filter(level=level, state=TaskState.ESCALATED).count()
    # The API, as the city's officer, counts what the tasks hold.
    from django.contrib.auth import get_user_model
    officer = get_user_model().objects.get(username="demo-taizhou").person
    r = api_as(officer).get("/api/response/tasks", {"level": level.pk, "state": "confirmed", "page_size": 1})
    assert r.json()["count"] == ResponseTask.objects.filter(level=level, state=TaskState.CONFIRMED).count()


def test_a_warning_prefills_the_declare_form_and_the_level_links_back(client, wenling_officer, chains):
    warning = alerts_services.warning_issue(by=wenling_officer.user, type="typhoon", level="orange",
                                            region_codes=[WENLING], headline="台风橙色预警（演练）", drill=True)
    client.force_login(wenling_officer.user)
    page = client.get(f"/response/?warning={warning.pk}").content.decode()
    assert "台风橙色预警（演练）" in page and f'value="{warning.pk}"' in page
    r = client.post(f"/response/?warning={warning.pk}", {"hazard": "typhoon", "level": "III", "regions": WENLING,
                                                         "drill": "on", "warning_id": warning.pk})
    assert r.status_code == 302, r.content.decode()[:2000]
    level = ResponseLevel.objects.get()
    assert level.warning_id == warning.pk and level.drill
    assert "台风橙色预警（演练）" in client.get(f"/response/levels/{level.pk}/").content.decode()


JUNK = [None, "", "x" * 5000, -1, 2**70, 1.5, [], {}, ["a"] * 300, {"a": 1}, True, "<script>"]


def test_no_input_makes_a_500(api_as, wenling_officer, chains):
    from yingji.response import services
    client = api_as(wenling_officer)
    level = services.level_declare(by=wenling_officer.user, hazard="typhoon", grade="IV", regions=[WENLING])
    task = ResponseTask.objects.filter(level=level).first()
    for junk in JUNK:
        for body in ({"hazard": junk, "level": "IV", "regions": [WENLING]},
                     {"hazard": "typhoon", "level": junk, "regions": [WENLING]},
                     {"hazard": "typhoon", "level": "IV", "regions": junk},
                     {"hazard": "typhoon", "level": "IV", "regions": [junk]},
                     {"hazard": "typhoon", "level": "IV", "regions": [WENLING], "drill": junk, "warning_id": junk}):
            assert client.post("/api/response/levels", body).status_code < 500, body
        assert client.post(f"/api/response/levels/{level.pk}/actions/raise", {"level": junk, "note": junk}
                           ).status_code < 500
        assert client.post(f"/api/response/tasks/{task.pk}/confirm", {"note": junk, "items": junk}).status_code < 500
        assert client.post(f"/api/response/tasks/{task.pk}/confirm", {"items": [junk]}).status_code < 500
        if junk is not None:  # a query string has no null
            assert client.get("/api/response/tasks", {"level": junk, "state": junk}).status_code < 500
            assert client.get("/api/response/levels", {"status": junk, "hazard": junk}).status_code < 500
    assert client.post("/api/response/levels", "not json", content_type="application/json").status_code < 500
    assert client.get(f"/api/response/levels/{2**70}").status_code < 500
