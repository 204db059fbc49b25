"""A hazardous-chemical work order becomes a case: the officer asks on the order, the
enforcement tick claims the row, files the case in the officer's name with the flow
records as platform evidence, and the order ends with the case's number."""

import json
from decimal import Decimal

import pytest

from yingji.enforcement.intake import cases_from_work_orders
from yingji.enforcement.models import Case
from yingji.hazchem.models import WorkOrder

from ..hazchem.helpers import flow

pytestmark = pytest.mark.django_db

DELIVERIES = [("2022-03-15", "2", "6900.00"), ("2022-04-15", "2", "6900.00"), ("2022-05-15", "0.75", "2548.66")]


@pytest.fixture
def order(enterprise_user, wenling_enterprise, linhai_enterprise):
    """The mill (Wenling) buys caustic soda three times from a Linhai supplier without a licence."""
    for day, quantity, amount in DELIVERIES:
        flow(enterprise_user, date=day, quantity=quantity, amount=amount, counterparty=linhai_enterprise.uscc)
    return WorkOrder.objects.get(kind="unlicensed_seller")


def test_the_case_is_filed_from_the_work_order_with_its_flows_as_evidence(api_as, linhai_officer, order,
                                                                          linhai_enterprise):
    r = api_as(linhai_officer).post(f"/api/hazchem/work-orders/{order.pk}/actions/open_case", {})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "case_requested" and not Case.objects.exists()  # a row handed over, no call

    assert len(cases_from_work_orders()["opened"]) == 1
    case = Case.objects.get()
    assert (case.source_kind, case.source_id) == ("chemical_work_order", order.pk)
    assert case.enterprise_id == linhai_enterprise.pk and case.created_by == linhai_officer.user
    assert case.state == "investigation"
    item = case.evidence.get()
    record = json.loads(item.file.read().decode("utf-8"))
    assert item.kind == "platform" and len(record["flows"]) == len(DELIVERIES)
    assert sum(Decimal(f["amount"]) for f in record["flows"]) == Decimal("16348.66") == Decimal(record["illegal_gains"])

    body = api_as(linhai_officer).get(f"/api/hazchem/work-orders/{order.pk}").json()
    assert body["state"] == "case_opened" and body["case_number"] == case.number
    assert cases_from_work_orders() == {"opened": [], "refused": []}  # claimed once
    assert Case.objects.count() == 1


def test_a_request_that_cannot_be_filed_goes_back_with_the_reason(linhai_officer, wenling_officer, order):
    # The requester no longer covers the party's region (moved to Wenling): nothing is
    # filed, and the order is back with an officer, saying why.
    WorkOrder.objects.filter(pk=order.pk).update(state="case_requested", case_requested_by=wenling_officer.user)
    assert len(cases_from_work_orders()["refused"]) == 1
    order.refresh_from_db()
    assert order.state == "accepted" and "case not opened" in order.case_note and not order.case_number
    assert not Case.objects.exists()


def test_an_order_against_a_party_outside_the_register_cannot_become_a_case(api_as, enterprise_user,
                                                                            wenling_officer, wenling_enterprise):
    from ..factories import valid_uscc

    _f, found = flow(enterprise_user, counterparty=valid_uscc("330825"))
    r = api_as(wenling_officer).post(f"/api/hazchem/work-orders/{found[0]['work_order_id']}/actions/open_case", {})
    assert r.status_code == 400 and "register" in r.json()["error"]["message"]


def test_the_caustic_soda_case_end_to_end(api_as, client, enterprise_user, linhai_enterprise, linhai_officer,
                                          wenling_officer):
    """Inbound records → finding → work order → case → decision (tier and Art. 32) →
    documents → closure, every step audited, the case seen only in the party's region."""
    from yingji.core.models import AuditRecord

    from ..hazchem.test_reconcile import longyou_deliveries
    from .conftest import LONGYOU

    mill = api_as(enterprise_user)
    for day, quantity, amount in longyou_deliveries():
        assert mill.post("/api/hazchem/flows", {"direction": "in", "date": day, "cas": "1310-73-2",
                                                "quantity": quantity, "unit": "t", "amount": amount,
                                                "counterparty_uscc": linhai_enterprise.uscc}).status_code == 201
    officer = api_as(linhai_officer)
    (order,) = officer.get("/api/hazchem/work-orders?state=open").json()["items"]
    assert Decimal(order["illegal_gains"]) == Decimal("244048.66")
    assert officer.post(f"/api/hazchem/work-orders/{order['id']}/actions/open_case", {}).status_code == 200
    cases_from_work_orders()
    case_id = Case.objects.get(source_kind="chemical_work_order", source_id=order["id"]).pk

    facts = LONGYOU | {"sales_revenue": order["illegal_gains"]}  # the gains the platform computed
    for action in ("review", "notify"):
        assert officer.post(f"/api/cases/{case_id}/actions/{action}", {"note": "ok"}).status_code == 200
    r = officer.post(f"/api/cases/{case_id}/actions/decide", {"decided_on": "2024-06-01", "decisions": [facts]})
    assert r.status_code == 200, r.content
    (decision,) = r.json()["decisions"]
    assert decision["tier"] == "gains-above-100k" and Decimal(decision["confiscated"]) == Decimal("244048.66")
    # Art. 32 reduced: half of the statutory minimum (rule data), below the tier's 150,000.
    assert Decimal(decision["fine"]) == Decimal(100000) * Decimal("0.5")
    assert any("第三十二条" in reason["zh"] for reason in decision["reasons"])

    client.force_login(linhai_officer.user)
    for kind in ("filing", "notice", "decision"):
        pdf = client.get(f"/cases/{case_id}/{kind}.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), kind
    for action in ("serve", "execute", "close"):
        assert officer.post(f"/api/cases/{case_id}/actions/{action}").status_code == 200
    body = officer.get(f"/api/cases/{case_id}").json()
    assert body["state"] == "closed" and all(s["completed_at"] for s in body["steps"])
    assert api_as(wenling_officer).get(f"/api/cases/{case_id}").status_code in (403, 404)
    audited = set(AuditRecord.objects.filter(object_id=str(case_id)).values_list("action", flat=True))
    assert {"case.open", "case.review", "case.notify", "case.decide", "case.serve", "case.execute",
            "case.close"} <= audited
    assert AuditRecord.objects.filter(action="hazchem.work_order_case_opened", object_id=str(order["id"])).exists()
