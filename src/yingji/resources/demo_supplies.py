"""The supplies demo around Taizhou: a provincial reserve (its Taizhou depot), the city's
warehouse, Wenling's and Linhai's county warehouses and four township stores, stocked
from the shipped catalogue; reserve standards for the city and the two counties of
which some are not met (Wenling is short of life jackets and pumps, Linhai of tents);
drinking water and instant food with some batches expiring within the month; a few
movements of a typhoon drill (issues to shelters, a transfer from the city to Wenling)
and one adjustment awaiting a second person's approval. Through the services, as the
API does; the same every time."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..core.models import Person
from .models import StockAdjustment, StockMovement, SupplyKind, Warehouse
from .services import supplies as services

MARK = "（演练库）"
# name, region, level, lat, lon, phone
WAREHOUSES = [
    ("浙江省防汛物资储备库台州分库", "33", "province", 28.6585, 121.4205, "0571-87051234"),
    ("台州市防汛防台物资仓库", "3310", "city", 28.6560, 121.4330, "0576-88581234"),
    ("温岭市防汛物资仓库", "331081", "county", 28.3725, 121.3860, "0576-86221234"),
    ("临海市防汛物资仓库", "331082", "county", 28.8585, 121.1450, "0576-85121234"),
    ("太平街道应急物资储备点", "331081001", "township", 28.3790, 121.3670, "0576-86101234"),
    ("大溪镇应急物资储备点", "331081101", "township", 28.4610, 121.2660, "0576-86301234"),
    ("古城街道应急物资储备点", "331082001", "township", 28.8490, 121.1170, "0576-85301234"),
    ("海门街道应急物资储备点", "331002001", "township", 28.6830, 121.4480, "0576-88401234"),
]
# warehouse index → (code, quantity) of durable kinds
DURABLE = {
    0: [("R003", 20), ("R001", 3000), ("F001", 50000), ("F005", 40), ("S001", 600), ("P001", 30)],
    1: [("R003", 8), ("R001", 1200), ("F001", 20000), ("F005", 16), ("S001", 200), ("S002", 400), ("S003", 800),
        ("P001", 12), ("R002", 300)],
    2: [("R003", 4), ("R001", 420), ("F001", 8000), ("F005", 5), ("S001", 60), ("S002", 150), ("S003", 300),
        ("P001", 4)],
    3: [("R003", 3), ("R001", 500), ("F001", 10000), ("F005", 12), ("S001", 30), ("S002", 200), ("S003", 400),
        ("P001", 5)],
    4: [("R001", 80), ("F001", 2000), ("S003", 60)],
    5: [("R001", 60), ("F001", 1500), ("S003", 40), ("F005", 1)],
    6: [("R001", 100), ("F001", 2500), ("S003", 80)],
    7: [("R001", 90), ("F001", 3000), ("S003", 50)],
}
# warehouse index → (code, quantity, days to expiry) of perishables
PERISHABLE = {
    1: [("D001", 600, 240), ("D001", 150, 12), ("D002", 400, 150), ("D002", 80, 20), ("D003", 200, 500)],
    2: [("D001", 200, 200), ("D001", 60, 9), ("D002", 120, 25), ("M001", 50, 700)],
    3: [("D001", 260, 300), ("D002", 150, 120), ("D004", 40, 18)],
    4: [("D001", 40, 28), ("D002", 30, 160)],
}
# region → (code, standard): Wenling short of R001 and F005; Linhai short of S001
STANDARDS = [("3310", "R001", 3000), ("3310", "F001", 40000), ("3310", "S001", 300), ("3310", "D001", 1000),
             ("331081", "R001", 800), ("331081", "F005", 10), ("331081", "F001", 10000), ("331081", "S003", 400),
             ("331082", "S001", 80), ("331082", "R001", 500), ("331082", "D002", 100)]


@dataclass
class SuppliesDemo:
    warehouses: int
    movements: int
    pending: int

    def summary(self) -> str:
        return (f"{self.warehouses} warehouses, {self.movements} movements, "
                f"{self.pending} adjustment(s) awaiting approval")


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def seed_supplies_demo() -> SuppliesDemo:
    if not Warehouse.objects.filter(name=WAREHOUSES[0][0]).exists():
        with transaction.atomic():
            _seed()
    return SuppliesDemo(warehouses=Warehouse.objects.count(), movements=StockMovement.objects.count(),
                        pending=StockAdjustment.objects.filter(state="requested").count())


def _seed() -> None:
    kinds = {k.code: k for k in SupplyKind.objects.all()}
    today = timezone.localdate()
    stores = []
    for name, region, level, lat, lon, phone in WAREHOUSES:
        manager = Person.objects.filter(region_id=region, active=True).order_by("id").first()
        stores.append(services.warehouse_create(by=None, region=region, name=name, level=level, lat=lat, lon=lon,
                                                phone=phone, manager_id=manager.pk if manager else None,
                                                address=f"{name}（演示地址）"))
    for i, lines in DURABLE.items():
        for code, n in lines:
            services.receive(by=None, warehouse=stores[i], kind=kinds[code], quantity=n, reason="期初库存",
                             reference=f"QC-{i + 1:02d}")
    for i, lines in PERISHABLE.items():
        for j, (code, n, days) in enumerate(lines):
            expires = today + dt.timedelta(days=days)
            services.receive(by=None, warehouse=stores[i], kind=kinds[code], quantity=n, reason="采购入库",
                             batch=f"{code}-{expires:%Y%m%d}", expires_on=expires, reference=f"RK-{i + 1:02d}{j:02d}")
    for region, code, n in STANDARDS:
        services.standard_set(by=None, region=region, kind=kinds[code], quantity=n, note="防汛防台物资储备定额（演示）")
    wenling, taizhou = _user("demo-wenling"), _user("demo-taizhou")
    # the drill: the city sends Wenling tents and water; Wenling issues to its shelters
    services.transfer(by=taizhou, warehouse=stores[1], to_warehouse=stores[2], kind=kinds["S001"], quantity=40,
                      reason="台风演练：支援温岭", reference="DB-001")
    services.transfer(by=taizhou, warehouse=stores[1], to_warehouse=stores[2], kind=kinds["D001"], quantity=100,
                      reason="台风演练：支援温岭", reference="DB-002")
    services.issue(by=wenling, warehouse=stores[2], kind=kinds["S003"], quantity=120, reason="台风演练：太平街道安置点",
                   reference="CK-001")
    services.issue(by=wenling, warehouse=stores[2], kind=kinds["D001"], quantity=80, reason="台风演练：太平街道安置点",
                   reference="CK-002")
    services.issue(by=wenling, warehouse=stores[4], kind=kinds["R001"], quantity=30, reason="台风演练：渔船人员转移",
                   reference="CK-003")
    services.adjustment_request(by=wenling, warehouse=stores[2], kind=kinds["F001"], delta=-150,
                                reason="汛前盘点：编织袋受潮霉变 150 条")
