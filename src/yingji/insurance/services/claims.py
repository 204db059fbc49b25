"""The claim workflow: verify, then pay, by the insured region's officers or the policy's insurers."""

from __future__ import annotations

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


def claim_verify(*, by, claim: Claim) -> Claim:
    _claim_actor(by, claim)
    if claim.status != ClaimStatus.NOTIFIED:
        raise DomainError("只有已通知的理赔可以核定", "Only a notified claim can be verified",
                          fields={"status": claim.status}, code="conflict")
    return _claim_step(by, claim, ClaimStatus.VERIFIED, "verify")


def claim_pay(*, by, claim: Claim) -> Claim:
    _claim_actor(by, claim)
    if claim.status != ClaimStatus.VERIFIED:
        raise DomainError("只有已核定的理赔可以登记赔付", "Only a verified claim can be paid",
                          fields={"status": claim.status}, code="conflict")
    return _claim_step(by, claim, ClaimStatus.PAID, "pay")


def _claim_step(by, claim: Claim, status: str, action: str) -> Claim:
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        before = audit.snapshot(claim)
        claim.status = status
        now = timezone.now()
        if status == ClaimStatus.VERIFIED:
            claim.verified_at, claim.verified_by = now, by
        else:
            claim.paid_at, claim.paid_by = now, by
        return save_audited(claim, by=by, action=action, before=before, region_code=claim.event.policy.region_id)
