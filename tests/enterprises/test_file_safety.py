"""The register over HTTP against hostile files and values (issue 12, items 2 and 3),
and an import that the database interrupts midway (issue 13): each answer is a 4xx
with the limit or the field named, an export that opens with the literal text, or a
report of what was kept — never a 500 or an unbounded read."""

import csv
import io

import openpyxl
import pytest
from django.db import OperationalError
from django.test import Client

from yingji.enterprises import services
from yingji.enterprises.models import Enterprise

from ..factories import EnterpriseFactory, valid_uscc
from ..hostile_files import MB, cell, workbook
from .test_import_api import upload, xlsx

pytestmark = pytest.mark.django_db

HEADER_ROW = f'<row r="1">{cell("A1", "企业名称")}{cell("B1", "统一社会信用代码")}{cell("C1", "所属乡镇代码")}</row>'
FORMULA = '=HYPERLINK("http://evil.example/","点此")'


def data_row(number: int, name: str = "甲公司") -> str:
    return (f'<row r="{number}">{cell(f"A{number}", name)}{cell(f"B{number}", valid_uscc())}'
            f'{cell(f"C{number}", "331081100")}</row>')


def error_of(response, status=400) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


def test_a_zip_bomb_with_a_huge_cell_is_a_400_naming_the_limit(api_as, wenling_officer):
    content = workbook(HEADER_ROW, '<row r="2"><c r="A2" t="inlineStr"><is><t>', ("A" * MB, 200),
                       "</t></is></c></row>")
    error = error_of(upload(api_as(wenling_officer), content))
    assert error["code"] == "bad_file" and "解压后超过 50 MB" in error["message"]
    assert not Enterprise.objects.exists()


def test_200_mb_of_blank_rows_are_a_400(api_as, wenling_officer):
    content = workbook(HEADER_ROW, data_row(2), ("<row/>" * 100_000, 350))
    error = error_of(upload(api_as(wenling_officer), content))
    assert error["code"] == "bad_file" and "解压后超过" in error["message"]


def test_blank_rows_end_the_table_and_the_rows_before_import(api_as, wenling_officer, settings):
    settings.YINGJI_IMPORT_MAX_BLANK_ROWS = 50
    content = workbook(HEADER_ROW, data_row(2), ("<row/>" * 1_000, 1), data_row(1_500, "乙公司"))
    r = upload(api_as(wenling_officer), content)
    assert r.status_code == 200
    body = r.json()
    assert body["created"] == 1 and any("连续 50 行以上为空" in w for w in body["warnings"])
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["甲公司"]


def test_a_lone_last_row_is_read_as_one_row(api_as, wenling_officer):
    far = f'<row r="1048576">{cell("A1048576", "x")}</row>'
    error = error_of(upload(api_as(wenling_officer), workbook(far)))
    assert "没有内容" in error["message"]
    r = upload(api_as(wenling_officer), workbook(HEADER_ROW, data_row(2), far))
    assert r.status_code == 200 and r.json()["created"] == 1
    assert any("第 3 行起" in w for w in r.json()["warnings"])


def test_a_cell_in_the_last_column_is_a_400(api_as, wenling_officer):
    content = workbook(HEADER_ROW, f'<row r="2">{cell("XFD2", "far")}</row>')
    assert "超过 100 列" in error_of(upload(api_as(wenling_officer), content))["message"]


def test_csv_lines_and_rows_are_bounded(api_as, wenling_officer, settings):
    settings.YINGJI_IMPORT_MAX_ROWS = 2
    header = "企业名称,统一社会信用代码,所属乡镇代码\n"
    rows = "".join(f"公司{i},{valid_uscc()},331081100\n" for i in range(3))
    error = error_of(upload(api_as(wenling_officer), (header + rows).encode(), "台账.csv"))
    assert "超过 2 行" in error["message"]
    long_line = (header + "x" * 200_000 + "\n").encode()
    assert "超过 100000 个字符" in error_of(upload(api_as(wenling_officer), long_line, "台账.csv"))["message"]


# Values that cannot be meant are refused on input ------------------------------

@pytest.mark.parametrize("field, value, code_point", [
    ("contact_phone", "0576-86000000\uffff", "U+FFFF"),
    ("contact_phone", "\ufffe0576", "U+FFFE"),
    ("name", "温岭\x07机械", "U+0007"),
    ("address", "一号\x1b楼", "U+001B"),
])
def test_patch_with_a_control_character_or_noncharacter_is_a_400_naming_the_field(
        api_as, wenling_officer, wenling_enterprise, field, value, code_point):
    r = api_as(wenling_officer).patch(f"/api/enterprises/{wenling_enterprise.pk}", {field: value},
                                      content_type="application/json")
    error = error_of(r)
    assert code_point in error["fields"][field] and "noncharacter" in error["fields"][field]
    wenling_enterprise.refresh_from_db()
    assert getattr(wenling_enterprise, field) != value


def test_multi_line_text_and_formula_like_text_are_still_accepted(api_as, wenling_officer, wenling_enterprise):
    r = api_as(wenling_officer).patch(f"/api/enterprises/{wenling_enterprise.pk}",
                                      {"address": "一号楼\n二号楼\t东", "name": FORMULA},
                                      content_type="application/json")
    assert r.status_code == 200 and r.json()["name"] == FORMULA


# Exports show hostile text as text ---------------------------------------------

@pytest.fixture
def hostile_enterprise(wenling_enterprise):
    """Stored before input was checked (or by a path that skips it): the exports must
    still hold."""
    Enterprise.objects.filter(pk=wenling_enterprise.pk).update(
        name=FORMULA, contact_phone="0576-86000000\uffff", address="@SUM(1)\ufffe", legal_representative="-1+2")
    return wenling_enterprise


def test_xlsx_export_of_hostile_values_opens_with_the_literal_text(api_as, wenling_officer, hostile_enterprise):
    r = api_as(wenling_officer).get("/api/enterprises/export?format=xlsx")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2])}
    assert row["企业名称"].value == FORMULA and row["企业名称"].data_type == "s"
    assert row["联系电话"].value == "0576-86000000"
    assert row["地址"].value == "@SUM(1)" and row["法定代表人"].value == "-1+2"
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)


def test_csv_export_quotes_formula_starts_and_imports_back(api_as, wenling_officer, hostile_enterprise):
    r = api_as(wenling_officer).get("/api/enterprises/export?format=csv")
    assert r.status_code == 200
    [record] = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"), newline="")))
    assert record["企业名称"] == "'" + FORMULA and record["联系电话"] == "0576-86000000"
    assert record["法定代表人"] == "'-1+2"
    report = upload(api_as(wenling_officer), r.content, "back.csv").json()
    assert report["rejected"] == 0
    hostile_enterprise.refresh_from_db()
    assert hostile_enterprise.name == FORMULA and hostile_enterprise.legal_representative == "-1+2"


# An import the database interrupts ------------------------------------------------

def test_an_import_interrupted_by_the_database_reports_what_was_kept(api_as, wenling_officer, monkeypatch):
    """Each row commits on its own: rows 2 and 3 are kept, row 4 meets a locked
    database, and rows 4-6 are reported as not imported (503, not a bare 500)."""
    create, calls = services.enterprise_create, []

    def locked_on_third(**kw):
        calls.append(kw["uscc"])
        if len(calls) == 3:
            raise OperationalError("database is locked")
        return create(**kw)

    monkeypatch.setattr(services, "enterprise_create", locked_on_third)
    rows = [["企业名称", "统一社会信用代码", "所属乡镇代码"],
            *([f"公司{i}", valid_uscc(), "331081100"] for i in range(5))]
    r = upload(api_as(wenling_officer), xlsx(rows))
    assert r.status_code == 503
    body = r.json()
    assert (body["created"], body["complete"], body["not_imported"]) == (2, False, [4, 5, 6])
    assert "第 4 行中断" in body["interrupted"] and "database is locked" in body["interrupted"]
    assert sorted(Enterprise.objects.values_list("name", flat=True)) == ["公司0", "公司1"]
    monkeypatch.setattr(services, "enterprise_create", create)
    again = upload(api_as(wenling_officer), xlsx(rows)).json()
    assert (again["created"], again["unchanged"], again["complete"]) == (3, 2, True)


def test_the_import_page_says_which_rows_were_not_imported(wenling_officer, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def locked(**kw):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "enterprise_create", locked)
    client = Client()
    client.force_login(wenling_officer.user)
    rows = [["企业名称", "统一社会信用代码", "所属乡镇代码"],
            *([f"公司{i}", valid_uscc(), "331081100"] for i in range(2))]
    r = client.post("/enterprises/import/", {"file": SimpleUploadedFile("台账.xlsx", xlsx(rows))})
    html = r.content.decode()
    assert r.status_code == 200 and 'id="interrupted"' in html and "2 行未导入（第 2–3 行）" in html
    assert "所有行均已导入" not in html


def test_factory_enterprises_export_unchanged(api_as, wenling_officer):
    """The safe writer changes nothing for ordinary values: exported and re-imported, all unchanged."""
    for _ in range(3):
        EnterpriseFactory(region_id="331081100")
    r = api_as(wenling_officer).get("/api/enterprises/export?format=xlsx")
    assert upload(api_as(wenling_officer), r.content).json()["unchanged"] == 3
