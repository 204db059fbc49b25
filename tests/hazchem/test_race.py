"""Ten buyers record deliveries from the same unlicensed supplier at once (real threads
and connections; on PostgreSQL with DATABASE_URL set, as in CI): one work order, whose
illegal gains hold every delivery recorded."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from yingji.hazchem.models import Flow, WorkOrder

from ..conftest import LINHAI_TOWN, WENLING_TOWN
from ..factories import EnterpriseFactory
from .helpers import flow

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_deliveries_make_one_work_order_with_all_the_gains(regions, taizhou_officer):
    supplier = EnterpriseFactory(region_id=LINHAI_TOWN)
    buyers = [EnterpriseFactory(region_id=WENLING_TOWN) for _ in range(10)]
    outcomes = []
    start = threading.Barrier(10)

    def record(buyer, i):
        try:
            start.wait(timeout=30)
            flow(taizhou_officer, date=f"2024-03-{i + 1:02d}", amount=f"{100 + i}", counterparty=supplier.uscc,
                 enterprise_id=buyer.id)
            outcomes.append("kept")
        except Exception as exc:  # noqa: BLE001  SQLite under load: "database is locked" past the busy timeout
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(b, i)) for i, b in enumerate(buyers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kept = Flow.objects.all()
    if connection.vendor == "postgresql":
        assert outcomes == ["kept"] * 10
    order = WorkOrder.objects.get(kind="unlicensed_seller")  # exactly one
    assert order.illegal_gains == sum((f.amount for f in kept), Decimal(0))
