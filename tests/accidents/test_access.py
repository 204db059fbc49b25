"""Who sees and does what in the accidents API (declared as data: tests/access/isolation.py).

A Wenling officer never reaches Linhai's accidents: lists leave them out, every
action on one answers 404 as for an id that does not exist, and nothing can be
created in Linhai. Figures and targets of Linhai are not found for Wenling either.
"""

import datetime as dt

import pytest

from yingji.accidents import services
from yingji.accidents.models import Accident, ControlTarget
from yingji.core.models import AuditRecord

from ..access.isolation import IsolationCases
from ..conftest import LINHAI, LINHAI_TOWN, WENLING, WENLING_TOWN
from .conftest import ago, make_accident

pytestmark = pytest.mark.django_db


def _world(officer, town, county, enterprise=None):
    accident = make_accident(officer, region=town, when=ago(3), deaths=1)
    services.investigation_save(by=officer.user, accident=accident, leader="组长")
    remedial = services.remedial_create(by=officer.user, accident=accident, region_code=county,
                                        start=dt.date(2026, 1, 1), items=[{"text": "全面排查"}])
    target = services.target_save(by=officer.user, region_code=county, year=2026, max_accidents=9, max_deaths=3)
    # Read back: the rows as stored (Decimal places, times), which the tests compare with.
    return {"accident": Accident.objects.get(pk=accident.pk), "item": remedial.items.get(),
            "target": ControlTarget.objects.get(pk=target.pk)}


@pytest.fixture
def linhai_things(linhai_officer, linhai_enterprise):
    return _world(linhai_officer, LINHAI_TOWN, LINHAI)


@pytest.fixture
def wenling_things(wenling_officer):
    return _world(wenling_officer, WENLING_TOWN, WENLING)


def _report(region):
    return {"occurred_at": ago(1).isoformat(), "region": region, "party_name": "越界", "industry": "other",
            "kind": "other"}


class TestAccidentsIsolation(IsolationCases):
    lists = {
        "GET /api/accidents": [{}, {"region": LINHAI}, {"q": "某加工点"}],
        "GET /api/accidents/targets": [{}, {"region": LINHAI}, {"year": 2026}],
        "GET /api/accidents/overdue-investigations": [{}],
    }
    objects = {
        "GET /api/accidents/{id}": ("accident", None),
        "PATCH /api/accidents/{id}": ("accident", {"deaths": 5}),
        "POST /api/accidents/{id}/investigation": ("accident", {"leader": "越界"}),
        "POST /api/accidents/{id}/investigation/extension": ("accident", {"days": 30, "reason": "越界"}),
        "POST /api/accidents/{id}/checks": ("accident", {"target": "enterprise", "outcome": "越界"}),
        "POST /api/accidents/{id}/double-explanation": ("accident", {"required": True}),
        "POST /api/accidents/{id}/remedials": ("accident", {"region": WENLING, "start": "2026-01-01"}),
        "POST /api/accidents/{id}/hazards": ("accident", {"enterprise_id": 1, "description": "越界",
                                                          "deadline": "2030-01-01"}),
        "POST /api/accidents/remedial-items/{id}/close": ("item", {"closed_on": "2026-02-01"}),
    }
    creates = {
        "POST /api/accidents": (Accident, lambda home: _report(LINHAI_TOWN)),
        "POST /api/accidents/targets": (ControlTarget, lambda home: {"region": LINHAI, "year": 2027,
                                                                      "max_accidents": 1, "max_deaths": 1}),
    }
    elsewhere = {"GET /api/accidents/figures", "GET /api/accidents/ranking"}

    @pytest.fixture
    def foreign(self, linhai_things):
        # An overdue investigation in Linhai for the overdue list's control.
        timer = linhai_things["accident"].investigation.timers.get()
        timer.due_at = ago(1)
        timer.save()
        return linhai_things

    @pytest.fixture
    def home(self, wenling_officer, wenling_things):
        return {"officer": wenling_officer, **wenling_things}


def test_linhai_figures_and_ranking_are_not_found_for_wenling(api_as, wenling_officer, linhai_things):
    client = api_as(wenling_officer)
    count = AuditRecord.objects.count()
    for path in ("/api/accidents/figures", "/api/accidents/ranking"):
        for params in ({"region": LINHAI}, {"region": "3310"}, {"region": "33"}):
            r = client.get(path, params)
            assert r.status_code == 404, (path, params, r.content)
            assert r.json()["error"]["code"] == "not_found"
        r = client.get(path, {"region": WENLING})
        assert r.status_code == 200
    assert AuditRecord.objects.count() == count
    data = client.get("/api/accidents/figures", {"region": WENLING, "from": "2000-01-01"}).json()
    assert data["total"]["accidents"] == 0  # Linhai's accident is not in Wenling's figures


def test_the_province_sees_linhai_in_the_figures(api_as, province_admin, linhai_things):
    data = api_as(province_admin).get("/api/accidents/figures", {"region": "3310", "from": "2000-01-01"}).json()
    assert next(i for i in data["items"] if i["key"] == LINHAI)["accidents"] == 1


def test_enterprise_users_see_only_their_own_accidents_and_no_figures(api_as, enterprise_user, wenling_enterprise,
                                                                        wenling_officer):
    own = make_accident(wenling_officer, enterprise=wenling_enterprise)
    make_accident(wenling_officer)
    client = api_as(enterprise_user)
    assert [a["id"] for a in client.get("/api/accidents").json()["items"]] == [own.pk]
    assert client.get("/api/accidents/figures", {"region": WENLING_TOWN}).status_code == 403


def test_viewers_read_but_do_not_write(api_as, wenling_viewer, wenling_things):
    client = api_as(wenling_viewer)
    accident = wenling_things["accident"]
    assert client.get(f"/api/accidents/{accident.pk}").status_code == 200
    assert client.patch(f"/api/accidents/{accident.pk}", {"deaths": 9}).status_code == 403
    assert client.post(f"/api/accidents/{accident.pk}/checks", {"target": "regulator"}).status_code == 403
    assert Accident.objects.get(pk=accident.pk).deaths == 1


def test_services_refuse_an_accident_outside_the_callers_jurisdiction(wenling_officer, linhai_things):
    """Defence in depth: a caller that skipped the scoped read is still refused."""
    from yingji.core.errors import Forbidden

    accident = linhai_things["accident"]
    for call in (lambda: services.accident_update(by=wenling_officer.user, accident=accident, deaths=9),
                 lambda: services.check_record(by=wenling_officer.user, accident=accident, target="enterprise"),
                 lambda: services.investigation_extend(by=wenling_officer.user, accident=accident, days=3,
                                                       reason="x"),
                 lambda: services.remedial_item_close(by=wenling_officer.user, item=linhai_things["item"],
                                                      closed_on=dt.date(2026, 2, 1))):
        with pytest.raises(Forbidden):
            call()
    assert Accident.objects.get(pk=accident.pk).deaths == 1
