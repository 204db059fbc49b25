"""The closed loop (闭环) of a hazard: which actions its level and state allow, who may
take them, and the transitions themselves, each one event on the hazard's timeline and
one audit record."""


from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ...core import audit, uploads
from ...core.errors import DomainError, Forbidden
from ...core.scope import Scope
from ..choices import (
    HazardAction,
    HazardLevel,
    HazardState,
)
from ..models import (
    Evidence,
    Hazard,
    HazardEvent,
    Supervision,
    TreatmentPlan,
)

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
        raise DomainError("治理方案含未知字段", "Unknown fields in the plan",
                          fields={k: "未知 / unknown" for k in unknown})
    with transaction.atomic():
        hazard, before = _begin(by, hazard, A.PLAN)
        row = TreatmentPlan.objects.filter(hazard=hazard).first() or TreatmentPlan(hazard=hazard)
        for field in PLAN_FIELDS:
            setattr(row, field, plan.get(field, TreatmentPlan._meta.get_field(field).get_default()))
        row.full_clean()
        _check_plan_deadline(row, hazard)
        row.save()
        hazard.state, hazard.deadline = S.PLANNED, row.deadline
        _finish(by, hazard, before, A.PLAN, "", data={"plan": audit.snapshot(row)})
    return hazard


# A treatment lasting longer than this is not a deadline but a wish: a plan names years
# only for works such as relocating a plant.
PLAN_MAX_YEARS = 5


def _check_plan_deadline(row: TreatmentPlan, hazard: Hazard) -> None:
    """A plan's deadline is in the future of the day it is made (today itself is allowed),
    not before the hazard was found, and within `PLAN_MAX_YEARS`."""
    today = timezone.localdate()
    if row.deadline < today or row.deadline < hazard.found_on:
        raise ValidationError({"deadline": ValidationError(
            _("The deadline cannot be in the past (today is %(today)s)"), params={"today": today.isoformat()})})
    if row.deadline > today.replace(year=today.year + PLAN_MAX_YEARS, day=min(today.day, 28)):
        raise ValidationError({"deadline": ValidationError(
            _("The deadline is more than %(n)d years away"), params={"n": PLAN_MAX_YEARS})})


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
    if file is not None:
        uploads.check_document(file)  # images, PDF and office documents, by their content
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
