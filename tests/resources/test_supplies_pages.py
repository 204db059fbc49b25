"""The supplies pages for government users: the list, a warehouse with its stock,
movements and pending adjustments, the movement form (a refused issue stays on the
form with its reason), shortfalls, expiry, the stock export and the import page;
enterprise users are refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from yingji.resources.models import StockBalance, StockMovement
from yingji.resources.services import supplies

from ..conftest import LINHAI, WENLING
from .supplies_helpers import in_days, kind, warehouse

pytestmark = pytest.mark.django_db


def _client(person) -> Client:
    c = Client()
    c.force_login(person.user)
    return c


def test_every_page_renders_for_an_officer(wenling_officer, taizhou_officer):
    store = warehouse(WENLING, "温岭市防汛物资仓库", lat=28.37, lon=121.38)
    warehouse(LINHAI, "临海库")
    supplies.receive(by=None, warehouse=store, kind=kind("R001"), quantity=80, reason="入库")
    supplies.receive(by=None, warehouse=store, kind=kind("D002"), quantity=9, reason="入库", expires_on=in_days(7))
    supplies.adjustment_request(by=taizhou_officer.user, warehouse=store, kind=kind("R001"), delta=-2, reason="破损")
    supplies.standard_set(by=None, region=WENLING, kind=kind("R001"), quantity=100)
    c = _client(wenling_officer)
    r = c.get(reverse("warehouse_list"))
    assert r.status_code == 200 and "温岭市防汛物资仓库" in r.text and "临海库" not in r.text
    r = c.get(reverse("warehouse_detail", args=[store.pk]))
    assert r.status_code == 200 and "救生衣" in r.text and "破损" in r.text
    r = c.get(reverse("stock_shortfalls"))
    assert r.status_code == 200 and ">20<" in r.text  # 100 − 80
    r = c.get(reverse("stock_expiry"), {"days": 10})
    assert r.status_code == 200 and "方便食品" in r.text
    assert c.get(reverse("stock_expiry"), {"days": "x"}).status_code == 400
    for name in ("stock_list", "stock_movement_form", "stock_import"):
        assert c.get(reverse(name)).status_code == 200, name
    r = c.get(reverse("stock_list"), {"format": "xlsx"})
    assert r.status_code == 200 and r["Content-Disposition"].startswith('attachment; filename="stock-')
    r = c.get(reverse("warehouse_detail", args=[warehouse(LINHAI, "临海二库").pk]))
    assert r.status_code == 404


def test_the_movement_form_records_and_refuses_with_the_reason(wenling_officer):
    store = warehouse(WENLING)
    kind("R001")
    c = _client(wenling_officer)
    form = {"kind": "receipt", "warehouse": store.pk, "supply_kind": "R001", "quantity": 40, "reason": "入库"}
    r = c.post(reverse("stock_movement_form"), form)
    assert r.status_code == 302 and StockBalance.objects.get().quantity == 40
    r = c.post(reverse("stock_movement_form"), {**form, "kind": "issue", "quantity": 41, "reason": "转移"})
    assert r.status_code == 200 and "库存不足" in r.text and "可用 40" in r.text
    assert StockMovement.objects.count() == 1


def test_a_second_officer_approves_an_adjustment_on_the_page(wenling_officer, taizhou_officer):
    store = warehouse(WENLING)
    supplies.receive(by=None, warehouse=store, kind=kind("S001"), quantity=10, reason="入库")
    adj = supplies.adjustment_request(by=wenling_officer.user, warehouse=store, kind=kind("S001"), delta=-4,
                                      reason="霉变")
    url = reverse("stock_adjustment_decide", args=[adj.pk])
    _client(wenling_officer).post(url, {"decision": "approve"})
    assert StockBalance.objects.get().quantity == 10  # not by who asked
    _client(taizhou_officer).post(url, {"decision": "approve"})
    assert StockBalance.objects.get().quantity == 6


def test_the_import_page_reports_rows(wenling_officer):
    store = warehouse(WENLING)
    kind("R001")
    content = f"仓库编号,物资编码,数量\n{store.pk},R001,5\n{store.pk},R001,-1\n".encode()
    r = _client(wenling_officer).post(reverse("stock_import"), {"file": SimpleUploadedFile("s.csv", content)})
    assert r.status_code == 200 and 'id="report"' in r.text
    assert StockBalance.objects.get().quantity == 5


def test_enterprise_users_are_refused(enterprise_user):
    c = _client(enterprise_user)
    for name in ("warehouse_list", "stock_list", "stock_shortfalls", "stock_expiry", "stock_import"):
        assert c.get(reverse(name)).status_code == 403, name


def test_the_pages_over_the_demo_are_chinese_with_every_link_alive(taizhou_officer):
    """A small crawl of the supplies pages (the site crawl reaches them through the
    resources home): no English left, no link of theirs that fails."""
    from yingji.resources.demo_supplies import seed_supplies_demo

    from ..web.crawl import CrawlLog, check_html

    kind("R001")
    seed_supplies_demo()
    c = _client(taizhou_officer)
    log = CrawlLog()
    queue, seen = [reverse("warehouse_list")], set()
    while queue:
        path = queue.pop(0)
        if path in seen or len(seen) > 40:
            continue
        seen.add(path)
        r = c.get(path)
        assert r.status_code == 200, (path, r.status_code)
        if not r["Content-Type"].startswith("text/html"):
            continue
        page = check_html(log, path, r.content.decode())
        queue += [href for href in page.links if href.startswith("/resources/warehouses/")]
    assert [str(f) for f in log.findings] == []
    assert len(seen) >= 8


def test_an_officer_sets_a_standard_on_the_shortfall_page(wenling_officer):
    from yingji.resources.models import ReserveStandard

    kind("R001")
    c = _client(wenling_officer)
    r = c.post(reverse("stock_shortfalls"), {"region": WENLING, "supply_kind": "R001", "quantity": 600})
    assert r.status_code == 302
    assert ReserveStandard.objects.get().quantity == 600
    r = c.get(reverse("stock_shortfalls"))
    assert ">600<" in r.text  # nothing held: all short
    r = c.post(reverse("stock_shortfalls"), {"region": LINHAI, "supply_kind": "R001", "quantity": 600})
    assert r.status_code == 200 and "管辖范围" in r.text
    assert ReserveStandard.objects.count() == 1
