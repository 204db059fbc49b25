"""Supplies sent with a dispatch leave the ledger (issue 18, dispatch): issued in the
order's transaction, a refused issue refuses the whole order with the ledger's reason,
and the ledger summed from scratch equals the balances after every dispatch."""

import pytest

from yingji.messaging.models import Message
from yingji.resources.models import Dispatch, DispatchSupply, StockMovement, Team
from yingji.resources.models.teams import Readiness

from .dispatch_helpers import WENLING_SPOT, stocked, wenling_team  # noqa: F401
from .supplies_helpers import balances, kind, ledger_totals

pytestmark = pytest.mark.django_db


def test_dispatches_with_supplies_leave_the_ledger_equal_to_the_balances(api_as, wenling_officer, wenling_team):
    store = stocked(wenling_officer, code="R001", quantity=100)  # 100 life jackets
    client = api_as(wenling_officer)
    r = client.post("/api/dispatches", {"team_id": wenling_team.pk, **WENLING_SPOT, "task": "送救生衣",
                                        "supplies": [{"warehouse_id": store.pk, "kind": "R001", "quantity": 30}]})
    assert r.status_code == 201, r.content
    # Supplies alone (no team), to a position in the same county.
    r = client.post("/api/dispatches", {**WENLING_SPOT, "task": "补充救生衣",
                                        "supplies": [{"warehouse_id": store.pk, "kind": "R001", "quantity": 45}]})
    assert r.status_code == 201, r.content
    # 100 - 30 - 45 = 25 left
    assert balances() == {(store.pk, kind("R001").pk, ""): 25}
    assert ledger_totals() == balances()
    issued = StockMovement.objects.filter(kind="issue", reference__startswith="dispatch:")
    assert sorted(m.delta for m in issued) == [-45, -30]
    line = DispatchSupply.objects.get(dispatch_id=r.json()["id"])
    assert line.movement.delta == -45 and line.movement.reference == f"dispatch:{r.json()['id']}"
    got = client.get(f"/api/dispatches/{r.json()['id']}").json()
    assert got["team_id"] is None and got["supplies"][0]["quantity"] == 45 and got["supplies"][0]["kind"] == "R001"


def test_a_refused_issue_refuses_the_dispatch_and_leaves_nothing(api_as, wenling_officer, wenling_team):
    store = stocked(wenling_officer, code="R001", quantity=20)
    before_movements, before_messages = StockMovement.objects.count(), Message.objects.count()
    r = api_as(wenling_officer).post("/api/dispatches", {
        "team_id": wenling_team.pk, **WENLING_SPOT, "task": "送救生衣",
        "supplies": [{"warehouse_id": store.pk, "kind": "R001", "quantity": 15},
                     {"warehouse_id": store.pk, "kind": "R001", "quantity": 10}]})  # 15 + 10 > 20
    assert r.status_code == 409, r.content
    error = r.json()["error"]
    assert error["code"] == "supplies_refused"
    assert "库存不足" in error["message"] and "Not enough" in error["message"]
    assert "supplies.1" in error["fields"]
    # Nothing of the order remains: no dispatch, no movement, no message, the team free.
    assert Dispatch.objects.count() == 0 and StockMovement.objects.count() == before_movements
    assert Message.objects.count() == before_messages
    assert Team.objects.get(pk=wenling_team.pk).readiness == Readiness.READY
    assert balances() == {(store.pk, kind("R001").pk, ""): 20}
    assert ledger_totals() == balances()


def test_bad_supply_lines_get_field_errors(api_as, wenling_officer, wenling_team):
    store = stocked(wenling_officer)
    client = api_as(wenling_officer)
    for line, field in (({"warehouse_id": store.pk, "kind": "NOPE", "quantity": 1}, "supplies.0.kind"),
                        ({"warehouse_id": store.pk, "kind": "R001", "quantity": 0}, "supplies.0.quantity"),
                        ({"warehouse_id": 99999999, "kind": "R001", "quantity": 1}, "supplies.0.warehouse_id")):
        r = client.post("/api/dispatches", {**WENLING_SPOT, "task": "送物资", "supplies": [line]})
        assert r.status_code in (400, 404, 422), r.content
        assert field in r.json()["error"]["fields"], r.json()
        assert " / " in r.json()["error"]["fields"][field]
    assert Dispatch.objects.count() == 0
