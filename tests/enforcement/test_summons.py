"""Summons (约谈): recorded with commitments and a follow-up deadline, followed up once;
bad inputs refused; another county's out of reach."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.enforcement import summons
from yingji.enforcement.models import Summons

from ..access.isolation import IsolationCases
from ..conftest import LINHAI, LINHAI_TOWN, WENLING

pytestmark = pytest.mark.django_db


def _body(**kw):
    return {"summoned": "某镇人民政府", "reason": "ranking", "held_at": "2026-11-20T09:00:00+08:00",
            "commitments": "一个月内完成辖区企业隐患排查", "follow_up_days": 30, "region": WENLING} | kw


def test_a_summons_is_followed_up_until_done(api_as, wenling_officer, wenling_enterprise):
    client = api_as(wenling_officer)
    r = client.post("/api/summons", _body(party_uscc=wenling_enterprise.uscc, summoned=wenling_enterprise.name,
                                          reason="accident"))
    assert r.status_code == 201, r.content
    row = r.json()
    assert row["region"] == wenling_enterprise.region_id and row["enterprise_id"] == wenling_enterprise.pk
    held = dt.datetime.fromisoformat(row["held_at"])
    assert dt.datetime.fromisoformat(row["follow_up_due_at"]) - held == dt.timedelta(days=30)
    assert [s["id"] for s in client.get("/api/summons", {"open": "true"}).json()["items"]] == [row["id"]]
    r = client.post(f"/api/summons/{row['id']}/follow-up", {"outcome": "承诺事项已完成"})
    assert r.status_code == 200 and r.json()["followed_up_at"]
    assert client.get("/api/summons", {"open": "true"}).json()["items"] == []
    assert client.post(f"/api/summons/{row['id']}/follow-up", {"outcome": "again"}).status_code == 409


@pytest.mark.parametrize(("extra", "status"), [
    ({"reason": "whim"}, 422), ({"commitments": ""}, 422), ({"region": ""}, 400), ({"follow_up_days": 0}, 422),
    ({"held_at": "2099-01-01T00:00:00+08:00"}, 400), ({"region": "999999"}, 400)])
def test_bad_summons_are_refused(api_as, wenling_officer, extra, status):
    r = api_as(wenling_officer).post("/api/summons", _body(**extra))
    assert r.status_code == status, r.content
    assert not Summons.objects.exists()


def _world(officer, region):
    return {"summons": summons.summons_record(by=officer.user, summoned="某企业", reason="ranking",
                                              held_at=timezone.now(), commitments="整改", follow_up_days=30,
                                              region=region)}


class TestSummonsIsolation(IsolationCases):
    lists = {"GET /api/summons": [{}, {"region": LINHAI}, {"open": "true"}]}
    objects = {"POST /api/summons/{id}/follow-up": ("summons", {"outcome": "越界"})}
    creates = {"POST /api/summons": (Summons, lambda home: _body(region=LINHAI_TOWN))}

    @pytest.fixture
    def foreign(self, linhai_officer):
        return _world(linhai_officer, LINHAI)

    @pytest.fixture
    def home(self, wenling_officer):
        return {"officer": wenling_officer, **_world(wenling_officer, WENLING)}
