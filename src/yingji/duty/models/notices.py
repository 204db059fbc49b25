"""Notices sent down (提示单 · 工作提示 · 通知) with each region's feedback, and
consultations (会商) with their follow-up actions and notes."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _


def attachment_storage() -> FileSystemStorage:
    """Attachments live under MEDIA_ROOT when the project sets one, otherwise under
    ./var/media (beside the SQLite file of the embedded default)."""
    root = getattr(settings, "MEDIA_ROOT", "") or (settings.VAR_DIR / "media")
    return FileSystemStorage(location=root, base_url=getattr(settings, "MEDIA_URL", "") or "/media/")


# Choice labels are English msgids (Chinese in the .po); messages use the Chinese
# names below whatever the reader's language.
class NoticeKind(models.TextChoices):
    TIP_SHEET = "tip_sheet", _("Tip sheet")
    WORK_TIP = "work_tip", _("Work tip")
    CIRCULAR = "circular", _("Circular")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    VERY_URGENT = "very_urgent", _("Very urgent")


KIND_ZH = {"tip_sheet": "提示单", "work_tip": "工作提示", "circular": "通知"}
URGENCY_ZH = {"normal": "平件", "urgent": "急件", "very_urgent": "特急"}


class FeedbackState(models.TextChoices):
    SENT = "sent", _("Sent")
    READ = "read", _("Read")
    ANSWERED = "answered", _("Answered")


class ConsultationKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    DAILY_JUDGEMENT = "daily_judgement", _("Daily judgement")
    DAILY_DISPATCH = "daily_dispatch", _("Daily dispatch")
    DAILY_BULLETIN = "daily_bulletin", _("Daily bulletin")


class Consultation(models.Model):
    """A consultation (会商) of a bureau: when, on what, who convened and took part, the
    situation as judged (研判), the decisions and the follow-up actions. The daily
    routines (日研判、日调度、日通报) are kinds of it. Never deleted: corrections are
    notes beside it, and every change is in the audit chain."""

    scope_region = "region__code"

    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT,
                               related_name="+")
    kind = models.CharField(_("类型"), max_length=20, choices=ConsultationKind.choices,
                            default=ConsultationKind.CONSULTATION)
    held_at = models.DateTimeField(_("时间"))
    topic = models.CharField(_("议题"), max_length=200)
    convened_by = models.CharField(_("召集人"), max_length=100)
    participants = models.TextField(_("参会人员"), blank=True)
    units = models.TextField(_("参会单位"), blank=True)
    situation = models.TextField(_("研判意见"), blank=True)
    decisions = models.TextField(_("会商决定"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-held_at", "-id"]
        verbose_name = _("Consultation")
        verbose_name_plural = _("会商 Consultations")
        indexes = [models.Index(fields=["region", "held_at"], name="duty_consult_region_idx")]

    def __str__(self):
        return f"{self.held_at:%Y-%m-%d} {self.topic}"


class ConsultationAction(models.Model):
    """A follow-up action (落实事项) decided at a consultation: what, who owns it, by when."""

    scope_region = "consultation__region__code"

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="actions")
    text = models.CharField(_("事项"), max_length=300)
    owner = models.CharField(_("责任人/单位"), max_length=100, blank=True)
    due_on = models.DateField(_("完成时限"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["consultation_id", "id"]
        verbose_name = _("会商落实事项 Consultation action")
        verbose_name_plural = _("会商落实事项 Consultation actions")

    def __str__(self):
        return self.text


class ConsultationNote(models.Model):
    """A correction or addition (更正/补充说明) to a consultation record, appended."""

    scope_region = "consultation__region__code"

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField(_("说明"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["consultation_id", "at", "id"]
        verbose_name = _("会商更正说明 Consultation note")
        verbose_name_plural = _("会商更正说明 Consultation notes")


class Notice(models.Model):
    """A notice sent down (提示单 / 工作提示 / 通知) by a bureau to regions below it.
    Each target region's duty desk is told through messaging and answers; the
    notice is done when every target has answered. `region` is the sender."""

    scope_region = "region__code"

    region = models.ForeignKey("core.Region", verbose_name=_("发文单位区划"), on_delete=models.PROTECT,
                               related_name="+")
    kind = models.CharField(_("类型"), max_length=16, choices=NoticeKind.choices, default=NoticeKind.WORK_TIP)
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    reply_by = models.DateTimeField(_("反馈时限"), null=True, blank=True)
    # The stored name in attachment_storage() (a plain name, so that the row snapshots
    # into the audit chain as it is); served through the caller's scope only.
    attachment = models.CharField(_("附件"), max_length=200, blank=True)
    consultation = models.ForeignKey(Consultation, verbose_name=_("相关会商"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="notices")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    sent_at = models.DateTimeField(_("发送时间"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("提示单 Notice")
        verbose_name_plural = _("提示单 Notices")
        indexes = [models.Index(fields=["region", "sent_at"], name="duty_notice_region_idx")]

    def __str__(self):
        return self.title


class NoticeTarget(models.Model):
    """One target region of a notice and its feedback (反馈): when its desk was told,
    read it, answered and what. `due_at` is the reply-by timer: the tick reminds an
    unanswered region once when it comes, marks it late, and clears it."""

    scope_region = "region__code"

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="targets")
    region = models.ForeignKey("core.Region", verbose_name=_("接收区划"), on_delete=models.PROTECT,
                               related_name="+")
    state = models.CharField(_("状态"), max_length=16, choices=FeedbackState.choices, default=FeedbackState.SENT)
    recipients = models.PositiveIntegerField(_("通知人数"), default=0)
    # The people of the desk told when the notice went (person ids): a retry or a
    # reminder reaches them, not whoever holds the desk later.
    recipient_ids = models.JSONField(_("通知人员"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅知时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    answer = models.TextField(_("反馈内容"), blank=True)
    answered_by = models.ForeignKey("core.Person", verbose_name=_("反馈人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_by_name = models.CharField(_("反馈人姓名"), max_length=50, blank=True)
    due_at = models.DateTimeField(_("催办时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("催办于"), null=True, blank=True)
    late = models.BooleanField(_("逾期"), default=False)

    class Meta:
        ordering = ["notice_id", "region_id"]
        verbose_name = _("提示单反馈 Notice feedback")
        verbose_name_plural = _("提示单反馈 Notice feedback")
        constraints = [models.UniqueConstraint(fields=["notice", "region"], name="duty_notice_target_unique")]
        indexes = [models.Index(fields=["due_at", "id"], condition=models.Q(due_at__isnull=False),
                                name="duty_notice_due_idx")]

    def __str__(self):
        return f"{self.notice_id} → {self.region_id}"
