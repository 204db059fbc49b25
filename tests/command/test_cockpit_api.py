"""GET /api/cockpit: its shape, its scope (a Wenling officer never counts Linhai's rows,
the province does), the enterprise user's own panel, and no answer without a login."""

import datetime as dt

import pytest
from django.utils import timezone

from ..access.isolation import IsolationCases
from ..conftest import LINHAI_TOWN
from ..factories import EnterpriseFactory, HazardFactory
from .cockpit_fixtures import callups, hazards, info_reports, orders, warnings  # noqa: F401

pytestmark = pytest.mark.django_db

PANELS = {"warnings", "levels", "callups", "orders", "evacuation", "reports", "hazards", "roster", "enterprise"}


class TestCockpitIsolation(IsolationCases):
    elsewhere = {"GET /api/cockpit"}  # one summary, not a list: scope tested below by counts


def test_the_json_has_every_panel_with_numbers(api_as, wenling_officer, regions):
    r = api_as(wenling_officer).get("/api/cockpit")
    assert r.status_code == 200
    data = r.json()
    assert PANELS <= set(data) and data["role"] == "government" and data["region"] == "331081"
    assert data["enterprise"] is None
    for key in ("in_force", "drill"):
        assert isinstance(data["warnings"][key], int)
    assert set(data["callups"]) == {"called", "answered", "unanswered", "callups", "unanswered_persons"}
    assert set(data["orders"]) == {"total", "confirmed", "unconfirmed", "escalated"}
    assert {"planned", "moved", "sheltered", "returned", "completeness"} <= set(data["evacuation"])
    assert set(data["hazards"]) == {"open", "overdue", "due_soon", "major"}
    assert {"on_duty", "shifts", "day", "region"} <= set(data["roster"])
    assert dt.datetime.fromisoformat(data["generated_at"])


def test_another_countys_rows_are_not_counted(api_as, wenling_officer, linhai_officer, province_admin,
                                              callups, orders, info_reports, hazards):
    """The fixtures' Linhai rows: a call-up target, a response II with an open task, an
    open report and an overdue hazard; Linhai's own officer counts exactly those."""
    wenling = api_as(wenling_officer).get("/api/cockpit").json()
    linhai = api_as(linhai_officer).get("/api/cockpit").json()
    province = api_as(province_admin).get("/api/cockpit").json()
    assert (wenling["callups"]["called"], linhai["callups"]["called"], province["callups"]["called"]) == (4, 1, 5)
    assert (wenling["levels"]["in_force"], linhai["levels"]["in_force"], province["levels"]["in_force"]) == (1, 1, 2)
    assert (wenling["orders"]["unconfirmed"], linhai["orders"]["unconfirmed"]) == (3, 1)
    assert (wenling["reports"]["open"], linhai["reports"]["open"]) == (2, 1)
    assert (wenling["hazards"]["overdue"], linhai["hazards"]["overdue"]) == (1, 1)
    # The city's orange warning covers both counties; Linhai's blue one only Linhai.
    assert (wenling["warnings"]["in_force"], linhai["warnings"]["in_force"]) == (3, 2)


def test_the_enterprise_user_sees_their_own_hazards_and_deadlines(api_as, enterprise_user, wenling_enterprise,
                                                                   hazards):
    """Their enterprise: overdue (2 days ago), due tomorrow, due in 20 days, closed → open
    3, overdue 1, due soon 1; nearest deadline first. The fixtures' other Wenling
    enterprise and Linhai's are not theirs; the government's panels are null."""
    today = timezone.localdate()
    past = today - dt.timedelta(days=9)
    late = HazardFactory(enterprise=wenling_enterprise, found_on=past, deadline=today - dt.timedelta(days=2))
    soon = HazardFactory(enterprise=wenling_enterprise, deadline=today + dt.timedelta(days=1))
    far = HazardFactory(enterprise=wenling_enterprise, deadline=today + dt.timedelta(days=20))
    HazardFactory(enterprise=wenling_enterprise, found_on=past, deadline=past, state="closed")
    data = api_as(enterprise_user).get("/api/cockpit").json()
    assert data["role"] == "enterprise"
    assert {k: data["enterprise"][k] for k in ("open", "overdue", "due_soon", "major")} == \
        {"open": 3, "overdue": 1, "due_soon": 1, "major": 0}
    assert [h["id"] for h in data["enterprise"]["items"]] == [late.pk, soon.pk, far.pk]
    assert [h["light"] for h in data["enterprise"]["items"]] == ["red", "yellow", "green"]
    for panel in ("levels", "callups", "orders", "evacuation", "reports", "hazards", "roster"):
        assert data[panel] is None


def test_another_enterprise_of_the_same_township_is_not_counted(api_as, enterprise_user, regions):
    HazardFactory(enterprise=EnterpriseFactory(region_id=enterprise_user.region_id))
    HazardFactory(enterprise=EnterpriseFactory(region_id=LINHAI_TOWN))
    assert api_as(enterprise_user).get("/api/cockpit").json()["enterprise"]["open"] == 0


def test_no_login_no_figures(api_as, regions):
    r = api_as(None).get("/api/cockpit")
    assert r.status_code == 401
