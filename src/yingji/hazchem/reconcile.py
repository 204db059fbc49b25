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

A new row *triggers* a finding (its day is unlicensed, its day's quantities disagree,
...), but what the finding says is a function of all the rows recorded so far, not of
the row that triggered it: the same rules over the same rows give the same work order
whichever row came last. That is what lets `reconcile_sets` reconcile millions of rows
at once and be checked against this module row by row.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
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


Periods = list[tuple[dt.date, dt.date]]


# The findings' texts, from their figures alone (the set-based path writes the same).

def unlicensed_summary(seller: str, chemical: str, rows: int, kg: Decimal, gains: Decimal) -> str:
    return f"{seller} 无危险化学品经营许可销售{chemical}，{rows} 条记录，合计 {kg / TONNE:.3f} 吨、{gains:.2f} 元"


def mismatch_summary(day: dt.date, chemical: str, buyer: str, out_kg: Decimal, in_kg: Decimal) -> str:
    return (f"{day} {chemical}：销售方出库 {out_kg / TONNE:.3f} 吨，"
            f"购买方 {buyer} 入库 {in_kg / TONNE:.3f} 吨")


def outside_permit_summary(buyer: str, chemical: str, rows: int, kg: Decimal) -> str:
    return f"{buyer} 无许可购入需许可的{chemical}，{rows} 条记录，合计 {kg / TONNE:.3f} 吨"


def new_buyers_summary(seller: str, chemical: str, window_days: int, peak: int, buyers: int) -> str:
    return f"{seller} 在 {window_days} 天内向 {peak} 家新买方销售{chemical}（涉及新买方共 {buyers} 家）"


# Reading the rows -----------------------------------------------------------------

def sides(flow: Flow) -> tuple[str, str]:
    """(seller USCC, buyer USCC) of the sale a flow row records."""
    own = flow.enterprise.uscc
    return (flow.counterparty_uscc, own) if flow.direction == Direction.IN else (own, flow.counterparty_uscc)


def licence_periods(uscc: str, chemical: Chemical, kinds) -> Periods:
    """The (valid_from, valid_to) of the enterprise's licences of `kinds` covering `chemical`."""
    return list(HazchemLicence.objects.filter(Q(all_listed=True) | Q(chemicals=chemical), enterprise__uscc=uscc,
                                              kind__in=kinds).values_list("valid_from", "valid_to").distinct())


def covered(periods: Periods, day: dt.date) -> bool:
    return any(start <= day <= end for start, end in periods)


def _sales(rows) -> list[Sale]:
    return [Sale(id=pk, direction=direction, buyer=own if direction == Direction.IN else other, date=date,
                 kg=quantity * KG_PER_UNIT[unit], amount=amount)
            for pk, direction, own, other, date, quantity, unit, amount in rows]


_COLUMNS = ("id", "direction", "enterprise__uscc", "counterparty_uscc", "date", "quantity", "unit", "amount")


def sales_rows(seller: str, chemical: Chemical, day: dt.date | None = None) -> list[Sale]:
    """Every row recording a sale of `chemical` by `seller`: buyers' inbound, seller's outbound."""
    qs = Flow.objects.filter(Q(direction=Direction.IN, counterparty_uscc=seller) |
                             Q(direction=Direction.OUT, enterprise__uscc=seller), chemical=chemical)
    if day is not None:
        qs = qs.filter(date=day)
    return _sales(qs.order_by("date", "id").values_list(*_COLUMNS))


def inbound_rows(buyer: str, chemical: Chemical) -> list[Sale]:
    """The buyer's own inbound rows of `chemical`."""
    qs = Flow.objects.filter(direction=Direction.IN, enterprise__uscc=buyer, chemical=chemical)
    return _sales(qs.order_by("date", "id").values_list(*_COLUMNS))


def sales(rows: list[Sale]) -> dict[tuple[str, dt.date], list[Sale]]:
    """The seller's sales, {(buyer, day): the rows counted}, each sale once."""
    inbound, outbound = defaultdict(list), defaultdict(list)
    for row in rows:
        (outbound if row.direction == Direction.OUT else inbound)[(row.buyer, row.date)].append(row)
    return {key: outbound.get(key) or inbound[key] for key in set(inbound) | set(outbound)}


# The rules, over plain rows --------------------------------------------------------

def unlicensed_seller(seller: str, chemical: Chemical, sold: dict, periods: Periods) -> Finding | None:
    """The seller's sales of the chemical on days no selling licence covered: gains and evidence."""
    gains, kg, evidence = Decimal(0), Decimal(0), []
    for (_buyer, day), rows in sold.items():
        if covered(periods, day):
            continue
        for row in rows:
            gains += row.amount
            kg += row.kg
            evidence.append(row.id)
    if not evidence:
        return None
    return Finding(kind=FindingKind.UNLICENSED_SELLER, key=f"unlicensed_seller:{seller}:{chemical.pk}",
                   party_uscc=seller, chemical=chemical, evidence=sorted(evidence), illegal_gains=gains,
                   quantity_t=kg / TONNE, summary=unlicensed_summary(seller, chemical.name, len(evidence), kg, gains))


def quantity_mismatch(seller: str, buyer: str, chemical: Chemical, day: dt.date, rows: list[Sale]) -> Finding | None:
    """The seller's outbound and the buyer's inbound rows of that pair, chemical and day
    disagree in total quantity (only when both sides recorded the day)."""
    rows = [r for r in rows if r.buyer == buyer and r.date == day]
    out_kg = sum((r.kg for r in rows if r.direction == Direction.OUT), Decimal(0))
    in_kg = sum((r.kg for r in rows if r.direction == Direction.IN), Decimal(0))
    if not out_kg or not in_kg or out_kg == in_kg:
        return None
    return Finding(kind=FindingKind.QUANTITY_MISMATCH,
                   key=f"quantity_mismatch:{seller}:{buyer}:{chemical.pk}:{day.isoformat()}",
                   party_uscc=seller, chemical=chemical, evidence=sorted(r.id for r in rows),
                   quantity_t=abs(out_kg - in_kg) / TONNE,
                   summary=mismatch_summary(day, chemical.name, buyer, out_kg, in_kg))


def use_outside_permit(buyer: str, chemical: Chemical, inbound: list[Sale], periods: Periods) -> Finding | None:
    """The buyer's inbound rows of a chemical that needs a permit (settings.HAZCHEM_PERMIT_FLAGS)
    on days no licence of its covered it."""
    if not chemical.requires_use_permit:
        return None
    rows = [r for r in inbound if not covered(periods, r.date)]
    if not rows:
        return None
    kg = sum((r.kg for r in rows), Decimal(0))
    return Finding(kind=FindingKind.USE_OUTSIDE_PERMIT, key=f"use_outside_permit:{buyer}:{chemical.pk}",
                   party_uscc=buyer, chemical=chemical, evidence=sorted(r.id for r in rows), quantity_t=kg / TONNE,
                   summary=outside_permit_summary(buyer, chemical.name, len(rows), kg))


def new_buyer_days(sold: dict, window: int, threshold: int) -> tuple[set[dt.date], dict[str, int], dict]:
    """The sale days on which at least `threshold` buyers had made their first purchase
    within the `window` days ending that day; with each buyer's first row and first day."""
    first: dict[str, dt.date] = {}
    first_row: dict[str, int] = {}
    for (buyer, day), group in sold.items():
        if buyer not in first or day < first[buyer]:
            first[buyer], first_row[buyer] = day, min(r.id for r in group)
    starts = sorted(first.values())
    days = {day for (_buyer, day) in sold}
    span = dt.timedelta(days=window)
    counts = {day: bisect_right(starts, day) - bisect_right(starts, day - span) for day in days}
    return {day for day, n in counts.items() if n >= threshold}, first_row, {"first": first, "counts": counts}


def many_new_buyers(seller: str, chemical: Chemical, sold: dict) -> tuple[Finding | None, set[dt.date]]:
    """The seller sold the chemical to at least HAZCHEM_NEW_BUYERS_THRESHOLD buyers whose
    first purchase from it fell within a window of HAZCHEM_NEW_BUYERS_WINDOW_DAYS ending on
    a sale day. The evidence is every such buyer's first row, over all such days."""
    window = settings.HAZCHEM_NEW_BUYERS_WINDOW_DAYS
    days, first_row, seen = new_buyer_days(sold, window, settings.HAZCHEM_NEW_BUYERS_THRESHOLD)
    if not days:
        return None, days
    span = dt.timedelta(days=window)
    new = {b for b, start in seen["first"].items() if any(start <= d < start + span for d in days)}
    peak = max(seen["counts"][d] for d in days)
    return Finding(kind=FindingKind.MANY_NEW_BUYERS, key=f"many_new_buyers:{seller}:{chemical.pk}",
                   party_uscc=seller, chemical=chemical, evidence=sorted(first_row[b] for b in new),
                   summary=new_buyers_summary(seller, chemical.name, window, peak, len(new))), days


# What a new row reveals ------------------------------------------------------------

def findings(flow: Flow) -> list[Finding]:
    """Everything the new row reveals (see the module's docstring)."""
    seller, buyer = sides(flow)
    chemical = flow.chemical
    rows = sales_rows(seller, chemical)
    sold = sales(rows)
    found = []
    periods = licence_periods(seller, chemical, SELLING_KINDS)
    if not covered(periods, flow.date):
        found.append(unlicensed_seller(seller, chemical, sold, periods))
    found.append(quantity_mismatch(seller, buyer, chemical, flow.date, rows))
    if flow.direction == Direction.IN and chemical.requires_use_permit:
        permits = licence_periods(buyer, chemical, USING_KINDS)
        if not covered(permits, flow.date):
            found.append(use_outside_permit(buyer, chemical, inbound_rows(buyer, chemical), permits))
    new_buyers, days = many_new_buyers(seller, chemical, sold)
    if flow.date in days:
        found.append(new_buyers)
    return [f for f in found if f is not None]
