"""Risk lists under control (风险清单管控): the state each risk point is reported in
during an event, from phones, with who, when and where.

A report (`RiskPointReport`) is never changed or deleted: it is the history. The
current state of a point (`RiskPointStatus`, one row per point and control round,
or per point outside any round) follows the latest report and is what the board
and the uncontrolled lists read; it can always be rebuilt from the reports.

A control round (`RiskControlRound`, 管控轮次) is optional: a county or city starts
one for a hazard (typhoon, flood, ...) over its area; reports made while it is
open count for it. A round started for a declared response (`level`) is that event's
risk board: the response page shows its counts, and ending the response ends it.
"""

from functools import cache

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


@cache
def photo_storage() -> FileSystemStorage:
    root = getattr(settings, "MEDIA_ROOT", "") or (settings.VAR_DIR / "media")
    return FileSystemStorage(location=root, base_url=getattr(settings, "MEDIA_URL", "") or "/media/")


class ControlState(models.TextChoices):
    CHECKED = "checked", _("已排查")
    CONTROLLED = "controlled", _("已管控")
    EVACUATED = "evacuated", _("已转移")
    CLOSED = "closed", _("已封闭")


# A point in one of these states is under control; a point with no report or only
# "checked" is not (未管控).
CONTROLLED_STATES = (ControlState.CONTROLLED, ControlState.EVACUATED, ControlState.CLOSED)


class RoundHazard(models.TextChoices):
    TYPHOON = "typhoon", _("台风")
    FLOOD = "flood", _("洪水")
    RAINSTORM = "rainstorm", _("暴雨")
    GEOLOGICAL = "geological", _("地质灾害")
    OTHER = "other", _("其他")


class RiskControlRound(models.Model):
    """A control round (管控轮次): every risk point of an area to be checked and
    brought under control for one hazard, from its start until it is ended."""

    scope_region = "region__code"

    name = models.CharField(_("名称"), max_length=100)
    hazard = models.CharField(_("灾种"), max_length=20, choices=RoundHazard.choices)
    region = models.ForeignKey("core.Region", verbose_name=_("范围"), on_delete=models.PROTECT, related_name="+")
    drill = models.BooleanField(_("演练"), default=False)
    level = models.ForeignKey("response.ResponseLevel", verbose_name=_("应急响应"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="rounds")
    started_at = models.DateTimeField(_("开始时间"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("管控轮次 Control round")
        verbose_name_plural = _("管控轮次 Control rounds")

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class RiskPointReport(models.Model):
    """One report of a risk point's state (管控上报), from the field: never changed."""

    scope_region = "region__code"

    risk_point = models.ForeignKey("floods.RiskPoint", verbose_name=_("风险点"), on_delete=models.PROTECT,
                                   related_name="+")
    round = models.ForeignKey(RiskControlRound, verbose_name=_("管控轮次"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="reports")
    # The point's region when reported: scope and the counts by region, without a join.
    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=12, choices=ControlState.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    photo = models.FileField(_("照片"), storage=photo_storage, upload_to="riskcontrol/%Y/%m/", blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reporter_name = models.CharField(_("上报人"), max_length=150)
    reported_at = models.DateTimeField(_("上报时间"))

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("管控上报 Risk point report")
        verbose_name_plural = _("管控上报 Risk point reports")
        indexes = [models.Index(fields=["risk_point", "round", "reported_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                                   name="risk_report_latitude_range"),
            models.CheckConstraint(condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                                   name="risk_report_longitude_range"),
        ]

    def __str__(self):
        return f"{self.risk_point_id} {self.state} {self.reported_at:%Y-%m-%d %H:%M}"


class RiskPointStatus(models.Model):
    """The current state of a risk point in a round (or outside rounds): the latest
    report's, kept in step by the service that records reports."""

    scope_region = "region__code"

    risk_point = models.ForeignKey("floods.RiskPoint", on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(RiskControlRound, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="statuses")
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey("floods.RiskPointKind", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=12, choices=ControlState.choices)
    report = models.ForeignKey(RiskPointReport, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("风险点当前状态 Risk point status")
        verbose_name_plural = _("风险点当前状态 Risk point statuses")
        constraints = [
            models.UniqueConstraint(fields=["risk_point", "round"], condition=Q(round__isnull=False),
                                    name="risk_status_one_per_round"),
            models.UniqueConstraint(fields=["risk_point"], condition=Q(round__isnull=True),
                                    name="risk_status_one_outside_rounds"),
        ]
        indexes = [models.Index(fields=["round", "state", "region"])]
