"""The summons page (list with filters, the record form, the follow-up until done) and
the figures page with its Excel export: data as text, bad input a form message (never
a 500), another county's rows out of reach, writes audited, formulas written as text."""

import io

import openpyxl
import pytest
from django.test import Client

from yingji.core.audit import AuditRecord
from yingji.core.models import Region
from yingji.enforcement.models import Summons

from ..conftest import LINHAI, TAIZHOU, WENLING
from .conftest import open_case

pytestmark = pytest.mark.django_db


def logged_in(person):
    client = Client()
    client.force_login(person.user)
    return client


def _form(**kw):
    return {"action": "record", "new-summoned": "<b>某镇</b>人民政府", "new-reason": "ranking",
            "new-held_at": "2026-11-20T09:00", "new-region": WENLING, "new-commitments": "一个月内完成排查",
            "new-follow_up_days": "30"} | kw


def test_an_officer_records_a_summons_and_follows_it_up_until_done(wenling_officer):
    client = logged_in(wenling_officer)
    assert "/cases/summons/" in client.get("/cases/").content.decode()
    r = client.post("/cases/summons/", _form())
    assert r.status_code == 302, r.content.decode()[-2000:]
    row = Summons.objects.get()
    assert (row.region_id, row.summoned, row.created_by) == (WENLING, "<b>某镇</b>人民政府", wenling_officer.user)
    page = client.get("/cases/summons/", {"status": "open"}).content.decode()
    assert "&lt;b&gt;某镇&lt;/b&gt;人民政府" in page and "<b>某镇" not in page
    assert f'name="f{row.pk}-outcome"' in page
    # An empty outcome stays on the page with its message; then the follow-up is done.
    r = client.post("/cases/summons/", {"action": "follow_up", "summons": row.pk, f"f{row.pk}-outcome": ""})
    assert r.status_code == 200 and Summons.objects.get().followed_up_at is None
    r = client.post("/cases/summons/", {"action": "follow_up", "summons": row.pk, f"f{row.pk}-outcome": "已完成"})
    assert r.status_code == 302 and Summons.objects.get().follow_up_outcome == "已完成"
    assert client.get("/cases/summons/", {"status": "open"}).context["page"].paginator.count == 0
    assert client.get("/cases/summons/", {"status": "done"}).context["page"].paginator.count == 1
    assert set(AuditRecord.objects.filter(action__startswith="summons.").values_list("action", flat=True)) == {
        "summons.record", "summons.follow_up"}
    # Done once: a second follow-up is a message on the form, not a 500.
    r = client.post("/cases/summons/", {"action": "follow_up", "summons": row.pk, f"f{row.pk}-outcome": "again"})
    assert r.status_code in (200, 302) and Summons.objects.get().follow_up_outcome == "已完成"


@pytest.mark.parametrize("bad", [
    {"new-reason": "whim"}, {"new-held_at": "soon"}, {"new-held_at": "2099-01-01T00:00"}, {"new-region": ""},
    {"new-region": LINHAI}, {"new-party_uscc": "91330000000000000X"}, {"new-follow_up_days": "0"},
    {"new-commitments": ""}, {"new-summoned": "x" * 201}, {"new-region": "\x00"}])
def test_bad_summons_input_is_a_form_message(wenling_officer, bad):
    r = logged_in(wenling_officer).post("/cases/summons/", _form(**bad))
    assert r.status_code == 200 and r.context["record"].errors
    assert not Summons.objects.exists()


def test_another_countys_summons_are_out_of_reach(wenling_officer, linhai_officer, wenling_viewer):
    logged_in(linhai_officer).post("/cases/summons/", _form(**{"new-region": LINHAI}))
    row = Summons.objects.get()
    client = logged_in(wenling_officer)
    assert client.get("/cases/summons/").context["page"].paginator.count == 0
    r = client.post("/cases/summons/", {"action": "follow_up", "summons": row.pk, f"f{row.pk}-outcome": "x"})
    assert r.status_code == 404 and Summons.objects.get().followed_up_at is None
    assert client.post("/cases/summons/", {"action": "follow_up", "summons": "9" * 30}).status_code == 404
    assert logged_in(wenling_viewer).post("/cases/summons/", _form()).status_code == 403


def test_figures_page_and_its_export_write_formulas_as_text(taizhou_officer, wenling_officer, wenling_enterprise):
    open_case(wenling_officer, wenling_enterprise)
    Region.objects.filter(pk=WENLING).update(name="=HYPERLINK(\"http://x\")")
    client = logged_in(taizhou_officer)
    assert "/cases/figures/" in client.get("/cases/").content.decode()
    r = client.get("/cases/figures/", {"region": TAIZHOU})
    assert r.status_code == 200 and r.context["result"]["total"]["cases"] == 1
    r = client.get("/cases/figures.xlsx", {"region": TAIZHOU})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("区划代码", "名称", "立案数")
    (wenling,) = [row for row in rows if row[0] == WENLING]
    assert wenling[1] == "=HYPERLINK(\"http://x\")" and wenling[2] == 1
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == wenling[1])
    assert cell.data_type == "s"


@pytest.mark.parametrize("query", [{"start": "2026-12-01", "end": "2026-01-01"}, {"start": "not a date"},
                                   {"region": "nowhere"}, {"region": LINHAI}, {"end": "9999-99-99"}])
def test_bad_figures_input_is_a_message(wenling_officer, query):
    for url in ("/cases/figures/", "/cases/figures.xlsx"):
        r = logged_in(wenling_officer).get(url, query)
        assert r.status_code == 200 and r["Content-Type"].startswith("text/html")
        assert r.context["form"].errors or r.context["error"]


def test_the_pages_read_chinese(wenling_officer):
    client = logged_in(wenling_officer)
    summons = client.get("/cases/summons/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    figures = client.get("/cases/figures/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "登记约谈" in summons and "约谈时间" in summons and "Record a summons" not in summons
    assert "执法统计" in figures and "立案数" in figures and "Cases opened" not in figures
