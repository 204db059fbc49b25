"""The hazchem API: licences, flows (record, list, import, export), work orders and
their actions; bad inputs get field errors, never a 500."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from yingji.core.models import AuditRecord
from yingji.hazchem.models import Flow, HazchemLicence, WorkOrder

from ..conftest import LINHAI_TOWN
from .helpers import CAUSTIC_SODA, chemical, flow

pytestmark = pytest.mark.django_db


def licence_body(uscc, **kw):
    return {"holder_uscc": uscc, "kind": "trading", "number": "浙危化经字〔2024〕001",
            "chemical_ids": [chemical(CAUSTIC_SODA).id], "valid_from": "2024-01-01", "valid_to": "2026-12-31",
            "authority": "温岭市应急管理局", **kw}


def flow_body(uscc, **kw):
    return {"direction": "in", "date": "2024-03-01", "cas": CAUSTIC_SODA, "quantity": "2", "unit": "t",
            "counterparty_uscc": uscc, "amount": "6900", **kw}


# Licences ----------------------------------------------------------------------------

def test_an_officer_registers_a_licence(api_as, wenling_officer, wenling_enterprise):
    r = api_as(wenling_officer).post("/api/hazchem/licences", licence_body(wenling_enterprise.uscc))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["holder_uscc"] == wenling_enterprise.uscc and body["chemicals"][0]["name"] == "氢氧化钠"
    assert AuditRecord.objects.filter(action="hazchem.licence_create").count() == 1
    listed = api_as(wenling_officer).get("/api/hazchem/licences").json()
    assert [i["id"] for i in listed["items"]] == [body["id"]]


def test_a_licence_for_all_listed_chemicals(api_as, wenling_officer, wenling_enterprise):
    r = api_as(wenling_officer).post("/api/hazchem/licences", licence_body(wenling_enterprise.uscc, chemical_ids=[],
                                                                          all_listed=True, kind="production"))
    assert r.status_code == 201 and r.json()["all_listed"] is True


@pytest.mark.parametrize("change, field", [
    ({"valid_to": "2023-01-01"}, "valid_to"),
    ({"chemical_ids": []}, "chemical_ids"),
    ({"all_listed": True}, "chemical_ids"),
    ({"chemical_ids": [999999999]}, "chemical_ids"),
    ({"kind": "storage"}, "kind"),
    ({"holder_uscc": "123"}, "holder_uscc"),
    ({"valid_from": "2024-13-01"}, "valid_from"),
    ({"authority": ""}, "authority"),
])
def test_bad_licences_get_field_errors(api_as, wenling_officer, wenling_enterprise, change, field):
    r = api_as(wenling_officer).post("/api/hazchem/licences", licence_body(wenling_enterprise.uscc, **change))
    assert r.status_code in (400, 422), r.content
    assert field in r.json()["error"]["fields"], r.json()
    assert not HazchemLicence.objects.exists()


def test_a_duplicate_licence_number_is_refused(api_as, wenling_officer, wenling_enterprise):
    client = api_as(wenling_officer)
    assert client.post("/api/hazchem/licences", licence_body(wenling_enterprise.uscc)).status_code == 201
    r = client.post("/api/hazchem/licences", licence_body(wenling_enterprise.uscc))
    assert r.status_code == 400 and "number" in r.json()["error"]["fields"]


def test_enterprises_and_viewers_cannot_register_licences(api_as, enterprise_user, wenling_viewer,
                                                          wenling_enterprise):
    for person in (enterprise_user, wenling_viewer):
        r = api_as(person).post("/api/hazchem/licences", licence_body(wenling_enterprise.uscc))
        assert r.status_code == 403


# Flows -------------------------------------------------------------------------------

def test_an_enterprise_records_its_own_flow(api_as, enterprise_user, wenling_enterprise, linhai_enterprise):
    r = api_as(enterprise_user).post("/api/hazchem/flows", flow_body(linhai_enterprise.uscc))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["enterprise_id"] == wenling_enterprise.id and body["chemical"]["name"] == "氢氧化钠"
    assert body["findings"][0]["kind"] == "unlicensed_seller"
    assert AuditRecord.objects.filter(action="hazchem.flow_record").count() == 1


def test_by_chemical_id(api_as, enterprise_user, linhai_enterprise):
    body = flow_body(linhai_enterprise.uscc, cas="", chemical_id=chemical("7705-08-0").id)
    r = api_as(enterprise_user).post("/api/hazchem/flows", body)
    assert r.status_code == 201 and r.json()["chemical"]["name"] == "三氯化铁"


def test_an_enterprise_cannot_record_for_another(api_as, enterprise_user, linhai_enterprise):
    r = api_as(enterprise_user).post("/api/hazchem/flows", flow_body(linhai_enterprise.uscc,
                                                                      enterprise_id=linhai_enterprise.id))
    assert r.status_code == 403
    assert not Flow.objects.exists()


def test_an_officer_names_the_enterprise_in_their_jurisdiction(api_as, wenling_officer, wenling_enterprise,
                                                              linhai_enterprise):
    client = api_as(wenling_officer)
    assert client.post("/api/hazchem/flows", flow_body(linhai_enterprise.uscc)).status_code == 400
    r = client.post("/api/hazchem/flows", flow_body(wenling_enterprise.uscc, enterprise_id=linhai_enterprise.id))
    assert r.status_code == 403
    r = client.post("/api/hazchem/flows", flow_body(linhai_enterprise.uscc, enterprise_id=wenling_enterprise.id))
    assert r.status_code == 201


@pytest.mark.parametrize("change, field", [
    ({"direction": "sideways"}, "direction"),
    ({"date": "2024-02-30"}, "date"),
    ({"date": "2999-01-01"}, "date"),
    ({"cas": "50-00-0x"}, "cas"),
    ({"cas": ""}, "cas"),
    ({"chemical_id": 2**70, "cas": ""}, "chemical_id"),
    ({"quantity": "0"}, "quantity"),
    ({"quantity": "-1"}, "quantity"),
    ({"quantity": "1.23456"}, "quantity"),
    ({"quantity": "NaN"}, "quantity"),
    ({"quantity": "1e40"}, "quantity"),
    ({"unit": "barrel"}, "unit"),
    ({"amount": "-5"}, "amount"),
    ({"amount": "Infinity"}, "amount"),
    ({"counterparty_uscc": "91331081MA2AAAAAAA"}, "counterparty_uscc"),
])
def test_bad_flows_get_field_errors(api_as, enterprise_user, linhai_enterprise, change, field):
    r = api_as(enterprise_user).post("/api/hazchem/flows", flow_body(linhai_enterprise.uscc, **change))
    assert r.status_code in (400, 422), r.content
    assert field in r.json()["error"]["fields"], r.json()
    assert " / " in r.json()["error"]["message"]
    assert not Flow.objects.exists()


def test_the_own_enterprise_is_no_counterparty(api_as, enterprise_user, wenling_enterprise):
    r = api_as(enterprise_user).post("/api/hazchem/flows", flow_body(wenling_enterprise.uscc))
    assert r.status_code == 400 and "counterparty_uscc" in r.json()["error"]["fields"]


def test_flow_lists_are_scoped(api_as, enterprise_user, wenling_enterprise, linhai_enterprise, linhai_officer,
                               wenling_officer):
    flow(enterprise_user, counterparty=linhai_enterprise.uscc)
    flow(linhai_officer, direction="out", counterparty=wenling_enterprise.uscc, enterprise_id=linhai_enterprise.id)
    mine = api_as(enterprise_user).get("/api/hazchem/flows").json()["items"]
    assert [i["enterprise_id"] for i in mine] == [wenling_enterprise.id]
    theirs = api_as(linhai_officer).get("/api/hazchem/flows").json()["items"]
    assert [i["enterprise_id"] for i in theirs] == [linhai_enterprise.id]
    assert api_as(wenling_officer).get("/api/hazchem/flows", {"direction": "out"}).json()["items"] == []


def _xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(client, content, name="flows.xlsx"):
    return client.post("/api/hazchem/flows/import", {"file": SimpleUploadedFile(name, content)},
                       content_type=MULTIPART_CONTENT)


HEADER = ["方向", "日期", "CAS号", "数量", "单位", "对方统一社会信用代码", "金额"]


def test_import_keeps_good_rows_and_reports_bad_ones(api_as, enterprise_user, linhai_enterprise):
    seller = linhai_enterprise.uscc
    content = _xlsx([HEADER,
                     ["入库", "2024-03-01", CAUSTIC_SODA, 2, "吨", seller, 6900],
                     ["入库", "2024-03-31", "0000-00-0", 2, "吨", seller, 6900],
                     ["入库", "not a date", CAUSTIC_SODA, 2, "吨", seller, 6900],
                     ["出库", "2024/4/1", CAUSTIC_SODA, 500, "千克", seller, "=1+1"],
                     ["入库", "2024-04-02", CAUSTIC_SODA, 1, "t", seller, 3450.5]])
    client = api_as(enterprise_user)
    r = _upload(client, content)
    assert r.status_code == 200, r.content
    report = r.json()
    assert (report["created"], report["rejected"]) == (2, 3)
    assert [e["row"] for e in report["errors"]] == [3, 4, 5]
    assert report["rejects"]
    assert Flow.objects.count() == 2
    assert {f["kind"] for f in report["findings"]} == {"unlicensed_seller"}
    again = _upload(client, content).json()
    assert (again["created"], again["skipped"]) == (0, 2)
    assert Flow.objects.count() == 2


def test_import_refuses_a_file_without_the_columns(api_as, enterprise_user):
    r = _upload(api_as(enterprise_user), _xlsx([["foo", "bar"], [1, 2]]))
    assert r.status_code == 400 and r.json()["error"]["message"]


def test_import_is_for_enterprise_users(api_as, wenling_officer):
    r = _upload(api_as(wenling_officer), _xlsx([HEADER]))
    assert r.status_code == 403


def test_export_writes_formula_like_cells_as_text(api_as, enterprise_user, wenling_enterprise, linhai_enterprise):
    wenling_enterprise.name = "=HYPERLINK(\"x\")化工"
    wenling_enterprise.save()
    flow(enterprise_user, counterparty=linhai_enterprise.uscc)
    r = api_as(enterprise_user).get("/api/hazchem/flows/export", {"format": "xlsx"})
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "企业" and len(rows) == 2
    cell = ws.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"x\")化工"  # text, not a formula
    csv = api_as(enterprise_user).get("/api/hazchem/flows/export", {"format": "csv"})
    assert csv.status_code == 200 and "氢氧化钠" in csv.content.decode("utf-8-sig")


# Work orders -------------------------------------------------------------------------

@pytest.fixture
def order(enterprise_user, linhai_enterprise):
    return WorkOrder.objects.get(pk=flow(enterprise_user, counterparty=linhai_enterprise.uscc)[1][0]["work_order_id"])


def test_the_responsible_region_lists_and_reads_its_work_orders(api_as, order, linhai_officer):
    client = api_as(linhai_officer)
    listed = client.get("/api/hazchem/work-orders", {"region": LINHAI_TOWN[:6], "state": "open"}).json()
    assert [i["id"] for i in listed["items"]] == [order.id]
    detail = client.get(f"/api/hazchem/work-orders/{order.id}").json()
    assert Decimal(detail["illegal_gains"]) == Decimal("1000") and len(detail["evidence"]) == 1
    assert client.get("/api/hazchem/work-orders", {"state": "closed"}).json()["items"] == []


def test_enterprise_users_do_not_read_work_orders(api_as, order, enterprise_user):
    assert api_as(enterprise_user).get("/api/hazchem/work-orders").status_code == 403
    assert api_as(enterprise_user).get(f"/api/hazchem/work-orders/{order.id}").status_code == 403


def test_accept_then_open_a_case(api_as, order, linhai_officer):
    client = api_as(linhai_officer)
    r = client.post(f"/api/hazchem/work-orders/{order.id}/actions/accept", {})
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    r = client.post(f"/api/hazchem/work-orders/{order.id}/actions/open_case", {})
    assert r.status_code == 200 and r.json()["state"] == "case_requested"
    r = client.post(f"/api/hazchem/work-orders/{order.id}/actions/close", {"reason": "x"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "conflict"
    actions = AuditRecord.objects.filter(object_type="hazchem.workorder").values_list("action", flat=True)
    assert set(actions) >= {"hazchem.work_order_open", "hazchem.work_order_accept", "hazchem.work_order_open_case"}


def test_closing_needs_a_reason(api_as, order, linhai_officer):
    client = api_as(linhai_officer)
    r = client.post(f"/api/hazchem/work-orders/{order.id}/actions/close", {"reason": " "})
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"]
    r = client.post(f"/api/hazchem/work-orders/{order.id}/actions/close", {"reason": "已取得经营许可，属误报"})
    assert r.status_code == 200 and r.json()["state"] == "closed"


def test_an_unknown_action_is_a_field_error(api_as, order, linhai_officer):
    r = api_as(linhai_officer).post(f"/api/hazchem/work-orders/{order.id}/actions/explode", {})
    assert r.status_code == 400 and "action" in r.json()["error"]["fields"]


def test_a_closed_order_is_not_reopened_a_new_one_is(order, enterprise_user, linhai_enterprise, linhai_officer):
    from yingji.hazchem import services

    services.work_order_act(by=linhai_officer.user, order=order, action="close", reason="移交")
    _f, found = flow(enterprise_user, date="2024-03-02", counterparty=linhai_enterprise.uscc)
    assert found[0]["work_order_id"] != order.id
    assert WorkOrder.objects.count() == 2
