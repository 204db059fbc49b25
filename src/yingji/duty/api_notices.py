"""API of notices sent down (with each region's feedback) and consultations. Thin:
scope, parse, one service, shape."""

import datetime as dt

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import selectors_notices as selectors
from . import services
from .models.notices import ConsultationKind, NoticeKind, Urgency

router = Router(tags=["duty: notices and consultations"])


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


# Notices -------------------------------------------------------------------------

class FeedbackOut(Schema):
    region: str
    region_name: str
    state: str
    recipients: int
    delivered_at: dt.datetime | None
    read_at: dt.datetime | None
    answered_at: dt.datetime | None
    answer: str
    answered_by: str
    late: bool
    reminded_at: dt.datetime | None


class NoticeOut(Schema):
    id: int
    region: str
    region_name: str
    kind: str
    urgency: str
    title: str
    body: str
    reply_by: dt.datetime | None
    sent_at: dt.datetime
    consultation_id: int | None
    has_attachment: bool
    answered: int
    total: int
    late: int
    feedback: list[FeedbackOut]


class NoticeIn(Schema):
    region: str = Field("", max_length=15, description="the sending bureau's region; default: the caller's")
    kind: NoticeKind = NoticeKind.WORK_TIP
    urgency: Urgency = Urgency.NORMAL
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=20000)
    reply_by: dt.datetime | None = None
    targets: list[str] = Field(default_factory=list, max_length=500,
                               description="region codes below the sender; default: its child regions")
    consultation_id: int | None = Field(None, ge=1, le=2**62)


class NoticeFilter(Schema):
    direction: str = Field("", pattern="^(|sent|received)$")
    region: str = Field("", max_length=15)
    open: bool = False
    late: bool = Field(False, description="only notices with a region late (reminded, or answered after reply-by)")


class AnswerIn(Schema):
    region: str = Field("", max_length=15, description="the answering region; default: the caller's")
    answer: str = Field(..., min_length=1, max_length=2000)


def notice_out(notice, scope: Scope) -> dict:
    targets = selectors.targets_for(scope=scope, notice=notice)
    return {
        "id": notice.pk, "region": notice.region_id, "region_name": notice.region.full_name,
        "kind": notice.kind, "urgency": notice.urgency, "title": notice.title, "body": notice.body,
        "reply_by": notice.reply_by, "sent_at": notice.sent_at, "consultation_id": notice.consultation_id,
        "has_attachment": bool(notice.attachment), **selectors.progress(targets),
        "feedback": [{
            "region": t.region_id, "region_name": t.region.full_name, "state": t.state,
            "recipients": t.recipients, "delivered_at": t.delivered_at, "read_at": t.read_at,
            "answered_at": t.answered_at, "answer": t.answer,
            "answered_by": t.answered_by_name, "late": t.late, "reminded_at": t.reminded_at,
        } for t in targets],
    }


@router.get("/notices", response=Page[NoticeOut])
def list_notices(request, filters: Query[NoticeFilter], paging: Query[PageQuery]):
    scope = Scope.for_user(request.user)
    qs = selectors.notice_list(scope=scope, direction=filters.direction, region=filters.region,
                               open_only=filters.open, late_only=filters.late)
    page = paginate(qs, paging)
    page["items"] = [notice_out(n, scope) for n in page["items"]]
    return page


@router.post("/notices", response={201: NoticeOut})
def create_notice(request, data: NoticeIn):
    scope = Scope.for_user(request.user)
    notice = services.notice_create(
        by=request.user, region=data.region or scope.region_code or "", title=data.title, body=data.body,
        kind=data.kind, urgency=data.urgency, reply_by=_aware(data.reply_by), targets=data.targets,
        consultation_id=data.consultation_id)
    return Status(201, notice_out(selectors.notice_get(scope=scope, id=notice.pk), scope))


@router.get("/notices/{id}", response=NoticeOut)
def get_notice(request, id: int):
    scope = Scope.for_user(request.user)
    return notice_out(selectors.notice_get(scope=scope, id=id), scope)


@router.post("/notices/{id}/feedback", response=NoticeOut)
def answer_notice(request, id: int, data: AnswerIn):
    scope = Scope.for_user(request.user)
    notice = selectors.notice_get(scope=scope, id=id)
    services.notice_answer(by=request.user, notice=notice, region=data.region, answer=data.answer)
    return notice_out(selectors.notice_get(scope=scope, id=id), scope)


# Consultations ---------------------------------------------------------------------

class ActionIn(Schema):
    text: str = Field(..., min_length=1, max_length=300)
    owner: str = Field("", max_length=100)
    due_on: dt.date | None = None


class ActionOut(ActionIn):
    id: int
    done_at: dt.datetime | None


class NoteOut(Schema):
    text: str
    at: dt.datetime
    by: str


class ConsultationIn(Schema):
    region: str = Field("", max_length=15, description="the convening bureau's region; default: the caller's")
    kind: ConsultationKind = ConsultationKind.CONSULTATION
    held_at: dt.datetime
    topic: str = Field(..., min_length=1, max_length=200)
    convened_by: str = Field(..., min_length=1, max_length=100)
    participants: str = Field("", max_length=5000)
    units: str = Field("", max_length=5000)
    situation: str = Field("", max_length=20000)
    decisions: str = Field("", max_length=20000)
    actions: list[ActionIn] = Field(default_factory=list, max_length=50)


class ConsultationOut(Schema):
    id: int
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    kind: str
    held_at: dt.datetime
    topic: str
    convened_by: str
    participants: str
    units: str
    situation: str
    decisions: str
    actions: list[ActionOut]
    notes: list[NoteOut]
    notices: list[int]

    @staticmethod
    def resolve_actions(obj):
        return list(obj.actions.all())

    @staticmethod
    def resolve_notes(obj):
        return [{"text": n.text, "at": n.at, "by": n.by.username if n.by else ""} for n in obj.notes.all()]

    @staticmethod
    def resolve_notices(obj):
        return [n.pk for n in obj.notices.all()]


class ConsultationFilter(Schema):
    region: str = Field("", max_length=15)
    kind: str = Field("", max_length=20)


class NoteIn(Schema):
    text: str = Field(..., min_length=1, max_length=5000)


@router.get("/consultations", response=Page[ConsultationOut])
def list_consultations(request, filters: Query[ConsultationFilter], paging: Query[PageQuery]):
    return paginate(selectors.consultation_list(scope=Scope.for_user(request.user), region=filters.region,
                                                kind=filters.kind), paging)


@router.post("/consultations", response={201: ConsultationOut})
def create_consultation(request, data: ConsultationIn):
    scope = Scope.for_user(request.user)
    fields = data.model_dump()
    fields["region"] = fields["region"] or scope.region_code or ""
    fields["held_at"] = _aware(data.held_at)
    row = services.consultation_create(by=request.user, **fields)
    return Status(201, selectors.consultation_get(scope=scope, id=row.pk))


@router.get("/consultations/{id}", response=ConsultationOut)
def get_consultation(request, id: int):
    return selectors.consultation_get(scope=Scope.for_user(request.user), id=id)


@router.post("/consultations/{id}/notes", response={201: ConsultationOut})
def add_consultation_note(request, id: int, data: NoteIn):
    scope = Scope.for_user(request.user)
    row = selectors.consultation_get(scope=scope, id=id)
    services.consultation_note_add(by=request.user, consultation=row, text=data.text)
    return Status(201, selectors.consultation_get(scope=scope, id=id))


@router.post("/consultation-actions/{id}/done", response=ActionOut)
def finish_consultation_action(request, id: int):
    action = selectors.consultation_action_get(scope=Scope.for_user(request.user), id=id)
    return services.consultation_action_done(by=request.user, action=action)
