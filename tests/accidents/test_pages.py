"""The accident pages: list, new (from a phone), detail with its small forms, figures,
targets; the monthly bulletin as PDF and Excel carries the figures."""

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client

from yingji.accidents.models import Accident, AccidentHazard, AccountabilityCheck, ControlTarget, Investigation

from ..conftest import LINHAI, WENLING, WENLING_TOWN
from ..pdftext import drawn_text
from .conftest import make_accident

pytestmark = pytest.mark.django_db
BEIJING = dt.timezone(dt.timedelta(hours=8))


def logged_in(person):
    client = Client()
    client.force_login(person.user)
    return client


def add(code, when, deaths=0, injuries=0, loss=0, kind="machinery", industry="machinery"):
    return Accident.objects.create(region_id=code, occurred_at=when, party_name="某单位", industry=industry,
                                   kind=kind, deaths=deaths, serious_injuries=injuries, direct_loss=loss)


def test_an_officer_reports_an_accident_from_the_form_and_opens_its_investigation(wenling_officer):
    client = logged_in(wenling_officer)
    assert client.get("/accidents/").status_code == 200
    assert client.get("/accidents/new/").status_code == 200
    r = client.post("/accidents/new/", {
        "occurred_at": (dt.datetime.now() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "region": WENLING_TOWN, "party_name": "某鞋厂", "industry": "light", "kind": "fire", "deaths": "3",
        "serious_injuries": "0", "direct_loss": "500000", "description": "仓库起火"})
    assert r.status_code == 302, r.content.decode()[:2000]
    accident = Accident.objects.get()
    assert accident.grade == "larger"
    page = client.get(r["Location"])
    assert "较大事故" in page.content.decode()
    r = client.post(r["Location"], {"action": "investigation", "investigation-leader": "张组长",
                                    "investigation-members": "李某、王某"})
    assert r.status_code == 302
    investigation = Investigation.objects.get(accident=accident)
    assert investigation.due_on == accident.occurred_at.astimezone(BEIJING).date() + dt.timedelta(days=60)
    r = client.post(f"/accidents/{accident.pk}/", {"action": "check", "check-target": "regulator",
                                                   "check-outcome": "监管到位", "check-checked_on": "2026-01-05"})
    assert r.status_code == 302 and AccountabilityCheck.objects.get().target == "regulator"
    # An extension beyond 60 days stays on the form with its field error.
    r = client.post(f"/accidents/{accident.pk}/", {"action": "extension", "extension-days": "90",
                                                   "extension-reason": "技术鉴定"})
    assert r.status_code == 200 and "field-error" in r.content.decode()


def test_a_bad_form_keeps_the_person_on_it_with_field_errors(wenling_officer):
    r = logged_in(wenling_officer).post("/accidents/new/", {"region": LINHAI, "industry": "light", "kind": "fire",
                                                            "deaths": "-1", "occurred_at": "x"})
    assert r.status_code == 200
    assert r.content.decode().count("field-error") >= 2
    assert Accident.objects.count() == 0


def test_a_hazard_found_after_the_accident_is_a_hazard(wenling_officer, wenling_enterprise, today):
    accident = add(WENLING_TOWN, dt.datetime.now(BEIJING) - dt.timedelta(days=1))
    r = logged_in(wenling_officer).post(f"/accidents/{accident.pk}/", {
        "action": "hazard", "hazard-enterprise_id": wenling_enterprise.pk, "hazard-description": "冲床光电保护失效",
        "hazard-level": "general", "hazard-deadline": (today + dt.timedelta(days=15)).isoformat()})
    assert r.status_code == 302, r.content.decode()[:3000]
    link = AccidentHazard.objects.get(accident=accident)
    assert link.hazard.enterprise_id == wenling_enterprise.pk and link.hazard.number


def test_figures_page_and_targets_page(wenling_officer):
    add(WENLING_TOWN, dt.datetime(2026, 3, 1, tzinfo=BEIJING), deaths=1)
    client = logged_in(wenling_officer)
    r = client.get("/accidents/figures/", {"start": "2026-01-01", "end": "2026-12-31", "group_by": "kind"})
    assert r.status_code == 200
    assert "accident-chart-data" in r.content.decode()
    r = client.post("/accidents/targets/", {"region": WENLING, "year": "2026", "max_accidents": "10",
                                            "max_deaths": "5"})
    assert r.status_code == 302
    assert ControlTarget.objects.get(region_id=WENLING, year=2026).max_deaths == 5
    assert logged_in(wenling_officer).get("/accidents/figures/", {"region": LINHAI}).status_code in (200, 404)


def test_the_monthly_bulletin_pdf_and_excel_carry_the_figures(wenling_officer):
    # November 2026 in Wenling: 3 accidents, 4 deaths, 2 serious injuries; one in
    # October and one in Linhai that must not count; November 2025: 1 accident, 1 death.
    add(WENLING_TOWN, dt.datetime(2026, 11, 1, 0, 0, tzinfo=BEIJING), deaths=1, loss=1000)
    add(WENLING_TOWN, dt.datetime(2026, 11, 30, 23, 59, tzinfo=BEIJING), deaths=3, kind="fall",
        industry="construction")
    add("331081002", dt.datetime(2026, 11, 15, tzinfo=BEIJING), injuries=2)
    add(WENLING_TOWN, dt.datetime(2026, 10, 31, 23, 59, tzinfo=BEIJING), deaths=9)
    add("331082001", dt.datetime(2026, 11, 15, tzinfo=BEIJING), deaths=7)
    add(WENLING_TOWN, dt.datetime(2025, 11, 10, tzinfo=BEIJING), deaths=1)
    ControlTarget.objects.create(region_id="331081001", year=2026, max_accidents=20, max_deaths=26)
    client = logged_in(wenling_officer)
    r = client.get("/accidents/bulletin/2026-11.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = drawn_text(r.content)
    assert "2026年11月生产安全事故通报" in text
    assert "共发生生产安全事故 3 起、死亡 4 人、重伤 2 人" in text.replace("\n", "")
    assert "事故起数增减 2 起，死亡人数增减 3 人" in text.replace("\n", "")
    r = client.get("/accidents/bulletin/2026-11.xlsx")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    by_label = {(row[0], row[1]): row[2:] for row in rows[1:]}
    name = next(k[1] for k in by_label if k[0] == "本月合计")
    assert [int(float(x)) for x in by_label[("本月合计", name)][:3]] == [3, 4, 2]
    assert [int(float(x)) for x in by_label[("上年同月", name)][:3]] == [1, 1, 0]
    assert [int(float(x)) for x in by_label[("本年累计", name)][:3]] == [4, 13, 2]
    for cells in rows[1:]:  # every figure row of the sheet is drawn in the PDF too
        assert str(cells[1]) in text
    # Linhai's month is not Wenling's officer's to read.
    assert client.get("/accidents/bulletin/2026-11.pdf", {"region": LINHAI}).status_code == 404


def test_the_accident_list_exports_the_rows_it_shows(wenling_officer, linhai_officer):
    make_accident(wenling_officer, when=dt.datetime(2026, 3, 1, 8, 30, tzinfo=BEIJING), deaths=3, direct_loss=1500)
    add("331082001", dt.datetime(2026, 3, 2, tzinfo=BEIJING), deaths=1)  # Linhai's: not Wenling's to export
    r = logged_in(wenling_officer).get("/accidents/", {"format": "xlsx"})
    assert r.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("发生时间", "区划代码", "区划")
    assert len(rows) == 2
    assert rows[1][0] == "2026-03-01 08:30" and rows[1][1] == WENLING_TOWN and rows[1][8] == 3
    assert rows[1][11] == "较大事故"
