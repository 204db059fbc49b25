"""Stock from Excel or CSV: good rows become receipts, bad rows are reported with field
and reason and kept as a file to correct, and importing the same file again adds nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from yingji.core import tabular
from yingji.core.models import RejectedRows
from yingji.resources.models import StockBalance, StockMovement
from yingji.resources.supplies_import import import_stock

from ..conftest import LINHAI, WENLING
from .supplies_helpers import balances, in_days, kind, ledger_totals, warehouse

pytestmark = pytest.mark.django_db


def _csv(store, other, soon):
    return (
        "仓库编号,物资编码,数量,批次,有效期至,单号,事由\n"
        f"{store.pk},F001,5000,,,RK-1,期初库存\n"          # kept
        f"{store.pk},F001,5000,,,RK-1,期初库存\n"          # the same row again: a second receipt of its own
        f"{store.pk},D001,200,,{soon},RK-2,采购\n"          # kept (perishable with expiry)
        f"{store.pk},D001,20,,,RK-3,采购\n"                 # refused: no expiry
        f"{other.pk},R001,10,,,RK-4,\n"                     # refused: Linhai's warehouse
        f"{store.pk},XXXX,10,,,RK-5,\n"                     # refused: no such kind
        f"{store.pk},R001,十,,,RK-6,\n"                     # refused: quantity not a number
        f"{store.pk},R001,30,,2027-13-40,RK-7,\n"            # refused: not a date
    ).encode()


def test_good_rows_kept_bad_rows_reported_and_a_second_import_adds_nothing(wenling_officer):
    store, other = warehouse(WENLING), warehouse(LINHAI, "临海库")
    kind("F001")  # the catalogue (reloaded after a transactional test)
    content = _csv(store, other, in_days(200).isoformat())
    report = import_stock(by=wenling_officer.user, content=content, filename="stock.csv")
    assert (report.created, report.skipped, report.rejected) == (3, 0, 5)
    assert [(e["row"], e["field"]) for e in report.errors] == [(5, "有效期至"), (6, "仓库编号"), (7, "物资编码"),
                                                                (8, "数量"), (9, "有效期至")]
    assert all(" / " in e["message"] for e in report.errors)  # Chinese and English
    rejected = RejectedRows.objects.get(token=report.rejects)
    assert len(rejected.rows) == 5 and rejected.rows[0][-1].startswith("有效期至")
    assert StockBalance.objects.get(supply_kind__code="F001").quantity == 10000
    assert StockBalance.objects.get(supply_kind__code="D001").quantity == 200
    again = import_stock(by=wenling_officer.user, content=content, filename="stock.csv")
    assert (again.created, again.skipped, again.rejected) == (0, 3, 5)
    assert StockMovement.objects.count() == 3
    assert StockBalance.objects.get(supply_kind__code="F001").quantity == 10000
    assert ledger_totals() == balances()


def test_an_xlsx_import_through_the_api_and_a_missing_column(api_as, wenling_officer):
    store = warehouse(WENLING)
    kind("R001")
    content = tabular.xlsx([tabular.Sheet("库存", [["仓库编号", "物资编码", "数量"], [store.pk, "R001", 120],
                                                   [store.pk, "S001", 0]])])
    client = api_as(wenling_officer)
    r = client.post("/api/stock/import", {"file": SimpleUploadedFile("s.xlsx", content)},
                    content_type=MULTIPART_CONTENT)
    assert r.status_code == 200, r.content
    assert (r.json()["created"], r.json()["rejected"]) == (1, 1)
    assert r.json()["errors"][0]["field"] == "数量"
    r = client.post("/api/stock/import", {"file": SimpleUploadedFile("s.csv", "物资编码,数量\nR001,1\n".encode())},
                    content_type=MULTIPART_CONTENT)
    assert r.status_code == 400 and "仓库编号" in r.json()["error"]["message"]
    assert StockBalance.objects.get(supply_kind__code="R001").quantity == 120
