"""Video-dispatch drills (视频调度演练) and the three rates (三率) they measure.

A drill calls every node (command posts of county, township and village, and rescue
teams) of a region through the external video system at a set time; each call's
connection, response within the window (30 minutes by default) and quality are
recorded, by the operator or by the video system's callback."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NodeKind(models.TextChoices):
    COUNTY = "county", _("县级指挥部")
    TOWNSHIP = "township", _("乡镇指挥部")
    VILLAGE = "village", _("村级指挥点")
    TEAM = "team", _("救援队伍")


class DrillState(models.TextChoices):
    SCHEDULED = "scheduled", _("待开始")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已结束")
    CANCELLED = "cancelled", _("已取消")


class OutcomeSource(models.TextChoices):
    OPERATOR = "operator", _("操作员记录")
    SYSTEM = "system", _("视频系统上报")


class VideoNode(models.Model):
    """A node of the video command network (视频调度节点): the command post of a county,
    township or village, or a rescue team, with its endpoint id in the video system."""

    scope_region = "region__code"

    kind = models.CharField(_("节点类型"), max_length=10, choices=NodeKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("core.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT,
                               related_name="+")
    team = models.ForeignKey("resources.Team", verbose_name=_("救援队伍"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="video_nodes")
    endpoint_id = models.CharField(_("视频终端号"), max_length=64, unique=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["region_id", "kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["region", "kind"], condition=Q(team__isnull=True),
                                    name="resources_videonode_post_unique"),
            models.UniqueConstraint(fields=["team"], condition=Q(team__isnull=False),
                                    name="resources_videonode_team_unique"),
        ]
        verbose_name = _("视频调度节点 Video node")
        verbose_name_plural = _("视频调度节点 Video nodes")

    def __str__(self):
        return self.name


class VideoDrill(models.Model):
    """A video-dispatch drill (视频调度演练) over a region: scheduled (a row with
    `due_at`, started by the scheduler's tick), then every active node under the region
    is called once (`VideoCall`)."""

    region = models.ForeignKey("core.Region", verbose_name=_("演练区划"), on_delete=models.PROTECT,
                               related_name="+")
    title = models.CharField(_("名称"), max_length=100)
    scheduled_at = models.DateTimeField(_("计划时间"))
    due_at = models.DateTimeField(_("待启动时间"), null=True, blank=True, db_index=True)
    state = models.CharField(_("状态"), max_length=10, choices=DrillState.choices, default=DrillState.SCHEDULED,
                             db_index=True)
    response_minutes = models.PositiveSmallIntegerField(
        _("响应时限（分钟）"), validators=[MinValueValidator(1), MaxValueValidator(1440)])
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place_attempts = models.PositiveSmallIntegerField(_("呼叫失败次数"), default=0)
    place_error = models.CharField(_("呼叫错误"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["-scheduled_at", "-pk"]
        verbose_name = _("视频调度演练 Video drill")
        verbose_name_plural = _("视频调度演练 Video drills")

    def __str__(self):
        return self.title

    @staticmethod
    def scope_q(region_code: str, organization_id: int | None) -> Q:
        """A drill is seen inside the caller's area, and from below when it covers the
        caller's area (its calls then stay limited to the caller's own nodes)."""
        if organization_id is not None:
            return Q(pk__in=[])
        if not region_code:
            return Q()
        from ...core import regioncodes

        return Q(region__code__startswith=region_code) | Q(region_id__in=regioncodes.ancestors(region_code))


class VideoCall(models.Model):
    """One node called in one drill (节点呼叫): connected or not and when, the node's
    answer time (responded within the window when answer − call ≤ the drill's
    minutes), and whether the connection's quality was acceptable."""

    scope_region = "region__code"

    drill = models.ForeignKey("resources.VideoDrill", on_delete=models.CASCADE, related_name="calls")
    node = models.ForeignKey("resources.VideoNode", on_delete=models.PROTECT, related_name="calls")
    # The node's region when called (the node may move later; the drill's figures don't).
    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(_("呼叫时间"), null=True, blank=True)
    connected = models.BooleanField(_("已接通"), null=True, blank=True)
    connected_at = models.DateTimeField(_("接通时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("应答时间"), null=True, blank=True)
    quality_ok = models.BooleanField(_("连线质量达标"), null=True, blank=True)
    source = models.CharField(_("记录来源"), max_length=10, choices=OutcomeSource.choices, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        ordering = ["region_id", "node__kind", "pk"]
        constraints = [models.UniqueConstraint(fields=["drill", "node"], name="resources_videocall_unique")]
        verbose_name = _("节点呼叫 Video call")
        verbose_name_plural = _("节点呼叫 Video calls")

    def __str__(self):
        return f"{self.drill_id}/{self.node_id}"

    def responded_within(self, minutes: int) -> bool:
        return (self.placed_at is not None and self.answered_at is not None
                and (self.answered_at - self.placed_at).total_seconds() <= minutes * 60)


class VideoEvent(models.Model):
    """One event reported by the video system (connected, answered, quality…), kept
    under its id so that a repeated report changes nothing."""

    event_id = models.CharField(_("事件号"), max_length=100, unique=True)
    call = models.ForeignKey("resources.VideoCall", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件类型"), max_length=20)
    payload = models.JSONField(_("内容"), default=dict)
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("视频系统事件 Video event")
        verbose_name_plural = _("视频系统事件 Video events")
