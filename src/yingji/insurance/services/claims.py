"""The claim workflow: verify, then pay, by the insured region's officers or the policy's insurers."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ...core import audit
from ...core.choices import OrganizationKind, Role
from ...core.errors import DomainError, Forbidden
from ...core.scope import Scope
from ...core.services import save_audited
from ..choices import ClaimStatus
from ..models import (
    Claim,
)


def _claim_actor(by, claim: Claim) -> None:
    """Staff of an insurer that holds a lot of the policy (not read-only viewers), or
    government officers whose region covers the policy's region. Insurer staff are
    judged as insurers only, whatever region they sit in."""
    scope = Scope.for_user(by)
    policy = claim.event.policy
    person = getattr(by, "person", None)
    org = person.organization if person is not None and person.active and person.organization_id else None
    if org is not None and org.kind == OrganizationKind.INSURER:
        if person.role != Role.VIEWER and policy.lots.filter(insurer=org).exists():
            return
    elif scope.role in (Role.ADMIN, Role.OFFICER) and scope.covers_region(policy.region_id):
        return
    raise Forbidden("只有承保区域的工作人员或承保机构可以办理理赔",
                    "Only officers of the insured region or the policy's insurers may process claims")


def claim_can_process(*, by, claim: Claim) -> bool:
    """Whether `by` may verify or pay this claim (the rule of `_claim_actor`)."""
    try:
        _claim_actor(by, claim)
    except Forbidden:
        return False
    return True


def claim_verify(*, by, claim: Claim, verified_on: dt.date, note: str = "") -> Claim:
    """核定: the claim checked against the trigger event, on the day declared."""
    _claim_actor(by, claim)
    if claim.status != ClaimStatus.NOTIFIED:
        raise DomainError("只有已通知的理赔可以核定", "Only a notified claim can be verified",
                          fields={"status": claim.status}, code="conflict")
    _check_day(claim, verified_on, "verified_on", after=claim.notified_at)
    return _claim_step(by, claim, ClaimStatus.VERIFIED, "verify",
                       {"verified_on": verified_on, "verify_note": (note or "").strip()[:2000]})


def claim_pay(*, by, claim: Claim, paid_on: dt.date, voucher: str) -> Claim:
    """登记赔付: the payment made, on the day declared, with its voucher (凭证号)."""
    _claim_actor(by, claim)
    if claim.status != ClaimStatus.VERIFIED:
        raise DomainError("只有已核定的理赔可以登记赔付", "Only a verified claim can be paid",
                          fields={"status": claim.status}, code="conflict")
    voucher = (voucher or "").strip()
    if not voucher:
        raise DomainError("请填写赔付凭证号", "The payment voucher number is required",
                          fields={"voucher": "必填 / required"})
    if len(voucher) > 100:
        raise DomainError("赔付凭证号过长（最多 100 字）", "The voucher number is too long (at most 100 characters)",
                          fields={"voucher": "过长 / too long"})
    verified = timezone.localdate(claim.verified_at) if claim.verified_at else None
    _check_day(claim, paid_on, "paid_on", after=claim.notified_at, not_before=claim.verified_on or verified)
    return _claim_step(by, claim, ClaimStatus.PAID, "pay", {"paid_on": paid_on, "voucher": voucher})


def _check_day(claim: Claim, day, field: str, *, after: dt.datetime, not_before: dt.date | None = None) -> None:
    """A declared day is a date, not in the future, and not before the notice (or the
    previous step)."""
    if not isinstance(day, dt.date):
        raise DomainError("请填写日期", "A date is required", fields={field: "必填 / required"})
    today, earliest = timezone.localdate(), max(timezone.localdate(after), not_before or dt.date.min)
    if day > today:
        raise DomainError("日期不能晚于今天", "The date cannot be in the future",
                          fields={field: "晚于今天 / in the future"})
    if day < earliest:
        raise DomainError(f"日期不能早于 {earliest.isoformat()}（通知或核定之日）",
                          f"The date cannot be before {earliest.isoformat()} (the notice or the verification)",
                          fields={field: f"早于 {earliest.isoformat()} / before {earliest.isoformat()}"})


def _claim_step(by, claim: Claim, status: str, action: str, declared: dict) -> Claim:
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        before = audit.snapshot(claim)
        claim.status = status
        for name, value in declared.items():
            setattr(claim, name, value)
        now = timezone.now()
        if status == ClaimStatus.VERIFIED:
            claim.verified_at, claim.verified_by = now, by
        else:
            claim.paid_at, claim.paid_by = now, by
        return save_audited(claim, by=by, action=action, before=before, region_code=claim.event.policy.region_id)
