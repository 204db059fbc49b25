"""The supplies demo: warehouses at every level around Taizhou, shortfalls and batches
near expiry to show, a pending adjustment, and the ledger summing to the balances;
seeding twice adds nothing."""

import pytest

from yingji.core.scope import SYSTEM
from yingji.resources import selectors_supplies as selectors
from yingji.resources.demo_supplies import seed_supplies_demo
from yingji.resources.map_layers import LAYERS

from .supplies_helpers import balances, kind, ledger_totals

pytestmark = pytest.mark.django_db


def test_the_demo_has_something_to_show_and_is_balanced(regions):
    kind("R001")  # the catalogue
    demo = seed_supplies_demo()
    assert demo.warehouses == 8 and demo.pending == 1
    levels = set(selectors.warehouse_list(scope=SYSTEM).values_list("level", flat=True))
    assert levels == {"province", "city", "county", "township"}
    short = {(r["region"], r["supply_kind"]): r["short"] for r in selectors.shortfalls(scope=SYSTEM)}
    # by hand: Wenling's life jackets 420 + 80 − 30 + 60 = 530 of 800; pumps 5 + 1 of 10;
    # quilts 300 − 120 + 60 + 40 = 280 of 400; Linhai's tents 30 of 80
    assert short[("331081", "R001")] == 270 and short[("331081", "F005")] == 4
    assert short[("331081", "S003")] == 120 and short[("331082", "S001")] == 50
    assert ("331081", "F001") not in short
    assert selectors.expiring(scope=SYSTEM, days=30).count() >= 5
    assert ledger_totals() == balances()
    again = seed_supplies_demo()
    assert again.movements == demo.movements


def test_the_map_layer_lists_warehouses_in_the_box(regions, wenling_officer):
    kind("R001")
    seed_supplies_demo()
    (layer,) = [x for x in LAYERS if x["name"] == "warehouses"]
    everything = layer["features"](user=wenling_officer.user, bbox=None)
    assert sorted(f["properties"]["label"] for f in everything) == ["大溪镇应急物资储备点", "太平街道应急物资储备点",
                                                                    "温岭市防汛物资仓库"]
    near_town = layer["features"](user=wenling_officer.user, bbox=(121.35, 28.36, 121.40, 28.39))
    assert sorted(f["properties"]["label"] for f in near_town) == ["太平街道应急物资储备点", "温岭市防汛物资仓库"]
    f = near_town[0]
    assert f["geometry"]["type"] == "Point" and all(isinstance(v, str | int | float) for v in f["properties"].values())
