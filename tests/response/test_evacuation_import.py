"""Households imported from Excel: good rows kept, bad rows reported by row with the
reason and kept as a file to correct; the counters include what was imported."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from yingji.core.rejects import rejects_get
from yingji.response import selectors_evacuation as selectors
from yingji.response.models import Household

from .evacuation_fixtures import W1, W2, shelter, villages  # noqa: F401

pytestmark = pytest.mark.django_db


def xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_excel_import_keeps_good_rows_and_reports_bad_ones(api_as, wenling_officer, villages):
    place = shelter(W1)
    wenling_officer.mobile = "13900000001"
    wenling_officer.save()
    content = xlsx([
        ["村代码", "户主", "人数", "老人", "儿童", "安置场所编号", "责任干部手机", "转移路线"],
        [W1, "王一", 4, 1, 2, place.pk, "13900000001", "沿溪到学校"],   # row 2: good
        [W2, "王二", "三", None, None, None, None, None],               # row 3: members not a number
        ["331081001", "王三", 2, None, None, None, None, None],         # row 4: a township, not a village
        [W2, "王四", 2, 3, None, None, None, None],                     # row 5: more elderly than members
        [W2, "王五", 5, None, None, 999999, None, None],                # row 6: no such shelter
        [W2, "王六", 1, None, None, None, "13900009999", None],         # row 7: unknown cadre
        [W2, "王七", 3, None, None, None, None, None],                  # row 8: good
    ])
    r = api_as(wenling_officer).post("/api/evacuation/households/import", {
        "file": SimpleUploadedFile("households.xlsx", content)}, content_type=MULTIPART_CONTENT)
    assert r.status_code == 200, r.content
    report = r.json()
    assert (report["created"], report["rejected"]) == (2, 5)
    assert [e["row"] for e in report["errors"]] == [3, 4, 5, 6, 7]
    assert all(" / " in e["message"] for e in report["errors"])
    first = Household.objects.get(head="王一")
    assert (first.members, first.elderly, first.children, first.shelter_id, first.cadre_id, first.route) == (
        4, 1, 2, place.pk, wenling_officer.pk, "沿溪到学校")
    kept = rejects_get(by=wenling_officer.user, token=report["rejects"])
    assert [row[1] for row in kept.rows] == ["王二", "王三", "王四", "王五", "王六"]
    assert kept.header[-1] == "错误原因" and all(row[-1] for row in kept.rows)
    figures = selectors.figures_from_scratch("331081")
    assert figures["planned"] == 7 and figures["planned_households"] == 2
    assert selectors.figures(scope=selectors_scope(), region="331081")["planned"] == 7


def selectors_scope():
    from yingji.core.scope import SYSTEM
    return SYSTEM


def test_a_file_without_the_required_columns_is_refused_as_a_whole(api_as, wenling_officer, villages):
    r = api_as(wenling_officer).post("/api/evacuation/households/import", {
        "file": SimpleUploadedFile("h.csv", "户主\n张三\n".encode())}, content_type=MULTIPART_CONTENT)
    assert r.status_code == 400 and "村代码" in r.json()["error"]["message"]
    assert not Household.objects.exists()
