"""Reads of notices and consultations, always through the caller's scope.

A notice is seen by its sender's subtree and by the target regions' officers (a
county sees what the city sent to it or to its townships). A receiver sees the
feedback of the targets in its own subtree only; the sender sees every target's.
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from ..core.errors import NotFound
from ..core.scope import Scope, fits_database
from ..messaging.selectors import message_list
from .models.notices import Consultation, ConsultationAction, FeedbackState, Notice, NoticeTarget


def _visible(scope: Scope):
    if scope.is_nobody or scope.organization_id is not None:
        return Notice.objects.none()
    qs = Notice.objects.select_related("region", "consultation")
    if not scope.region_code:
        return qs
    return qs.filter(Q(region__code__startswith=scope.region_code) | Exists(
        NoticeTarget.objects.filter(notice=OuterRef("pk"), region__code__startswith=scope.region_code)))


def notice_list(*, scope: Scope, direction: str = "", region: str = "", open_only: bool = False,
                late_only: bool = False):
    """`direction`: "sent" (by the caller's subtree), "received" (sent to it from above)."""
    qs = _visible(scope)
    own = scope.region_code or ""
    if direction == "sent":
        qs = qs.filter(region__code__startswith=own)
    elif direction == "received":
        qs = qs.exclude(region__code__startswith=own) if own else qs.none()
    if region:
        qs = qs.filter(Q(region__code__startswith=region) | Exists(
            NoticeTarget.objects.filter(notice=OuterRef("pk"), region__code__startswith=region)))
    if open_only:
        qs = qs.filter(_with_target(own, answered_at__isnull=True))
    if late_only:
        qs = qs.filter(_with_target(own, late=True))
    return qs.order_by("-sent_at", "-id")


def _with_target(own: str, **condition) -> Q:
    """Notices with a target in this condition among the rows the caller reads: any
    target of a notice its subtree sent, its own targets of one sent from above."""
    rows = NoticeTarget.objects.filter(notice=OuterRef("pk"), **condition)
    return (Q(region__code__startswith=own) & Exists(rows)) | Exists(rows.filter(region__code__startswith=own))


def notice_get(*, scope: Scope, id: int) -> Notice:
    if not fits_database(id):
        raise NotFound()
    notice = _visible(scope).filter(pk=id).first()
    if notice is None:
        raise NotFound()
    return notice


def targets_for(*, scope: Scope, notice: Notice) -> list[NoticeTarget]:
    """The feedback rows the caller may read: all for the sender's side, else its own.
    Each carries `delivered_at`: when the first of its desk's messages reached a phone
    (the gateway's receipt), None until one has."""
    qs = notice.targets.select_related("region", "answered_by").order_by("region_id")
    targets = list(qs) if scope.covers_region(notice.region_id) else list(scope.filter(qs))
    delivered: dict[int, object] = {}
    messages = message_list(scope=scope, context=f"duty_notice={notice.pk}").filter(delivered_at__isnull=False)
    for context, at in messages.values_list("context", "delivered_at"):
        key = context.get("duty_notice_target")
        if key is not None and (key not in delivered or at < delivered[key]):
            delivered[key] = at
    for target in targets:
        target.delivered_at = delivered.get(target.pk)
    return targets


def progress(targets: list[NoticeTarget]) -> dict:
    answered = sum(1 for t in targets if t.state == FeedbackState.ANSWERED)
    return {"answered": answered, "total": len(targets), "late": sum(1 for t in targets if t.late)}


def late_targets(*, scope: Scope):
    """Unanswered regions past their notice's reply-by (listed as late)."""
    return (scope.filter(NoticeTarget.objects.select_related("notice", "region"))
            .filter(late=True, answered_at__isnull=True).order_by("-notice__sent_at", "region_id"))


def consultation_list(*, scope: Scope, region: str = "", kind: str = ""):
    if scope.organization_id is not None:
        return Consultation.objects.none()
    qs = scope.filter(Consultation.objects.select_related("region")).annotate(
        action_count=Count("actions", distinct=True))
    if region:
        qs = qs.filter(region__code__startswith=region)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.prefetch_related(Prefetch("actions", queryset=ConsultationAction.objects.order_by("id")),
                               "notes", "notices").order_by("-held_at", "-id")


def consultation_get(*, scope: Scope, id: int) -> Consultation:
    if scope.organization_id is not None:
        raise NotFound()
    qs = scope.filter(Consultation.objects.select_related("region")).prefetch_related(
        Prefetch("actions", queryset=ConsultationAction.objects.order_by("id")), "notes__by", "notices")
    return scope.get(qs, pk=id)


def consultation_action_get(*, scope: Scope, id: int) -> ConsultationAction:
    if scope.organization_id is not None:
        raise NotFound()
    return scope.get(ConsultationAction.objects.select_related("consultation"), pk=id)
