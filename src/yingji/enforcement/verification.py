"""Verification enforcement (验证式执法) of major hazards: once the enterprise reports a
major hazard rectified, an officer schedules a check (a row with its `due_at`, which
the hourly tick reminds them of); the result is recorded once, and a failed check
opens a case from the hazard in the same transaction. Keyword-only, scope-checked,
audited, as services.py."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from ..core import audit
from ..core.errors import DomainError
from ..core.limits import plausible_year
from ..core.scope import Scope
from ..core.services import save_audited
from ..hazards import selectors as hazard_selectors
from . import services
from .choices import EvidenceKind, SourceKind, VerificationResult
from .models import Case, Verification

# The hazard states in which the enterprise has reported the rectification done
# (已提交验收) or it was accepted and closed (已销号): what a check verifies.
VERIFIABLE_STATES = {"submitted", "closed"}
# A check scheduled further ahead than this is taken for a typo.
MAX_DAYS_AHEAD = 366


def verification_list(*, scope: Scope, hazard_id: int | None = None, result: str = ""):
    qs = scope.filter(Verification.objects.select_related("hazard", "enterprise", "region", "case"))
    if hazard_id is not None:
        qs = qs.filter(hazard_id=hazard_id)
    if result:
        qs = qs.filter(result=result)
    return qs


def verification_get(*, scope: Scope, id: int) -> Verification:
    return scope.get(Verification.objects.select_related("hazard", "enterprise", "region", "case"), pk=id)


def of_hazard(*, scope: Scope, hazard_id: int) -> dict:
    """What enforcement holds about one hazard, for its page: the cases filed from it
    and its verification checks, each in the caller's scope."""
    cases = scope.filter(Case.objects.filter(hazard_id=hazard_id).select_related("enterprise"))
    return {"cases": list(cases.order_by("created_at", "id")),
            "verifications": list(verification_list(scope=scope, hazard_id=hazard_id))}


def verification_schedule(*, by, hazard_id: int, due_at: dt.datetime, note: str = "") -> Verification:
    """Schedule the check of a major hazard the enterprise reported rectified."""
    scope = services._officer(by)
    hazard = hazard_selectors.hazard_get(scope=scope, id=hazard_id)  # elsewhere: 404
    if hazard.enterprise_id is None:
        raise DomainError("风险点隐患不适用验证式执法", "A hazard at a risk point is not verified here",
                          fields={"hazard_id": "风险点隐患 / risk-point hazard"})
    scope.require_region(hazard.enterprise.region_id)
    if hazard.level != "major":
        raise services.InvalidTransition("只有重大隐患进行验证式执法核查", "Only major hazards are verified",
                                         fields={"hazard_id": "不是重大隐患 / not a major hazard"})
    if hazard.state not in VERIFIABLE_STATES:
        raise services.InvalidTransition("企业尚未报告整改完成，不能安排核查",
                                         "The enterprise has not reported the rectification done",
                                         fields={"hazard_id": "尚未报告整改完成 / not reported rectified"})
    if due_at is None or not plausible_year(due_at) or due_at <= timezone.now():
        raise DomainError("核查时间须晚于现在", "The check must be due in the future",
                          fields={"due_at": "须晚于现在 / must be in the future"})
    if due_at > timezone.now() + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise DomainError(f"核查时间不能晚于{MAX_DAYS_AHEAD}天后",
                          f"The check must be due within {MAX_DAYS_AHEAD} days",
                          fields={"due_at": "太远 / too far ahead"})
    row = Verification(hazard=hazard, region_id=hazard.enterprise.region_id, enterprise=hazard.enterprise,
                       due_at=due_at, note=(note or "").strip()[:500], scheduled_by=services._user(by))
    with transaction.atomic():
        save_audited(row, by=by, action="verification.schedule", before=None, region_code=row.region_id)
    return row


def verification_record(*, by, verification: Verification, result: str, findings: str = "",
                        evidence: bytes | None = None, evidence_name: str = "") -> Verification:
    """Record the check's result once; a failed check opens a case from the hazard
    (its party the hazard's enterprise), the evidence going with it."""
    scope = services._officer(by)
    scope.require_region(verification.region_id)
    if result not in (VerificationResult.PASSED, VerificationResult.FAILED):
        raise DomainError("请选择核查结果（通过或未通过）", "Give the result: passed or failed",
                          fields={"result": "必填 / required: passed, failed"})
    findings = (findings or "").strip()
    if result == VerificationResult.FAILED and not findings:
        raise DomainError("核查未通过时请填写核查情况", "Describe what the check found",
                          fields={"findings": "必填 / required"})
    if evidence is not None and len(evidence) > services.MAX_EVIDENCE_BYTES:
        raise DomainError("文件太大", "The file is too large", fields={"file": "太大 / too large"}, code="too_large")
    with transaction.atomic():
        row = Verification.objects.select_for_update().get(pk=verification.pk)
        if row.result != VerificationResult.PENDING:
            raise services.InvalidTransition("该核查已记录结果", "The check's result is already recorded",
                                             fields={"result": "已记录 / already recorded"})
        before = audit.snapshot(row)
        now = timezone.now()
        row.result, row.findings, row.recorded_at, row.recorded_by = result, findings[:2000], now, services._user(by)
        if evidence:
            row.evidence_sha256 = hashlib.sha256(evidence).hexdigest()
            row.evidence_name = (evidence_name or "")[:200]
            name = f"enforcement/verifications/{row.evidence_sha256[:2]}/{row.evidence_sha256}"
            row.evidence_file = default_storage.save(name, ContentFile(evidence))
        if result == VerificationResult.FAILED:
            row.case = _case_from(by, row, findings, evidence, evidence_name, now)
        save_audited(row, by=by, action="verification.record", before=before, region_code=row.region_id)
    return row


def _case_from(by, row: Verification, findings: str, evidence: bytes | None, evidence_name: str, now):
    hazard = row.hazard
    summary = f"重大事故隐患 {hazard.number} 经验证式执法核查未整改到位：{findings}"[:2000]
    case = services.case_open(by=by, source_kind=SourceKind.HAZARD, source_id=hazard.pk,
                              party_uscc=row.enterprise.uscc, summary=summary)
    if evidence:
        services.evidence_add(by=by, case=case, kind=EvidenceKind.PHOTO, content=evidence, captured_at=now,
                              description="验证式执法核查佐证", original_name=evidence_name)
    return case
