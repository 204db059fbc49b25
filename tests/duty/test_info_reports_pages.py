"""The information-report pages, as a township officer on a phone and the duty desks
above use them: report, confirm receipt, follow up, close; the late list; the
public acknowledgement link; and the demo's three reports."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from yingji.duty.demo_reports import seed_reports_demo
from yingji.duty.models import InfoReport, ReportDeadline
from yingji.duty.services.reports import ack_token

from ..conftest import LINHAI, TAIZHOU, WENLING, WENLING_TOWN
from ..factories import PersonFactory, UserFactory
from .reports_fixtures import *  # noqa: F403
from .reports_fixtures import at

pytestmark = pytest.mark.django_db


def browser(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def form(**extra) -> dict:
    return {"kind": "accident", "title": "某厂车间起火", "region": WENLING_TOWN,
            "occurred_at": "2026-07-01T09:50", "learned_at": "2026-07-01T10:00", "deaths": "1", "injuries": "2",
            "missing": "0", "direct_loss": "", "description": "车间起火", "measures": "", "enterprise_name": "",
            "latitude": "", "longitude": "", **extra}


def test_report_acknowledge_follow_up_and_close_through_the_pages(desks):
    reporter, county = browser(desks.reporter), browser(desks.county)
    with time_machine.travel(at(10), tick=False):
        page = reporter.get("/info-reports/new/")
        assert page.status_code == 200 and 'name="occurred_at"' in page.content.decode()
        r = reporter.post("/info-reports/new/", form())
    assert r.status_code == 302, r.content.decode()[:2000]
    report = InfoReport.objects.get()
    assert r["Location"] == f"/info-reports/{report.pk}/"
    assert (report.region_id, report.deaths, report.grade) == (WENLING_TOWN, 1, "general")

    # The county desk sees the confirm button and confirms at 10:25.
    with time_machine.travel(at(25), tick=False):
        html = county.get(f"/info-reports/{report.pk}/").content.decode()
        assert 'value="acknowledge"' in html
        county.post(f"/info-reports/{report.pk}/", {"action": "acknowledge", "level": "county"})
    assert ReportDeadline.objects.get(report=report, level="county").done_at == at(25)
    # The reporter serves no receiving desk: no confirm button for him.
    assert 'value="acknowledge"' not in reporter.get(f"/info-reports/{report.pk}/").content.decode()

    with time_machine.travel(at(90), tick=False):
        r = reporter.post(f"/info-reports/{report.pk}/followup/", {"deaths": "3", "injuries": "2", "missing": "0",
                                                                    "direct_loss": "", "description": "又有2人死亡"})
    assert r.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.grade, report.version) == ("followup", "larger", 2)
    assert ReportDeadline.objects.filter(report=report, level="province").exists()
    with time_machine.travel(at(200), tick=False):
        r = reporter.post(f"/info-reports/{report.pk}/final/", {"deaths": "3", "injuries": "2", "missing": "0",
                                                                 "direct_loss": "120000"})
    assert r.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.version, report.closed_at) == ("final", 3, at(200))
    html = reporter.get(f"/info-reports/{report.pk}/").content.decode()
    assert "终报" in html and f"/info-reports/{report.pk}/followup/" not in html


def test_a_bad_form_shows_its_errors_beside_the_fields(desks):
    with time_machine.travel(at(10), tick=False):
        r = browser(desks.reporter).post("/info-reports/new/", form(occurred_at="2026-07-02T09:50"))
    assert r.status_code == 200
    assert "发生时间不能晚于现在" in r.content.decode()
    assert InfoReport.objects.count() == 0


def test_reporting_outside_the_jurisdiction_is_refused_on_the_form(desks):
    with time_machine.travel(at(10), tick=False):
        r = browser(desks.reporter).post("/info-reports/new/", form(region="331082001"))
    assert r.status_code == 200 and InfoReport.objects.count() == 0


def test_the_acknowledgement_link_works_without_login_and_a_forged_one_does_not(api_as, desks):
    from .reports_fixtures import accident

    with time_machine.travel(at(10), tick=False):
        report_id = api_as(desks.reporter).post("/api/info-reports", accident()).json()["id"]
    city = ReportDeadline.objects.get(report_id=report_id, level="city")
    link = f"/info-reports/ack/{ack_token(city, desks.city.pk)}/"
    with time_machine.travel(at(30), tick=False):
        assert Client().post(link).status_code == 302
    city.refresh_from_db()
    assert (city.done_at, city.done_by_id) == (at(30), desks.city.pk)
    page = Client().get(link)
    assert page.status_code == 200 and 'data-acknowledged="1"' in page.content.decode()
    forged = Client().post(link.replace("/ack/", "/ack/x"))
    assert forged.status_code == 404


def test_the_list_shows_in_chinese_and_the_late_page_counts_per_county_and_month(api_as, desks):
    from .reports_fixtures import accident

    with time_machine.travel(at(10), tick=False):
        api_as(desks.reporter).post("/api/info-reports", accident())
    with time_machine.travel(at(130), tick=False):
        api_as(desks.reporter).post("/api/info-reports", accident(title="迟到的报告"))  # written after 1 h: late
    client = browser(desks.city)
    html = client.get("/info-reports/", {"late": "true"}).content.decode()
    assert "迟到的报告" in html and "某厂车间起火" not in html and "迟报" in html
    html = client.get("/info-reports/late/", {"month": "2026-07"}).content.decode()
    assert "温岭市" in html and "迟到的报告" in html


def test_the_demo_has_three_reports_at_different_stages_one_late(regions, api_as):
    for username, region in (("demo-wenling", WENLING), ("demo-linhai", LINHAI), ("demo-taizhou", TAIZHOU)):
        PersonFactory(user=UserFactory(username=username), region_id=region, role="officer")
    now = dt.datetime(2026, 7, 3, 2, 0, tzinfo=dt.UTC)
    assert seed_reports_demo(now=now).created == 3
    reports = {r.title: r for r in InfoReport.objects.all()}
    assert sorted(r.state for r in reports.values()) == ["final", "followup", "initial"]
    assert [r.title for r in reports.values() if r.late] == ["某工地高处坠落"]
    slide = reports["某村山体滑坡"]
    assert (slide.grade, slide.version) == ("larger", 2)  # 1 dead + 3 missing: 较大
    assert seed_reports_demo(now=now).created == 0  # once
    # The province's receipt was recorded with no person: the API still shows it.
    city_officer = PersonFactory(region_id=TAIZHOU, role="officer")
    body = api_as(city_officer).get(f"/api/info-reports/{slide.pk}").json()
    assert [a["person"] for a in body["acknowledgements"] if a["level"] == "province"] == [None]
    assert InfoReport.objects.count() == 3


def test_an_enterprise_user_is_told_how_to_report_and_sees_no_bureaus_reports(api_as, desks, enterprise_user):
    from .reports_fixtures import accident

    with time_machine.travel(at(10), tick=False):
        api_as(desks.reporter).post("/api/info-reports", accident())
    page = browser(enterprise_user).get("/info-reports/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "某厂车间起火" not in html and "县级应急管理部门" in html
    assert browser(enterprise_user).get(f"/info-reports/{InfoReport.objects.get().pk}/").status_code == 403
    assert api_as(enterprise_user).get("/api/info-reports").json()["items"] == []


def test_hostile_values_in_any_field_of_the_report_forms_never_make_a_500(api_as, desks):
    """Each field of each form alone takes each hostile value of the web fuzz
    (tests/web/test_forms_fuzz.py), the others staying valid."""
    from ..web.test_forms_fuzz import HOSTILE
    from .reports_fixtures import accident

    with time_machine.travel(at(10), tick=False):
        report_id = api_as(desks.reporter).post("/api/info-reports", accident()).json()["id"]
    figures = {"deaths": "1", "injuries": "0", "missing": "0", "direct_loss": "", "description": "", "measures": ""}
    forms = [("/info-reports/new/", form(), desks.reporter),
             (f"/info-reports/{report_id}/followup/", figures, desks.reporter),
             (f"/info-reports/{report_id}/final/", figures, desks.reporter),
             (f"/info-reports/{report_id}/", {"action": "flag", "flag": "concealed", "reason": "x"}, desks.county),
             (f"/info-reports/{report_id}/", {"action": "acknowledge", "level": "county"}, desks.county)]
    with time_machine.travel(at(20), tick=False):
        for path, fields, person in forms:
            client = browser(person)
            for name in fields:
                for value in HOSTILE:
                    r = client.post(path, {**fields, name: value})
                    assert r.status_code < 500, (path, name, value[:40])
    for path in ("/info-reports/", "/info-reports/late/"):
        for value in HOSTILE:
            r = browser(desks.city).get(path, {"region": value, "state": value, "late": value, "month": value,
                                               "kind": value, "page": value})
            assert r.status_code < 500, (path, value[:40])
