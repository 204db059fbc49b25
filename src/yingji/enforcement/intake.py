"""Cases from the hazardous-chemical work orders (工单转立案). An officer asks for a case
on a work order's page; hazchem marks the order `case_requested` and calls nothing. This
tick claims those rows (locked, skipped by a second worker), files each case in the
requesting officer's name with the order's flow records as one piece of platform
evidence, and tells hazchem the case's number, all in one transaction: a crash files
nothing and leaves the request to be claimed again."""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone

from ..core.errors import DomainError
from ..hazchem import selectors as hazchem_selectors
from ..hazchem import services as hazchem
from .choices import EvidenceKind, SourceKind
from .services import case_open, evidence_add


def cases_from_work_orders(now=None) -> dict[str, list[int]]:
    opened, refused = [], []
    with transaction.atomic():
        for order in hazchem.case_requests_claim():
            try:
                with transaction.atomic():  # a refusal undoes this order's half-filed case only
                    case = _file(order)
            except DomainError as refusal:
                hazchem.work_order_case_refused(order=order, reason=str(refusal))
                refused.append(order.pk)
                continue
            hazchem.work_order_case_opened(order=order, case_number=case.number)
            opened.append(case.pk)
    return {"opened": opened, "refused": refused}


def _file(order):
    by = order.case_requested_by
    summary = (f"危化品工单 #{order.pk}：{order.summary}；违法所得（计算）{order.illegal_gains} 元，"
               f"数量 {order.quantity_t} 吨")
    case = case_open(by=by, source_kind=SourceKind.CHEMICAL_WORK_ORDER, source_id=order.pk,
                     party_uscc=order.party_uscc, summary=summary)
    flows = [{"id": f.pk, "enterprise": f.enterprise.uscc, "direction": f.direction, "date": f.date.isoformat(),
              "chemical": f.chemical.name, "cas": f.chemical.cas, "quantity": str(f.quantity), "unit": f.unit,
              "counterparty_uscc": f.counterparty_uscc, "amount": str(f.amount)}
             for f in hazchem_selectors.work_order_evidence(order=order)]
    record = {"work_order": order.pk, "kind": order.kind, "party_uscc": order.party_uscc,
              "chemical": order.chemical.name, "illegal_gains": str(order.illegal_gains),
              "quantity_t": str(order.quantity_t), "flows": flows}
    evidence_add(by=by, case=case, kind=EvidenceKind.PLATFORM,
                 content=json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"),
                 captured_at=timezone.now(), description=f"危化品工单 #{order.pk} 的流向记录（平台记录）",
                 original_name=f"hazchem-work-order-{order.pk}.json")
    return case
