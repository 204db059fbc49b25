"""The stock ledger: receipts, issues (first-expiring-first for perishables), transfers
as pairs, adjustments only after a second person's approval; the ledger always sums to
the balances, refused issues leave nothing behind, and movements are never changed."""

import pytest

from yingji.core.errors import DomainError, Forbidden
from yingji.resources.models import AdjustmentState, MovementKind, StockBalance, StockMovement
from yingji.resources.services import supplies
from yingji.resources.services.supplies import StockShort

from ..conftest import LINHAI, WENLING
from .supplies_helpers import balances, in_days, kind, ledger_totals, warehouse

pytestmark = pytest.mark.django_db


def test_receipt_then_issue_leaves_the_difference(wenling_officer):
    store = warehouse(WENLING)
    jackets = kind("R001")
    supplies.receive(by=wenling_officer.user, warehouse=store, kind=jackets, quantity=500, reason="采购入库")
    m = supplies.issue(by=wenling_officer.user, warehouse=store, kind=jackets, quantity=120, reason="石塘镇转移",
                       reference="DISP-1")
    assert (m.kind, m.delta, m.quantity, m.balance_after, m.reference) == ("issue", -120, 120, 380, "DISP-1")
    assert StockBalance.objects.get(warehouse=store, supply_kind=jackets).quantity == 380


def test_an_issue_beyond_stock_is_refused_naming_what_is_short_and_changes_nothing(wenling_officer):
    store = warehouse(WENLING)
    bags = kind("F001")
    supplies.receive(by=wenling_officer.user, warehouse=store, kind=bags, quantity=1000, reason="入库")
    with pytest.raises(StockShort) as err:
        supplies.issue(by=wenling_officer.user, warehouse=store, kind=bags, quantity=1001, reason="堵口")
    assert "编织袋" in err.value.zh and "1001" in err.value.zh and "1000" in err.value.zh
    assert "F001" in err.value.en and "1000 available" in err.value.en
    assert err.value.status == 409 and "quantity" in err.value.fields
    assert StockBalance.objects.get(warehouse=store, supply_kind=bags).quantity == 1000
    assert StockMovement.objects.filter(kind="issue").count() == 0


def test_perishables_go_first_expiring_first_and_expired_batches_are_not_issued(wenling_officer):
    store = warehouse(WENLING)
    water = kind("D001")
    by = wenling_officer.user
    supplies.receive(by=by, warehouse=store, kind=water, quantity=30, reason="入库", expires_on=in_days(200))
    supplies.receive(by=by, warehouse=store, kind=water, quantity=20, reason="入库", expires_on=in_days(10))
    supplies.receive(by=by, warehouse=store, kind=water, quantity=5, reason="入库", expires_on=in_days(1))
    # the 1-day batch expires: make it yesterday's by moving its date (a fixture shortcut)
    StockBalance.objects.filter(expires_on=in_days(1)).update(expires_on=in_days(-1))
    m = supplies.issue(by=by, warehouse=store, kind=water, quantity=25, reason="安置点供水")
    assert [(x.batch, x.delta) for x in m.movements] == [(in_days(10).isoformat(), -20),
                                                         (in_days(200).isoformat(), -5)]
    with pytest.raises(StockShort) as err:
        supplies.issue(by=by, warehouse=store, kind=water, quantity=26, reason="安置点供水")
    assert err.value.available == 25 and err.value.expired == 5 and "已过期 5" in err.value.zh


def test_a_perishable_needs_its_expiry_and_a_durable_kind_takes_none(wenling_officer):
    store = warehouse(WENLING)
    with pytest.raises(DomainError) as err:
        supplies.receive(by=wenling_officer.user, warehouse=store, kind=kind("D002"), quantity=3, reason="入库")
    assert "expires_on" in err.value.fields
    with pytest.raises(DomainError) as err:
        supplies.receive(by=wenling_officer.user, warehouse=store, kind=kind("S001"), quantity=3, reason="入库",
                         expires_on=in_days(3))
    assert "expires_on" in err.value.fields
    with pytest.raises(DomainError) as err:
        supplies.receive(by=wenling_officer.user, warehouse=store, kind=kind("S001"), quantity=0, reason="入库")
    assert "quantity" in err.value.fields


def test_a_transfer_is_a_pair_and_moves_the_batch(taizhou_officer):
    a, b = warehouse(WENLING, "温岭库"), warehouse(LINHAI, "临海库")
    food = kind("D002")
    by = taizhou_officer.user
    supplies.receive(by=by, warehouse=a, kind=food, quantity=40, reason="入库", batch="B7", expires_on=in_days(90))
    out = supplies.transfer(by=by, warehouse=a, to_warehouse=b, kind=food, quantity=15, reason="支援临海")
    into = out.paired
    assert (out.kind, out.delta, into.kind, into.delta, into.warehouse_id) == ("transfer_out", -15, "transfer_in",
                                                                                15, b.pk)
    assert into.batch == "B7" and into.expires_on == in_days(90)
    assert balances() == {(a.pk, food.pk, "B7"): 25, (b.pk, food.pk, "B7"): 15}


def test_an_officer_cannot_move_stock_of_another_county(wenling_officer, regions):
    other = warehouse(LINHAI, "临海库")
    with pytest.raises(Forbidden):
        supplies.receive(by=wenling_officer.user, warehouse=other, kind=kind("R001"), quantity=1, reason="x")
    mine = warehouse(WENLING)
    supplies.receive(by=wenling_officer.user, warehouse=mine, kind=kind("R001"), quantity=1, reason="x")
    with pytest.raises(Forbidden):
        supplies.transfer(by=wenling_officer.user, warehouse=mine, to_warehouse=other, kind=kind("R001"),
                          quantity=1, reason="x")


def test_adjustments_wait_for_a_second_person(wenling_officer, taizhou_officer):
    store = warehouse(WENLING)
    tents = kind("S001")
    supplies.receive(by=wenling_officer.user, warehouse=store, kind=tents, quantity=50, reason="入库")
    adj = supplies.adjustment_request(by=wenling_officer.user, warehouse=store, kind=tents, delta=-3,
                                      reason="盘点发现破损 3 顶")
    assert StockBalance.objects.get(supply_kind=tents).quantity == 50  # nothing yet
    with pytest.raises(Forbidden):
        supplies.adjustment_approve(by=wenling_officer.user, adjustment=adj)
    adj = supplies.adjustment_approve(by=taizhou_officer.user, adjustment=adj, note="核实")
    assert adj.state == AdjustmentState.APPROVED and adj.movement.delta == -3
    assert StockBalance.objects.get(supply_kind=tents).quantity == 47
    with pytest.raises(DomainError):
        supplies.adjustment_reject(by=taizhou_officer.user, adjustment=adj)
    second = supplies.adjustment_request(by=wenling_officer.user, warehouse=store, kind=tents, delta=10,
                                         reason="盘盈")
    second = supplies.adjustment_reject(by=taizhou_officer.user, adjustment=second, note="无凭证")
    assert second.state == AdjustmentState.REJECTED and second.movement is None
    assert StockBalance.objects.get(supply_kind=tents).quantity == 47


def test_movements_are_never_changed_or_deleted(wenling_officer):
    store = warehouse(WENLING)
    m = supplies.receive(by=wenling_officer.user, warehouse=store, kind=kind("R001"), quantity=5, reason="入库")
    m.reason = "改"
    with pytest.raises(DomainError):
        m.save()
    with pytest.raises(DomainError):
        m.delete()


def test_the_ledger_sums_to_the_balances_after_a_mixed_sequence(wenling_officer, taizhou_officer):
    """Receipts, issues (some refused), a transfer across batches, an approved and a
    rejected adjustment: each balance equals the sum of its movements, and the figures
    are the ones worked out by hand below."""
    a, b = warehouse(WENLING, "温岭库"), warehouse(LINHAI, "临海库")
    jackets, water = kind("R001"), kind("D001")
    w, t = wenling_officer.user, taizhou_officer.user
    supplies.receive(by=w, warehouse=a, kind=jackets, quantity=100, reason="入库")          # a jackets 100
    supplies.issue(by=w, warehouse=a, kind=jackets, quantity=30, reason="出库")             # 70
    with pytest.raises(StockShort):
        supplies.issue(by=w, warehouse=a, kind=jackets, quantity=71, reason="出库")         # refused: 70
    supplies.receive(by=w, warehouse=a, kind=water, quantity=10, reason="入库", expires_on=in_days(5))   # W5 10
    supplies.receive(by=w, warehouse=a, kind=water, quantity=10, reason="入库", expires_on=in_days(50))  # W50 10
    supplies.transfer(by=t, warehouse=a, to_warehouse=b, kind=water, quantity=14, reason="调拨")
    # a: W5 0, W50 6; b: W5 10, W50 4
    with pytest.raises(StockShort):
        supplies.transfer(by=t, warehouse=a, to_warehouse=b, kind=water, quantity=7, reason="调拨")  # refused
    adj = supplies.adjustment_request(by=w, warehouse=a, kind=jackets, delta=-5, reason="破损")
    supplies.adjustment_approve(by=t, adjustment=adj)                                        # a jackets 65
    adj = supplies.adjustment_request(by=w, warehouse=a, kind=jackets, delta=+50, reason="盘盈")
    supplies.adjustment_reject(by=t, adjustment=adj)                                         # still 65
    supplies.issue(by=t, warehouse=b, kind=water, quantity=12, reason="供水")               # b: W5 0, W50 2
    w5, w50 = in_days(5).isoformat(), in_days(50).isoformat()
    expected = {(a.pk, jackets.pk, ""): 65, (a.pk, water.pk, w5): 0, (a.pk, water.pk, w50): 6,
                (b.pk, water.pk, w5): 0, (b.pk, water.pk, w50): 2}
    assert balances() == expected
    assert ledger_totals() == expected
    assert StockMovement.objects.filter(kind=MovementKind.TRANSFER_OUT).count() == 2  # one per batch
