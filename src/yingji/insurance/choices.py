"""Named constants of the insurance domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ForceRule(models.TextChoices):
    """Which wind force counts for the typhoon payout."""

    MAX = "max", _("圈内最高风力 highest force inside")
    ENTRY = "entry", _("进圈时风力 force on entry")
    CLOSEST = "closest", _("最近点风力 force at the closest position")


class DistanceMethod(models.TextChoices):
    SPHERE = "sphere", _("球面（半径 6371.0 km） sphere")
    WGS84 = "wgs84", _("WGS84 椭球 WGS84 ellipsoid")


class TriggerKind(models.TextChoices):
    TYPHOON = "typhoon", _("台风 typhoon")
    RAIN = "rain", _("强降雨 heavy rain")


class ClaimStatus(models.TextChoices):
    """A claim's life: notified → verified → paid."""

    NOTIFIED = "notified", _("已通知 notified")
    VERIFIED = "verified", _("已核定 verified")
    PAID = "paid", _("已赔付 paid")


class TrackSource(models.TextChoices):
    CMA = "cma", _("CMA 最佳路径 best track")
    LIVE = "live", _("实时 live")
