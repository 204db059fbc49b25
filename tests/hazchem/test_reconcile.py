"""Every inbound record reconciled as it arrives: the findings, their work orders and
the computed illegal gains, with the Longyou caustic-soda case as the worked example."""

import datetime as dt
from decimal import Decimal

import pytest

from yingji.hazchem.models import WorkOrder

from ..conftest import LINHAI_TOWN
from ..factories import EnterpriseFactory
from .helpers import CAUSTIC_SODA, chemical, flow, licence

pytestmark = pytest.mark.django_db


@pytest.fixture
def mill(enterprise_user, wenling_enterprise):
    """The paper mill (造纸厂), with its user."""
    return wenling_enterprise


@pytest.fixture
def supplier(linhai_enterprise):
    """A supplier with no hazardous-chemical licence of any kind."""
    return linhai_enterprise


def longyou_deliveries() -> list[tuple[str, str, str]]:
    """36 monthly deliveries 2021–2023: 35 of 2 t and one of 0.75 t (70.75 t), 35 at
    RMB 6,900.00 and one at RMB 2,548.66 (RMB 244,048.66)."""
    days = [dt.date(2021 + m // 12, m % 12 + 1, 15).isoformat() for m in range(36)]
    return [(day, "2", "6900.00") for day in days[:35]] + [(days[35], "0.75", "2548.66")]


def test_the_deliveries_sum_to_the_case_figures():
    rows = longyou_deliveries()
    assert sum(Decimal(q) for _d, q, _a in rows) == Decimal("70.75")
    assert sum(Decimal(a) for _d, _q, a in rows) == Decimal("244048.66")


def test_longyou_paper_mill_buying_caustic_soda_from_an_unlicensed_supplier(api_as, enterprise_user, mill,
                                                                           supplier, linhai_officer):
    client = api_as(enterprise_user)
    for day, quantity, amount in longyou_deliveries():
        r = client.post("/api/hazchem/flows", {"direction": "in", "date": day, "cas": CAUSTIC_SODA,
                                               "quantity": quantity, "unit": "t",
                                               "counterparty_uscc": supplier.uscc, "amount": amount})
        assert r.status_code == 201, r.content
        kinds = [f["kind"] for f in r.json()["findings"]]
        assert kinds == ["unlicensed_seller"]
    # The supplier's own books name three of the same deliveries: counted once.
    for day, quantity, amount in longyou_deliveries()[:3]:
        flow(linhai_officer, direction="out", date=day, quantity=quantity, amount=amount,
             counterparty=mill.uscc, enterprise_id=supplier.id)
    orders = WorkOrder.objects.filter(kind="unlicensed_seller")
    assert orders.count() == 1  # updated, never duplicated
    order = orders.get()
    assert order.illegal_gains == Decimal("244048.66")
    assert order.quantity_t == Decimal("70.750")
    assert order.region_id == LINHAI_TOWN  # the region of the enterprise at fault
    assert order.party_id == supplier.id and order.chemical == chemical(CAUSTIC_SODA)
    assert order.evidence.count() == 39
    assert order.due_at > order.created_at


def test_the_finding_in_the_answer_names_the_work_order_and_the_gains(api_as, enterprise_user, mill, supplier):
    r = api_as(enterprise_user).post("/api/hazchem/flows", {
        "direction": "in", "date": "2024-05-01", "cas": CAUSTIC_SODA, "quantity": "3.5", "unit": "t",
        "counterparty_uscc": supplier.uscc, "amount": "12000.50"})
    assert r.status_code == 201
    finding = r.json()["findings"][0]
    assert finding["kind"] == "unlicensed_seller"
    assert WorkOrder.objects.get(pk=finding["work_order_id"]).party_uscc == supplier.uscc
    assert Decimal(finding["illegal_gains"]) == Decimal("12000.50")
    assert Decimal(finding["quantity_t"]) == Decimal("3.5")


def test_a_licensed_seller_is_no_finding(enterprise_user, mill, supplier):
    licence(supplier, "trading", chemical(CAUSTIC_SODA))
    _flow, found = flow(enterprise_user, counterparty=supplier.uscc)
    assert found == []
    assert not WorkOrder.objects.exists()


def test_a_licence_for_all_listed_chemicals_covers_it(enterprise_user, mill, supplier):
    licence(supplier, "production", all_listed=True)
    assert flow(enterprise_user, counterparty=supplier.uscc)[1] == []


def test_a_licence_of_another_chemical_or_kind_does_not_cover_it(enterprise_user, mill, supplier):
    licence(supplier, "trading", chemical("7705-08-0"))
    licence(supplier, "use", chemical(CAUSTIC_SODA))
    assert [f["kind"] for f in flow(enterprise_user, counterparty=supplier.uscc)[1]] == ["unlicensed_seller"]


def test_only_sales_outside_the_licence_period_are_gains(enterprise_user, mill, supplier):
    licence(supplier, "trading", chemical(CAUSTIC_SODA), start="2024-01-01", end="2024-12-31")
    flow(enterprise_user, date="2023-06-01", amount="100", counterparty=supplier.uscc)
    flow(enterprise_user, date="2024-06-01", amount="200", counterparty=supplier.uscc)
    _f, found = flow(enterprise_user, date="2025-06-01", amount="400", counterparty=supplier.uscc)
    assert Decimal(found[0]["illegal_gains"]) == Decimal("500")


def test_an_unregistered_seller_goes_to_the_buyers_region(enterprise_user, mill, regions):
    from ..factories import valid_uscc

    stranger = valid_uscc("330825")
    _f, found = flow(enterprise_user, counterparty=stranger)
    order = WorkOrder.objects.get(pk=found[0]["work_order_id"])
    assert order.party is None and order.party_uscc == stranger and order.region_id == mill.region_id


def test_quantities_that_do_not_match_between_seller_and_buyer(enterprise_user, mill, supplier, linhai_officer):
    licence(supplier, "trading", chemical(CAUSTIC_SODA))
    flow(linhai_officer, direction="out", quantity="10", counterparty=mill.uscc, enterprise_id=supplier.id)
    _f, found = flow(enterprise_user, quantity="9000", unit="kg", counterparty=supplier.uscc)
    assert [f["kind"] for f in found] == ["quantity_mismatch"]
    assert Decimal(found[0]["quantity_t"]) == Decimal("1")
    _f, same = flow(enterprise_user, date="2024-03-02", quantity="10", counterparty=supplier.uscc)
    assert same == []  # only the buyer recorded that day: nothing to compare


def test_matching_quantities_in_other_units_are_no_finding(enterprise_user, mill, supplier, linhai_officer):
    licence(supplier, "trading", chemical(CAUSTIC_SODA))
    flow(linhai_officer, direction="out", quantity="2.5", counterparty=mill.uscc, enterprise_id=supplier.id)
    assert flow(enterprise_user, quantity="2500", unit="kg", counterparty=supplier.uscc)[1] == []


def test_a_highly_toxic_chemical_bought_without_a_use_permit(enterprise_user, mill, supplier):
    cyanide = chemical("143-33-9")  # 氰化钠, 剧毒
    assert cyanide.highly_toxic
    licence(supplier, "trading", all_listed=True)
    found = flow(enterprise_user, cas="143-33-9", counterparty=supplier.uscc)[1]
    assert [f["kind"] for f in found] == ["use_outside_permit"]
    assert found[0]["party_uscc"] == mill.uscc and found[0]["region"] == mill.region_id
    licence(mill, "use", cyanide)
    assert flow(enterprise_user, cas="143-33-9", date="2024-03-05", counterparty=supplier.uscc)[1] == []


def test_the_permit_rule_is_data(settings, enterprise_user, mill, supplier):
    settings.HAZCHEM_PERMIT_FLAGS = ("highly_toxic",)
    licence(supplier, "trading", all_listed=True)
    assert flow(enterprise_user, cas="7697-37-2", counterparty=supplier.uscc)[1] == []  # 硝酸, 易制爆 only


def test_a_supplier_selling_to_many_new_buyers_at_once(settings, linhai_officer, supplier, regions):
    settings.HAZCHEM_NEW_BUYERS_THRESHOLD = 3
    licence(supplier, "trading", all_listed=True)
    buyers = [EnterpriseFactory(region_id=LINHAI_TOWN) for _ in range(3)]
    found = []
    for i, buyer in enumerate(buyers):
        found = flow(linhai_officer, direction="in", date=f"2024-03-0{i + 1}", counterparty=supplier.uscc,
                     enterprise_id=buyer.id)[1]
    assert [f["kind"] for f in found] == ["many_new_buyers"]
    assert found[0]["party_uscc"] == supplier.uscc
    settings.HAZCHEM_NEW_BUYERS_WINDOW_DAYS = 1
    late = EnterpriseFactory(region_id=LINHAI_TOWN)
    assert flow(linhai_officer, date="2024-04-01", counterparty=supplier.uscc, enterprise_id=late.id)[1] == []
