"""Notices sent down (提示单 · 工作提示 · 通知) and each target region's feedback.

A bureau writes a notice to regions below it. Each target region's duty desk (whoever
is on the roster now, officer and leader on duty, or the standing duty officers) is
told by SMS through the messaging outbox, in the same transaction as the notice: one
message per notice, region and person under its own idempotency key, with a signed
link to answer from a phone. The people told are stored on the target row, so that
sending again (a retry) reaches the same desk and nobody a second time.

The reply-by deadline is a timer row: `NoticeTarget.due_at`. The scheduler tick
(`remind_overdue`) claims each due, unanswered target with a conditional UPDATE (one
worker wins it), marks it late and reminds its desk once.
"""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from ...core import audit, regioncodes, uploads
from ...core.errors import DomainError
from ...core.models import Person, Region
from ...core.scope import Scope
from ...core.selectors import on_duty
from ...core.services import save_audited
from ...messaging import services as messaging
from ..models.notices import KIND_ZH, URGENCY_ZH, Consultation, FeedbackState, Notice, NoticeTarget, attachment_storage

LINK_SALT = "yingji.duty.notice"
# How long an answer link works (days): long after any reply-by, short of forever.
LINK_MAX_AGE_DAYS = 30
MAX_TARGETS = 500
ANSWER_MAX = 2000


# Links -------------------------------------------------------------------------

def answer_token(target: NoticeTarget, person_id: int) -> str:
    """The signed value in one person's answer link: good only for this region of this
    notice, and names who answers."""
    return signing.dumps([target.pk, target.notice_id, person_id], salt=LINK_SALT, compress=False)


def answer_url(target: NoticeTarget, person_id: int) -> str:
    return f"{settings.YINGJI_PUBLIC_URL.rstrip('/')}/duty/notices/answer/{answer_token(target, person_id)}"


def target_for_token(token: str) -> tuple[NoticeTarget, Person | None]:
    """The target and the person of an answer link; a forged, altered or expired
    link is refused (DomainError `invalid_token`)."""
    refused = DomainError("反馈链接无效或已过期", "Invalid or expired answer link", code="invalid_token")
    try:
        target_id, notice_id, person_id = signing.loads(token, salt=LINK_SALT,
                                                        max_age=dt.timedelta(days=LINK_MAX_AGE_DAYS))
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise refused from exc
    target = (NoticeTarget.objects.select_related("notice__region", "region")
              .filter(pk=target_id, notice_id=notice_id).first())
    if target is None:
        raise refused
    return target, Person.objects.filter(pk=person_id).first()


# Sending -----------------------------------------------------------------------

def desk_of(region_code: str, *, at: dt.datetime) -> list[Person]:
    """Who is told at a region's duty desk: the officers on duty, then the leader on duty."""
    people = on_duty(region_code=region_code, at=at) + on_duty(region_code=region_code, at=at, roles=("leader",))
    return list(dict.fromkeys(people))


def notice_create(*, by, region: str, title: str, body: str, kind: str, urgency: str = "normal",
                  reply_by: dt.datetime | None = None, targets: list[str] | None = None,
                  consultation_id: int | None = None, attachment=None,
                  now: dt.datetime | None = None) -> Notice:
    """Write a notice from `region` to `targets` (by default its child regions) and
    send it to each target's duty desk."""
    now = now or timezone.now()
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(region)
    sender = Region.objects.filter(pk=region).first()
    if sender is None:
        raise DomainError("区划不存在", "Unknown region", fields={"region": "不存在 / unknown"})
    codes = _target_codes(scope, sender, targets)
    if reply_by is not None and reply_by <= now:
        raise DomainError("反馈时限应晚于现在", "reply_by must be in the future",
                          fields={"reply_by": "应晚于现在 / must be in the future"})
    consultation = None
    if consultation_id is not None:
        consultation = scope.filter(Consultation.objects.all()).filter(pk=consultation_id).first()
        if consultation is None:
            raise DomainError("会商记录不存在", "Unknown consultation",
                              fields={"consultation_id": "不存在 / unknown"})
    if attachment is not None:
        uploads.check_document(attachment, field="attachment")
    notice = Notice(region=sender, kind=kind, urgency=urgency, title=title, body=body, reply_by=reply_by,
                    consultation=consultation, created_by=by, sent_at=now)
    notice.full_clean()  # before the file is stored: a refused notice leaves no file behind
    with transaction.atomic():
        notice.attachment = _store(attachment, now) if attachment is not None else ""
        notice = save_audited(notice, by=by, action="notice.create", before=None, region_code=sender.code)
        NoticeTarget.objects.bulk_create([NoticeTarget(notice=notice, region_id=code, due_at=reply_by)
                                          for code in codes])
        audit.record(actor=by, action="notice.targets", obj=notice, region_code=sender.code,
                     after={"targets": codes})
        notice_send(notice=notice, now=now)
    return notice


def _store(file, now: dt.datetime) -> str:
    """Save an uploaded attachment under a dated folder; its stored name (the original
    file name, made safe and unique by the storage)."""
    name = Path(getattr(file, "name", "") or "attachment").name[-80:]
    return attachment_storage().save(f"duty/notices/{now:%Y/%m}/{name}", file)


def _target_codes(scope: Scope, sender: Region, targets: list[str] | None) -> list[str]:
    if not targets:
        codes = list(Region.objects.filter(parent_id=sender.code).order_by("code").values_list("code", flat=True))
        if not codes:
            raise DomainError("该区划没有下级区划", "The region has no regions below it",
                              fields={"targets": "必填 / required"})
        return codes
    codes = list(dict.fromkeys(str(c).strip() for c in targets))
    if len(codes) > MAX_TARGETS:
        raise DomainError(f"接收区划最多 {MAX_TARGETS} 个", f"At most {MAX_TARGETS} target regions",
                          fields={"targets": "过多 / too many"})
    known = set(Region.objects.filter(pk__in=codes).values_list("code", flat=True))
    for code in codes:
        if code not in known:
            raise DomainError(f"区划 {code} 不存在", f"Unknown region {code}", fields={"targets": "不存在 / unknown"})
        if code == sender.code or not regioncodes.in_subtree(code, sender.code):
            raise DomainError(f"区划 {code} 不在发文单位之下", f"Region {code} is not below the sender",
                              fields={"targets": "应为下级区划 / must be below the sender"})
        if not scope.covers_region(code):
            raise DomainError(f"区划 {code} 不在管辖范围内", f"Region {code} is outside your jurisdiction",
                              fields={"targets": "不在管辖范围内 / outside your jurisdiction"})
    return codes


def notice_send(*, notice: Notice, now: dt.datetime | None = None) -> int:
    """Put the notice's messages in the outbox: one per target region and person on its
    desk. Safe to repeat: the desk told first is stored on the target and every
    message has its key, so a retry adds nothing. Returns the messages asked for."""
    now = now or timezone.now()
    items = []
    for target in notice.targets.select_related("region").order_by("region_id"):
        if target.recipient_ids is None:
            target.recipient_ids = [p.pk for p in desk_of(target.region_id, at=now)]
            target.recipients = len(target.recipient_ids)
            target.save(update_fields=["recipient_ids", "recipients"])
        people = Person.objects.filter(pk__in=target.recipient_ids).order_by("pk")
        items += [_message(notice, target, person, "send", _notice_text(notice, target, person))
                  for person in people]
    messaging.send_many(items)
    return len(items)


def _message(notice: Notice, target: NoticeTarget, person: Person, what: str, text: str) -> messaging.Outgoing:
    return messaging.Outgoing(
        channel="sms", to=person.mobile, text=text, person_id=person.pk, region_code=target.region_id,
        idempotency_key=f"duty:notice:{notice.pk}:{target.region_id}:{person.pk}:{what}",
        subject=notice.title[:200], context={"duty_notice": notice.pk, "duty_notice_target": target.pk})


def _prefix(notice: Notice) -> str:
    urgency = "" if notice.urgency == "normal" else f"【{URGENCY_ZH[notice.urgency]}】"
    return f"{urgency}【{KIND_ZH[notice.kind]}】{notice.region.full_name}："


def _deadline(notice: Notice) -> str:
    if notice.reply_by is None:
        return "请阅知并反馈"
    return f"请于{timezone.localtime(notice.reply_by):%m月%d日%H:%M}前反馈"


def _notice_text(notice: Notice, target: NoticeTarget, person: Person) -> str:
    return f"{_prefix(notice)}{notice.title}。{_deadline(notice)}：{answer_url(target, person.pk)}"


def _reminder_text(notice: Notice, target: NoticeTarget, person: Person) -> str:
    return (f"【催办】{_prefix(notice)}{notice.title}。{target.region.full_name}尚未反馈，已超过反馈时限，"
            f"请尽快反馈：{answer_url(target, person.pk)}")


# Feedback ----------------------------------------------------------------------

def feedback_read(*, target: NoticeTarget, person: Person | None = None, now: dt.datetime | None = None) -> None:
    """The region's desk opened the notice (its link, or the notice's page): read at."""
    now = now or timezone.now()
    with transaction.atomic():
        won = NoticeTarget.objects.filter(pk=target.pk, read_at__isnull=True).update(
            read_at=now, state=_read_state(target))
        if won:
            audit.record(actor=None, action="notice.read", obj=target, region_code=target.region_id,
                         after={"read_at": now.isoformat(), "person": person.pk if person else None})
    target.refresh_from_db()


def _read_state(target: NoticeTarget) -> str:
    return FeedbackState.ANSWERED if target.answered_at else FeedbackState.READ


def feedback_answer(*, target: NoticeTarget, answer: str, by=None, person: Person | None = None,
                    name: str = "", now: dt.datetime | None = None) -> NoticeTarget:
    """Record (or amend) a region's answer. `by` is the logged-in user, or None when the
    answer comes through a signed link (then `person` is who the link was sent to)."""
    now = now or timezone.now()
    answer = (answer or "").strip()
    if not answer:
        raise DomainError("请填写反馈内容", "The answer is required", fields={"answer": "必填 / required"})
    if len(answer) > ANSWER_MAX:
        raise DomainError(f"反馈内容最多 {ANSWER_MAX} 字", f"At most {ANSWER_MAX} characters",
                          fields={"answer": "过长 / too long"})
    if person is None and by is not None:
        person = getattr(by, "person", None)
    with transaction.atomic():
        row = NoticeTarget.objects.select_for_update(of=("self",)).select_related("notice").get(pk=target.pk)
        before = audit.snapshot(row)
        row.answer, row.answered_at, row.due_at = answer, now, None
        row.read_at = row.read_at or now
        row.state = FeedbackState.ANSWERED
        row.answered_by = person
        row.answered_by_name = (name or (person.name if person else getattr(by, "username", "")))[:50]
        if row.notice.reply_by is not None and now > row.notice.reply_by:
            row.late = True
        save_audited(row, by=by, action="notice.answer", before=before, region_code=row.region_id)
    return row


def notice_answer(*, by, notice: Notice, answer: str, region: str = "",
                  now: dt.datetime | None = None) -> NoticeTarget:
    """A logged-in officer answers for a target region in their jurisdiction (their own
    region when they name none)."""
    scope = Scope.for_user(by)
    scope.require_officer()
    region = region or scope.region_code
    target = notice.targets.filter(region_id=region).first()
    if target is None:
        raise DomainError("该区划不是本提示单的接收单位", "That region is not a target of this notice",
                          fields={"region": "不是接收单位 / not a target"})
    scope.require_region(target.region_id)
    return feedback_answer(target=target, answer=answer, by=by, now=now)


# The reply-by timer --------------------------------------------------------------

def remind_overdue(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Remind each region whose reply-by has come without an answer, once: claim its
    timer (a conditional UPDATE that one worker wins), mark it late, and put the
    reminder in the outbox in the same transaction. Returns the regions reminded."""
    now = now or timezone.now()
    due = list(NoticeTarget.objects.filter(due_at__lte=now).order_by("due_at", "id").values_list("pk", flat=True)
               [:limit])
    reminded = []
    for pk in due:
        with transaction.atomic():
            won = NoticeTarget.objects.filter(pk=pk, due_at__isnull=False, answered_at__isnull=True).update(
                due_at=None, reminded_at=now, late=True)
            if not won:
                NoticeTarget.objects.filter(pk=pk, answered_at__isnull=False).update(due_at=None)
                continue
            target = NoticeTarget.objects.select_related("notice__region", "region").get(pk=pk)
            people = Person.objects.filter(pk__in=target.recipient_ids or []).order_by("pk")
            messaging.send_many([_message(target.notice, target, p, "remind",
                                          _reminder_text(target.notice, target, p)) for p in people])
            reminded.append(pk)
    if reminded:
        audit.record_batch(actor=None, action="notice.remind", object_type="duty.noticetarget",
                           ids={"reminded": reminded})
    return len(reminded)
