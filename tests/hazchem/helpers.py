"""Shared set-up of the hazchem tests: chemicals by CAS, licences, flows through the service."""

import datetime as dt
from decimal import Decimal

from yingji.hazchem import services
from yingji.hazchem.models import Chemical, HazchemLicence

CAUSTIC_SODA = "1310-73-2"  # 氢氧化钠 (片碱, 烧碱): catalogue entry 1669


def chemical(cas: str) -> Chemical:
    return next(c for c in Chemical.objects.filter(cas__contains=cas) if cas in c.cas_list)


def licence(enterprise, kind: str, *chemicals, all_listed=False, start="2020-01-01", end="2030-12-31", number=None):
    row = HazchemLicence.objects.create(enterprise=enterprise, kind=kind, number=number or f"{kind}-{enterprise.pk}",
                                        valid_from=start, valid_to=end, authority="某应急管理局",
                                        all_listed=all_listed)
    row.chemicals.set(chemicals)
    return row


def flow(by, *, direction="in", date="2024-03-01", cas=CAUSTIC_SODA, quantity="1", unit="t", counterparty,
         amount="1000", enterprise_id=None):
    return services.flow_record(by=getattr(by, "user", by), direction=direction, date=dt.date.fromisoformat(date),
                                cas=cas, quantity=Decimal(quantity), unit=unit, counterparty_uscc=counterparty,
                                amount=Decimal(amount), enterprise_id=enterprise_id)
