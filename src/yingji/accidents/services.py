"""Every write of accident work. Keyword-only, in a transaction, scope-checked, audited.

Figures are versioned (`AccidentVersion`): the first version is the initial report;
a change within the late-report window (补报: 30 days after the accident, 7 for road
traffic and fire; `late_report_days`) is counted and recomputes the grade; a change
after it is recorded as a version that does not count (`counted=False`), and the
accident's figures and grade stay as they were. We chose recording over refusing so
that what the unit said later is never lost; the answer says why it was not counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..core import audit
from ..core.errors import DomainError, Forbidden
from ..core.models import Region
from ..core.scope import SYSTEM, Scope, fits_database
from ..core.services import save_audited
from ..duty.grades import accident_grade
from ..enterprises.selectors import enterprises_in_scope
from ..hazards import services as hazard_services
from ..messaging import services as messaging
from .choices import INVESTIGATION_DAYS, LATE_REPORT_DAYS, MAX_EXTENSION_DAYS, CheckTarget, TimerKind
from .models import (
    Accident,
    AccidentHazard,
    AccidentVersion,
    AccountabilityCheck,
    ControlTarget,
    DoubleExplanation,
    Investigation,
    InvestigationTimer,
    RemedialItem,
    RemedialSupervision,
)

FIGURES = ("deaths", "serious_injuries", "direct_loss")
EDITABLE = ("place", "description", "industry", "kind", "party_name", "party_uscc")


def late_report_days(accident: Accident) -> int:
    """The 补报 window of this accident in days: the shortest its industry or kind names."""
    days = {**LATE_REPORT_DAYS, **getattr(settings, "ACCIDENT_LATE_REPORT_DAYS", {})}
    return min(days.get(accident.industry, days["default"]), days.get(accident.kind, days["default"]))


# Accidents -----------------------------------------------------------------------

def accident_create(*, by, region_code: str, occurred_at: dt.datetime, industry: str, kind: str,
                    deaths: int = 0, serious_injuries: int = 0, direct_loss: Decimal | int = 0,
                    description: str = "", place: str = "", enterprise_id: int | None = None,
                    party_name: str = "", party_uscc: str = "", info_report=None) -> Accident:
    """Register an accident in the caller's jurisdiction with its first figures
    (version 1) and their grade.

    `info_report` is the duty desk's report the accident came from (accidents.intake);
    one report makes at most one accident."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(region_code)
    region = Region.objects.filter(pk=region_code).first()
    if region is None:
        raise DomainError("区划不存在", "No such region", fields={"region": "不存在 / not found"})
    enterprise = _enterprise(scope, enterprise_id) if enterprise_id is not None else None
    if enterprise is None and not party_name.strip():
        raise DomainError("请选择登记册中的企业，或填写事故单位（当事人）名称",
                          "Choose an enterprise of the register or name the unit or person",
                          fields={"enterprise_id": "必填其一 / one of enterprise_id, party_name",
                                  "party_name": "必填其一 / one of enterprise_id, party_name"})
    _not_in_future(occurred_at)
    accident = Accident(region=region, occurred_at=occurred_at, industry=industry, kind=kind, deaths=deaths,
                        serious_injuries=serious_injuries, direct_loss=direct_loss, description=description,
                        place=place, enterprise=enterprise, party_name=party_name if enterprise is None else "",
                        party_uscc=party_uscc if enterprise is None else "", info_report=info_report,
                        created_by=by if by is not None and by.is_authenticated else None)
    accident.grade = _grade(accident)
    with transaction.atomic():
        save_audited(accident, by=by, action="accident.create", before=None, region_code=region_code)
        _version(accident, by=by, reason="初报", counted=True, late=False)
    return accident


@dataclass
class FiguresChange:
    """What a change of figures did: counted (补报, grade recomputed) or recorded only."""

    version: AccidentVersion
    counted: bool
    message: str = ""


def accident_update(*, by, accident: Accident, reason: str = "", now: dt.datetime | None = None,
                    **changes) -> FiguresChange | None:
    """Change an accident: its descriptive fields (audited), and its figures as a new
    version (补报 inside the window, recorded as not counted after it)."""
    _officer_over(by, accident)
    unknown = set(changes) - set(FIGURES) - set(EDITABLE)
    if unknown:
        name = sorted(unknown)[0]
        raise DomainError(f"字段 {name} 不可修改", f"Field {name} cannot be changed",
                          fields={name: "不可修改 / read-only"})
    figures = {k: v for k, v in changes.items() if k in FIGURES and v is not None}
    edits = {k: v for k, v in changes.items() if k in EDITABLE and v is not None}
    with transaction.atomic():
        accident = Accident.objects.select_for_update().get(pk=accident.pk)
        if edits:
            before = audit.snapshot(accident)
            for k, v in edits.items():
                setattr(accident, k, v)
            save_audited(accident, by=by, action="accident.update", before=before, region_code=accident.region_id)
        if not figures or all(getattr(accident, k) == _same(k, v) for k, v in figures.items()):
            return None
        return _change_figures(by, accident, figures, reason, now or timezone.now())


def _same(name: str, value):
    return Decimal(str(value)) if name == "direct_loss" else value


def _change_figures(by, accident: Accident, figures: dict, reason: str, now: dt.datetime) -> FiguresChange:
    days = late_report_days(accident)
    inside = now - accident.occurred_at <= dt.timedelta(days=days)
    proposed = {k: figures.get(k, getattr(accident, k)) for k in FIGURES}
    if not inside:
        version = _version_of(accident, proposed, by=by, reason=reason, counted=False, late=True, now=now)
        audit.record(actor=by, action="accident.figures_not_counted", obj=version, region_code=accident.region_id,
                     before=None, after=audit.snapshot(version))
        return FiguresChange(version, False, f"超过补报期限（事故发生后 {days} 日），已记录但不计入统计 / "
                                             f"Past the late-report window ({days} days after the accident): "
                                             "recorded, not counted in the statistics")
    before = audit.snapshot(accident)
    for k, v in proposed.items():
        setattr(accident, k, v)
    accident.grade = _grade(accident)
    save_audited(accident, by=by, action="accident.late_report", before=before, region_code=accident.region_id)
    version = _version(accident, by=by, reason=reason, counted=True, late=True, now=now)
    return FiguresChange(version, True)


def _version(accident: Accident, *, by, reason: str, counted: bool, late: bool,
             now: dt.datetime | None = None) -> AccidentVersion:
    return _version_of(accident, {k: getattr(accident, k) for k in FIGURES}, by=by, reason=reason,
                       counted=counted, late=late, now=now)


def _version_of(accident, figures: dict, *, by, reason, counted, late, now=None) -> AccidentVersion:
    last = accident.versions.order_by("-seq").values_list("seq", flat=True).first() or 0
    version = AccidentVersion(accident=accident, seq=last + 1, reason=reason, counted=counted, late_report=late,
                              grade=accident_grade(**figures), by=by if by is not None and by.is_authenticated
                              else None, at=now or timezone.now(), **figures)
    version.full_clean()
    version.save()
    return version


def _grade(accident: Accident) -> str:
    return accident_grade(deaths=accident.deaths or 0, serious_injuries=accident.serious_injuries or 0,
                          direct_loss=accident.direct_loss or 0)


def _officer_over(by, accident: Accident) -> Scope:
    """Writing on an accident: an officer whose jurisdiction holds it (callers pass
    accidents read through the caller's scope; this holds if one does not)."""
    scope = Scope.for_user(by)
    scope.require_officer()
    if not scope.covers_region(accident.region_id):
        raise Forbidden("该事故不在您的管辖范围内", "That accident is outside your jurisdiction")
    return scope


def _not_in_future(occurred_at: dt.datetime) -> None:
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise DomainError("发生时间不能晚于现在", "The time of occurrence cannot be in the future",
                          fields={"occurred_at": "晚于现在 / in the future"})


def _enterprise(scope: Scope, enterprise_id):
    if fits_database(enterprise_id):
        row = enterprises_in_scope(scope=scope).filter(pk=enterprise_id).first()
        if row is not None:
            return row
    raise Forbidden("企业不存在或不在管辖范围内", "Enterprise not found in your jurisdiction",
                    fields={"enterprise_id": "不在管辖范围内 / outside your jurisdiction"})


# Investigation ---------------------------------------------------------------------

INVESTIGATION_FIELDS = ("leader", "members", "units", "findings", "cause", "responsible_units",
                        "responsible_people", "penalties_proposed", "enforcement_ref", "concluded_on")


def investigation_save(*, by, accident: Accident, **fields) -> Investigation:
    """Open the investigation (deadline 60 days after the accident, a timer row for
    it) or change its team and findings; a conclusion date closes its timers."""
    _officer_over(by, accident)
    unknown = set(fields) - set(INVESTIGATION_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise DomainError(f"字段 {name} 不可修改", f"Field {name} cannot be changed",
                          fields={name: "不可修改 / read-only"})
    with transaction.atomic():
        investigation = Investigation.objects.select_for_update().filter(accident=accident).first()
        created = investigation is None
        if created:
            investigation = Investigation(accident=accident, due_on=_local_day(accident.occurred_at)
                                          + dt.timedelta(days=INVESTIGATION_DAYS))
        before = None if created else audit.snapshot(investigation)
        for k, v in fields.items():
            if v is not None:
                setattr(investigation, k, v)
        if investigation.concluded_on and investigation.concluded_on < _local_day(accident.occurred_at):
            raise DomainError("结案日期不能早于事故发生日期", "The conclusion cannot be before the accident",
                              fields={"concluded_on": "早于事故 / before the accident"})
        save_audited(investigation, by=by, action="accident.investigation", before=before,
                     region_code=accident.region_id)
        if created:
            _timer(investigation, TimerKind.INVESTIGATION_DUE, investigation.due_on)
        if investigation.concluded_on:
            investigation.timers.filter(cancelled_at__isnull=True).update(cancelled_at=timezone.now())
    return investigation


def investigation_extend(*, by, accident: Accident, days: int, reason: str) -> Investigation:
    """The one extension (延期) of at most 60 days, with its reason."""
    _officer_over(by, accident)
    if not reason.strip():
        raise DomainError("请填写延期理由", "Give the reason for the extension", fields={"reason": "必填 / required"})
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise DomainError(f"延期不得超过 {MAX_EXTENSION_DAYS} 日", f"An extension is 1 to {MAX_EXTENSION_DAYS} days",
                          fields={"days": f"1–{MAX_EXTENSION_DAYS}"})
    with transaction.atomic():
        investigation = Investigation.objects.select_for_update().filter(accident=accident).first()
        if investigation is None:
            raise DomainError("尚未开始调查", "The investigation has not been opened", code="no_investigation")
        if investigation.extended_to is not None:
            raise DomainError("调查期限只能延长一次", "The deadline can be extended only once",
                              fields={"days": "已延期 / already extended"}, code="already_extended")
        if investigation.concluded_on is not None:
            raise DomainError("调查已结案", "The investigation is concluded", code="concluded")
        before = audit.snapshot(investigation)
        investigation.extended_to = investigation.due_on + dt.timedelta(days=days)
        investigation.extension_reason = reason
        save_audited(investigation, by=by, action="accident.investigation_extend", before=before,
                     region_code=accident.region_id)
        investigation.timers.filter(cancelled_at__isnull=True).update(cancelled_at=timezone.now())
        _timer(investigation, TimerKind.EXTENSION_DUE, investigation.extended_to)
    return investigation


def _timer(investigation: Investigation, kind: str, day: dt.date) -> InvestigationTimer:
    # Due at the end of the day: the report is on time all of that day.
    due = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    return InvestigationTimer.objects.create(investigation=investigation, kind=kind, due_at=due)


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def notify_overdue_investigations(now: dt.datetime | None = None) -> list[int]:
    """The tick: every open investigation timer past due is claimed once (rows locked,
    `notified_at` set), audited (accident.investigation_overdue) and sent as an SMS
    through the messaging outbox to the officer who registered the accident (one
    idempotency key per timer, so a retried tick sends nothing twice); the overdue
    list shows them. Returns the ids of the investigations newly overdue."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(InvestigationTimer.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            cancelled_at__isnull=True, notified_at__isnull=True, due_at__lte=now,
            investigation__concluded_on__isnull=True).select_related("investigation__accident__region",
                                                       "investigation__accident__created_by__person"))
        for timer in due:
            timer.notified_at = now
            timer.save(update_fields=["notified_at"])
            audit.record(actor=None, action="accident.investigation_overdue", obj=timer.investigation,
                         region_code=timer.investigation.accident.region_id,
                         after={"kind": timer.kind, "due_at": timer.due_at.isoformat()})
            _send_overdue(timer)
    return [t.investigation_id for t in due]


def _send_overdue(timer: InvestigationTimer) -> None:
    accident = timer.investigation.accident
    person = getattr(accident.created_by, "person", None) if accident.created_by_id else None
    if person is None or not person.mobile:
        return
    deadline = timezone.localtime(timer.due_at).date() - dt.timedelta(days=1)
    text = (f"【事故调查逾期】{accident.region.name} {timezone.localtime(accident.occurred_at):%Y-%m-%d} "
            f"{accident.unit_name} 事故调查期限 {deadline:%Y-%m-%d} 已过，请尽快提交调查报告。")
    messaging.send(channel="sms", to="", person=person, text=text, idempotency_key=f"accident-investigation:{timer.pk}",
                   region_code=accident.region_id, context={"accident": accident.pk, "timer": timer.pk})


# Accountability --------------------------------------------------------------------

def check_record(*, by, accident: Accident, target: str, outcome: str = "",
                 checked_on: dt.date | None = None) -> AccountabilityCheck:
    """Record one of 一案三查 (the enterprise, the regulator, the officials)."""
    _officer_over(by, accident)
    if target not in CheckTarget.values:
        raise DomainError("核查对象无效", "Unknown check target",
                          fields={"target": "enterprise / regulator / officials"})
    with transaction.atomic():
        row = AccountabilityCheck.objects.select_for_update().filter(accident=accident, target=target).first()
        before = audit.snapshot(row) if row else None
        row = row or AccountabilityCheck(accident=accident, target=target)
        row.outcome, row.checked_on = outcome, checked_on
        return save_audited(row, by=by, action="accident.check", before=before, region_code=accident.region_id)


EXPLANATION_FIELDS = ("required", "government_text", "government_received_on", "department_text",
                      "department_received_on")


def explanation_save(*, by, accident: Accident, **fields) -> DoubleExplanation:
    """双说明: whether required, and the two written explanations as they arrive."""
    _officer_over(by, accident)
    with transaction.atomic():
        row = DoubleExplanation.objects.select_for_update().filter(accident=accident).first()
        before = audit.snapshot(row) if row else None
        row = row or DoubleExplanation(accident=accident)
        for k, v in fields.items():
            if k in EXPLANATION_FIELDS and v is not None:
                setattr(row, k, v)
        return save_audited(row, by=by, action="accident.double_explanation", before=before,
                            region_code=accident.region_id)


def remedial_create(*, by, accident: Accident, region_code: str, start: dt.date, scope_text: str = "",
                    items: list[dict] | None = None) -> RemedialSupervision:
    """补课: remedial supervision of a region in the caller's jurisdiction, with items."""
    scope = _officer_over(by, accident)
    scope.require_region(region_code)
    with transaction.atomic():
        row = RemedialSupervision(accident=accident, region_id=region_code, start=start, scope_text=scope_text)
        save_audited(row, by=by, action="accident.remedial", before=None, region_code=accident.region_id)
        for item in items or []:
            save_audited(RemedialItem(supervision=row, text=item.get("text", ""), due_on=item.get("due_on")),
                         by=by, action="accident.remedial_item", before=None, region_code=accident.region_id)
    return row


def remedial_item_close(*, by, item: RemedialItem, closed_on: dt.date, note: str = "") -> RemedialItem:
    _officer_over(by, item.supervision.accident)
    if item.closed_on is not None:
        raise DomainError("该事项已完成", "The item is already closed", fields={"closed_on": "已完成 / closed"})
    if closed_on < item.supervision.start:
        raise DomainError("完成日期不能早于补课开始日期", "Closed before the supervision started",
                          fields={"closed_on": "早于开始 / before the start"})
    before = audit.snapshot(item)
    item.closed_on, item.closing_note = closed_on, note
    with transaction.atomic():
        return save_audited(item, by=by, action="accident.remedial_item_close", before=before,
                            region_code=item.supervision.accident.region_id)


# Hazards after an accident -------------------------------------------------------

def hazard_register_after(*, by, accident: Accident, enterprise_id: int, description: str, deadline: dt.date,
                          level: str = "general", category: str = "other", location: str = "") -> AccidentHazard:
    """A hazard found after the accident is a hazard: registered by the hazards app
    (its numbering, scope, timeline and audit), linked to the accident here."""
    _officer_over(by, accident)
    with transaction.atomic():
        hazard = hazard_services.hazard_register(by=by, enterprise_id=enterprise_id, description=description,
                                                 deadline=deadline, level=level, category=category,
                                                 location=location)
        link = AccidentHazard.objects.create(accident=accident, hazard=hazard)
        audit.record(actor=by, action="accident.hazard_link", obj=link, region_code=accident.region_id,
                     before=None, after={"accident": accident.pk, "hazard": hazard.pk})
    return link


# Control targets --------------------------------------------------------------------

def target_save(*, by, region_code: str, year: int, max_accidents: int, max_deaths: int) -> ControlTarget:
    """Set a region's control target (控制指标) of a year: a bureau sets them for its
    own region and those below."""
    scope = Scope.for_user(by) if by is not None else SYSTEM
    scope.require_officer()
    scope.require_region(region_code)
    with transaction.atomic():
        row = ControlTarget.objects.select_for_update().filter(region_id=region_code, year=year).first()
        before = audit.snapshot(row) if row else None
        row = row or ControlTarget(region_id=region_code, year=year, max_accidents=0, max_deaths=0)
        row.max_accidents, row.max_deaths = max_accidents, max_deaths
        return save_audited(row, by=by, action="accident.target", before=before, region_code=region_code)
