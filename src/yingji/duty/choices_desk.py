"""Choices of the duty desk (值班值守): where a log entry came from, its state, and
the state of a handover."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LogSource(models.TextChoices):
    """How the desk learned of what it logs (来源)."""

    PHONE = "phone", _("电话 Phone")
    FAX = "fax", _("传真 Fax")
    PLATFORM = "platform", _("平台 Platform")
    WALK_IN = "walk_in", _("来访 Walk-in")
    SUPERIOR = "superior", _("上级交办 Superior")
    SUBORDINATE = "subordinate", _("下级报告 Subordinate")
    PUBLIC = "public", _("群众反映 Public")
    MEDIA = "media", _("媒体 Media")
    OTHER = "other", _("其他 Other")


class LogState(models.TextChoices):
    OPEN = "open", _("未办结 Open")
    CLOSED = "closed", _("已办结 Closed")


class HandoverState(models.TextChoices):
    HANDED = "handed", _("待接班 Handed over")
    ACCEPTED = "accepted", _("已接班 Accepted")
