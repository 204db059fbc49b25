"""Who sees and does what at the duty desk: a Wenling officer never reaches Linhai's
shifts, log entries or handovers (lists leave them out, ids answer 404 as for ids that
do not exist, writes into Linhai are 403 and create nothing); the control: the
province does. Declared as data (tests/access/isolation.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.models import RosterShift
from yingji.duty.models import Handover, LogEntry
from yingji.duty.services import log, roster

from ..access.isolation import IsolationCases
from ..conftest import LINHAI
from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


def _shift_body(home):
    now = timezone.now()
    return {"region": LINHAI, "person": home["linhai_person"].pk, "starts_at": now.isoformat(),
            "ends_at": (now + dt.timedelta(hours=8)).isoformat()}


@pytest.fixture
def linhai_desk(regions, linhai_officer):
    now = timezone.now()
    by = linhai_officer.user
    shift = roster.shift_create(by=by, region_code=LINHAI, person_id=linhai_officer.pk,
                                starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1))
    entry = log.entry_create(by=by, region_code=LINHAI, summary="临海来电")
    handover = log.handover_create(by=by, region_code=LINHAI)
    return {"shift": shift, "entry": entry, "handover": handover}


class TestDutyDeskIsolation(IsolationCases):
    lists = {"GET /api/duty/rosters": [{}, {"region": LINHAI}, {"role": "officer"}],
             "GET /api/duty/log": [{}, {"region": LINHAI}, {"state": "open"}, {"q": "临海"}],
             "GET /api/duty/handovers": [{}, {"region": LINHAI}]}
    objects = {"PATCH /api/duty/rosters/{id}": ("shift", {"note": "x"}),
               "DELETE /api/duty/rosters/{id}": ("shift", None),
               "GET /api/duty/log/{id}": ("entry", None),
               "POST /api/duty/log/{id}/close": ("entry", {"note": "x"}),
               "POST /api/duty/log/{id}/correct": ("entry", {"note": "x", "summary": "y"}),
               "POST /api/duty/handovers/{id}/accept": ("handover", {}),
               "POST /api/duty/handovers/{id}/sign-off": ("handover", {})}
    creates = {"POST /api/duty/rosters": (RosterShift, _shift_body),
               "POST /api/duty/rosters/reinforce": (RosterShift, lambda home: {
                   "region": LINHAI, "people": [home["linhai_person"].pk]}),
               "POST /api/duty/log": (LogEntry, lambda home: {"region": LINHAI, "summary": "x"}),
               "POST /api/duty/handovers": (Handover, lambda home: {"region": LINHAI})}
    elsewhere = {"GET /api/duty/today"}

    @pytest.fixture
    def foreign(self, linhai_desk):
        return linhai_desk

    @pytest.fixture
    def home(self, wenling_officer):
        return {"officer": wenling_officer, "linhai_person": PersonFactory(region_id=LINHAI)}


def test_today_of_another_county_is_not_found_and_the_county_sees_its_own(api_as, wenling_officer,
                                                                           linhai_officer, linhai_desk):
    r = api_as(wenling_officer).get("/api/duty/today", {"region": LINHAI})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    mine = api_as(linhai_officer).get("/api/duty/today").json()
    assert [p["id"] for p in mine["officers"]] == [linhai_officer.pk]
    assert api_as(None).get("/api/duty/today").status_code == 401


def test_the_city_sees_the_county_desk(api_as, taizhou_officer, linhai_officer, linhai_desk):
    r = api_as(taizhou_officer).get("/api/duty/today", {"region": LINHAI})
    assert [p["id"] for p in r.json()["officers"]] == [linhai_officer.pk]
