"""An import's bad rows come back as a file: the template's columns as the file held
them plus the reason in Chinese; corrected and imported again, they go in."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yingji.core.models import RejectedRows
from yingji.enterprises import uscc
from yingji.enterprises.models import Enterprise
from yingji.enterprises.tabular import EXPORT_HEADERS

from ..conftest import WENLING_TOWN
from ..factories import valid_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _login(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def _upload(client, content: bytes, name: str):
    return client.post("/enterprises/import/", {"file": SimpleUploadedFile(name, content)})


def _book(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for line in book.active.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # "=1+1" typed as text, as a person's 台账 holds it
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD, BAD_USCC_BASE = valid_uscc(), valid_uscc()
# The same code with a wrong check character: the last one moved on by one.
BAD_USCC = BAD_USCC_BASE[:-1] + ("1" if BAD_USCC_BASE[-1] != "1" else "2")
THIRD = valid_uscc()


def _first_file() -> bytes:
    """One good row, one with a wrong check character, one with an unknown risk grade
    and a formula-like address; the bad ones are rows 3 and 4."""
    return _book([
        ["企业名称", "统一社会信用代码", "所属乡镇代码", "地址", "风险等级"],
        ["好企业有限公司", GOOD, WENLING_TOWN, "好路 1 号", "蓝"],
        ["校验位错有限公司", BAD_USCC, WENLING_TOWN, "错路 2 号", "黄"],
        ["等级错有限公司", THIRD, WENLING_TOWN, "=1+1", "紫"],
    ])


def test_rejected_rows_download_in_the_template_layout_with_the_reason(wenling_officer):
    client = _login(wenling_officer)
    page = _upload(client, _first_file(), "register.xlsx")
    assert (page.context["report"].created, page.context["report"].rejected) == (1, 2)
    rejected = page.context["rejected"]
    html = page.content.decode()
    assert "下载未导入的 2 行" in html
    assert f"/imports/rejected/{rejected.token}.xlsx" in html and f"/imports/rejected/{rejected.token}.csv" in html

    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/imports/rejected/{rejected.token}.xlsx").content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == [*EXPORT_HEADERS, "错误原因"]
    by_name = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_name) == {"校验位错有限公司", "等级错有限公司"}
    assert by_name["校验位错有限公司"]["统一社会信用代码"] == BAD_USCC
    assert by_name["校验位错有限公司"]["错误原因"].startswith("原第 3 行：统一社会信用代码：")
    assert "风险等级“紫”无效" in by_name["等级错有限公司"]["错误原因"]
    assert "Unknown" not in by_name["等级错有限公司"]["错误原因"]  # the Chinese half only
    address = next(c for c in sheet[3] if c.value == "=1+1")
    assert address.data_type == "s"  # text, not a formula

    text = client.get(f"/imports/rejected/{rejected.token}.csv").content
    assert text.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert lines[0][-1] == "错误原因" and len(lines) == 3 and "'=1+1" in lines[2]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_corrected_file_imports_cleanly(wenling_officer, fmt):
    client = _login(wenling_officer)
    token = _upload(client, _first_file(), "register.xlsx").context["rejected"].token
    content = client.get(f"/imports/rejected/{token}.{fmt}").content
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(content))
        for row in book.active.iter_rows(min_row=2):
            if row[1].value == BAD_USCC:
                row[1].value = uscc.make(BAD_USCC[:2], BAD_USCC[2:8], BAD_USCC[8:17])  # the right check character
            if row[9].value == "紫":  # 风险等级, the tenth column of the template
                row[9].value = "红"
        out = io.BytesIO()
        book.save(out)
        corrected = out.getvalue()
    else:
        text = content.decode("utf-8-sig").replace(BAD_USCC, uscc.make(BAD_USCC[:2], BAD_USCC[2:8], BAD_USCC[8:17]))
        corrected = text.replace(",紫,", ",红,").encode("utf-8-sig")
    again = _upload(client, corrected, f"corrected.{fmt}")
    report = again.context["report"]
    assert (report.created, report.rejected, report.warnings) == (2, 0, [])  # the reason column is ignored
    assert again.context["rejected"] is None
    assert Enterprise.objects.get(name="等级错有限公司").address == "=1+1"
    assert Enterprise.objects.get(name="等级错有限公司").risk_grade == "red"
    assert Enterprise.objects.filter(uscc=BAD_USCC_BASE).exists()


def test_only_the_importer_may_download_the_rejected_rows(wenling_officer, linhai_officer, wenling_viewer):
    token = _upload(_login(wenling_officer), _first_file(), "register.xlsx").context["rejected"].token
    assert _login(linhai_officer).get(f"/imports/rejected/{token}.xlsx").status_code == 404
    assert _login(wenling_viewer).get(f"/imports/rejected/{token}.csv").status_code == 404
    assert Client().get(f"/imports/rejected/{token}.xlsx").status_code == 302  # to the login page


def test_a_clean_import_keeps_nothing(wenling_officer):
    content = _book([["企业名称", "统一社会信用代码", "所属乡镇代码"], ["全好有限公司", valid_uscc(), WENLING_TOWN]])
    page = _upload(_login(wenling_officer), content, "register.xlsx")
    assert page.context["rejected"] is None and RejectedRows.objects.count() == 0
    assert "/imports/rejected/" not in page.content.decode()
