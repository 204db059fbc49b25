"""Reconciliation of flows (购销比对): what a new flow record reveals, as findings.

Called by `services.flow_record` inside the transaction that writes the flow, so the
answer to the recording carries the findings. Each finding names the enterprise at
fault (by USCC; the registered enterprise when the register knows it), the chemical,
the evidence (flow rows) and, for an unlicensed seller, the illegal gains.

A *sale* is one seller → buyer delivery of one chemical on one day. Both sides may
record it (the buyer an inbound row naming the seller, the seller an outbound row
naming the buyer); a sale is counted once: where the seller recorded the (buyer, day),
its own outbound rows count, otherwise the buyer's inbound rows. Sales revenue counts
as illegal gains (DOMAIN.md, Enforcement), so the gains are the sum of the amounts of
the seller's sales of that chemical on days no selling licence covered it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from .choices import KG_PER_UNIT, SELLING_KINDS, USING_KINDS, Direction, FindingKind
from .models import Chemical, Flow, HazchemLicence

TONNE = Decimal(1000)


@dataclass
class Finding:
    kind: str
    key: str
    party_uscc: str
    chemical: Chemical
    summary: str
    evidence: list[int] = field(default_factory=list)  # flow ids
    illegal_gains: Decimal = Decimal(0)
    quantity_t: Decimal = Decimal(0)


@dataclass(frozen=True)
class Sale:
    """One flow row as the reconciliation reads it (plain values: thousands per seller)."""

    id: int
    direction: str
    buyer: str
    date: dt.date
    kg: Decimal
    amount: Decimal


def sides(flow: Flow) -> tuple[str, str]:
    """(seller USCC, buyer USCC) of the sale a flow row records."""
    own = flow.enterprise.uscc
    return (flow.counterparty_uscc, own) if flow.direction == Direction.IN else (own, flow.counterparty_uscc)


def licence_periods(uscc: str, chemical: Chemical, kinds) -> list[tuple[dt.date, dt.date]]:
    """The (valid_from, valid_to) of the enterprise's licences of `kinds` covering `chemical`."""
    return list(HazchemLicence.objects.filter(Q(all_listed=True) | Q(chemicals=chemical), enterprise__uscc=uscc,
                                              kind__in=kinds).values_list("valid_from", "valid_to").distinct())


def covered(periods: list[tuple[dt.date, dt.date]], day: dt.date) -> bool:
    return any(start <= day <= end for start, end in periods)


def licensed(uscc: str, chemical: Chemical, day: dt.date, kinds) -> bool:
    """Whether the enterprise holds, on `day`, a licence of one of `kinds` covering `chemical`."""
    return covered(licence_periods(uscc, chemical, kinds), day)


def sales_rows(seller: str, chemical: Chemical, day: dt.date | None = None) -> list[Sale]:
    """Every row recording a sale of `chemical` by `seller`: buyers' inbound, seller's outbound."""
    qs = Flow.objects.filter(Q(direction=Direction.IN, counterparty_uscc=seller) |
                             Q(direction=Direction.OUT, enterprise__uscc=seller), chemical=chemical)
    if day is not None:
        qs = qs.filter(date=day)
    rows = qs.order_by("date", "id").values_list("id", "direction", "enterprise__uscc", "counterparty_uscc", "date",
                                                 "quantity", "unit", "amount")
    return [Sale(id=pk, direction=direction, buyer=own if direction == Direction.IN else other, date=date,
                 kg=quantity * KG_PER_UNIT[unit], amount=amount)
            for pk, direction, own, other, date, quantity, unit, amount in rows]


def sales(rows: list[Sale]) -> dict[tuple[str, dt.date], list[Sale]]:
    """The seller's sales, {(buyer, day): the rows counted}, each sale once."""
    inbound, outbound = defaultdict(list), defaultdict(list)
    for row in rows:
        (outbound if row.direction == Direction.OUT else inbound)[(row.buyer, row.date)].append(row)
    return {key: outbound.get(key) or inbound[key] for key in set(inbound) | set(outbound)}


def unlicensed_seller(flow: Flow, seller: str, sold: dict) -> Finding | None:
    chemical = flow.chemical
    periods = licence_periods(seller, chemical, SELLING_KINDS)
    if covered(periods, flow.date):
        return None
    gains, kg, evidence = Decimal(0), Decimal(0), []
    for (_buyer, day), rows in sold.items():
        if covered(periods, day):
            continue
        for row in rows:
            gains += row.amount
            kg += row.kg
            evidence.append(row.id)
    return Finding(kind=FindingKind.UNLICENSED_SELLER, key=f"unlicensed_seller:{seller}:{chemical.pk}",
                   party_uscc=seller, chemical=chemical, evidence=sorted(evidence), illegal_gains=gains,
                   quantity_t=kg / TONNE,
                   summary=f"{seller} 无危险化学品经营许可销售{chemical.name}，"
                           f"{len(evidence)} 条记录，合计 {kg / TONNE:.3f} 吨、{gains:.2f} 元")


def quantity_mismatch(flow: Flow, seller: str, buyer: str) -> Finding | None:
    """The seller's outbound and the buyer's inbound rows of that pair, chemical and day
    disagree in total quantity (only when both sides recorded the day)."""
    rows = [r for r in sales_rows(seller, flow.chemical, flow.date) if r.buyer == buyer]
    out_kg = sum((r.kg for r in rows if r.direction == Direction.OUT), Decimal(0))
    in_kg = sum((r.kg for r in rows if r.direction == Direction.IN), Decimal(0))
    if not out_kg or not in_kg or out_kg == in_kg:
        return None
    return Finding(kind=FindingKind.QUANTITY_MISMATCH,
                   key=f"quantity_mismatch:{seller}:{buyer}:{flow.chemical_id}:{flow.date.isoformat()}",
                   party_uscc=seller, chemical=flow.chemical, evidence=[r.id for r in rows],
                   quantity_t=abs(out_kg - in_kg) / TONNE,
                   summary=f"{flow.date} {flow.chemical.name}：销售方出库 {out_kg / TONNE:.3f} 吨，"
                           f"购买方 {buyer} 入库 {in_kg / TONNE:.3f} 吨")


def use_outside_permit(flow: Flow, buyer: str) -> Finding | None:
    """A buyer takes in a chemical that needs a permit (settings.HAZCHEM_PERMIT_FLAGS)
    without a licence covering it on that day."""
    if not flow.chemical.requires_use_permit or licensed(buyer, flow.chemical, flow.date, USING_KINDS):
        return None
    return Finding(kind=FindingKind.USE_OUTSIDE_PERMIT, key=f"use_outside_permit:{buyer}:{flow.chemical_id}",
                   party_uscc=buyer, chemical=flow.chemical, evidence=[flow.pk], quantity_t=flow.kilograms / TONNE,
                   summary=f"{buyer} 无许可购入需许可的{flow.chemical.name}（{flow.date}）")


def many_new_buyers(flow: Flow, seller: str, sold: dict) -> Finding | None:
    """The seller sold the chemical to at least HAZCHEM_NEW_BUYERS_THRESHOLD buyers
    whose first purchase from it falls within the window ending on this flow's day."""
    window = dt.timedelta(days=settings.HAZCHEM_NEW_BUYERS_WINDOW_DAYS)
    first: dict[str, dt.date] = {}
    rows: dict[str, int] = {}
    for (buyer, day), group in sold.items():
        if day <= flow.date and (buyer not in first or day < first[buyer]):
            first[buyer], rows[buyer] = day, group[0].id
    new = [b for b, day in first.items() if flow.date - window < day]
    if len(new) < settings.HAZCHEM_NEW_BUYERS_THRESHOLD:
        return None
    return Finding(kind=FindingKind.MANY_NEW_BUYERS, key=f"many_new_buyers:{seller}:{flow.chemical_id}",
                   party_uscc=seller, chemical=flow.chemical, evidence=[rows[b] for b in sorted(new)],
                   summary=f"{seller} 在 {window.days} 天内向 {len(new)} 家新买方销售{flow.chemical.name}")


def findings(flow: Flow) -> list[Finding]:
    """Everything the new row reveals (see the module's docstring)."""
    seller, buyer = sides(flow)
    sold = sales(sales_rows(seller, flow.chemical))
    found = [unlicensed_seller(flow, seller, sold), quantity_mismatch(flow, seller, buyer),
             use_outside_permit(flow, buyer) if flow.direction == Direction.IN else None,
             many_new_buyers(flow, seller, sold)]
    return [f for f in found if f is not None]
