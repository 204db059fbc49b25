"""The enforcement demo: Taizhou cases at different steps, one 一案三罚, one stop order
with its reopening check, evidence that verifies; idempotent."""

from decimal import Decimal

import pytest
from django.test import override_settings

from yingji.core.scope import SYSTEM
from yingji.demo.seed import seed_demo
from yingji.enforcement import services
from yingji.enforcement.demo import seed_enforcement_demo
from yingji.enforcement.models import Case

from ..web.demo_data import FAST_HASHER

pytestmark = pytest.mark.django_db


def test_the_demo_cases(regions):
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        seed_demo()
    summary = seed_enforcement_demo()
    assert summary.cases == Case.objects.count() == 6 and summary.decisions == 5
    states = sorted(Case.objects.values_list("state", flat=True))
    assert states == sorted(["service", "decision", "investigation", "legal_review", "transferred", "closed"])
    assert all(c.region_id.startswith("3310") for c in Case.objects.all())
    soda = Case.objects.get(source_kind="chemical_work_order")
    decision = soda.decisions.get()
    assert (decision.tier, decision.fine, decision.confiscated) == ("gains-above-100k", 50000,
                                                                     Decimal("244048.66"))
    three = Case.objects.get(source_kind="hazard")
    assert three.three_penalties and three.stop_orders.get().check_due_at > three.created_at
    for case in Case.objects.all():
        assert services.evidence_verify(by=None, case=case)["intact"] is True
    assert seed_enforcement_demo().cases == 0 and Case.objects.count() == 6
    assert SYSTEM.region_code == ""
