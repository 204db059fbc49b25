"""Inspections (检查), with the hazards their checklist's "no" answers register, and
campaigns (专项行动)."""

import datetime as dt

from django.db import transaction

from ...core import audit
from ...core.errors import DomainError
from ...core.scope import Scope, fits_database
from ...core.services import save_audited
from ...enterprises.selectors import tag_find
from ..choices import (
    Answer,
    HazardLevel,
    HazardSource,
    InspectionKind,
)
from ..models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    Hazard,
    Inspection,
    InspectionAnswer,
)
from .registration import (
    _enterprise_in_scope,
    _person_in_scope,
    _person_of,
    deadline_days,
    hazard_register,
)

# Inspections -------------------------------------------------------------------

def inspection_create(*, by, enterprise_id: int, kind: str, date: dt.date, template_code: str = "",
                      answers: list[dict] = (), inspector_ids: list[int] = (), campaign_id: int | None = None,
                      note: str = "", no_hazard_found: bool = False) -> Inspection:
    """Record an inspection; every "no" answer registers a hazard pre-filled from its
    item (major when the item says so), with the default rectification period.
    Self-inspections (自查自纠) are the enterprise's; the others officers'.

    An inspection with no item answered would enter the ledger as "未发现隐患" though
    nothing was checked: it is refused unless the inspector confirms, with
    `no_hazard_found`, that the visit found nothing (an inspection without a checklist)."""
    scope = Scope.for_user(by)
    if kind == InspectionKind.SELF:
        scope.require_writer()
    else:
        scope.require_officer()
    enterprise = _enterprise_in_scope(scope, enterprise_id)
    template = _template(template_code)
    campaign = _campaign_in_scope(scope, campaign_id)
    if campaign is not None and not enterprise.region_id.startswith(campaign.region_id):
        raise DomainError("该企业不在专项整治范围内", "The enterprise is outside the campaign's region",
                          fields={"campaign_id": "范围不符 / outside the campaign"})
    inspectors = [_person_in_scope(scope, pk, "inspector_ids") for pk in inspector_ids]
    if not inspectors and _person_of(by) is not None:
        inspectors = [_person_of(by)]
    items = _answered_items(template, answers)
    if not items and not no_hazard_found:
        raise DomainError("未填写任何检查项：请至少回答一项，或确认“未发现隐患”",
                          "No checklist item answered: answer at least one, or confirm that no hazard was found",
                          fields={"answers": "至少回答一项 / answer at least one item"})
    inspection = Inspection(enterprise=enterprise, region_id=enterprise.region_id, kind=kind, date=date,
                            template=template, campaign=campaign, note=note)
    inspection.full_clean()
    with transaction.atomic():
        inspection.save()
        inspection.inspectors.set(inspectors)
        for item, answer, answer_note in items:
            InspectionAnswer.objects.create(inspection=inspection, item=item, answer=answer, note=answer_note)
        audit.record(actor=by, action="inspection.create", obj=inspection, region_code=inspection.region_id,
                     after=audit.snapshot(inspection))
        for item, answer, answer_note in items:
            if answer == Answer.NO:
                _hazard_from_item(by, inspection, item, answer_note)
    return inspection


def _hazard_from_item(by, inspection: Inspection, item: ChecklistItem, note: str) -> Hazard:
    level = HazardLevel.MAJOR if item.major_if_no else HazardLevel.GENERAL
    source = HazardSource.SELF_INSPECTION if inspection.kind == InspectionKind.SELF else HazardSource.INSPECTION
    description = f"{item.text}：不符合" + (f"。{note}" if note else "")
    return hazard_register(
        by=by, enterprise_id=inspection.enterprise_id, description=description, level=level, source=source,
        category=item.category, found_on=inspection.date,
        deadline=inspection.date + dt.timedelta(days=deadline_days(level)),
        inspection=inspection, item=item, campaign=inspection.campaign,
    )


def _template(code: str) -> ChecklistTemplate | None:
    if not code:
        return None
    template = ChecklistTemplate.objects.filter(code=code).first()
    if template is None:
        raise DomainError("检查表不存在", "Unknown checklist", fields={"template": "不存在 / not found"})
    return template


def _answered_items(template: ChecklistTemplate | None, answers) -> list[tuple]:
    if answers and template is None:
        raise DomainError("有检查结果时必须指定检查表", "Answers need a checklist",
                          fields={"template": "必填 / required"})
    if template is None:
        return []
    items = {i.code: i for i in template.items.all()}
    result, seen = [], set()
    for row in answers:
        code, answer = row.get("item"), row.get("answer")
        if code not in items or code in seen:
            raise DomainError(f"检查项 {code} 不在检查表中或重复", f"Item {code} is not in the checklist or repeated",
                              fields={"answers": f"{code}: 无效 / invalid"})
        if answer not in Answer.values:
            raise DomainError(f"检查项 {code} 的结果无效", f"Invalid answer for item {code}",
                              fields={"answers": f"{code}: 无效 / invalid"})
        seen.add(code)
        result.append((items[code], answer, (row.get("note") or "")[:500]))
    return result


# Campaigns ---------------------------------------------------------------------

def campaign_create(*, by, name: str, region_code: str, start: dt.date, end: dt.date, industry: str = "",
                    tag: str = "", template_code: str = "", description: str = "") -> Campaign:
    scope = Scope.for_user(by)
    scope.require_officer()
    tag_row = _campaign_checks(scope, region_code=region_code, start=start, end=end, tag=tag)
    campaign = Campaign(name=name, region_id=region_code, start=start, end=end, industry=industry, tag=tag_row,
                        template=_template(template_code), description=description)
    campaign.full_clean()
    with transaction.atomic():
        campaign.save()
        audit.record(actor=by, action="campaign.create", obj=campaign, region_code=region_code,
                     after=audit.snapshot(campaign))
    return campaign


def campaign_update(*, by, campaign: Campaign, name: str, region_code: str, start: dt.date, end: dt.date,
                    industry: str = "", tag: str = "", template_code: str = "", description: str = "") -> Campaign:
    """Change a campaign, with the checks of `campaign_create`, within the caller's
    region before and after."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(campaign.region_id)
    tag_row = _campaign_checks(scope, region_code=region_code, start=start, end=end, tag=tag)
    before = audit.snapshot(campaign)
    campaign.name, campaign.region_id, campaign.start, campaign.end = name, region_code, start, end
    campaign.industry, campaign.tag, campaign.description = industry, tag_row, description
    campaign.template = _template(template_code)
    with transaction.atomic():
        return save_audited(campaign, by=by, action="update", before=before, region_code=region_code)


def _campaign_checks(scope: Scope, *, region_code: str, start: dt.date, end: dt.date, tag: str):
    """What every campaign write checks; the tag row, or None."""
    scope.require_region(region_code)
    if end < start:
        raise DomainError("结束日期不能早于开始日期", "The end cannot be before the start",
                          fields={"end": "无效 / invalid"})
    if not tag:
        return None
    tag_row = tag_find(name=tag)
    if tag_row is None:
        raise DomainError("标签不存在", "Unknown tag", fields={"tag": "不存在 / not found"})
    return tag_row


def _campaign_in_scope(scope: Scope, campaign_id) -> Campaign | None:
    if campaign_id is None:
        return None
    row = scope.filter(Campaign.objects.filter(pk=campaign_id)).first() if fits_database(campaign_id) else None
    if row is None and scope.organization_id is not None:
        # Enterprise users see no campaigns, but their self-inspection may answer one
        # that covers their region.
        row = Campaign.objects.filter(pk=campaign_id).first() if fits_database(campaign_id) else None
    if row is None:
        raise DomainError("专项整治不存在", "Campaign not found", fields={"campaign_id": "不存在 / not found"})
    return row
