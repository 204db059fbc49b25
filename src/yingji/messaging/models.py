"""The outbox: one row per outbound message, one row per delivery attempt."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AttemptOutcome, Channel, MessageStatus


class Message(models.Model):
    """An outbound message (出站消息) to one recipient on one channel. The row is the
    queue entry and the timer: a worker claims it when `due_at` has come (a
    conditional update that only one worker wins), hands it to the channel's
    transport and records the outcome. `idempotency_key` makes enqueueing safe to
    repeat: the same key never makes a second message."""

    scope_region = "region_code"
    # Enterprise users see only messages to people of their own enterprise.
    scope_organization = "person__organization"

    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    # May be blank: a person without a number fails at delivery, where the operator
    # and the stale-contacts report see it, instead of breaking the caller.
    to = models.CharField(_("收件地址"), max_length=300, blank=True, help_text=_("手机号、网址或电子邮箱"))
    person = models.ForeignKey(
        "core.Person", verbose_name=_("收件人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="messages",
    )
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    text = models.TextField(_("正文"))
    idempotency_key = models.CharField(_("幂等键"), max_length=200, unique=True)
    status = models.CharField(_("状态"), max_length=20, choices=MessageStatus.choices,
                              default=MessageStatus.QUEUED)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    due_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    claimed_by = models.CharField(_("领取进程"), max_length=200, blank=True)
    provider_message_id = models.CharField(_("网关消息编号"), max_length=200, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    reply = models.TextField(_("回复"), blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=15, blank=True)
    context = models.JSONField(_("业务上下文"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("出站消息 Message")
        verbose_name_plural = _("出站消息 Messages")
        indexes = [
            # The queues a worker reads, each in the order it reads them (core/queues.py):
            # messages waiting for their due time, and claims whose lease may have run out.
            models.Index(fields=["due_at", "id"], condition=models.Q(status=MessageStatus.QUEUED),
                         name="messaging_queue_idx"),
            models.Index(fields=["claimed_at", "id"], condition=models.Q(status=MessageStatus.SENDING),
                         name="messaging_lease_idx"),
            # Scopes ask for a region's subtree (`region_code LIKE '3310%'`), never for
            # one code: one prefix index, not a plain one beside it (every message is
            # written three times, and each write goes into every index).
            models.Index(fields=["region_code"], opclasses=["varchar_pattern_ops"], name="messaging_region_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.to} ({self.get_status_display()})"


class DeliveryAttempt(models.Model):
    """One try (投递尝试) to hand a message to its gateway: when, how long, and what
    the gateway said. "Who was told what, when, and did it arrive" is a query."""

    scope_region = "message__region_code"
    scope_organization = "message__person__organization"

    message = models.ForeignKey("messaging.Message", verbose_name=_("消息"), on_delete=models.CASCADE,
                                related_name="delivery_attempts")
    number = models.PositiveIntegerField(_("第几次"))
    worker = models.CharField(_("发送进程"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"))
    outcome = models.CharField(_("结果"), max_length=20, choices=AttemptOutcome.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP 状态码"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)

    class Meta:
        ordering = ["message_id", "number", "id"]
        verbose_name = _("投递尝试 Delivery attempt")
        verbose_name_plural = _("投递尝试 Delivery attempts")

    def __str__(self):
        return f"#{self.message_id}/{self.number} {self.get_outcome_display()}"


class InboundReceipt(models.Model):
    """A gateway's report (回执) as it arrived: the receipts inbox. Written by the
    receipts endpoint in one insert; applied to its message by the workers, in
    batches, in arrival order (messaging/inbox.py). Kept once applied: what each
    gateway said, and when, stays on record."""

    scope_region = "message__region_code"
    scope_organization = "message__person__organization"

    message = models.ForeignKey("messaging.Message", verbose_name=_("消息"), on_delete=models.CASCADE,
                                related_name="receipts")
    status = models.CharField(_("回执状态"), max_length=10, choices=[(MessageStatus.DELIVERED, _("已送达")),
                                                                 (MessageStatus.FAILED, _("失败"))])
    reply = models.TextField(_("回复内容"), null=True, blank=True)
    error = models.CharField(_("网关说明"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("收到时间"))
    applied_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("入站回执 Inbound receipt")
        verbose_name_plural = _("入站回执 Inbound receipts")
        indexes = [
            # The inbox's queue, in the order it is read (core/queues.py).
            models.Index(fields=["id"], condition=models.Q(applied_at__isnull=True), name="messaging_inbox_idx"),
        ]

    def __str__(self):
        return f"#{self.message_id} {self.status}"
