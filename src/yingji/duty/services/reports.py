"""Writes of emergency information reports (首报 · 续报 · 终报).

- `report_create`: the initial report (version 1); its grade from the figures, one
  deadline per receiving level from the kind's rules, and a message to each level's
  duty officers on the desk now (messaging outbox, one idempotency key per report,
  version, level and person) with a signed link to confirm receipt.
- `report_followup` / `report_final`: a new version of the figures (never an
  overwrite); a higher grade adds the levels it needs, with their deadlines; the
  final report closes the report.
- `report_acknowledge`: a receiving level's duty officer confirms receipt (in the
  system, by the link, or by replying "1" to the SMS: `on_replies`).
- `report_flag`: 漏报 / 瞒报 marked by an officer with a reason.
- `process_due_deadlines`: the scheduler tick that marks late levels and reminds
  the level and the desk above it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.db import transaction
from django.utils import timezone

from ...alerts.services.answers import ACK_REPLIES
from ...alerts.services.links import public_url
from ...core import audit, regioncodes
from ...core.errors import DomainError, Forbidden
from ...core.models import Person, Region
from ...core.scope import Scope
from ...core.selectors import on_duty
from ...messaging import services as messaging
from ..grades import accident_grade, rank
from ..models.reports import (
    LEVEL_CODE_LENGTH,
    LEVEL_ORDER,
    AckChannel,
    InfoReport,
    InfoReportVersion,
    ReportAcknowledgement,
    ReportDeadline,
    ReportFlag,
    ReportingRule,
    ReportKind,
    ReportLevel,
    ReportState,
)

MAX_COUNT = 1_000_000
MAX_LOSS = Decimal("9999999999999")
# A clock a little ahead of the server's is not a report from the future.
CLOCK_SLACK = dt.timedelta(minutes=5)
ACK_SALT = "yingji.duty.report-ack"


def grade_of(*, deaths: int, injuries: int, missing: int, direct_loss) -> str:
    """The grade of an event with these figures (Order 493, duty.grades).

    Missing persons are counted as deaths: the usual statistical rule of accident
    reporting (失踪人员按死亡人员统计) until they are found. Injuries in an early
    report are not yet sorted into serious and light ones, so all of them are
    counted as serious: the grade can only be too high, never too low, and the
    levels it adds are levels that would rather know."""
    return accident_grade(deaths=deaths + missing, serious_injuries=injuries, direct_loss=direct_loss)


# Validation ------------------------------------------------------------------------------

def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _figures(*, deaths, injuries, missing, direct_loss) -> dict:
    errors = {}
    for name, value in (("deaths", deaths), ("injuries", injuries), ("missing", missing)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
            errors[name] = "应为 0 至 1000000 的整数 / must be a whole number from 0 to 1000000"
    try:
        loss = Decimal(str(direct_loss if direct_loss not in (None, "") else 0))
        if not loss.is_finite() or not 0 <= loss <= MAX_LOSS:
            raise InvalidOperation
        loss = loss.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["direct_loss"] = "应为非负金额（元） / must be a non-negative amount in yuan"
        loss = Decimal(0)
    if errors:
        raise DomainError("数字不正确", "Invalid figures", fields=errors)
    return {"deaths": deaths, "injuries": injuries, "missing": missing, "direct_loss": loss}


def _text(value: str, field: str, *, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError("必填项为空", f"{field} is required", fields={field: "必填 / required"})
    if len(value) > limit:
        raise DomainError("内容太长", f"{field} is too long", fields={field: "太长 / too long"})
    return value


def _times(*, occurred_at, learned_at, phoned_at, now) -> tuple:
    occurred_at, learned_at, phoned_at = _aware(occurred_at), _aware(learned_at) or now, _aware(phoned_at)
    if occurred_at is None:
        raise DomainError("请填写发生时间", "occurred_at is required", fields={"occurred_at": "必填 / required"})
    if occurred_at > now + CLOCK_SLACK:
        raise DomainError("发生时间不能晚于现在", "The event cannot occur in the future",
                          fields={"occurred_at": "晚于现在 / in the future"})
    if learned_at > now + CLOCK_SLACK or learned_at < occurred_at:
        raise DomainError("获知时间应在发生时间与现在之间", "learned_at must lie between occurred_at and now",
                          fields={"learned_at": "无效 / invalid"})
    if phoned_at is not None and (phoned_at > now + CLOCK_SLACK or phoned_at < occurred_at):
        raise DomainError("电话首报时间应在发生时间与现在之间", "phoned_at must lie between occurred_at and now",
                          fields={"phoned_at": "无效 / invalid"})
    return occurred_at, learned_at, phoned_at


def _point(latitude, longitude) -> tuple:
    from ...core.models import LAT_RANGE, LON_RANGE

    if (latitude is None) != (longitude is None):
        raise DomainError("经纬度须同时填写", "latitude and longitude go together",
                          fields={"latitude": "须同时填写 / both or neither"})
    if latitude is not None and not (LAT_RANGE[0] <= latitude <= LAT_RANGE[1]
                                     and LON_RANGE[0] <= longitude <= LON_RANGE[1]):
        raise DomainError("位置不在中国境内", "The point is outside China",
                          fields={"latitude": "超出范围 / out of range"})
    return latitude, longitude


def _kind(code: str) -> ReportKind:
    kind = ReportKind.objects.filter(pk=str(code or "")[:32]).first()
    if kind is None:
        raise DomainError("未知的事件类型", f"Unknown kind {code!r}", fields={"kind": "未知 / unknown"})
    return kind


def _region(code: str, scope: Scope) -> Region:
    region = Region.objects.filter(pk=str(code or "")[:20]).first()
    if region is None:
        raise DomainError("区划不存在", "Unknown region", fields={"region": "不存在 / unknown"})
    scope.require_region(region.code)
    return region


# Levels and deadlines --------------------------------------------------------------------

def desk_code(level: str, region_code: str) -> str | None:
    """The region code of a level's duty desk above a report's region (None: the
    ministry, no desk here)."""
    length = LEVEL_CODE_LENGTH[level]
    return region_code[:length] if length else None


def receiving_levels(kind: ReportKind, grade: str, region_code: str) -> dict[str, int]:
    """level → minutes from learning, for the levels above the report's own region
    that the kind's rules name for this grade (a county desk reporting does not
    report to itself)."""
    rules = ReportingRule.objects.filter(kind=kind, grade=grade)
    levels = {}
    for rule in rules:
        length = LEVEL_CODE_LENGTH[rule.level]
        if length is None or length < len(region_code):
            levels[rule.level] = rule.minutes
    return dict(sorted(levels.items(), key=lambda item: LEVEL_ORDER.index(item[0])))


def _add_deadlines(report: InfoReport, *, now: dt.datetime, raised: bool) -> list[ReportDeadline]:
    """The deadlines of the levels the report's grade needs and it lacks. A level
    added by a follow-up (the grade rose) is due no earlier than the kind's pass-up
    time after the follow-up: a bureau cannot pass up before it knows."""
    have = set(report.deadlines.values_list("level", flat=True))
    added = []
    for level, minutes in receiving_levels(report.kind, report.grade, report.region_id).items():
        if level in have:
            continue
        due = report.learned_at + dt.timedelta(minutes=minutes)
        if raised:
            due = max(due, now + dt.timedelta(minutes=report.kind.pass_up_minutes))
        added.append(ReportDeadline.objects.create(
            report=report, level=level, desk_region_id=desk_code(level, report.region_id), due_at=due,
            added_in_version=report.version))
    return added


# Messages --------------------------------------------------------------------------------

def ack_token(deadline: ReportDeadline, person_id: int) -> str:
    """The signed value of the acknowledgement link: this level of this report, for
    this person (the call-up's link pattern, alerts/services/links.py)."""
    return signing.dumps([deadline.pk, deadline.report_id, person_id], salt=ACK_SALT, compress=False)


def deadline_for_token(token: str) -> tuple[ReportDeadline, Person]:
    try:
        deadline_id, report_id, person_id = signing.loads(str(token)[:500], salt=ACK_SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise DomainError("确认链接无效", "Invalid acknowledgement link", code="invalid_token") from exc
    deadline = ReportDeadline.objects.select_related("report__region", "report__kind").filter(
        pk=deadline_id, report_id=report_id).first()
    person = Person.objects.filter(pk=person_id).first()
    if deadline is None or person is None:
        raise DomainError("确认链接无效", "Invalid acknowledgement link", code="invalid_token")
    return deadline, person


def ack_url(deadline: ReportDeadline, person_id: int) -> str:
    return f"{public_url()}/info-reports/ack/{ack_token(deadline, person_id)}/"


STAGE_NAMES = {ReportState.INITIAL: "首报", ReportState.FOLLOWUP: "续报", ReportState.FINAL: "终报"}
GRADE_NAMES = {"general": "一般", "larger": "较大", "major": "重大", "extraordinary": "特别重大"}


def message_text(report: InfoReport, stage: str, url: str) -> str:
    return (f"【信息报送·{STAGE_NAMES[stage]}】{report.region.full_name or report.region.name}"
            f"{report.kind.name}：{report.title}。死亡{report.deaths}人、受伤{report.injuries}人、"
            f"失踪{report.missing}人（{GRADE_NAMES.get(report.grade, report.grade)}）。"
            f"请回复1或点击链接确认收到：{url}")


def _notify_desks(report: InfoReport, *, stage: str, now: dt.datetime) -> int:
    """One SMS to each on-duty officer of each receiving level with a desk, for this
    version; the key makes a repeat (a retried request) send nothing more."""
    items = []
    for deadline in report.deadlines.all():
        if deadline.desk_region_id is None:
            continue
        for person in on_duty(region_code=deadline.desk_region_id, at=now):
            if not person.mobile:
                continue  # confirms in the system; nothing to text
            items.append(messaging.Outgoing(
                channel="sms", to=person.mobile, person_id=person.pk, region_code=deadline.desk_region_id,
                text=message_text(report, stage, ack_url(deadline, person.pk)),
                idempotency_key=f"duty:report:{report.pk}:v{report.version}:{deadline.level}:{person.pk}",
                subject=report.title[:200],
                context={"duty_report": report.pk, "duty_report_deadline": deadline.pk,
                         "duty_report_version": report.version}))
    if items:
        messaging.send_many(items)
    return len(items)


# Reports ---------------------------------------------------------------------------------

def report_create(*, by, region: str, kind: str, title: str, description: str, occurred_at: dt.datetime,
                  deaths: int = 0, injuries: int = 0, missing: int = 0, direct_loss=0,
                  learned_at: dt.datetime | None = None, phoned_at: dt.datetime | None = None,
                  latitude: float | None = None, longitude: float | None = None, measures: str = "",
                  enterprise_name: str = "", flag: str = "", flag_reason: str = "",
                  now: dt.datetime | None = None) -> InfoReport:
    """The initial report (首报). `flag="missed"` records an event that was never
    reported (漏报), entered afterwards by an officer with a reason: it is late from
    the start and nobody is messaged."""
    scope = Scope.for_user(by)
    scope.require_officer()
    now = now or timezone.now()
    place = _region(region, scope)  # the jurisdiction first: a 403 whatever else is wrong
    figures = _figures(deaths=deaths, injuries=injuries, missing=missing, direct_loss=direct_loss)
    occurred_at, learned_at, phoned_at = _times(occurred_at=occurred_at, learned_at=learned_at,
                                                phoned_at=phoned_at, now=now)
    latitude, longitude = _point(latitude, longitude)
    if flag not in (ReportFlag.NONE, ReportFlag.MISSED):
        raise DomainError("新报告只能标记为漏报", "A new report can only be flagged as never reported",
                          fields={"flag": "无效 / invalid"})
    report = InfoReport(
        region=place, kind=_kind(kind), title=_text(title, "title", required=True, limit=200),
        description=_text(description, "description", required=True, limit=5000),
        measures=_text(measures, "measures", required=False, limit=5000),
        enterprise_name=_text(enterprise_name, "enterprise_name", required=False, limit=200),
        latitude=latitude, longitude=longitude, occurred_at=occurred_at, learned_at=learned_at,
        phoned_at=phoned_at, created_at=now, created_by=by if getattr(by, "pk", None) else None,
        grade=grade_of(**figures), **figures)
    if flag == ReportFlag.MISSED:
        report.flag, report.flagged_at, report.flagged_by = flag, now, report.created_by
        report.flag_reason = _text(flag_reason, "flag_reason", required=True, limit=1000)
    report.late = _reporter_late(report)
    with transaction.atomic():
        report.full_clean()
        report.save()
        _version(report, stage=ReportState.INITIAL, by=report.created_by, now=now)
        _add_deadlines(report, now=now, raised=False)
        audit.record(actor=by, action="create", obj=report, region_code=report.region_id,
                     after=audit.snapshot(report))
        if not report.flag:
            _notify_desks(report, stage=ReportState.INITIAL, now=now)
    return report


def _reporter_late(report: InfoReport) -> bool:
    """Late already at the reporter's desk: the written report (this one) after the
    kind's written limit, or the phone report after its limit, or never reported."""
    kind = report.kind
    written_late = report.created_at > report.learned_at + dt.timedelta(minutes=kind.written_minutes)
    phone_late = (report.phoned_at is not None
                  and report.phoned_at > report.learned_at + dt.timedelta(minutes=kind.phone_minutes))
    return written_late or phone_late or report.flag == ReportFlag.MISSED


def _version(report: InfoReport, *, stage: str, by, now: dt.datetime) -> InfoReportVersion:
    return InfoReportVersion.objects.create(
        report=report, number=report.version, stage=stage, description=report.description,
        measures=report.measures, deaths=report.deaths, injuries=report.injuries, missing=report.missing,
        direct_loss=report.direct_loss, grade=report.grade, created_at=now, created_by=by)


def _next_version(*, by, report: InfoReport, stage: str, deaths: int, injuries: int, missing: int,
                  direct_loss, description: str, measures: str, now: dt.datetime | None) -> InfoReport:
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(report.region_id)
    now = now or timezone.now()
    figures = _figures(deaths=deaths, injuries=injuries, missing=missing, direct_loss=direct_loss)
    description = _text(description, "description", required=False, limit=5000)
    measures = _text(measures, "measures", required=False, limit=5000)
    with transaction.atomic():
        report = InfoReport.objects.select_for_update().select_related("kind", "region").get(pk=report.pk)
        if report.state == ReportState.FINAL:
            raise DomainError("已终报，不能再续报", "The report is closed by its final report",
                              code="closed", fields={"state": "已终报 / final"})
        before = audit.snapshot(report)
        old_grade = report.grade
        for name, value in figures.items():
            setattr(report, name, value)
        report.description = description or report.description
        report.measures = measures or report.measures
        report.grade = grade_of(**figures)
        report.version += 1
        report.state = stage
        if stage == ReportState.FINAL:
            report.closed_at = now
        report.full_clean()
        report.save()
        by_user = by if getattr(by, "pk", None) else None
        _version(report, stage=stage, by=by_user, now=now)
        _add_deadlines(report, now=now, raised=rank(report.grade) > rank(old_grade))
        audit.record(actor=by, action=stage, obj=report, region_code=report.region_id, before=before,
                     after=audit.snapshot(report))
        if not report.flag:
            _notify_desks(report, stage=stage, now=now)
    return report


def report_followup(*, by, report: InfoReport, deaths: int = 0, injuries: int = 0, missing: int = 0,
                    direct_loss=0, description: str = "", measures: str = "",
                    now: dt.datetime | None = None) -> InfoReport:
    """A follow-up (续报): new figures as a new version; the grade recomputed, and the
    levels a higher grade needs added with their deadlines."""
    return _next_version(by=by, report=report, stage=ReportState.FOLLOWUP, deaths=deaths, injuries=injuries,
                         missing=missing, direct_loss=direct_loss, description=description, measures=measures,
                         now=now)


def report_final(*, by, report: InfoReport, deaths: int = 0, injuries: int = 0, missing: int = 0,
                 direct_loss=0, description: str = "", measures: str = "",
                 now: dt.datetime | None = None) -> InfoReport:
    """The final report (终报): the last version; the report is closed."""
    return _next_version(by=by, report=report, stage=ReportState.FINAL, deaths=deaths, injuries=injuries,
                         missing=missing, direct_loss=direct_loss, description=description, measures=measures,
                         now=now)


# Acknowledgement ---------------------------------------------------------------------------

def deadline_for_officer(report: InfoReport, person: Person, level: str = "") -> ReportDeadline:
    """The level whose desk this person serves (a province officer records the level
    above the province): the one named, or the lowest still open, or the lowest."""
    deadlines = list(report.deadlines.all())
    mine = [d for d in deadlines if _serves(person, d)]
    if level:
        mine = [d for d in mine if d.level == level]
    if not mine:
        raise Forbidden("您不是该报告接收层级的值班人员", "You serve no desk that receives this report",
                        fields={"level": "无权确认 / not your desk"})
    open_ = [d for d in mine if d.done_at is None]
    return (open_ or mine)[0]


def _serves(person: Person, deadline: ReportDeadline) -> bool:
    if deadline.desk_region_id is not None:
        return person.region_id == deadline.desk_region_id
    return person.region_id == deadline.report.region_id[:LEVEL_CODE_LENGTH[ReportLevel.PROVINCE]]


def report_acknowledge(*, deadline: ReportDeadline, person: Person | None, channel: str, by=None,
                       at: dt.datetime | None = None) -> ReportDeadline:
    """A receiving level confirms receipt of the report's current version. The
    level's first confirmation is its `done_at` (late when after `due_at`); a repeat
    by the same person for the same version changes nothing."""
    at = at or timezone.now()
    with transaction.atomic():
        deadline = ReportDeadline.objects.select_for_update().select_related("report").get(pk=deadline.pk)
        report = deadline.report
        _, created = ReportAcknowledgement.objects.get_or_create(
            deadline=deadline, version=report.version, person=person, defaults={"channel": channel, "at": at})
        if not created:
            return deadline
        before = audit.snapshot(deadline)
        if deadline.done_at is None:
            deadline.done_at, deadline.done_by = at, person
            deadline.late = deadline.late or at > deadline.due_at
            deadline.save(update_fields=["done_at", "done_by", "late"])
            if deadline.late and not report.late:
                InfoReport.objects.filter(pk=report.pk).update(late=True)
        audit.record(actor=by, action="acknowledge", obj=deadline, region_code=report.region_id, before=before,
                     after={**audit.snapshot(deadline), "channel": channel, "version": report.version,
                            "person": person.pk if person else None})
    return deadline


def acknowledge_as(*, by, report: InfoReport, level: str = "", now: dt.datetime | None = None) -> ReportDeadline:
    """The API's and the page's acknowledgement: the caller's own desk's level."""
    person = getattr(by, "person", None)
    if person is None:
        raise Forbidden("您不是该报告接收层级的值班人员", "You serve no desk that receives this report")
    Scope.for_user(by).require_officer()
    deadline = deadline_for_officer(report, person, level)
    return report_acknowledge(deadline=deadline, person=person, channel=AckChannel.APP, by=by, at=now)


def on_replies(replies: list) -> None:
    """Messaging reply listener: "1" or "收到" to a report's SMS confirms receipt for
    the level the message went to, as the person it went to."""
    for message, reply in replies:
        context = message.context or {}
        deadline_id = context.get("duty_report_deadline")
        if not deadline_id or message.person_id is None or reply.strip() not in ACK_REPLIES:
            continue
        deadline = ReportDeadline.objects.filter(pk=deadline_id).first()
        person = Person.objects.filter(pk=message.person_id).first()
        if deadline is not None and person is not None:
            report_acknowledge(deadline=deadline, person=person, channel=AckChannel.SMS,
                               at=message.replied_at or timezone.now())


# Flags ------------------------------------------------------------------------------------

def report_flag(*, by, report: InfoReport, flag: str, reason: str, now: dt.datetime | None = None) -> InfoReport:
    """Mark a report as concealed (瞒报) or never reported (漏报), with the reason;
    the mark can be changed, never silently: every change is audited."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(report.region_id)
    if flag not in ReportFlag.values:
        raise DomainError("未知的标记", f"Unknown flag {flag!r}", fields={"flag": "未知 / unknown"})
    reason = _text(reason, "reason", required=bool(flag), limit=1000)
    with transaction.atomic():
        report = InfoReport.objects.select_for_update().get(pk=report.pk)
        before = audit.snapshot(report)
        report.flag, report.flag_reason = flag, reason
        report.flagged_at = (now or timezone.now()) if flag else None
        report.flagged_by = by if flag and getattr(by, "pk", None) else None
        report.save(update_fields=["flag", "flag_reason", "flagged_at", "flagged_by"])
        audit.record(actor=by, action="flag", obj=report, region_code=report.region_id, before=before,
                     after=audit.snapshot(report))
    return report


# The tick ---------------------------------------------------------------------------------

def process_due_deadlines(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Mark the levels whose limit passed unconfirmed as late (迟报), the report with
    them, and remind: the level's duty officers and the desk above it. Each row is
    claimed by a conditional UPDATE, so two workers never remind twice. Returns how
    many levels were marked."""
    now = now or timezone.now()
    due = list(ReportDeadline.objects.filter(done_at__isnull=True, late=False, due_at__lte=now)
               .order_by("due_at", "pk").values_list("pk", flat=True)[:limit])
    marked = 0
    for pk in due:
        with transaction.atomic():
            if not ReportDeadline.objects.filter(pk=pk, late=False, done_at__isnull=True).update(
                    late=True, reminded_at=now):
                continue
            deadline = ReportDeadline.objects.select_related("report__region", "report__kind").get(pk=pk)
            InfoReport.objects.filter(pk=deadline.report_id).update(late=True)
            audit.record(actor=None, action="late", obj=deadline, region_code=deadline.report.region_id,
                         after={"level": deadline.level, "due_at": deadline.due_at, "at": now})
            _remind(deadline, now=now)
            marked += 1
    return marked


LEVEL_NAMES = {"county": "县级", "city": "市级", "province": "省级", "ministry": "部级"}


def _remind(deadline: ReportDeadline, *, now: dt.datetime) -> None:
    """The level's own officers get the link again; the desk above it is told to urge
    them (no link: confirming is the level's own act)."""
    report = deadline.report
    head = (f"【信息报送·超时】{report.region.full_name or report.region.name}{report.kind.name}："
            f"{report.title}，{LEVEL_NAMES[deadline.level]}接收时限已过，尚未确认收到。")
    desks = []
    if deadline.desk_region_id:
        desks.append((deadline.desk_region_id, True))
        above = regioncodes.parent(deadline.desk_region_id)
        if above:
            desks.append((above, False))
    items = []
    for desk, own in desks:
        for person in on_duty(region_code=desk, at=now):
            if not person.mobile:
                continue
            text = head + (f"请立即确认：{ack_url(deadline, person.pk)}" if own else "请督促下级值班人员确认。")
            items.append(messaging.Outgoing(
                channel="sms", to=person.mobile, person_id=person.pk, region_code=desk, text=text,
                idempotency_key=f"duty:report:{report.pk}:late:{deadline.level}:{person.pk}",
                subject=report.title[:200],
                context={"duty_report": report.pk, **({"duty_report_deadline": deadline.pk} if own else {})}))
    if items:
        messaging.send_many(items)
