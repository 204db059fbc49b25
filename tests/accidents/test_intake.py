"""The duty desk's accident reports become accidents (accidents.intake): the initial
report makes the accident, a follow-up changes its figures as a 补报 and recomputes
the grade, other kinds of report make none, and a second tick takes nothing twice.
Missing persons count with the deaths and injuries as serious, as the report's own
grade does (Order 493 thresholds: 3 deaths make 较大)."""

import datetime as dt

import pytest
import time_machine

from yingji.accidents.intake import take_accident_reports
from yingji.accidents.models import Accident, AccidentVersion

from ..duty.reports_fixtures import *  # noqa: F403
from ..duty.reports_fixtures import accident, at

pytestmark = pytest.mark.django_db


def clock(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def test_an_accident_report_makes_one_accident_that_follows_its_follow_ups(api_as, desks):
    with clock(at(10)):
        client = api_as(desks.reporter)
        report = client.post("/api/info-reports", accident(missing=1)).json()
        client.post("/api/info-reports", accident(kind="natural_disaster", title="山体滑坡"))
        assert take_accident_reports() == 1  # the landslide is not an accident
    made = Accident.objects.get()
    assert made.info_report_id == report["id"] and made.region_id == report["region"]
    assert (made.deaths, made.serious_injuries, made.grade) == (2, 2, "general")  # 1 dead + 1 missing
    with clock(at(10)):
        assert take_accident_reports() == 0
    assert Accident.objects.count() == 1

    with clock(at(40)):
        r = client.post(f"/api/info-reports/{report['id']}/actions/followup",
                        {"deaths": 3, "injuries": 2, "missing": 0, "description": "又有1人死亡"})
        assert r.status_code == 200, r.content
        assert take_accident_reports() == 1
    made.refresh_from_db()
    assert (made.deaths, made.serious_injuries, made.grade) == (3, 2, "larger")
    assert AccidentVersion.objects.filter(accident=made).count() == 2
