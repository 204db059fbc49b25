"""Who sees and does what with information reports.

A report is seen in its region's subtree: the reporter's desk and the desks above it
(the receiving county and city see a township's report), never a neighbouring county
(a Wenling officer does not see Linhai's reports, whatever the filter, and its id answers
404 as an id that does not exist; reporting into Linhai is 403). Declared as data
(tests/access/isolation.py); the actions are checked one by one below. Viewers and
enterprise users do not report."""

import datetime as dt

import pytest

from yingji.core.models import AuditRecord
from yingji.duty.models import InfoReport, InfoReportVersion, ReportDeadline
from yingji.duty.services.reports import report_create

from ..access.isolation import IsolationCases
from ..conftest import LINHAI, LINHAI_TOWN, WENLING, WENLING_TOWN
from .reports_fixtures import *  # noqa: F403
from .reports_fixtures import accident

pytestmark = pytest.mark.django_db


def _report(region: str, **extra) -> InfoReport:
    now = dt.datetime.now(dt.UTC)
    return report_create(by=None, region=region, kind="accident", title="测试事故", description="测试",
                         occurred_at=now - dt.timedelta(minutes=20), learned_at=now - dt.timedelta(minutes=10),
                         deaths=1, **extra)


@pytest.fixture
def linhai_report(regions):
    return {"report": _report(LINHAI_TOWN)}


@pytest.fixture
def wenling_report(regions):
    return {"report": _report(WENLING_TOWN)}


class TestInfoReportsIsolation(IsolationCases):
    lists = {"GET /api/info-reports": [{}, {"region": LINHAI}, {"state": "initial"}, {"kind": "accident"}]}
    objects = {
        "GET /api/info-reports/{id}": ("report", None),
        "POST /api/info-reports/{id}/actions/{action}": ("report", {"deaths": 5}),
    }
    creates = {"POST /api/info-reports": (InfoReport, lambda home: accident(region=LINHAI_TOWN))}
    # The kinds and their limits: reference data for everyone logged in (tested below).
    elsewhere = {"GET /api/info-reports/kinds", "GET /api/info-reports/late-summary"}

    @pytest.fixture
    def foreign(self, linhai_report):
        return linhai_report

    @pytest.fixture
    def home(self, wenling_officer, wenling_report):
        return {"officer": wenling_officer, **wenling_report}


@pytest.mark.parametrize("action", ["followup", "final", "acknowledge", "flag"])
def test_no_action_reaches_another_countys_report(api_as, wenling_officer, linhai_report, action):
    report = linhai_report["report"]
    audits, versions = AuditRecord.objects.count(), InfoReportVersion.objects.count()
    r = api_as(wenling_officer).post(f"/api/info-reports/{report.pk}/actions/{action}",
                                     {"deaths": 9, "flag": "concealed", "reason": "试探"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert (AuditRecord.objects.count(), InfoReportVersion.objects.count()) == (audits, versions)
    report.refresh_from_db()
    assert (report.deaths, report.flag, report.state) == (1, "", "initial")


def test_the_receiving_city_desk_sees_a_township_report_and_linhai_does_not(api_as, regions, taizhou_officer,
                                                                           linhai_officer, wenling_report):
    report = wenling_report["report"]
    assert api_as(taizhou_officer).get(f"/api/info-reports/{report.pk}").status_code == 200
    assert [i["id"] for i in api_as(taizhou_officer).get("/api/info-reports").json()["items"]] == [report.pk]
    assert api_as(linhai_officer).get(f"/api/info-reports/{report.pk}").status_code == 404
    assert api_as(linhai_officer).get("/api/info-reports").json()["items"] == []


def test_viewers_and_enterprises_do_not_report(api_as, wenling_viewer, enterprise_user):
    for person in (wenling_viewer, enterprise_user):
        r = api_as(person).post("/api/info-reports", accident(region=WENLING_TOWN))
        assert r.status_code == 403, r.content
    assert InfoReport.objects.count() == 0


def test_a_linhai_officer_cannot_acknowledge_for_wenling_even_by_guessing(api_as, desks, wenling_report):
    report = wenling_report["report"]
    r = api_as(desks.linhai).post(f"/api/info-reports/{report.pk}/actions/acknowledge", {"level": "county"})
    assert r.status_code == 404
    assert not ReportDeadline.objects.filter(report=report, done_at__isnull=False).exists()


def test_the_kinds_are_reference_data(api_as, wenling_officer):
    kinds = api_as(wenling_officer).get("/api/info-reports/kinds").json()
    assert [k["code"] for k in kinds] == ["accident", "natural_disaster", "public_health", "social_security", "other"]
    accident_kind = kinds[0]
    assert (accident_kind["phone_minutes"], accident_kind["written_minutes"], accident_kind["pass_up_minutes"]) == (
        30, 60, 120)
    assert api_as(None).get("/api/info-reports/kinds").status_code == 401


def test_a_county_officer_reports_in_his_county(api_as, wenling_officer):
    r = api_as(wenling_officer).post("/api/info-reports", accident(region=WENLING))
    assert r.status_code == 201, r.content


def test_the_late_summary_counts_each_county_only_for_those_who_see_it(api_as, wenling_officer, linhai_officer,
                                                                       taizhou_officer, regions):
    """Two late Wenling reports (one of them also missed) and one concealed Linhai report:
    counted by hand per county and month of learning."""
    late = [_report(WENLING_TOWN), _report(WENLING_TOWN), _report(LINHAI_TOWN), _report(WENLING_TOWN)]
    InfoReport.objects.filter(pk__in=[late[0].pk, late[1].pk]).update(late=True)
    InfoReport.objects.filter(pk=late[1].pk).update(flag="missed")
    InfoReport.objects.filter(pk=late[2].pk).update(flag="concealed")  # late[3] on time: not counted
    month = late[0].learned_at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m")

    def rows(person, **params):
        r = api_as(person).get("/api/info-reports/late-summary", params)
        assert r.status_code == 200, r.content
        return {(x["region"], x["month"]): (x["late"], x["missed"], x["concealed"]) for x in r.json()}

    assert rows(wenling_officer) == {(WENLING, month): (2, 1, 0)}
    assert rows(linhai_officer) == {(LINHAI, month): (0, 0, 1)}
    assert rows(taizhou_officer) == {(WENLING, month): (2, 1, 0), (LINHAI, month): (0, 0, 1)}
    assert rows(wenling_officer, region=LINHAI) == {}
    assert rows(taizhou_officer, year=2001) == {}
    assert api_as(wenling_officer).get("/api/info-reports/late-summary", {"year": "x"}).status_code == 422
