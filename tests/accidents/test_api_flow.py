"""Reporting an accident by API, its grade, and the 补报 windows on PATCH."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.accidents.models import Accident, AccidentVersion
from yingji.core.models import AuditRecord

from ..conftest import WENLING_TOWN
from .conftest import ago, make_accident

pytestmark = pytest.mark.django_db


def body(**kw):
    base = {"occurred_at": (timezone.now() - dt.timedelta(hours=3)).isoformat(), "region": WENLING_TOWN,
            "party_name": "某五金加工点", "industry": "machinery", "kind": "machinery", "deaths": 1,
            "serious_injuries": 0, "direct_loss": "1200000", "description": "冲床伤人"}
    return {**base, **kw}


def test_an_officer_reports_an_accident_and_gets_its_grade(api_as, wenling_officer):
    r = api_as(wenling_officer).post("/api/accidents", body())
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["grade"] == "general" and data["unit_name"] == "某五金加工点"
    assert [v["seq"] for v in data["versions"]] == [1]
    assert AuditRecord.objects.filter(action="accident.create").count() == 1


def test_an_accident_at_an_enterprise_of_the_register(api_as, wenling_officer, wenling_enterprise):
    r = api_as(wenling_officer).post("/api/accidents", body(enterprise_id=wenling_enterprise.pk, party_name=""))
    assert r.status_code == 201, r.content
    assert r.json()["enterprise_id"] == wenling_enterprise.pk
    assert r.json()["unit_name"] == wenling_enterprise.name


@pytest.mark.parametrize(("deaths", "injuries", "loss", "grade"), [
    (2, 9, "9999999.99", "general"), (3, 0, "0", "larger"), (0, 10, "0", "larger"),
    (0, 0, "10000000", "larger"), (10, 0, "0", "major"), (0, 0, "100000000", "extraordinary")])
def test_the_grade_is_the_worst_of_the_three_figures(api_as, wenling_officer, deaths, injuries, loss, grade):
    r = api_as(wenling_officer).post("/api/accidents", body(deaths=deaths, serious_injuries=injuries,
                                                            direct_loss=loss))
    assert r.status_code == 201, r.content
    assert r.json()["grade"] == grade


def test_a_late_report_within_30_days_recomputes_the_grade(api_as, wenling_officer):
    accident = make_accident(wenling_officer, when=ago(29.9), deaths=2)
    r = api_as(wenling_officer).patch(f"/api/accidents/{accident.pk}", {"deaths": 3,
                                                                         "reason": "一名重伤者医治无效死亡"})
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["grade"] == "larger" and data["deaths"] == 3
    assert data["change"]["counted"] is True
    assert [(v["seq"], v["deaths"], v["counted"], v["late_report"]) for v in data["versions"]] == [
        (1, 2, True, False), (2, 3, True, True)]


def test_a_change_after_30_days_is_recorded_but_not_counted(api_as, wenling_officer):
    accident = make_accident(wenling_officer, when=ago(30.1), deaths=2)
    r = api_as(wenling_officer).patch(f"/api/accidents/{accident.pk}", {"deaths": 3, "reason": "迟到的数字"})
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["grade"] == "general" and data["deaths"] == 2
    assert data["change"]["counted"] is False and "30" in data["change"]["message"]
    assert "/" in data["change"]["message"]  # Chinese / English
    assert AccidentVersion.objects.filter(accident=accident).count() == 2
    assert AccidentVersion.objects.get(accident=accident, seq=2).deaths == 3


@pytest.mark.parametrize(("industry", "kind"), [("road_traffic", "vehicle"), ("fire", "fire"),
                                                ("trade", "fire")])
def test_road_traffic_and_fire_have_a_seven_day_window(api_as, wenling_officer, industry, kind):
    inside = make_accident(wenling_officer, when=ago(6.9), industry=industry, kind=kind, deaths=2)
    outside = make_accident(wenling_officer, when=ago(7.1), industry=industry, kind=kind, deaths=2)
    client = api_as(wenling_officer)
    assert client.patch(f"/api/accidents/{inside.pk}", {"deaths": 3}).json()["grade"] == "larger"
    r = client.patch(f"/api/accidents/{outside.pk}", {"deaths": 3})
    assert r.json()["grade"] == "general" and r.json()["change"]["counted"] is False
    assert r.json()["late_report_days"] == 7


def test_a_machinery_accident_keeps_thirty_days(api_as, wenling_officer):
    accident = make_accident(wenling_officer, when=ago(20), deaths=0, serious_injuries=9)
    r = api_as(wenling_officer).patch(f"/api/accidents/{accident.pk}", {"serious_injuries": 10})
    assert r.json()["grade"] == "larger" and r.json()["late_report_days"] == 30


def test_grade_goes_down_as_well_on_a_correction_in_the_window(api_as, wenling_officer):
    accident = make_accident(wenling_officer, when=ago(2), deaths=3)
    r = api_as(wenling_officer).patch(f"/api/accidents/{accident.pk}", {"deaths": 1, "reason": "核实更正"})
    assert r.json()["grade"] == "general"
    assert Accident.objects.get(pk=accident.pk).grade == "general"


def test_the_same_figures_make_no_version(api_as, wenling_officer):
    accident = make_accident(wenling_officer, when=ago(2), deaths=1)
    r = api_as(wenling_officer).patch(f"/api/accidents/{accident.pk}", {"deaths": 1, "direct_loss": "0"})
    assert r.status_code == 200 and r.json()["change"] is None
    assert accident.versions.count() == 1


@pytest.mark.parametrize("patch", [{"deaths": -1}, {"deaths": "x"}, {"direct_loss": "1e30"}, {"kind": "nope"},
                                   {"deaths": 10**30}])
def test_bad_patches_are_field_errors(api_as, wenling_officer, patch):
    accident = make_accident(wenling_officer)
    r = api_as(wenling_officer).patch(f"/api/accidents/{accident.pk}", patch)
    assert r.status_code in (400, 422), r.content
    assert " / " in r.json()["error"]["message"]
    assert set(r.json()["error"]["fields"]) & set(patch)


@pytest.mark.parametrize(("change", "field"), [
    ({"occurred_at": "2999-01-01T00:00:00"}, "occurred_at"), ({"region": "999999999"}, "region"),
    ({"kind": "meteor"}, "kind"), ({"industry": ""}, "industry"), ({"deaths": -3}, "deaths"),
    ({"party_name": ""}, "party_name"), ({"enterprise_id": 2**70}, "enterprise_id"),
    ({"occurred_at": "yesterday"}, "occurred_at"), ({"direct_loss": "abc"}, "direct_loss"),
    ({"description": "x" * 6000}, "description"), ({"party_name": "a\x00b"}, None)])
def test_bad_reports_are_refused_with_bilingual_field_errors(api_as, wenling_officer, change, field):
    r = api_as(wenling_officer).post("/api/accidents", body(**change))
    assert 400 <= r.status_code < 500, r.content
    error = r.json()["error"]
    assert " / " in error["message"]
    if field:
        assert field in error["fields"], error
    assert Accident.objects.count() == 0


def test_viewers_and_enterprises_cannot_report(api_as, wenling_viewer, enterprise_user):
    for person in (wenling_viewer, enterprise_user):
        assert api_as(person).post("/api/accidents", body()).status_code == 403
    assert Accident.objects.count() == 0


def test_the_system_creates_and_late_reports_an_accident_without_a_person(regions):
    """The path a tick takes (accidents from information reports): by=None is the system."""
    from yingji.accidents import services

    accident = services.accident_create(by=None, region_code=WENLING_TOWN, occurred_at=ago(1), industry="trade",
                                        kind="fire", deaths=2, party_name="某商场", info_report=None)
    change = services.accident_update(by=None, accident=accident, deaths=3, reason="续报")
    assert change.counted and Accident.objects.get(pk=accident.pk).grade == "larger"
    assert AuditRecord.objects.filter(action="accident.create", actor_name="system").exists()
