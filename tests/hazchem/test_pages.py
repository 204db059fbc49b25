"""The hazchem pages: an enterprise records and imports its flows, an officer handles
the work orders of its region; data shown as text."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yingji.hazchem.models import Flow, WorkOrder

from .helpers import CAUSTIC_SODA, flow

pytestmark = pytest.mark.django_db


def logged_in(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_an_enterprise_records_a_flow_on_the_page(enterprise_user, linhai_enterprise):
    client = logged_in(enterprise_user)
    assert client.get("/hazchem/").url == "/hazchem/flows/"
    r = client.post("/hazchem/flows/", {"direction": "in", "date": "2024-03-01", "cas": CAUSTIC_SODA,
                                        "quantity": "2", "unit": "t", "counterparty_uscc": linhai_enterprise.uscc,
                                        "amount": "6900"})
    assert r.status_code == 200
    assert Flow.objects.count() == 1 and 'id="findings"' in r.content.decode()


def test_a_bad_flow_stays_on_the_form(enterprise_user, linhai_enterprise):
    r = logged_in(enterprise_user).post("/hazchem/flows/", {
        "direction": "in", "date": "2024-03-01", "cas": "0-00-0", "quantity": "2", "unit": "t",
        "counterparty_uscc": linhai_enterprise.uscc, "amount": "6900"})
    assert r.status_code == 200 and "field-error" in r.content.decode()
    assert not Flow.objects.exists()


def test_the_import_page(enterprise_user, linhai_enterprise):
    content = ("方向,日期,CAS号,数量,单位,对方统一社会信用代码,金额\n"
               f"入库,2024-03-01,{CAUSTIC_SODA},2,吨,{linhai_enterprise.uscc},6900\n"
               f"入库,bad,{CAUSTIC_SODA},2,吨,{linhai_enterprise.uscc},6900\n").encode()
    r = logged_in(enterprise_user).post("/hazchem/flows/import/", {"file": SimpleUploadedFile("f.csv", content)})
    assert r.status_code == 200 and 'id="report"' in r.content.decode()
    assert Flow.objects.count() == 1


def test_the_officer_handles_a_work_order(enterprise_user, linhai_enterprise, linhai_officer, wenling_officer):
    linhai_enterprise.name = "<script>alert(1)</script>化工"
    linhai_enterprise.save()
    order_id = flow(enterprise_user, counterparty=linhai_enterprise.uscc)[1][0]["work_order_id"]
    client = logged_in(linhai_officer)
    listing = client.get("/hazchem/work-orders/").content.decode()
    assert f"/hazchem/work-orders/{order_id}/" in listing
    assert "<script>alert(1)</script>" not in listing and "&lt;script&gt;" in listing
    page = client.get(f"/hazchem/work-orders/{order_id}/")
    assert page.status_code == 200 and "1000.00" in page.content.decode()
    r = client.post(f"/hazchem/work-orders/{order_id}/", {"action": "open_case", "reason": ""})
    assert r.status_code == 302 and WorkOrder.objects.get(pk=order_id).state == "case_requested"
    assert logged_in(wenling_officer).get(f"/hazchem/work-orders/{order_id}/").status_code == 404


def test_the_flow_page_exports(enterprise_user, linhai_enterprise):
    flow(enterprise_user, counterparty=linhai_enterprise.uscc)
    r = logged_in(enterprise_user).get("/hazchem/flows/", {"format": "csv"})
    assert r.status_code == 200 and "氢氧化钠" in r.content.decode("utf-8-sig")


def test_the_pages_speak_chinese(enterprise_user, linhai_enterprise, linhai_officer):
    from ..web.crawl import parse, untranslated

    order_id = flow(enterprise_user, counterparty=linhai_enterprise.uscc)[1][0]["work_order_id"]
    pages = [(enterprise_user, "/hazchem/flows/"), (enterprise_user, "/hazchem/flows/import/"),
             (linhai_officer, "/hazchem/work-orders/"), (linhai_officer, f"/hazchem/work-orders/{order_id}/"),
             (linhai_officer, "/hazchem/flows/")]
    for person, path in pages:
        r = logged_in(person).get(path)
        assert r.status_code == 200, path
        assert untranslated(parse(r.content.decode()).texts) == [], path
