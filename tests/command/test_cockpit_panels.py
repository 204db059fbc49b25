"""Each panel of the cockpit against a hand-built world (tests/command/cockpit_fixtures.py):
the figures a Wenling officer sees equal the counts worked out by hand from the rows,
with Linhai's rows, cancelled, ended, closed and expired ones left out. The province
admin (whole system) sees the Linhai rows too, so the scope is what leaves them out."""

import pytest

from yingji.command import selectors_cockpit as cockpit
from yingji.core.scope import Scope
from yingji.response.selectors_evacuation import figures_from_scratch

from ..conftest import WENLING
from .cockpit_fixtures import callups, evacuation, hazards, info_reports, orders, roster, warnings  # noqa: F401

pytestmark = pytest.mark.django_db


def panels(person) -> dict:
    return cockpit.summary(scope=Scope.for_user(person.user))


def test_warnings_in_force_count_those_over_the_county_and_above_it(wenling_officer, warnings):
    w = panels(wenling_officer)["warnings"]
    assert w["in_force"] == 3
    assert {r["level"]: r["count"] for r in w["by_level"]} == {"red": 1, "orange": 1, "yellow": 1, "blue": 0}
    assert [r["level"] for r in w["by_level"]] == ["red", "orange", "yellow", "blue"]
    assert sorted(i["id"] for i in w["items"]) == sorted(warnings[k].pk for k in ("red", "yellow", "city"))


def test_province_sees_linhai_warning_too(province_admin, warnings):
    assert panels(province_admin)["warnings"]["in_force"] == 4  # the three, and Linhai's blue


def test_callup_progress_counts_duty_targets_of_running_callups(wenling_officer, callups):
    c = panels(wenling_officer)["callups"]
    assert (c["called"], c["answered"], c["unanswered"], c["callups"]) == (4, 2, 2, 1)
    assert sorted(p["state"] for p in c["unanswered_persons"]) == ["calling", "unreached"]
    assert "未应答甲" in [p["name"] for p in c["unanswered_persons"]]


def test_callup_progress_of_the_province_includes_linhai(province_admin, callups):
    c = panels(province_admin)["callups"]
    assert (c["called"], c["unanswered"], c["callups"]) == (5, 3, 2)


def test_levels_and_orders_in_force(wenling_officer, orders):
    data = panels(wenling_officer)
    assert data["levels"]["in_force"] == 1
    assert {r["grade"]: r["count"] for r in data["levels"]["by_grade"]} == {"I": 0, "II": 0, "III": 1, "IV": 0}
    assert data["levels"]["items"][0]["id"] == orders.pk
    assert data["orders"] == {"total": 4, "confirmed": 1, "unconfirmed": 3, "escalated": 1}


def test_levels_and_orders_of_the_province_include_linhai(province_admin, orders):
    data = panels(province_admin)
    assert data["levels"]["in_force"] == 2
    assert data["orders"] == {"total": 5, "confirmed": 1, "unconfirmed": 4, "escalated": 1}


def test_evacuation_counts(wenling_officer, evacuation):
    e = panels(wenling_officer)["evacuation"]
    assert (e["planned"], e["moved"], e["sheltered"], e["returned"]) == (14, 11, 2, 5)
    assert (e["planned_households"], e["moved_households"]) == (4, 3)
    assert e["completeness"] == round(11 / 14, 4)
    scratch = figures_from_scratch(WENLING)  # the households counted one by one
    assert {k: e[k] for k in scratch} == scratch


def test_open_information_reports(wenling_officer, province_admin, info_reports):
    r = panels(wenling_officer)["reports"]
    assert (r["open"], r["late"]) == (2, 1)
    assert sorted(i["title"] for i in r["items"]) == ["测试事件followup", "测试事件initial"]
    assert panels(province_admin)["reports"]["open"] == 3


def test_overdue_hazards(wenling_officer, province_admin, hazards):
    assert panels(wenling_officer)["hazards"] == {"open": 3, "overdue": 1, "due_soon": 1, "major": 1}
    assert panels(province_admin)["hazards"]["overdue"] == 2


def test_todays_roster_of_the_own_desk(wenling_officer, roster):
    r = panels(wenling_officer)["roster"]
    assert r["region"] == WENLING
    assert {(p["name"], p["role"]) for p in r["on_duty"]} == {("今日带班领导", "leader"), ("今日值班员", "officer")}
    assert {s["name"] for s in r["shifts"]} == {"今日带班领导", "今日值班员"} and len(r["shifts"]) == 2


def test_an_empty_county_shows_zeros(wenling_officer, regions):
    data = panels(wenling_officer)
    assert data["warnings"]["in_force"] == data["levels"]["in_force"] == data["callups"]["called"] == 0
    assert data["orders"]["unconfirmed"] == data["reports"]["open"] == data["hazards"]["overdue"] == 0
    assert data["evacuation"]["planned"] == 0 and data["evacuation"]["completeness"] is None
    assert data["enterprise"] is None
