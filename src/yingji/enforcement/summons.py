"""Summons (约谈): record one, list them, and close its follow-up. Services like those
of services.py: keyword-only, scoped, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ..core import audit, regioncodes
from ..core.errors import DomainError
from ..core.models import Region
from ..core.scope import Scope
from ..core.services import save_audited
from . import services
from .models import Summons


def summons_record(*, by, summoned: str, reason: str, held_at: dt.datetime, commitments: str,
                   follow_up_days: int, region: str = "", party_uscc: str = "", attendees: str = "") -> Summons:
    scope = Scope.for_user(by)
    scope.require_officer()
    enterprise = None
    if party_uscc:
        enterprise = services.registered_party(party_uscc)
        region = enterprise.region_id
    if not region or not Region.objects.filter(pk=region).exists():
        raise DomainError("请给出区划或企业", "Give the region or the enterprise", fields={"region": "必填 / required"})
    scope.require_region(region)
    if held_at > timezone.now() + dt.timedelta(days=1):
        raise DomainError("约谈时间不能晚于明天", "The summons cannot be dated after tomorrow",
                          fields={"held_at": "无效 / invalid"})
    row = Summons(region_id=region, enterprise=enterprise, summoned=summoned.strip(), reason=reason,
                  held_at=held_at, attendees=attendees, commitments=commitments.strip(),
                  follow_up_due_at=held_at + dt.timedelta(days=follow_up_days),
                  created_by=by if by is not None and by.is_authenticated else None)
    with transaction.atomic():
        save_audited(row, by=by, action="summons.record", before=None, region_code=region)
    return row


def summons_follow_up(*, by, summons: Summons, outcome: str) -> Summons:
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(summons.region_id)
    if summons.followed_up_at is not None:
        raise services.InvalidTransition("跟踪已完成", "The follow-up is already done",
                                         fields={"outcome": "已记录 / already recorded"})
    before = audit.snapshot(summons)
    summons.followed_up_at, summons.follow_up_outcome = timezone.now(), outcome.strip()[:1000]
    with transaction.atomic():
        save_audited(summons, by=by, action="summons.follow_up", before=before, region_code=summons.region_id)
    return summons


def summons_list(*, scope: Scope, region: str = "", open_only: bool = False, done_only: bool = False,
                 reason: str = ""):
    qs = scope.filter(Summons.objects.select_related("region", "enterprise"))
    if region:
        low, high = regioncodes.subtree_bounds(region)
        qs = qs.filter(region_id__gte=low, region_id__lte=high)
    if open_only:
        qs = qs.filter(followed_up_at__isnull=True)
    if done_only:
        qs = qs.filter(followed_up_at__isnull=False)
    if reason:
        qs = qs.filter(reason=reason)
    return qs


def summons_get(*, scope: Scope, id: int) -> Summons:
    return scope.get(Summons.objects.all(), pk=id)
