"""Hazardous-chemical flows in the Taizhou demo (台州演示: 危化品流向): a licensed
trader selling caustic soda and ferric chloride to its customers (clean flows, both
sides recorded and matching), and a supplier without a trading licence selling caustic
soda (片碱) to a paper mill in 36 monthly deliveries over three years: 70.75 t and
RMB 244,048.66, as in the Longyou case, which the reconciliation turns into a work
order for the supplier's county with those illegal gains.

Everything goes through the services (reconciliation, audit), as the Taizhou city
officer. Idempotent: if any flow exists, nothing is written. Enterprises and figures
are the demo's, not real ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..core.scope import SYSTEM
from ..enterprises.selectors import enterprises_in_region
from . import services
from .models import Chemical, Flow

CITY = "3310"
CITY_LOGIN = "demo-taizhou"
CAUSTIC_SODA, FERRIC_CHLORIDE = "1310-73-2", "7705-08-0"


@dataclass
class Summary:
    licences: int = 0
    flows: int = 0
    work_orders: int = 0

    def summary(self) -> str:
        return f"{self.licences} licences, {self.flows} flows, {self.work_orders} work-order findings"


def paper_mill_deliveries(first_year: int) -> list[tuple[dt.date, Decimal, Decimal]]:
    """36 monthly deliveries from January of `first_year`: 35 of 2 t at RMB 6,900.00 and
    one of 0.75 t at RMB 2,548.66, together 70.75 t and RMB 244,048.66."""
    days = [dt.date(first_year + m // 12, m % 12 + 1, 15) for m in range(36)]
    return ([(day, Decimal("2"), Decimal("6900.00")) for day in days[:35]] +
            [(days[35], Decimal("0.75"), Decimal("2548.66"))])


def seed_hazchem_demo(today: dt.date | None = None) -> Summary:
    summary = Summary()
    officer = get_user_model().objects.filter(username=CITY_LOGIN).first()
    if Flow.objects.exists() or officer is None:
        return summary
    enterprises = list(enterprises_in_region(scope=SYSTEM, region=CITY).order_by("id")[:6])
    if len(enterprises) < 5:
        return summary
    trader, supplier, mill, buyer_a, buyer_b = enterprises[:5]
    today = today or timezone.localdate()
    soda = services.chemical_find(cas=CAUSTIC_SODA)
    ferric = services.chemical_find(cas=FERRIC_CHLORIDE)
    with transaction.atomic():
        services.licence_create(by=officer, holder_uscc=trader.uscc, kind="trading",
                                number=f"台危化经〔{today.year - 3}〕0001", chemical_ids=[soda.pk, ferric.pk],
                                valid_from=dt.date(today.year - 3, 1, 1), valid_to=dt.date(today.year + 2, 12, 31),
                                authority="台州市应急管理局")
        summary.licences += 1
        for buyer in (buyer_a, buyer_b):
            for month, chem in ((3, soda), (6, ferric)):
                day = dt.date(today.year - 1, month, 10)
                for who, direction, other in ((trader, "out", buyer), (buyer, "in", trader)):
                    _record(summary, officer, enterprise=who, direction=direction, day=day, chemical=chem,
                            quantity=Decimal("5"), amount=Decimal("17250.00"), counterparty=other)
        for day, quantity, amount in paper_mill_deliveries(today.year - 3):
            _record(summary, officer, enterprise=mill, direction="in", day=day, chemical=soda, quantity=quantity,
                    amount=amount, counterparty=supplier)
    return summary


def _record(summary: Summary, officer, *, enterprise, direction, day, chemical: Chemical, quantity, amount,
            counterparty) -> None:
    _flow, findings = services.flow_record(by=officer, enterprise_id=enterprise.pk, direction=direction, date=day,
                                           chemical_id=chemical.pk, quantity=quantity, unit="t",
                                           counterparty_uscc=counterparty.uscc, amount=amount)
    summary.flows += 1
    summary.work_orders += len(findings)
