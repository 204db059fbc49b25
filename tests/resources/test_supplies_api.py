"""The supplies API: warehouses, the ledger by POST /api/stock/movements, balances,
adjustments with a second person's approval, standards and shortfalls, expiry; and
who may reach what (declared as data: tests/access/isolation.py)."""

import pytest

from yingji.core.models import AuditRecord
from yingji.resources.models import ReserveStandard, StockBalance, StockMovement, Warehouse
from yingji.resources.services import supplies

from ..access.isolation import IsolationCases
from ..conftest import LINHAI, LINHAI_TOWN, WENLING, WENLING_TOWN
from .supplies_helpers import in_days, kind, warehouse

pytestmark = pytest.mark.django_db


def _receive(store, code, n, **kw):
    return supplies.receive(by=None, warehouse=store, kind=kind(code), quantity=n, reason="入库", **kw)


class TestSuppliesIsolation(IsolationCases):
    lists = {
        "GET /api/warehouses": [{}, {"region": LINHAI}, {"q": "临海"}],
        "GET /api/stock": [{}, {"region": LINHAI}, {"supply_kind": "R001"}],
        "GET /api/stock/movements": [{}, {"region": LINHAI}, {"kind": "receipt"}],
        "GET /api/stock/adjustments": [{}, {"state": "requested"}],
        "GET /api/reserve-standards": [{}, {"region": LINHAI}],
        "GET /api/stock/shortfalls": [{}, {"region": LINHAI}],
        "GET /api/stock/expiring": [{}, {"days": 365}, {"expired": True}],
    }
    objects = {
        "GET /api/warehouses/{id}": ("warehouse", None),
        "PATCH /api/warehouses/{id}": ("warehouse", {"name": "改名"}),
        "GET /api/stock/adjustments/{id}": ("adjustment", None),
        "POST /api/stock/adjustments/{id}/approve": ("adjustment", {}),
        "POST /api/stock/adjustments/{id}/reject": ("adjustment", {}),
    }
    creates = {
        "POST /api/warehouses": (Warehouse, lambda home: {"name": "临海库", "region": LINHAI}),
        "POST /api/reserve-standards": (ReserveStandard, lambda home: {"region": LINHAI, "supply_kind": "R001",
                                                                       "quantity": 10}),
    }
    # by hand below: a movement in another county's warehouse is 404; the catalogue is not regional
    elsewhere = {"POST /api/stock/movements", "GET /api/supply-kinds", "POST /api/stock/import"}

    def is_foreign(self, item: dict) -> bool:
        return item.get("region", "").startswith(LINHAI)

    @pytest.fixture
    def foreign(self, province_admin):
        store = warehouse(LINHAI, "临海市物资仓库")
        _receive(store, "R001", 10)
        _receive(store, "D001", 10, expires_on=in_days(3))
        StockBalance.objects.filter(warehouse=store, supply_kind__code="D001").update(expires_on=in_days(-2))
        _receive(store, "D001", 4, expires_on=in_days(5))
        adj = supplies.adjustment_request(by=province_admin.user, warehouse=store, kind=kind("R001"), delta=-1,
                                          reason="破损")
        supplies.standard_set(by=None, region=LINHAI, kind=kind("R001"), quantity=500)
        return {"warehouse": store, "adjustment": adj}

    @pytest.fixture
    def home(self, wenling_officer):
        store = warehouse(WENLING)
        _receive(store, "R001", 10)
        return {"officer": wenling_officer, "warehouse": store}


def test_a_movement_in_another_countys_warehouse_is_not_found(api_as, wenling_officer):
    theirs, mine = warehouse(LINHAI, "临海库"), warehouse(WENLING)
    _receive(theirs, "R001", 10)
    _receive(mine, "R001", 10)
    client = api_as(wenling_officer)
    audit_count = AuditRecord.objects.count()
    for body in ({"kind": "issue", "warehouse_id": theirs.pk, "supply_kind": "R001", "quantity": 1, "reason": "x"},
                 {"kind": "transfer", "warehouse_id": mine.pk, "to_warehouse_id": theirs.pk, "supply_kind": "R001",
                  "quantity": 1, "reason": "x"}):
        r = client.post("/api/stock/movements", body)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", r.content
    assert AuditRecord.objects.count() == audit_count
    assert sorted(StockBalance.objects.values_list("quantity", flat=True)) == [10, 10]


def test_the_ledger_through_the_api(api_as, wenling_officer, taizhou_officer):
    store = warehouse(WENLING)
    other = warehouse(WENLING_TOWN, "大溪镇仓库", level="township")
    client = api_as(wenling_officer)
    post = lambda **b: client.post("/api/stock/movements", {"reason": "演练", **b})  # noqa: E731
    r = post(kind="receipt", warehouse_id=store.pk, supply_kind="F001", quantity=3000)
    assert r.status_code == 201, r.content
    m = r.json()["movements"][0]
    assert (m["kind"], m["quantity"], m["delta"], m["balance_after"], m["region"]) == ("receipt", 3000, 3000, 3000,
                                                                                      WENLING)
    r = post(kind="issue", warehouse_id=store.pk, supply_kind="F001", quantity=3001)
    assert r.status_code == 409 and r.json()["error"]["code"] == "stock_short"
    assert "编织袋" in r.json()["error"]["message"] and "3000" in r.json()["error"]["message"]
    r = post(kind="transfer", warehouse_id=store.pk, to_warehouse_id=other.pk, supply_kind="F001", quantity=1000)
    assert r.status_code == 201 and [x["kind"] for x in r.json()["movements"]] == ["transfer_out", "transfer_in"]
    out, into = r.json()["movements"]
    assert out["pair"] == into["id"] and into["pair"] == out["id"]
    r = post(kind="transfer", warehouse_id=store.pk, supply_kind="F001", quantity=1)
    assert r.status_code == 400 and "to_warehouse_id" in r.json()["error"]["fields"]
    r = post(kind="receipt", warehouse_id=store.pk, supply_kind="D001", quantity=5)
    assert r.status_code == 400 and "expires_on" in r.json()["error"]["fields"]
    r = post(kind="receipt", warehouse_id=store.pk, supply_kind="NOPE", quantity=5)
    assert r.status_code == 400 and "supply_kind" in r.json()["error"]["fields"]
    r = post(kind="adjustment", warehouse_id=store.pk, supply_kind="F001", quantity=-20)
    assert r.status_code == 201 and r.json()["movements"] == []
    adj = r.json()["adjustment"]
    assert adj["state"] == "requested" and adj["delta"] == -20
    r = client.post(f"/api/stock/adjustments/{adj['id']}/approve", {})
    assert r.status_code == 403  # the one who asked
    r = api_as(taizhou_officer).post(f"/api/stock/adjustments/{adj['id']}/approve", {"note": "已核"})
    assert r.status_code == 200 and r.json()["state"] == "approved" and r.json()["movement"]
    stock = client.get("/api/stock", {"warehouse": store.pk}).json()["items"]
    assert [(s["supply_kind"], s["quantity"]) for s in stock] == [("F001", 3000 - 1000 - 20)]
    listed = client.get("/api/stock/movements", {"warehouse": store.pk}).json()
    assert listed["count"] == 3  # receipt, transfer out, adjustment


def test_a_viewer_reads_but_does_not_move_stock(api_as, wenling_viewer):
    store = warehouse(WENLING)
    client = api_as(wenling_viewer)
    assert client.get("/api/stock", {"warehouse": store.pk}).status_code == 200
    r = client.post("/api/stock/movements", {"kind": "receipt", "warehouse_id": store.pk, "supply_kind": "R001",
                                             "quantity": 1, "reason": "x"})
    assert r.status_code == 403 and not StockMovement.objects.exists()


def test_standards_shortfalls_and_expiry(api_as, taizhou_officer):
    a = warehouse(WENLING, "温岭库")
    b = warehouse(WENLING_TOWN, "大溪镇仓库", level="township")
    c = warehouse(LINHAI_TOWN, "临海乡镇库", level="township")
    _receive(a, "R001", 300)
    _receive(b, "R001", 150)
    _receive(c, "R001", 1000)   # Linhai's: not Wenling's
    _receive(a, "D001", 40, expires_on=in_days(10))
    _receive(a, "D001", 60, expires_on=in_days(100))
    client = api_as(taizhou_officer)
    for region, code, n in ((WENLING, "R001", 500), (WENLING, "D001", 80), (WENLING_TOWN, "R001", 100)):
        r = client.post("/api/reserve-standards", {"region": region, "supply_kind": code, "quantity": n})
        assert r.status_code == 201, r.content
    # Wenling R001: 300 + 150 = 450 of 500 → short 50; D001: 100 of 80 → met; 大溪镇 R001: 150 of 100 → met
    short = client.get("/api/stock/shortfalls").json()["items"]
    assert [(s["region"], s["supply_kind"], s["required"], s["held"], s["short"]) for s in short] == \
        [(WENLING, "R001", 500, 450, 50)]
    r = client.post("/api/reserve-standards", {"region": WENLING, "supply_kind": "R001", "quantity": 450})
    assert r.status_code == 201 and r.json()["short"] == 0
    assert client.get("/api/stock/shortfalls").json()["count"] == 0
    soon = client.get("/api/stock/expiring", {"days": 30}).json()["items"]
    assert [(s["quantity"], s["expires_on"]) for s in soon] == [(40, in_days(10).isoformat())]
    assert client.get("/api/stock/expiring", {"days": 5}).json()["count"] == 0
    assert client.get("/api/stock/expiring", {"days": 100}).json()["count"] == 2
    assert client.get("/api/stock/expiring", {"days": -1}).status_code in (400, 422)


def test_the_catalogue_ships_flood_and_typhoon_supplies(api_as, wenling_viewer):
    kind("R001")
    items = api_as(wenling_viewer).get("/api/supply-kinds", {"page_size": 500}).json()["items"]
    names = {i["name"]: i for i in items}
    for name in ("救生衣", "冲锋舟", "编织袋", "帐篷", "折叠床", "棉被", "发电机", "抽水泵", "饮用水", "方便食品"):
        assert name in names, name
    assert names["饮用水"]["perishable"] and names["饮用水"]["shelf_life_days"] == 365
    assert not names["帐篷"]["perishable"] and names["帐篷"]["unit"] == "顶"
    assert len({i["code"] for i in items}) == len(items)


def test_the_expiry_window_is_a_setting(api_as, wenling_officer, settings):
    store = warehouse(WENLING)
    _receive(store, "D002", 10, expires_on=in_days(20))
    client = api_as(wenling_officer)
    settings.YINGJI_SUPPLY_EXPIRY_DAYS = 30
    assert client.get("/api/stock/expiring").json()["count"] == 1
    settings.YINGJI_SUPPLY_EXPIRY_DAYS = 10
    assert client.get("/api/stock/expiring").json()["count"] == 0


def test_adjustment_decisions_need_an_officer(api_as, wenling_officer, wenling_viewer):
    store = warehouse(WENLING)
    _receive(store, "R001", 10)
    adj = supplies.adjustment_request(by=wenling_officer.user, warehouse=store, kind=kind("R001"), delta=-1,
                                      reason="破损")
    r = api_as(wenling_viewer).post(f"/api/stock/adjustments/{adj.pk}/approve", {})
    assert r.status_code == 403
    assert StockBalance.objects.get().quantity == 10
