"""Named constants of the outbox: channels, message states, attempt outcomes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a message reaches a person (渠道)."""

    SMS = "sms", _("短信")
    VOICE = "voice", _("语音电话")
    DINGTALK = "dingtalk", _("钉钉")
    WECOM = "wecom", _("企业微信")
    EMAIL = "email", _("电子邮件")
    WEBHOOK = "webhook", _("Webhook")
    # The last mile (response/lastmile): to places, not people.
    BROADCAST = "broadcast", _("应急广播")
    CELL_BROADCAST = "cell_broadcast", _("区域预警（小区广播）")
    DEVICE = "device", _("现场预警设备")


class MessageStatus(models.TextChoices):
    """Where a message stands. QUEUED and SENDING are open (a worker will act on the
    row); the others are outcomes, of which DELIVERED may still follow SENT."""

    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("发送失败")        # permanent: a bad number, a refused request
    GIVEN_UP = "given_up", _("已放弃重试")  # temporary errors until the attempts ran out


OPEN_STATUSES = (MessageStatus.QUEUED, MessageStatus.SENDING)

STATUS_COLOURS = {
    MessageStatus.QUEUED: "#999999",
    MessageStatus.SENDING: "#1e6fd9",
    MessageStatus.SENT: "#1e6fd9",
    MessageStatus.DELIVERED: "#2e9d4f",
    MessageStatus.FAILED: "#d9001b",
    MessageStatus.GIVEN_UP: "#ff8c00",
}


class AttemptOutcome(models.TextChoices):
    """What one try to hand a message to its gateway ended with."""

    ACCEPTED = "accepted", _("网关已接收")
    TEMPORARY_ERROR = "temporary_error", _("临时错误")
    PERMANENT_ERROR = "permanent_error", _("永久错误")
