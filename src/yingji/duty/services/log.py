"""Writes of the duty log (值班日志) and the handover (交接班), all audited.

Entries are never deleted. A correction is a new version of the entry (the old one
stays, marked `superseded`, and the new one `replaces` it), so what the desk wrote at
the time can always be read. Closing an entry is a state change with its note.

At shift change the outgoing officer hands over: the handover lists the entries still
open (they stay open, carried to the next shift) and the notes; the incoming officer
accepts; the leader on duty signs off the shift's log, which is a time stamp and a name
on the handover row.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ...core import audit
from ...core.errors import DomainError, Forbidden
from ...core.models import Person, Region, RosterShift
from ...core.scope import Scope
from ...core.services import save_audited
from ..choices_desk import HandoverState, LogSource, LogState
from ..models import Handover, LogEntry
from .roster import desk_day, desk_day_bounds

ENTRY_FIELDS = ("occurred_at", "source", "caller", "caller_phone", "summary", "actions")
FUTURE_SLACK = dt.timedelta(minutes=10)  # clocks of phones differ a little


def _person_of(by, person: Person | None = None) -> Person | None:
    """Who acts at the desk: the caller's person; the system (by=None: a seed, an import
    run from the command line) names the person it acts for."""
    if by is None:
        return person
    return getattr(by, "person", None)


def _writable_region(by, code) -> Scope:
    scope = Scope.for_user(by)
    if not isinstance(code, str) or not Region.objects.filter(pk=code).exists():
        raise DomainError("区划不存在", "Region does not exist", fields={"region": "不存在 / not found"})
    scope.require_officer()
    scope.require_region(code)
    return scope


def _check_entry(entry: LogEntry, now: dt.datetime) -> None:
    if entry.source not in LogSource.values:
        raise DomainError("来源不是允许的取值", "Unknown source", fields={"source": "取值无效 / invalid"})
    if not (entry.summary or "").strip():
        raise DomainError("请填写事由", "A summary is required", fields={"summary": "必填 / required"})
    if entry.occurred_at > now + FUTURE_SLACK:
        raise DomainError("时间不能晚于现在", "The time cannot be in the future",
                          fields={"occurred_at": "晚于现在 / in the future"})


def entry_create(*, by, region_code: str, summary: str, source: str = LogSource.PHONE,
                 occurred_at: dt.datetime | None = None, caller: str = "", caller_phone: str = "",
                 actions: str = "", closed: bool = False, now: dt.datetime | None = None,
                 person: Person | None = None) -> LogEntry:
    _writable_region(by, region_code)
    now = now or timezone.now()
    entry = LogEntry(region_id=region_code, occurred_at=occurred_at or now, source=source, caller=caller or "",
                     caller_phone=caller_phone or "", summary=(summary or "").strip(), actions=actions or "",
                     recorded_by=_person_of(by, person), recorded_at=now)
    if closed:
        entry.state, entry.closed_at = LogState.CLOSED, now
    _check_entry(entry, now)
    with transaction.atomic():
        return save_audited(entry, by=by, action="create", before=None, region_code=region_code)


def entry_close(*, by, entry: LogEntry, note: str = "", now: dt.datetime | None = None) -> LogEntry:
    _writable_region(by, entry.region_id)
    if entry.superseded:
        raise DomainError("该条目已被更正，请办结最新版本", "This entry was corrected; close its latest version",
                          code="superseded")
    if entry.state == LogState.CLOSED:
        raise DomainError("该条目已办结", "This entry is already closed", code="closed")
    before = audit.snapshot(entry)
    entry.state, entry.closed_at, entry.closing_note = LogState.CLOSED, now or timezone.now(), note or ""
    with transaction.atomic():
        return save_audited(entry, by=by, action="close", before=before, region_code=entry.region_id)


def entry_correct(*, by, entry: LogEntry, note: str, now: dt.datetime | None = None, **changes) -> LogEntry:
    """A new version of `entry` with `changes`; the old one stays, marked superseded.
    The new version keeps the state (an open entry stays open, and stays carried)."""
    _writable_region(by, entry.region_id)
    now = now or timezone.now()
    if entry.superseded:
        raise DomainError("该条目已被更正，请更正最新版本", "This entry was corrected; correct its latest version",
                          code="superseded")
    if not (note or "").strip():
        raise DomainError("请说明更正原因", "Say why the entry is corrected", fields={"note": "必填 / required"})
    unknown = set(changes) - set(ENTRY_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise DomainError(f"字段 {name} 不可修改", f"Field {name} cannot be changed",
                          fields={name: "不可修改 / read-only"})
    new = LogEntry(region_id=entry.region_id, recorded_by=_person_of(by), recorded_at=now,
                   version=entry.version + 1,
                   replaces=entry, correction_note=note.strip(), state=entry.state, closed_at=entry.closed_at,
                   closing_note=entry.closing_note,
                   **{f: getattr(entry, f) for f in ENTRY_FIELDS})
    for name, value in changes.items():
        if value is not None:
            setattr(new, name, value)
    _check_entry(new, now)
    before = audit.snapshot(entry)
    with transaction.atomic():
        entry.superseded = True
        save_audited(entry, by=by, action="supersede", before=before, region_code=entry.region_id)
        new = save_audited(new, by=by, action="correct", before=None, region_code=entry.region_id)
        for handover in entry.handovers.all():  # a carried entry stays carried in its newest version
            handover.carried.add(new)
        return new


def open_entries(region_code: str):
    return LogEntry.objects.filter(region_id=region_code, state=LogState.OPEN, superseded=False)


def handover_create(*, by, region_code: str, notes: str = "", incoming_id: int | None = None,
                    now: dt.datetime | None = None, person: Person | None = None) -> Handover:
    """The outgoing officer (the caller) hands the desk over: the open entries are carried."""
    _writable_region(by, region_code)
    now = now or timezone.now()
    outgoing = _person_of(by, person)
    if outgoing is None:
        raise Forbidden("交班须由值班人员本人操作", "Only a person on the desk can hand it over")
    incoming = None
    if incoming_id is not None:
        incoming = Person.objects.filter(pk=incoming_id, region__code__startswith=region_code,
                                         active=True).first() if isinstance(incoming_id, int) else None
        if incoming is None:
            raise DomainError("接班人不存在", "The incoming officer was not found",
                              fields={"incoming": "不存在 / not found"})
    if Handover.objects.filter(region_id=region_code, state=HandoverState.HANDED).exists():
        raise DomainError("上一次交班尚未接班", "The previous handover has not been accepted yet",
                          code="pending_handover")
    last = Handover.objects.filter(region_id=region_code, handed_at__lte=now).order_by("-handed_at").first()
    # Without an earlier handover, the shift handed over is the regular one that began
    # at least an hour ago (a handover a little after 08:30 closes yesterday's shift).
    period_start = last.handed_at if last else desk_day_bounds(desk_day(now - dt.timedelta(hours=1)))[0]
    period_start = min(period_start, now)
    handover = Handover(region_id=region_code, period_start=period_start, handed_at=now, outgoing=outgoing,
                        incoming=incoming, notes=notes or "",
                        entries=LogEntry.objects.filter(region_id=region_code, superseded=False,
                                                        recorded_at__gte=period_start, recorded_at__lte=now).count())
    with transaction.atomic():
        save_audited(handover, by=by, action="hand_over", before=None, region_code=region_code)
        carried = list(open_entries(region_code).filter(recorded_at__lte=now).values_list("pk", flat=True))
        handover.carried.set(carried)
        audit.record(actor=by, action="carry_over", obj=handover, region_code=region_code,
                     after={"carried": carried})
        return handover


def handover_accept(*, by, handover: Handover, now: dt.datetime | None = None,
                    person: Person | None = None) -> Handover:
    _writable_region(by, handover.region_id)
    person = _person_of(by, person)
    if person is None:
        raise Forbidden("接班须由值班人员本人操作", "Only a person on the desk can accept it")
    if handover.state != HandoverState.HANDED:
        raise DomainError("该交班已接班", "This handover was already accepted", code="accepted")
    if handover.incoming_id is not None and handover.incoming_id != person.pk:
        raise Forbidden(f"交班指定的接班人是 {handover.incoming.name}",
                        f"The handover names {handover.incoming.name} as the incoming officer")
    if person.pk == handover.outgoing_id:
        raise DomainError("交班人不能自己接班", "The outgoing officer cannot accept their own handover")
    before = audit.snapshot(handover)
    handover.incoming, handover.state, handover.accepted_at = person, HandoverState.ACCEPTED, now or timezone.now()
    with transaction.atomic():
        return save_audited(handover, by=by, action="accept", before=before, region_code=handover.region_id)


def leaders_of(handover: Handover) -> list[int]:
    """The people on a leader shift of the region during the handed-over shift."""
    return list(RosterShift.objects.filter(region_id=handover.region_id, role="leader",
                                           starts_at__lte=handover.handed_at, ends_at__gt=handover.period_start)
                .values_list("person_id", flat=True))


def handover_sign_off(*, by, handover: Handover, note: str = "", now: dt.datetime | None = None,
                      person: Person | None = None) -> Handover:
    """The leader on duty signs the shift's log (带班领导签字). Where the roster names
    leaders for that shift only they may sign; where it names none, an officer of the
    region's bureau may (and the audit says who)."""
    _writable_region(by, handover.region_id)
    person = _person_of(by, person)
    if person is None:
        raise Forbidden("签字须由带班领导本人操作", "Only the leader on duty can sign off")
    if handover.signed_off_at is not None:
        raise DomainError("该班日志已签字", "This shift's log is already signed off", code="signed")
    leaders = leaders_of(handover)
    if leaders and person.pk not in leaders:
        raise Forbidden("只有本班带班领导可以签字", "Only the shift's leader on duty can sign off its log")
    before = audit.snapshot(handover)
    handover.signed_off_by, handover.signed_off_at, handover.sign_off_note = person, now or timezone.now(), note or ""
    with transaction.atomic():
        return save_audited(handover, by=by, action="sign_off", before=before, region_code=handover.region_id)


def entries_of_shift(handover: Handover):
    return LogEntry.objects.filter(Q(recorded_at__gte=handover.period_start, recorded_at__lte=handover.handed_at),
                                   region_id=handover.region_id)
