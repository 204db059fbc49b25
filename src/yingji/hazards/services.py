"""Every write of hazard work: registration, the closed-loop transitions, evidence,
inspections and campaigns. Each runs in a transaction, checks the caller's scope and
role, appends to the hazard's timeline and writes an audit record.

Who may do what: officers (and admins) register, accept, return, escalate and
downgrade; the enterprise's own users, or officers on their behalf, report, plan,
start, submit and fix on the spot; only a bureau above the hazard's county lists it
for supervision (挂牌督办) and removes the listing (摘牌).
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..core import audit
from ..core.choices import Role
from ..core.errors import DomainError, Forbidden
from ..core.models import Person
from ..core.scope import Scope, fits_database
from ..enterprises.models import Enterprise
from .choices import (
    Answer,
    HazardAction,
    HazardLevel,
    HazardSource,
    HazardState,
    InspectionKind,
)
from .models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    Evidence,
    Hazard,
    HazardEvent,
    Inspection,
    InspectionAnswer,
    PublicReport,
    Supervision,
    TreatmentPlan,
)
from .numbering import next_number

A, S, L = HazardAction, HazardState, HazardLevel

# The closed loop: for each level and state, the actions that may follow. Whether the
# caller may take them is decided separately (`_check_actor`).
LOOP = {
    L.GENERAL: {
        S.REGISTERED: [A.FIX_ON_SPOT, A.START, A.ESCALATE],
        S.RECTIFYING: [A.SUBMIT, A.ESCALATE],
        S.SUBMITTED: [A.ACCEPT, A.RETURN, A.ESCALATE],
        S.CLOSED: [],
    },
    L.MAJOR: {
        S.REGISTERED: [A.REPORT, A.SUPERVISE, A.DOWNGRADE],
        S.REPORTED: [A.PLAN, A.SUPERVISE, A.DOWNGRADE],
        S.PLANNED: [A.START, A.SUPERVISE, A.DOWNGRADE],
        S.RECTIFYING: [A.SUBMIT, A.SUPERVISE, A.DOWNGRADE],
        S.SUBMITTED: [A.ACCEPT, A.RETURN, A.SUPERVISE],
        S.CLOSED: [A.DELIST],
    },
}

OFFICER_ACTIONS = {A.ACCEPT, A.RETURN, A.ESCALATE, A.DOWNGRADE, A.SUPERVISE, A.DELIST}
HIGHER_BUREAU_ACTIONS = {A.SUPERVISE, A.DELIST}

# Default rectification periods for hazards created from a checklist "no"; a
# province may set HAZARD_DEADLINE_DAYS = {"general": .., "major": ..}.
DEFAULT_DEADLINE_DAYS = {L.GENERAL: 15, L.MAJOR: 60}


class InvalidTransition(DomainError):
    """An action the hazard's level and state do not allow now (HTTP 409)."""

    status = 409
    code = "invalid_transition"

    def __init__(self, zh: str, en: str, *, allowed: list[str]):
        super().__init__(zh, en, fields={"action": "当前状态不允许 / not allowed in this state"})
        self.allowed = allowed


def allowed_actions(hazard: Hazard) -> list[str]:
    """What the loop allows next, whoever asks."""
    actions = list(LOOP[hazard.level][hazard.state])
    if hazard.supervised:
        actions = [a for a in actions if a not in (A.SUPERVISE, A.DOWNGRADE)]
    elif A.DELIST in actions:
        actions.remove(A.DELIST)
    return [str(a) for a in actions]


def actions_for(hazard: Hazard, scope: Scope) -> list[str]:
    """What this caller may do next (the buttons on the hazard page)."""
    result = []
    for action in allowed_actions(hazard):
        try:
            _check_actor(scope, hazard, action)
        except Forbidden:
            continue
        result.append(action)
    return result


def deadline_days(level: str) -> int:
    configured = getattr(settings, "HAZARD_DEADLINE_DAYS", {})
    return int(configured.get(level, DEFAULT_DEADLINE_DAYS[level]))


# Registration ------------------------------------------------------------------

def hazard_register(*, by, enterprise_id: int, description: str, deadline: dt.date,
                    level: str = L.GENERAL, source: str = HazardSource.INSPECTION, category: str = "other",
                    location: str = "", found_on: dt.date | None = None, responsible_id: int | None = None,
                    inspection: Inspection | None = None, item: ChecklistItem | None = None,
                    campaign: Campaign | None = None, report: PublicReport | None = None) -> Hazard:
    """Register a hazard at an enterprise in the caller's scope, with the next number
    of its county and year. Enterprise users register only their self-inspection
    findings; everything else is officers' work."""
    scope = Scope.for_user(by)
    _require_registrar(scope, source)
    enterprise = _enterprise_in_scope(scope, enterprise_id)
    found_on = found_on or timezone.localdate()
    hazard = Hazard(
        enterprise=enterprise, region_id=enterprise.region_id, description=description, level=level,
        source=source, category=category, location=location, found_on=found_on, deadline=deadline,
        responsible=_person_in_scope(scope, responsible_id, "responsible_id"), officer=_person_of(by),
        inspection=inspection, item=item, campaign=campaign, report=report, number="pending",
    )
    if deadline < found_on:
        raise DomainError("整改期限不能早于发现日期", "The deadline cannot be before the day it was found",
                          fields={"deadline": "早于发现日期 / before found_on"})
    hazard.full_clean(exclude=["number"])
    with transaction.atomic():
        # The number last, once nothing else can fail: a refused hazard takes no number.
        hazard.number = next_number(county=enterprise.region_id[:6], year=found_on.year)
        hazard.save()
        _event(hazard, by, "register", "", hazard.state, "")
        audit.record(actor=by, action="hazard.register", obj=hazard, region_code=hazard.region_id,
                     before=None, after=audit.snapshot(hazard))
    return hazard


def _require_registrar(scope: Scope, source: str) -> None:
    if scope.role == Role.ENTERPRISE and source == HazardSource.SELF_INSPECTION:
        return
    scope.require_officer()


def _enterprise_in_scope(scope: Scope, enterprise_id) -> Enterprise:
    # The same answer for an enterprise elsewhere and one that does not exist: a
    # refused registration must not reveal what exists in another county.
    if fits_database(enterprise_id):
        row = scope.filter(Enterprise.objects.select_related("region", "organization")).filter(
            pk=enterprise_id).first()
        if row is not None:
            return row
    raise Forbidden("企业不存在或不在管辖范围内", "Enterprise not found in your jurisdiction",
                    fields={"enterprise_id": "不在管辖范围内 / outside your jurisdiction"})


def _person_in_scope(scope: Scope, person_id, field: str) -> Person | None:
    if person_id is None:
        return None
    row = scope.filter(Person.objects.filter(pk=person_id)).first() if fits_database(person_id) else None
    if row is None:
        raise DomainError("人员不存在或不在管辖范围内", "Person not found in your jurisdiction",
                          fields={field: "不存在 / not found"})
    return row


def _person_of(user) -> Person | None:
    return getattr(user, "person", None) if user is not None else None


# Transitions -------------------------------------------------------------------

def hazard_act(*, by, hazard: Hazard, action: str, reason: str = "", evidence_text: str = "",
               plan: dict | None = None, expert: str = "") -> Hazard:
    """Take one action of the closed loop; the single entry point the API uses."""
    handlers = {
        A.FIX_ON_SPOT: lambda h: hazard_fix_on_spot(by=by, hazard=h, evidence_text=evidence_text),
        A.START: lambda h: hazard_start(by=by, hazard=h),
        A.SUBMIT: lambda h: hazard_submit(by=by, hazard=h, evidence_text=evidence_text),
        A.ACCEPT: lambda h: hazard_accept(by=by, hazard=h, expert=expert, note=reason),
        A.RETURN: lambda h: hazard_return(by=by, hazard=h, reason=reason),
        A.REPORT: lambda h: hazard_report(by=by, hazard=h, note=reason),
        A.PLAN: lambda h: hazard_plan(by=by, hazard=h, plan=plan or {}),
        A.SUPERVISE: lambda h: hazard_supervise(by=by, hazard=h, reason=reason),
        A.DELIST: lambda h: hazard_delist(by=by, hazard=h, reason=reason),
        A.ESCALATE: lambda h: hazard_change_level(by=by, hazard=h, level=L.MAJOR, reason=reason),
        A.DOWNGRADE: lambda h: hazard_change_level(by=by, hazard=h, level=L.GENERAL, reason=reason),
    }
    if action not in handlers:
        raise InvalidTransition(f"未知的操作：{action}", f"Unknown action: {action}",
                                allowed=allowed_actions(hazard))
    return handlers[action](hazard)


def hazard_fix_on_spot(*, by, hazard: Hazard, evidence_text: str = "") -> Hazard:
    """即知即改: a general hazard removed at once, closed with its evidence."""
    with transaction.atomic():
        hazard, before = _begin(by, hazard, A.FIX_ON_SPOT)
        _require_evidence(hazard, evidence_text)
        _close(hazard)
        event = _finish(by, hazard, before, A.FIX_ON_SPOT, "")
        _attach_evidence(by, hazard, event, evidence_text)
    return hazard


def hazard_start(*, by, hazard: Hazard) -> Hazard:
    with transaction.atomic():
        hazard, before = _begin(by, hazard, A.START)
        hazard.state = S.RECTIFYING
        _finish(by, hazard, before, A.START, "")
    return hazard


def hazard_submit(*, by, hazard: Hazard, evidence_text: str = "") -> Hazard:
    """The enterprise reports the rectification done, with photos, files or text."""
    with transaction.atomic():
        hazard, before = _begin(by, hazard, A.SUBMIT)
        _require_evidence(hazard, evidence_text)
        hazard.state = S.SUBMITTED
        event = _finish(by, hazard, before, A.SUBMIT, "")
        _attach_evidence(by, hazard, event, evidence_text)
    return hazard


def hazard_accept(*, by, hazard: Hazard, expert: str = "", note: str = "") -> Hazard:
    """Acceptance (验收) by the regulator, for a major hazard optionally with an
    expert; the hazard is closed (销号)."""
    with transaction.atomic():
        hazard, before = _begin(by, hazard, A.ACCEPT)
        _close(hazard)
        _finish(by, hazard, before, A.ACCEPT, note, data={"expert": expert} if expert else None)
    return hazard


def hazard_return(*, by, hazard: Hazard, reason: str) -> Hazard:
    with transaction.atomic():
        hazard, before = _begin(by, hazard, A.RETURN)
        _require_reason(reason)
        hazard.state = S.RECTIFYING
        _finish(by, hazard, before, A.RETURN, reason)
    return hazard


def hazard_report(*, by, hazard: Hazard, note: str = "") -> Hazard:
    """A major hazard reported to the regulator (重大隐患报告)."""
    with transaction.atomic():
        hazard, before = _begin(by, hazard, A.REPORT)
        hazard.state = S.REPORTED
        _finish(by, hazard, before, A.REPORT, note)
    return hazard


PLAN_FIELDS = ("goal", "measures", "funds", "materials", "people", "deadline", "safety_measures",
               "contingency_plan")


def hazard_plan(*, by, hazard: Hazard, plan: dict) -> Hazard:
    """The treatment plan (治理方案) of a major hazard; its deadline becomes the hazard's.
    A hazard downgraded and escalated again is planned again: the new plan replaces
    the old one, which stays in the timeline and the audit chain."""
    unknown = set(plan) - set(PLAN_FIELDS)
    if unknown:
        raise DomainError("治理方案含未知字段", "Unknown fields in the plan", fields={k: "未知 / unknown" for k in unknown})
    with transaction.atomic():
        hazard, before = _begin(by, hazard, A.PLAN)
        row = TreatmentPlan.objects.filter(hazard=hazard).first() or TreatmentPlan(hazard=hazard)
        for field in PLAN_FIELDS:
            setattr(row, field, plan.get(field, TreatmentPlan._meta.get_field(field).get_default()))
        row.full_clean()
        row.save()
        hazard.state, hazard.deadline = S.PLANNED, row.deadline
        _finish(by, hazard, before, A.PLAN, "", data={"plan": audit.snapshot(row)})
    return hazard


def hazard_supervise(*, by, hazard: Hazard, reason: str = "") -> Hazard:
    """挂牌督办 by a bureau above the hazard's county."""
    with transaction.atomic():
        hazard, before = _begin(by, hazard, A.SUPERVISE)
        scope = Scope.for_user(by)
        Supervision.objects.create(hazard=hazard, region_id=scope.region_code or hazard.region_id[:2],
                                   listed_by=by, listed_at=timezone.now(), reason=reason)
        hazard.supervised = hazard.ever_supervised = True
        _finish(by, hazard, before, A.SUPERVISE, reason)
    return hazard


def hazard_delist(*, by, hazard: Hazard, reason: str = "") -> Hazard:
    """摘牌: the listing removed once the hazard is closed."""
    with transaction.atomic():
        hazard, before = _begin(by, hazard, A.DELIST)
        Supervision.objects.filter(hazard=hazard, delisted_at__isnull=True).update(
            delisted_at=timezone.now(), delisted_by=by)
        hazard.supervised = False
        _finish(by, hazard, before, A.DELIST, reason)
    return hazard


def hazard_change_level(*, by, hazard: Hazard, level: str, reason: str) -> Hazard:
    """Escalate a general hazard to major or downgrade a major one, with a reason. A
    newly major hazard starts its loop again (it must be reported and planned); a
    downgraded one keeps a state the general loop knows, or goes back to registered."""
    action = A.ESCALATE if level == L.MAJOR else A.DOWNGRADE
    with transaction.atomic():
        hazard, before = _begin(by, hazard, action)
        _require_reason(reason)
        hazard.level = level
        if level == L.MAJOR or hazard.state not in LOOP[L.GENERAL]:
            hazard.state = S.REGISTERED
        _finish(by, hazard, before, action, reason)
    return hazard


def evidence_add(*, by, hazard: Hazard, file=None, text: str = "") -> Evidence:
    """Upload a photo or file (or a note) for the next submission."""
    scope = Scope.for_user(by)
    hazard = scope.get(Hazard.objects.all(), pk=hazard.pk)
    scope.require_writer()
    if not hazard.is_open:
        raise DomainError("已销号的隐患不能再上传整改佐证", "A closed hazard takes no more evidence")
    if file is None and not text.strip():
        raise DomainError("请上传文件或填写说明", "Give a file or a text", fields={"file": "必填 / required"})
    with transaction.atomic():
        row = Evidence.objects.create(hazard=hazard, file=file or "", text=text, uploaded_by=by)
        # The file by its stored name (and size): the snapshot cannot hold a file object.
        audit.record(actor=by, action="hazard.evidence", obj=row, region_code=hazard.region_id,
                     after={"hazard": hazard.pk, "file": row.file.name or "", "text": text,
                            "size": row.file.size if row.file else 0})
    return row


def _begin(by, hazard: Hazard, action: str) -> tuple[Hazard, dict]:
    """Lock the hazard (two officers clicking at once must not both act), check that
    the caller sees it, may take this action, and that the loop allows it now."""
    scope = Scope.for_user(by)
    locked = scope.get(Hazard.objects.select_for_update(of=("self",)).select_related("enterprise"),
                       pk=hazard.pk)
    _check_actor(scope, locked, action)
    allowed = allowed_actions(locked)
    if action not in allowed:
        raise _refusal(locked, action, allowed)
    return locked, audit.snapshot(locked)


def _check_actor(scope: Scope, hazard: Hazard, action: str) -> None:
    scope.require_writer()
    if action in OFFICER_ACTIONS:
        scope.require_officer()
    if action in HIGHER_BUREAU_ACTIONS and not _is_above_county(scope, hazard.region_id[:6]):
        raise Forbidden("只有隐患所在县（市、区）的上级部门可以挂牌督办或摘牌",
                        "Only a bureau above the hazard's county may list or de-list it")


def _is_above_county(scope: Scope, county: str) -> bool:
    """A strict ancestor of the county: the city, the province, or the whole system."""
    return scope.region_code is not None and len(scope.region_code) < len(county) and county.startswith(
        scope.region_code)


def _refusal(hazard: Hazard, action: str, allowed: list[str]) -> InvalidTransition:
    state_zh, label = hazard.get_state_display(), HazardAction(action).label if action in A.values else action
    if hazard.state == S.CLOSED:
        return InvalidTransition(f"已销号的隐患不能再{label}", f"A closed hazard cannot take '{action}'",
                                 allowed=allowed)
    return InvalidTransition(f"{hazard.get_level_display()}在“{state_zh}”状态下不能{label}",
                             f"A {hazard.level} hazard in state '{hazard.state}' cannot take '{action}'",
                             allowed=allowed)


def _finish(by, hazard: Hazard, before: dict, action: str, reason: str, data: dict | None = None) -> HazardEvent:
    hazard.full_clean()
    hazard.save()
    event = _event(hazard, by, action, before["state"], hazard.state, reason, data)
    audit.record(actor=by, action=f"hazard.{action}", obj=hazard, region_code=hazard.region_id,
                 before=before, after={**audit.snapshot(hazard), "reason": reason, **(data or {})})
    return event


def _event(hazard: Hazard, by, action: str, from_state: str, to_state: str, reason: str,
           data: dict | None = None) -> HazardEvent:
    return HazardEvent.objects.create(
        hazard=hazard, at=timezone.now(), actor=by if by is not None and by.is_authenticated else None,
        actor_name=getattr(by, "username", "") or "system", action=action, from_state=from_state,
        to_state=to_state, reason=reason, data=data or {},
    )


def _close(hazard: Hazard) -> None:
    hazard.state, hazard.closed_on = S.CLOSED, timezone.localdate()


def _require_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise DomainError("请填写理由", "A reason is required", fields={"reason": "必填 / required"})


def _require_evidence(hazard: Hazard, text: str) -> None:
    if not (text or "").strip() and not hazard.evidence.filter(event__isnull=True).exists():
        raise DomainError("请提供整改佐证（照片、文件或文字说明）",
                          "Evidence is required (photo, file or text)", fields={"evidence_text": "必填 / required"})


def _attach_evidence(by, hazard: Hazard, event: HazardEvent, text: str) -> None:
    hazard.evidence.filter(event__isnull=True).update(event=event)
    if (text or "").strip():
        Evidence.objects.create(hazard=hazard, event=event, text=text, uploaded_by=by)


# Inspections -------------------------------------------------------------------

def inspection_create(*, by, enterprise_id: int, kind: str, date: dt.date, template_code: str = "",
                      answers: list[dict] = (), inspector_ids: list[int] = (), campaign_id: int | None = None,
                      note: str = "") -> Inspection:
    """Record an inspection; every "no" answer registers a hazard pre-filled from its
    item (major when the item says so), with the default rectification period.
    Self-inspections (自查自纠) are the enterprise's; the others officers'."""
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
    level = L.MAJOR if item.major_if_no else L.GENERAL
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
        raise DomainError("有检查结果时必须指定检查表", "Answers need a checklist", fields={"template": "必填 / required"})
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
    scope.require_region(region_code)
    if end < start:
        raise DomainError("结束日期不能早于开始日期", "The end cannot be before the start", fields={"end": "无效 / invalid"})
    from ..enterprises.models import Tag  # reading the tag list, not writing it

    tag_row = None
    if tag:
        tag_row = Tag.objects.filter(name=tag).first()
        if tag_row is None:
            raise DomainError("标签不存在", "Unknown tag", fields={"tag": "不存在 / not found"})
    campaign = Campaign(name=name, region_id=region_code, start=start, end=end, industry=industry, tag=tag_row,
                        template=_template(template_code), description=description)
    campaign.full_clean()
    with transaction.atomic():
        campaign.save()
        audit.record(actor=by, action="campaign.create", obj=campaign, region_code=region_code,
                     after=audit.snapshot(campaign))
    return campaign


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


