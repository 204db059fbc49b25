"""The hazchem demo: a licensed trader's clean flows, and the paper mill buying caustic
soda from an unlicensed supplier (the Longyou figures) as one work order; idempotent."""

from decimal import Decimal

import pytest
from django.test import override_settings

from yingji.demo.seed import seed_demo
from yingji.hazchem.demo import paper_mill_deliveries, seed_hazchem_demo
from yingji.hazchem.models import Flow, HazchemLicence, WorkOrder

from ..web.demo_data import FAST_HASHER

pytestmark = pytest.mark.django_db


def test_the_demo_deliveries_hold_the_case_figures():
    rows = paper_mill_deliveries(2022)
    assert sum(q for _d, q, _a in rows) == Decimal("70.75") and sum(a for _d, _q, a in rows) == Decimal("244048.66")


def test_the_hazchem_demo(regions, today):
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        seed_demo()
    summary = seed_hazchem_demo()
    assert summary.flows == Flow.objects.count() == 44 and HazchemLicence.objects.count() == 1
    order = WorkOrder.objects.get()
    assert order.kind == "unlicensed_seller" and order.state == "open"
    assert order.illegal_gains == Decimal("244048.66") and order.quantity_t == Decimal("70.750")
    assert order.region_id.startswith("3310")
    assert seed_hazchem_demo().flows == 0  # a second call writes nothing
