"""Who sees and does what with response levels and tasks (issue 17, levels).

A Wenling officer never reaches a Linhai response or its tasks: lists leave them out,
details and confirmations answer 404 exactly as a missing id, declaring over Linhai
is 403 and creates nothing (declared as data: tests/access/isolation.py). A response
over the whole of Taizhou is seen by the Wenling officer (their region is inside its
area), but changing it needs a jurisdiction covering all of it, and its Linhai tasks
stay out of sight."""

import pytest

from yingji.core.models import AuditRecord
from yingji.response import services
from yingji.response.models import LevelChange, ResponseLevel, ResponseTask

from ..access.isolation import IsolationCases
from ..conftest import LINHAI, LINHAI_TOWN, TAIZHOU, WENLING
from .levels_fixtures import chains, fast_passwords  # noqa: F401

pytestmark = pytest.mark.django_db


def declare(person, regions, grade="III"):
    return services.level_declare(by=person.user, hazard="typhoon", grade=grade, regions=regions)


class TestResponseLevelsIsolation(IsolationCases):
    lists = {
        "GET /api/response/levels": [{}, {"status": "in_force"}, {"hazard": "typhoon"}],
        "GET /api/response/tasks": [{}, {"region": LINHAI}, {"state": "open"}],
    }
    objects = {
        "GET /api/response/levels/{id}": ("level", None),
        "POST /api/response/tasks/{id}/confirm": ("task", {"note": "已到岗"}),
        "GET /api/response/levels/{id}/summary": ("level", None),
        "POST /api/response/levels/{id}/risk-rounds": ("level", None),
    }
    creates = {
        "POST /api/response/levels": (ResponseLevel, lambda home: {"hazard": "typhoon", "level": "IV",
                                                                   "regions": [LINHAI]}),
    }
    elsewhere = {"POST /api/response/levels/{id}/actions/{action}"}  # below: the path has two placeholders

    def is_foreign(self, item: dict) -> bool:
        return any(code.startswith(LINHAI) for code in item.get("regions", [])) or \
            str(item.get("region", "")).startswith(LINHAI)

    @pytest.fixture
    def foreign(self, linhai_officer, chains):
        level = declare(linhai_officer, [LINHAI])
        return {"level": level, "task": ResponseTask.objects.get(level=level, order__code="township_post",
                                                                 region_id=LINHAI_TOWN)}

    @pytest.fixture
    def home(self, wenling_officer, chains):
        return {"officer": wenling_officer, "level": declare(wenling_officer, [WENLING])}


def test_another_countys_response_cannot_be_changed(api_as, wenling_officer, linhai_officer, chains):
    level = declare(linhai_officer, [LINHAI])
    client = api_as(wenling_officer)
    changes, audits = LevelChange.objects.count(), AuditRecord.objects.count()
    for action, body in (("raise", {"level": "II"}), ("lower", {"level": "IV"}), ("end", {})):
        r = client.post(f"/api/response/levels/{level.pk}/actions/{action}", body)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert (LevelChange.objects.count(), AuditRecord.objects.count()) == (changes, audits)
    assert ResponseLevel.objects.get(pk=level.pk).grade == "III"


def test_a_city_wide_response_is_seen_from_a_county_but_changed_only_from_the_city(
        api_as, wenling_officer, taizhou_officer, chains):
    level = declare(taizhou_officer, [TAIZHOU])
    client = api_as(wenling_officer)
    assert client.get(f"/api/response/levels/{level.pk}").status_code == 200
    r = client.post(f"/api/response/levels/{level.pk}/actions/raise", {"level": "II"})
    assert r.status_code == 403
    tasks = client.get("/api/response/tasks", {"level": level.pk, "page_size": 500}).json()["items"]
    assert tasks and all(t["region"].startswith(WENLING) for t in tasks)
    r = api_as(taizhou_officer).post(f"/api/response/levels/{level.pk}/actions/raise", {"level": "II"})
    assert r.status_code == 200 and r.json()["level"] == "II"


def test_anonymous_and_enterprise_users_get_nothing(api_as, enterprise_user, wenling_officer, chains):
    level = declare(wenling_officer, [WENLING])
    assert api_as(None).get("/api/response/levels").status_code == 401
    r = api_as(enterprise_user).post("/api/response/levels", {"hazard": "typhoon", "level": "IV",
                                                              "regions": [WENLING]})
    assert r.status_code == 403
    r = api_as(enterprise_user).post(f"/api/response/levels/{level.pk}/actions/end", {})
    assert r.status_code in (403, 404)
    assert ResponseLevel.objects.get(pk=level.pk).status == "in_force"
    # The enterprise's township is inside the area, yet neither the response nor its cadres' tasks show.
    assert api_as(enterprise_user).get("/api/response/levels").json()["items"] == []
    assert api_as(enterprise_user).get("/api/response/tasks").json()["items"] == []
