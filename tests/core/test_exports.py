"""The shared list export (core.exports): columns declared once, cells as people
read them, the bound and the audit record; and the API's register export held to
the same bound and audit."""

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from yingji.core import exports
from yingji.core.errors import DomainError
from yingji.core.models import AuditRecord

from ..conftest import WENLING_TOWN
from ..factories import EnterpriseFactory


def _row(**fields):
    return SimpleNamespace(**fields)


EXPORT = exports.Export("things", "事物", (
    exports.Column("名称", "name"),
    exports.Column("区划", "region.name"),
    exports.Column("金额", "amount"),
    exports.Column("有效", "active"),
    exports.Column("日期", "day"),
    exports.Column("标签", "label"),
    exports.Column("计算", lambda r: len(r.name)),
    exports.Column("显示", "display"),
))


def test_columns_read_paths_functions_and_methods():
    row = _row(name="=SUM(A1)", region=None, amount=Decimal("12.50"), active=True, day=dt.date(2026, 3, 1),
               label=gettext_lazy("Filter"), display=lambda: "已显示")
    # a lazy string in the active language (an earlier test may have left another one active)
    with translation.override("zh-hans"):
        assert EXPORT.row(row) == ["=SUM(A1)", None, Decimal("12.50"), "是", dt.date(2026, 3, 1), "筛选", 8, "已显示"]


def test_xlsx_keeps_numbers_and_dates_and_formula_like_text_as_text():
    row = _row(name="=SUM(A1)", region=_row(name="温岭市"), amount=Decimal("12.50"), active=False,
               day=dt.date(2026, 3, 1), label="x", display=lambda: "")
    content = exports.write("xlsx", EXPORT.title, [EXPORT.header(), EXPORT.row(row)])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = list(sheet.iter_rows(min_row=2))[0]
    assert (cells[0].value, cells[0].data_type) == ("=SUM(A1)", "s")
    assert (cells[1].value, cells[2].value, cells[3].value) == ("温岭市", 12.5, "否")
    assert cells[4].value == dt.datetime(2026, 3, 1)  # a date cell, shown yyyy-mm-dd
    assert sheet.freeze_panes == "A2" and sheet.title == "事物"


def test_csv_has_a_bom_and_guards_formulas():
    content = exports.write("csv", "x", [["名称"], ["=1+1"], ["@cmd"], ["温岭"]])
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").splitlines() == ["名称", "'=1+1", "'@cmd", "温岭"]


def test_an_unknown_format_is_refused():
    with pytest.raises(DomainError) as caught:
        exports.write("pdf", "x", [])
    assert caught.value.fields == {"format": "xlsx / csv"}


def test_the_bound_counts_one_past_the_limit(settings):
    settings.YINGJI_EXPORT_MAX_ROWS = 3
    assert exports.bounded([1, 2, 3]) == [1, 2, 3]
    with pytest.raises(DomainError) as caught:
        exports.bounded([1, 2, 3, 4])
    assert "3 行" in caught.value.zh and caught.value.code == "too_many_rows"


@pytest.mark.django_db
def test_the_api_register_export_is_bounded_and_audited(settings, api_as, wenling_officer):
    EnterpriseFactory.create_batch(2, region_id=WENLING_TOWN)
    client = api_as(wenling_officer)
    assert client.get("/api/enterprises/export", {"format": "csv"}).status_code == 200
    record = AuditRecord.objects.filter(action="export").latest("seq")
    assert (record.object_type, record.after["rows"], record.after["format"]) == ("export.enterprises", 2, "csv")
    settings.YINGJI_EXPORT_MAX_ROWS = 1
    refused = client.get("/api/enterprises/export", {"format": "csv"})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "too_many_rows"
