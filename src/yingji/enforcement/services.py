"""Every write of enforcement: open a case, move it through its steps, decide with the
discretion rules, transfer it to the police, store and verify evidence. Keyword-only,
in a transaction, audited; region scope checked here before anything is written."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ..core import audit
from ..core.errors import DomainError, NotFound
from ..core.scope import SYSTEM, Scope
from ..core.services import save_audited
from ..enterprises import selectors as enterprise_selectors
from ..hazards import selectors as hazard_selectors
from . import discretion
from .choices import (
    REOPENING_CHECK_DAYS,
    STEP_DAYS,
    TRANSFER_FROM,
    TRANSITIONS,
    Action,
    CustodyAction,
    EvidenceKind,
    Party,
    SourceKind,
    Step,
)
from .models import Case, CaseStep, CustodyEvent, Decision, Evidence, PoliceTransfer, StopOrder

# Evidence files above this are refused (a video of an inspection fits; a disk image does not).
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


class InvalidTransition(DomainError):
    """An action the case's step does not allow now (HTTP 409)."""

    status = 409
    code = "invalid_transition"


def _user(by):
    return by if by is not None and by.is_authenticated else None


def _officer(by) -> Scope:
    scope = Scope.for_user(by)
    scope.require_officer()
    return scope


# Cases ---------------------------------------------------------------------------------

def registered_party(uscc: str):
    """The enterprise of that USCC, or a field error. USCCs are public (the national credit
    register): the whole register is searched, so that a party outside the caller's region
    answers 403 at the region check that follows, not "unknown"."""
    enterprise = enterprise_selectors.enterprises_in_scope(scope=SYSTEM).filter(
        uscc=(uscc or "").strip().upper()).first()
    if enterprise is None:
        raise DomainError("登记册中没有该统一社会信用代码的企业", "No enterprise of that USCC in the register",
                          fields={"party_uscc": "未找到 / not found"})
    return enterprise


def source_hazard(scope: Scope, source_id: int):
    """The hazard a case from a hazard names, in the caller's scope, or a field error
    (the same whether it exists elsewhere or not)."""
    try:
        hazard = hazard_selectors.hazard_get(scope=scope, id=source_id)
    except NotFound:
        raise DomainError("您的管辖范围内没有该隐患", "No such hazard in your jurisdiction",
                          fields={"source_id": "未找到 / not found"}) from None
    if hazard.enterprise_id is None:
        raise DomainError("风险点隐患没有当事单位，不能立案", "A hazard at a risk point has no party to file against",
                          fields={"source_id": "无当事单位 / no party"})
    return hazard


def case_open(*, by, source_kind: str, summary: str, party_uscc: str = "", source_id: int | None = None,
              always_stop: bool = False, always_heavier: bool = False) -> Case:
    """File a case (立案) against the enterprise of that USCC, in its region: the filing
    step is done at once and the investigation opens with its deadline. A case from a
    hazard names it by `source_id` and is linked to it; its party is then the hazard's
    enterprise unless another USCC is given."""
    scope = _officer(by)
    if source_kind not in SourceKind.values:
        raise DomainError("案件来源无效", "Unknown source kind", fields={"source_kind": "无效 / invalid"})
    # A hazard case without source_id stays possible (a hazard found before or outside
    # the register, as the cases filed so far); once named, the hazard must be in scope.
    hazard = source_hazard(scope, source_id) if source_kind == SourceKind.HAZARD and source_id else None
    if hazard is not None and not (party_uscc or "").strip():
        party_uscc = hazard.enterprise.uscc
    if not (party_uscc or "").strip():
        raise DomainError("请填写当事单位的统一社会信用代码", "Give the party's USCC",
                          fields={"party_uscc": "必填 / required"})
    enterprise = registered_party(party_uscc)
    scope.require_region(enterprise.region_id)
    if not summary.strip():
        raise DomainError("请填写案情摘要", "Give the case summary", fields={"summary": "必填 / required"})
    now = timezone.now()
    case = Case(region_id=enterprise.region_id, enterprise=enterprise, party_uscc=enterprise.uscc,
                source_kind=source_kind, source_id=source_id, hazard=hazard, summary=summary.strip(),
                always_stop=always_stop, always_heavier=always_heavier, created_by=_user(by), created_at=now)
    with transaction.atomic():
        save_audited(case, by=by, action="case.open", before=None, region_code=case.region_id)
        Case.objects.filter(pk=case.pk).update(number=f"{now:%Y}-{case.region_id[:6]}-{case.pk:05d}")
        case.number = f"{now:%Y}-{case.region_id[:6]}-{case.pk:05d}"
        filing = _open_step(case, Step.FILING, now)
        _complete(filing, by=by, note="", at=now)
        case.state = Step.INVESTIGATION
        Case.objects.filter(pk=case.pk).update(state=case.state)
        _open_step(case, Step.INVESTIGATION, now)
    return case


def _open_step(case: Case, step: str, now: dt.datetime) -> CaseStep:
    days = STEP_DAYS.get(step)
    return CaseStep.objects.create(case=case, step=step, opened_at=now,
                                   due_at=now + dt.timedelta(days=days) if days else None)


def _complete(step: CaseStep, *, by, note: str, at: dt.datetime) -> None:
    step.completed_at, step.completed_by, step.note = at, _user(by), note[:500]
    step.save(update_fields=["completed_at", "completed_by", "note"])


def allowed_actions(case: Case) -> list[str]:
    actions = [a.value for a, (need, _) in TRANSITIONS.items() if need == case.state and a != Action.INVESTIGATE]
    if case.state in TRANSFER_FROM:
        actions.append(Action.TRANSFER.value)
    return actions


def case_act(*, by, case: Case, action: str, note: str = "", decisions: list[dict] | None = None,
             decided_on: dt.date | None = None, agency: str = "", evidence_ids: list[int] | None = None,
             stop_production: bool = False) -> Case:
    """Complete the case's current step with `action` and open the next one."""
    scope = _officer(by)
    scope.require_region(case.region_id)
    if action not in Action.values:
        raise DomainError("未知的操作", f"Unknown action {action!r}", fields={"action": "无效 / invalid"},
                          code="unknown_action")
    if action not in allowed_actions(case):
        raise InvalidTransition(
            f"案件处于“{Step(case.state).label}”环节，不能执行该操作",
            f"The case is at step {case.state!r}; {action!r} is not allowed now "
            f"(allowed: {', '.join(allowed_actions(case)) or 'none'})",
            fields={"action": "当前环节不允许 / not allowed at this step"})
    now = timezone.now()
    before = audit.snapshot(case)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if action not in allowed_actions(case):  # someone else moved it meanwhile
            raise InvalidTransition("案件环节已变化，请刷新", "The case moved on meanwhile; reload",
                                    fields={"action": "当前环节不允许 / not allowed at this step"})
        current = case.steps.filter(step=case.state, completed_at__isnull=True).last()
        if action == Action.DECIDE:
            _decide(case, by=by, decisions=decisions or [], decided_on=decided_on or timezone.localdate(),
                    stop_production=stop_production, now=now)
        if action == Action.TRANSFER:
            _transfer(case, by=by, agency=agency, reason=note, evidence_ids=evidence_ids or [], now=now)
            target = Step.TRANSFERRED
        else:
            target = TRANSITIONS[Action(action)][1]
        if current is not None:
            _complete(current, by=by, note=note, at=now)
        case.state = target
        if target in (Step.CLOSED, Step.TRANSFERRED):
            case.closed_at = now
        else:
            _open_step(case, target, now)
        case.save(update_fields=["state", "closed_at"])
        audit.record(actor=by, action=f"case.{action}", obj=case, region_code=case.region_id, before=before,
                     after=audit.snapshot(case))
    return case


# Decisions -----------------------------------------------------------------------------

def facts_from(raw: dict, *, decided_on: dt.date) -> discretion.Facts:
    """The discretion facts from an API body (unknown keys refused by the schema)."""
    given = {k: v for k, v in raw.items() if v is not None and k not in ("party_name",)}
    for name in ("illegal_gains", "sales_revenue"):
        if name in given:
            given[name] = Decimal(str(given[name]))
    if "mitigations" in given:
        given["mitigations"] = tuple(given["mitigations"])
    return discretion.Facts(decided_on=decided_on, **given)


def preview(*, facts: list[dict], decided_on: dt.date) -> list[discretion.Evaluation]:
    """The discretion rules applied to the facts given, deciding nothing."""
    try:
        return [discretion.evaluate(facts_from(f, decided_on=decided_on)) for f in facts]
    except discretion.RuleError as exc:
        raise DomainError(exc.zh, exc.en, fields={exc.field or "facts": "无效 / invalid"}) from exc


def _decide(case: Case, *, by, decisions: list[dict], decided_on: dt.date, stop_production: bool,
            now: dt.datetime) -> None:
    if not decisions:
        raise DomainError("请至少给出一项处罚决定", "Give at least one decision",
                          fields={"decisions": "必填 / required"})
    parties = [d.get("party", Party.ENTERPRISE) for d in decisions]
    if len(set(parties)) != len(parties):
        raise DomainError("同一类当事人只能有一项决定", "One decision per kind of party",
                          fields={"decisions": "重复 / duplicate party"})
    for raw, evaluation in zip(decisions, preview(facts=decisions, decided_on=decided_on), strict=True):
        name = (raw.get("party_name") or "").strip() or (
            case.enterprise.name if evaluation and raw.get("party", "enterprise") == Party.ENTERPRISE else "")
        if not name:
            raise DomainError("请填写当事人姓名", "Name the person penalised",
                              fields={"decisions.party_name": "必填 / required"})
        row = Decision(case=case, party=raw.get("party", Party.ENTERPRISE), party_name=name,
                       provision=evaluation.provision, rule_version=evaluation.rule_version,
                       general_version=evaluation.general_version, tier=evaluation.tier, fine=evaluation.fine,
                       confiscated=evaluation.confiscated, no_penalty=evaluation.no_penalty,
                       measures=evaluation.measures, reasons=[asdict(r) for r in evaluation.reasons],
                       facts={k: str(v) if isinstance(v, Decimal) else v for k, v in raw.items()},
                       decided_on=decided_on, decided_by=_user(by))
        save_audited(row, by=by, action="decision.create", before=None, region_code=case.region_id)
        stop_production = stop_production or "stop_production" in evaluation.measures
    if stop_production or case.always_stop:
        order = StopOrder(case=case, ordered_at=now, check_due_at=now + dt.timedelta(days=REOPENING_CHECK_DAYS))
        save_audited(order, by=by, action="stop_order.create", before=None, region_code=case.region_id)


def reopening_check(*, by, order: StopOrder, outcome: str) -> StopOrder:
    """Record the reopening check (回头看) of a stop-production order."""
    scope = _officer(by)
    scope.require_region(order.case.region_id)
    if order.checked_at is not None:
        raise InvalidTransition("已完成回头看", "The reopening check is already recorded",
                                fields={"outcome": "已记录 / already recorded"})
    if not outcome.strip():
        raise DomainError("请填写回头看结果", "Give the check's outcome", fields={"outcome": "必填 / required"})
    before = audit.snapshot(order)
    order.checked_at, order.check_outcome = timezone.now(), outcome.strip()[:500]
    with transaction.atomic():
        save_audited(order, by=by, action="stop_order.check", before=before, region_code=order.case.region_id)
    return order


def _transfer(case: Case, *, by, agency: str, reason: str, evidence_ids: list[int], now: dt.datetime) -> None:
    if not agency.strip() or not reason.strip():
        raise DomainError("请填写接收的公安机关和移送理由", "Name the police agency and the reason",
                          fields={"agency": "必填 / required", "note": "必填 / required"})
    items = list(case.evidence.filter(pk__in=evidence_ids))
    if len(items) != len(set(evidence_ids)):
        raise DomainError("证据不属于本案", "Evidence not of this case", fields={"evidence_ids": "无效 / invalid"})
    transfer = PoliceTransfer(case=case, agency=agency.strip(), reason=reason.strip(), transferred_at=now,
                              transferred_by=_user(by))
    save_audited(transfer, by=by, action="case.transfer", before=None, region_code=case.region_id)
    transfer.evidence.set(items)
    CustodyEvent.objects.bulk_create([CustodyEvent(evidence=e, action=CustodyAction.TRANSFERRED, at=now,
                                                   by=_user(by)) for e in items])


# Evidence ------------------------------------------------------------------------------

def evidence_add(*, by, case: Case, kind: str, content: bytes, captured_at: dt.datetime, place: str = "",
                 description: str = "", original_name: str = "") -> Evidence:
    """Store one item with its SHA-256 (computed here, from the bytes stored)."""
    scope = _officer(by)
    scope.require_region(case.region_id)
    if case.state in (Step.CLOSED, Step.TRANSFERRED):
        raise InvalidTransition("案件已结束，不能再添加证据", "The case has ended; no more evidence",
                                fields={"file": "案件已结束 / case ended"})
    if kind not in EvidenceKind.values:
        raise DomainError("证据类别无效", "Unknown evidence kind", fields={"kind": "无效 / invalid"})
    if not content:
        raise DomainError("文件为空", "The file is empty", fields={"file": "为空 / empty"})
    if len(content) > MAX_EVIDENCE_BYTES:
        raise DomainError("文件太大", f"The file is larger than {MAX_EVIDENCE_BYTES // 2**20} MiB",
                          fields={"file": "太大 / too large"}, code="too_large")
    if captured_at > timezone.now() + dt.timedelta(minutes=5):
        raise DomainError("采集时间不能晚于现在", "Capture time cannot be in the future",
                          fields={"captured_at": "无效 / invalid"})
    digest = hashlib.sha256(content).hexdigest()
    item = Evidence(case=case, kind=kind, size=len(content), sha256=digest, captured_at=captured_at,
                    place=place[:200], description=description[:500], original_name=original_name[:200],
                    added_by=_user(by))
    with transaction.atomic():
        item.file.save(digest, ContentFile(content), save=False)
        item.full_clean()
        item.save()
        audit.record(actor=by, action="evidence.add", obj=item, region_code=case.region_id, after={
            "case": case.pk, "kind": kind, "file": item.file.name, "size": item.size, "sha256": digest,
            "captured_at": captured_at.isoformat(), "place": item.place})
        CustodyEvent.objects.create(evidence=item, action=CustodyAction.ADDED, at=item.added_at, by=_user(by))
    return item


def file_sha256(item: Evidence) -> str | None:
    """The hash of the file as stored now, or None if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with item.file.storage.open(item.file.name, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def evidence_verify(*, by, case: Case) -> dict:
    """Recompute every item's hash against the one recorded when it was stored; each
    check is a custody event."""
    now, rows = timezone.now(), []
    for item in case.evidence.all():
        actual = file_sha256(item)
        intact = actual == item.sha256
        rows.append({"id": item.pk, "sha256": item.sha256, "actual_sha256": actual or "", "intact": intact})
        CustodyEvent.objects.create(evidence=item, action=CustodyAction.VERIFIED, at=now, by=_user(by), intact=intact)
    return {"intact": all(r["intact"] for r in rows), "items": rows}


def evidence_export(*, by, item: Evidence) -> bytes:
    """The stored bytes, for download; the export is a custody event. A file that no
    longer matches its hash is refused, so an altered copy never leaves as evidence."""
    with item.file.storage.open(item.file.name, "rb") as f:
        content = f.read()
    if hashlib.sha256(content).hexdigest() != item.sha256:
        raise DomainError("证据文件与入库时的哈希不一致", "The evidence file no longer matches its hash",
                          code="evidence_altered")
    CustodyEvent.objects.create(evidence=item, action=CustodyAction.EXPORTED, by=_user(by))
    return content
