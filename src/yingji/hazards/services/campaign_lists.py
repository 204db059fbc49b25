"""What officers keep for a campaign beside its figures: the negative list
(负面清单) they add enterprises to and remove them from, each time with a reason,
and each enterprise's outcome (规范 / 提升 / 关停 一批, 一企一策).

Only officers (and admins) write, and only for enterprises of the campaign's area
inside their own region; every write is audited."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ...core import audit, regioncodes
from ...core.errors import DomainError
from ...core.scope import Scope
from ...core.text import check_text_fields
from ..choices import CampaignOutcomeKind
from ..models import Campaign, CampaignOutcome, NegativeListEntry
from .registration import _enterprise_in_scope

REASON_MAX = 500


def _reason(text: str, field: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError("请填写原因", "Give the reason", fields={field: "必填 / required"})
    if len(text) > REASON_MAX:
        raise DomainError("原因过长（最多 500 字）", "The reason is too long (500 characters at most)",
                          fields={field: "过长 / too long"})
    return text


def _enterprise_of_campaign(scope: Scope, campaign: Campaign, enterprise_id):
    """An enterprise the caller may write for, inside the campaign's area."""
    scope.require_officer()
    scope.require_region(campaign.region_id)
    enterprise = _enterprise_in_scope(scope, enterprise_id)
    if not regioncodes.in_subtree(enterprise.region_id, campaign.region_id):
        raise DomainError("该企业不在专项整治的区域内", "The enterprise is outside the campaign's area",
                          fields={"enterprise_id": "不在整治区域内 / outside the campaign's area"})
    return enterprise


# Negative list -------------------------------------------------------------------

def negative_entry_add(*, by, campaign: Campaign, enterprise_id: int, reason: str) -> NegativeListEntry:
    """Put an enterprise on the campaign's negative list, with the reason."""
    scope = Scope.for_user(by)
    enterprise = _enterprise_of_campaign(scope, campaign, enterprise_id)
    entry = NegativeListEntry(campaign=campaign, enterprise=enterprise, reason=_reason(reason), added_by=by)
    _full_clean(entry)
    if NegativeListEntry.objects.filter(campaign=campaign, enterprise=enterprise, removed_at__isnull=True).exists():
        raise _already_listed()
    try:
        with transaction.atomic():
            entry.save()
            audit.record(actor=by, action="campaign.negative_add", obj=entry, region_code=enterprise.region_id,
                         after=audit.snapshot(entry))
    except IntegrityError:  # listed by someone else in the meantime (the partial unique constraint)
        raise _already_listed() from None
    return entry


def _already_listed() -> DomainError:
    return DomainError("该企业已在负面清单中", "The enterprise is already on the negative list",
                       fields={"enterprise_id": "已列入 / already listed"}, code="conflict")


def negative_entry_remove(*, by, entry: NegativeListEntry, reason: str) -> NegativeListEntry:
    """Take an enterprise off the list: the row stays, with who removed it, when and why."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(entry.enterprise.region_id)
    reason = _reason(reason)
    with transaction.atomic():
        entry = NegativeListEntry.objects.select_for_update().select_related("enterprise").get(pk=entry.pk)
        if entry.removed_at is not None:
            raise DomainError("该企业已移出负面清单", "The enterprise was already removed from the list",
                              fields={"entry": "已移出 / already removed"}, code="conflict")
        before = audit.snapshot(entry)
        entry.removed_by, entry.removed_at, entry.removed_reason = by, timezone.now(), reason
        _full_clean(entry)
        entry.save(update_fields=["removed_by", "removed_at", "removed_reason"])
        audit.record(actor=by, action="campaign.negative_remove", obj=entry,
                     region_code=entry.enterprise.region_id, before=before, after=audit.snapshot(entry))
    return entry


# Outcomes (一企一策) ----------------------------------------------------------------

def campaign_outcome_set(*, by, campaign: Campaign, enterprise_id: int, outcome: str, measures: str,
                         responsible: str, due_at: dt.date) -> CampaignOutcome:
    """Decide (or change) what the campaign does with one enterprise, with its plan."""
    scope = Scope.for_user(by)
    enterprise = _enterprise_of_campaign(scope, campaign, enterprise_id)
    if outcome not in CampaignOutcomeKind.values:
        raise DomainError("整治结果无效", "Invalid outcome", fields={"outcome": "规范 / 提升 / 关停"})
    if due_at < campaign.start:
        raise DomainError("完成期限不能早于整治开始日期", "The deadline cannot be before the campaign's start",
                          fields={"due_at": "早于开始日期 / before the start"})
    row = CampaignOutcome.objects.filter(campaign=campaign, enterprise=enterprise).first()
    before = audit.snapshot(row) if row is not None else None
    row = row or CampaignOutcome(campaign=campaign, enterprise=enterprise)
    row.outcome, row.measures, row.responsible = outcome, (measures or "").strip(), (responsible or "").strip()
    row.due_at, row.set_by = due_at, by
    _full_clean(row)
    with transaction.atomic():
        row.save()
        audit.record(actor=by, action="campaign.outcome_set", obj=row, region_code=enterprise.region_id,
                     before=before, after=audit.snapshot(row))
    return row


def campaign_outcome_complete(*, by, outcome: CampaignOutcome, done_on: dt.date, note: str = "") -> CampaignOutcome:
    """Record that the plan was carried out, on the day given."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(outcome.enterprise.region_id)
    if done_on < outcome.campaign.start:
        raise DomainError("完成日期不能早于整治开始日期", "The day done cannot be before the campaign's start",
                          fields={"done_on": "早于开始日期 / before the start"})
    before = audit.snapshot(outcome)
    outcome.done_on, outcome.done_note = done_on, (note or "").strip()
    _full_clean(outcome)
    with transaction.atomic():
        outcome.save(update_fields=["done_on", "done_note", "updated_at"])
        audit.record(actor=by, action="campaign.outcome_done", obj=outcome,
                     region_code=outcome.enterprise.region_id, before=before, after=audit.snapshot(outcome))
    return outcome


def _full_clean(row) -> None:
    """The model's own checks and the characters no typed text holds (core.text:
    control characters, noncharacters), as field errors; the campaign, the
    enterprise and who acts are checked already, the pair's uniqueness by the callers."""
    try:
        row.full_clean(exclude=["campaign", "enterprise", "set_by", "added_by", "removed_by"],
                       validate_unique=False, validate_constraints=False)
        check_text_fields(row)
    except ValidationError as exc:
        fields = {name: "；".join(str(m) for m in messages) for name, messages in exc.message_dict.items()}
        raise DomainError("输入有误", "Invalid input", fields=fields) from None
