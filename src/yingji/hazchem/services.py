"""Every write of the hazardous-chemical app. Keyword-only, in a transaction,
scope-checked, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..core import audit
from ..core.errors import DomainError, Forbidden
from ..core.scope import SYSTEM, Scope, fits_database
from ..core.services import save_audited
from ..enterprises import uscc as uscc_codes
from ..enterprises.selectors import enterprises_in_scope
from . import reconcile, reconcile_run
from .choices import Direction, LicenceKind, Unit, WorkOrderState
from .models import Chemical, Flow, HazchemLicence, WorkOrder

MAX_QUANTITY = Decimal("1e10")
MAX_AMOUNT = Decimal("1e13")


def _bad(field: str, zh: str, en: str) -> DomainError:
    return DomainError(zh, en, fields={field: f"{zh} / {en}"})


def valid_uscc(value: str, field: str) -> str:
    try:
        return uscc_codes.validate(uscc_codes.normalise(value or ""))
    except uscc_codes.USCCError as exc:
        raise DomainError(exc.zh, exc.en, fields={field: f"{exc.zh} / {exc.en}"}) from None


def registered(uscc: str):
    """The register's enterprise of that USCC, whoever may see it (the reconciliation
    looks across regions), or None."""
    return enterprises_in_scope(scope=SYSTEM).select_related("region").filter(uscc=uscc).first()


def chemical_find(*, chemical_id: int | None = None, cas: str = "") -> Chemical:
    if chemical_id is not None:
        chem = Chemical.objects.filter(pk=chemical_id).first() if fits_database(chemical_id) else None
        if chem is None:
            raise _bad("chemical_id", "目录中没有该品名", "No such chemical in the catalogue")
        return chem
    cas = (cas or "").strip()
    if not cas:
        raise _bad("cas", "请填写CAS号或品名编号", "Give the CAS number or chemical_id")
    found = [c for c in Chemical.objects.filter(cas__contains=cas) if cas in c.cas_list]
    if not found:
        raise _bad("cas", "目录中没有该CAS号的危险化学品", "No listed hazardous chemical has that CAS number")
    if len(found) > 1:
        raise _bad("cas", f"该CAS号对应目录中 {len(found)} 个条目，请用 chemical_id 指定",
                   f"That CAS number matches {len(found)} entries; give chemical_id")
    return found[0]


# Licences -------------------------------------------------------------------------

@transaction.atomic
def licence_create(*, by, holder_uscc: str, kind: str, number: str, valid_from: dt.date, valid_to: dt.date,
                   authority: str, chemical_ids: list[int] | None = None, all_listed: bool = False) -> HazchemLicence:
    scope = Scope.for_user(by)
    scope.require_officer()
    code = valid_uscc(holder_uscc, "holder_uscc")
    holder = _in_jurisdiction(scope, enterprises_in_scope(scope=scope).filter(uscc=code),
                              registered(code), "holder_uscc")
    if kind not in LicenceKind.values:
        raise _bad("kind", "许可类型应为 production、trading 或 use", "kind must be production, trading or use")
    if valid_to < valid_from:
        raise _bad("valid_to", "有效期至不能早于有效期起", "valid_to cannot be before valid_from")
    ids = sorted(set(chemical_ids or []))
    if all_listed == bool(ids):
        raise _bad("chemical_ids", "请列出许可范围内的品名，或注明“全部列名品种”（二者选一）",
                   "List the chemicals, or set all_listed (one of the two)")
    chemicals = list(Chemical.objects.filter(pk__in=[i for i in ids if fits_database(i)]))
    if len(chemicals) != len(ids):
        missing = sorted(set(ids) - {c.pk for c in chemicals})[:5]
        raise _bad("chemical_ids", f"目录中没有这些品名：{missing}", f"Not in the catalogue: {missing}")
    if HazchemLicence.objects.filter(kind=kind, number=number).exists():
        raise _bad("number", "该类型的许可证编号已存在", "A licence of that kind and number already exists")
    licence = HazchemLicence(enterprise=holder, kind=kind, number=number.strip(), valid_from=valid_from,
                             valid_to=valid_to, authority=authority.strip(), all_listed=all_listed)
    save_audited(licence, by=by, action="hazchem.licence_create", before=None, region_code=holder.region_id)
    licence.chemicals.set(chemicals)
    return licence


# Flows ----------------------------------------------------------------------------

def recording_enterprise(*, scope: Scope, enterprise_id: int | None):
    """Whose flow it is: an enterprise user's own enterprise; an officer names one in
    their jurisdiction."""
    if scope.organization_id is not None:
        own = enterprises_in_scope(scope=scope).select_related("region").first()
        if own is None:
            raise Forbidden("您的账号未关联登记册中的企业",
                            "Your account is not linked to an enterprise of the register")
        if enterprise_id is not None and enterprise_id != own.pk:
            raise Forbidden("企业用户只能记录本企业的流向", "An enterprise user records only its own flows",
                            fields={"enterprise_id": "只能是本企业 / your own enterprise only"})
        return own
    scope.require_officer()
    if enterprise_id is None:
        raise _bad("enterprise_id", "请指定记录流向的企业", "Name the enterprise whose flow this is")
    if not fits_database(enterprise_id):
        raise _bad("enterprise_id", "登记册中没有该企业", "No such enterprise in the register")
    return _in_jurisdiction(scope, enterprises_in_scope(scope=scope).select_related("region").filter(pk=enterprise_id),
                            enterprises_in_scope(scope=SYSTEM).filter(pk=enterprise_id).first(), "enterprise_id")


def _in_jurisdiction(scope: Scope, mine, anywhere, field: str):
    """The enterprise in the caller's scope; one of the register outside it is a 403
    (as writing into another region is), one the register lacks a field error."""
    found = mine.first()
    if found is not None:
        return found
    if anywhere is not None:
        raise Forbidden("该企业不在您的管辖范围内", "That enterprise is outside your jurisdiction",
                        fields={field: "不在管辖范围内 / outside your jurisdiction"})
    raise _bad(field, "登记册中没有该企业", "No such enterprise in the register")


@transaction.atomic
def flow_record(*, by, direction: str, date: dt.date, quantity: Decimal, unit: str, counterparty_uscc: str,
                amount: Decimal, chemical_id: int | None = None, cas: str = "", enterprise_id: int | None = None,
                import_key: str = "") -> tuple[Flow, list[dict]]:
    """Record one flow and reconcile it at once; returns the flow and its findings
    (each `{"kind", "work_order_id", ...}`), the work orders opened or updated."""
    scope = Scope.for_user(by)
    enterprise = recording_enterprise(scope=scope, enterprise_id=enterprise_id)
    check_flow_values(direction=direction, date=date, quantity=quantity, unit=unit, amount=amount)
    chemical = chemical_find(chemical_id=chemical_id, cas=cas)
    counterparty = valid_uscc(counterparty_uscc, "counterparty_uscc")
    if counterparty == enterprise.uscc:
        raise _bad("counterparty_uscc", "对方不能是本企业", "The counterparty cannot be the enterprise itself")
    flow = Flow(enterprise=enterprise, direction=direction, date=date, chemical=chemical, quantity=quantity,
                unit=unit, counterparty_uscc=counterparty, counterparty=registered(counterparty), amount=amount,
                created_by=by if getattr(by, "is_authenticated", False) else None, import_key=import_key)
    save_audited(flow, by=by, action="hazchem.flow_record", before=None, region_code=enterprise.region_id)
    # One reconciliation of a chemical at a time (the catalogue row as the lock, held to
    # commit): a second recording waits and then sees the first's rows, so two sales
    # recorded at once cannot each leave the other out of the illegal gains. (Today the
    # audit chain's head row serialises audited writes anyway; this does not rely on it.)
    list(Chemical.objects.select_for_update().filter(pk=chemical.pk).values_list("pk", flat=True))
    return flow, [work_order_for(by=by, finding=f, flow=f_flow) for f, f_flow in
                  ((f, flow) for f in reconcile.findings(flow))]


def check_flow_values(*, direction: str, date: dt.date, quantity: Decimal, unit: str, amount: Decimal) -> None:
    if direction not in Direction.values:
        raise _bad("direction", "方向应为 in（购入）或 out（售出）", "direction must be in or out")
    if unit not in Unit.values:
        raise _bad("unit", "单位应为 t 或 kg", "unit must be t or kg")
    if not Decimal(0) < quantity < MAX_QUANTITY or quantity.as_tuple().exponent < -3:
        raise _bad("quantity", "数量应大于0，最多三位小数", "quantity must be above 0 with at most 3 decimals")
    if not Decimal(0) <= amount < MAX_AMOUNT or amount.as_tuple().exponent < -2:
        raise _bad("amount", "金额应为非负数，最多两位小数", "amount must be 0 or more with at most 2 decimals")
    today = timezone.localdate()
    if date > today or date.year < 2000:
        raise _bad("date", "日期不能晚于今天，也不能早于2000年", "date cannot be in the future or before 2000")


# Work orders ----------------------------------------------------------------------

def work_order_for(*, by, finding: reconcile.Finding, flow: Flow) -> dict:
    """Open the work order of a finding, or update the live one of the same key."""
    party = registered(finding.party_uscc)
    order = _write_order(by=by, finding=finding, party=party,
                         region_id=party.region_id if party is not None else flow.enterprise.region_id)
    return {"kind": finding.kind, "work_order_id": order.pk, "party_uscc": finding.party_uscc,
            "region": order.region_id, "illegal_gains": order.illegal_gains, "quantity_t": order.quantity_t,
            "summary": order.summary}


def _write_order(*, by, finding: reconcile.Finding, party, region_id: str) -> WorkOrder:
    try:
        with transaction.atomic():
            order = _save_order(by=by, finding=finding, party=party, region_id=region_id)
    except IntegrityError:
        # A concurrent recording opened the live order of this key first: update that one.
        order = _save_order(by=by, finding=finding, party=party, region_id=region_id)
    _add_evidence(order, finding.evidence)
    return order


def reconcile_all(*, by=None, timings: dict | None = None) -> dict[str, int]:
    """Reconcile every flow row at once (reconcile_run) and write the findings as work
    orders: a live order whose figures, text, party and region are unchanged is left
    alone (a nightly run over unchanged data writes nothing); a finding that has gone
    leaves its order for an officer to close."""
    found = reconcile_run.findings(timings)
    last_rows = _chunked_map(Flow.objects, "pk", [last for _f, last in found], "enterprise__region_id")
    parties = {e.uscc: e for e in _chunked(enterprises_in_scope(scope=SYSTEM), "uscc",
                                            [f.party_uscc for f, _last in found])}
    live = {o.key: o for o in _chunked(WorkOrder.objects.exclude(state=WorkOrderState.CLOSED), "key",
                                       [f.key for f, _last in found])}
    counts = {"findings": len(found), "opened": 0, "updated": 0, "unchanged": 0}
    # A hundred orders a transaction: fewer commits, and the audit chain's head is not
    # held for the whole run.
    for i in range(0, len(found), 100):
        with transaction.atomic():
            for finding, last in found[i:i + 100]:
                party = parties.get(finding.party_uscc)
                region_id = party.region_id if party is not None else last_rows[last]
                order = live.get(finding.key)
                if order is not None and _unchanged(order, finding, party, region_id):
                    counts["unchanged"] += 1
                    continue
                _write_order(by=by, finding=finding, party=party, region_id=region_id)
                counts["updated" if order is not None else "opened"] += 1
    return counts


def _unchanged(order: WorkOrder, finding: reconcile.Finding, party, region_id: str) -> bool:
    return (order.summary == finding.summary[:500] and order.illegal_gains == finding.illegal_gains
            and order.quantity_t == finding.quantity_t.quantize(Decimal("0.001"))
            and order.party_id == (party.pk if party is not None else None) and order.region_id == region_id
            and WorkOrder.evidence.through.objects.filter(workorder_id=order.pk).count() == len(finding.evidence))


_CHUNK = 500  # SQLite allows 999 variables in a statement


def _chunked(qs, field: str, values: list) -> list:
    values = sorted(set(values))
    return [row for i in range(0, len(values), _CHUNK) for row in qs.filter(**{f"{field}__in": values[i:i + _CHUNK]})]


def _chunked_map(qs, field: str, values: list, target: str) -> dict:
    values = sorted(set(values))
    return {k: v for i in range(0, len(values), _CHUNK)
            for k, v in qs.filter(**{f"{field}__in": values[i:i + _CHUNK]}).values_list(field, target)}


def _add_evidence(order: WorkOrder, flow_ids: list[int]) -> None:
    """Link the flow rows not yet linked, reading and writing the link table alone (a
    seller's thousands of rows: no join to the flows, no IN list of them all)."""
    through = WorkOrder.evidence.through
    linked = set(through.objects.filter(workorder_id=order.pk).values_list("flow_id", flat=True))
    through.objects.bulk_create([through(workorder_id=order.pk, flow_id=pk) for pk in flow_ids if pk not in linked],
                                batch_size=5000, ignore_conflicts=True)


def _save_order(*, by, finding: reconcile.Finding, party, region_id: str) -> WorkOrder:
    order = WorkOrder.objects.select_for_update().filter(key=finding.key).exclude(
        state=WorkOrderState.CLOSED).first()
    before = audit.snapshot(order) if order is not None else None
    if order is None:
        order = WorkOrder(key=finding.key, kind=finding.kind, chemical=finding.chemical,
                          due_at=timezone.now() + dt.timedelta(days=settings.HAZCHEM_WORK_ORDER_DAYS))
    order.party, order.party_uscc, order.region_id = party, finding.party_uscc, region_id
    order.summary = finding.summary[:500]
    order.illegal_gains, order.quantity_t = finding.illegal_gains, finding.quantity_t.quantize(Decimal("0.001"))
    return save_audited(order, by=by, before=before, region_code=region_id,
                        action="hazchem.work_order_update" if before else "hazchem.work_order_open")


# action → (the states it leaves, the state it reaches, the audit record's action)
_MOVES = {"accept": ({WorkOrderState.OPEN}, WorkOrderState.ACCEPTED, "hazchem.work_order_accept"),
          "close": ({WorkOrderState.OPEN, WorkOrderState.ACCEPTED}, WorkOrderState.CLOSED,
                    "hazchem.work_order_close"),
          "open_case": ({WorkOrderState.OPEN, WorkOrderState.ACCEPTED}, WorkOrderState.CASE_REQUESTED,
                        "hazchem.work_order_open_case")}


@transaction.atomic
def work_order_act(*, by, order: WorkOrder, action: str, reason: str = "") -> WorkOrder:
    """accept; close (with a reason); open_case: mark `case_requested`, which the
    enforcement app claims as a row (no call into it from here)."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(order.region_id)
    if action not in _MOVES:
        raise _bad("action", "请选择操作：受理、办结或转立案", "action must be accept, close or open_case")
    order = WorkOrder.objects.select_for_update().get(pk=order.pk)
    sources, target, audited_as = _MOVES[action]
    if order.state not in sources:
        raise DomainError(f"工单当前状态（{order.get_state_display()}）不能执行该操作",
                          f"A work order in state {order.state} cannot be {action}", code="conflict",
                          fields={"state": order.state})
    if action == "close" and not reason.strip():
        raise _bad("reason", "办结须填写理由", "Closing needs a reason")
    if action == "open_case" and order.party_id is None:
        raise _bad("action", "责任方不在企业登记册中，不能转立案；请先登记该企业",
                   "The party is not in the enterprise register; register it before opening a case")
    before = audit.snapshot(order)
    order.state = target
    if action == "close":
        order.close_reason = reason.strip()[:500]
    if action == "open_case":
        order.case_requested_by = by
    return save_audited(order, by=by, action=audited_as, before=before, region_code=order.region_id)


def case_requests_claim(*, limit: int = 50) -> list[WorkOrder]:
    """The work orders waiting for a case, locked for the caller's transaction (another
    worker skips them): enforcement claims them as rows, hazchem calls nothing."""
    return list(WorkOrder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(state=WorkOrderState.CASE_REQUESTED).select_related("party", "chemical", "case_requested_by")
                .order_by("id")[:limit])


def work_order_case_opened(*, order: WorkOrder, case_number: str) -> WorkOrder:
    """Enforcement has filed the case: the order records its number and ends there."""
    before = audit.snapshot(order)
    order.state, order.case_number = WorkOrderState.CASE_OPENED, case_number
    return save_audited(order, by=None, action="hazchem.work_order_case_opened", before=before,
                        region_code=order.region_id)


def work_order_case_refused(*, order: WorkOrder, reason: str) -> WorkOrder:
    """Enforcement could not file the case (the requester lost the region, the party left
    the register): back to accepted, with the reason, for an officer to act on."""
    before = audit.snapshot(order)
    order.state, order.case_note = WorkOrderState.ACCEPTED, f"立案未成功（case not opened）：{reason}"[:500]
    return save_audited(order, by=None, action="hazchem.work_order_case_refused", before=before,
                        region_code=order.region_id)
