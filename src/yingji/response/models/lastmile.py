"""The last mile (预警信息进村入户): warnings to everyone, not only cadres.

Broadcast terminals (应急广播终端) and on-site devices (sirens, warning lights,
household rain alarms) are registered by village; a warning issued or upgraded to a
configured level (`LastMileRule`, data) becomes a `LastMileDispatch` claimed by the
scheduler tick, which writes one outbox message per terminal, per device and one
for the cell broadcast of the warning's area (`LastMileSend`, the link to the
message and, for devices, the acknowledgement).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TerminalState(models.TextChoices):
    ONLINE = "online", _("在线")
    OFFLINE = "offline", _("离线")
    FAULT = "fault", _("故障")
    RETIRED = "retired", _("停用")


class DeviceKind(models.TextChoices):
    SIREN = "siren", _("警报器")
    LIGHT = "light", _("警示灯")
    RAIN_ALARM = "rain_alarm", _("简易雨量报警器")


class DeviceState(models.TextChoices):
    OK = "ok", _("正常")
    SILENT = "silent", _("未应答")
    FAULT = "fault", _("故障")
    RETIRED = "retired", _("停用")


class BroadcastTerminal(models.Model):
    """An IP broadcast terminal (应急广播终端) of a village, played by the broadcast
    platform; `endpoint_group` is the platform's group (a township's front end)."""

    scope_region = "region__code"

    terminal_id = models.CharField(_("终端编号"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("core.Region", verbose_name=_("所在村（社区）"), on_delete=models.PROTECT,
                               related_name="+")
    endpoint_group = models.CharField(_("终端分组"), max_length=64, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=TerminalState.choices,
                             default=TerminalState.ONLINE)
    last_seen_at = models.DateTimeField(_("最近在线时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["region_id", "terminal_id"]
        verbose_name = _("应急广播终端 Broadcast terminal")
        verbose_name_plural = _("应急广播终端 Broadcast terminals")

    def __str__(self):
        return f"{self.name} ({self.terminal_id})"


class WarningDevice(models.Model):
    """An on-site warning device (现场预警设备) that takes commands over MQTT and
    reports its state: when last seen, the last command it acknowledged, battery
    and fault."""

    scope_region = "region__code"

    device_id = models.CharField(_("设备编号"), max_length=64, unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=DeviceKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("core.Region", verbose_name=_("所在村（社区）"), on_delete=models.PROTECT,
                               related_name="+")
    topic = models.CharField(_("命令主题"), max_length=200)
    state = models.CharField(_("状态"), max_length=10, choices=DeviceState.choices, default=DeviceState.OK)
    last_seen_at = models.DateTimeField(_("最近上报时间"), null=True, blank=True)
    last_command_id = models.BigIntegerField(_("最近命令"), null=True, blank=True)
    last_ack_id = models.BigIntegerField(_("最近确认的命令"), null=True, blank=True)
    last_ack_at = models.DateTimeField(_("最近确认时间"), null=True, blank=True)
    battery = models.PositiveSmallIntegerField(_("电量（%）"), null=True, blank=True)
    fault = models.CharField(_("故障"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["region_id", "device_id"]
        verbose_name = _("现场预警设备 Warning device")
        verbose_name_plural = _("现场预警设备 Warning devices")

    def __str__(self):
        return f"{self.name} ({self.device_id})"


class LastMileRule(models.Model):
    """Which warnings go to the last mile by themselves: a type (blank = any) at a
    level. Data: orange and red rainstorm, typhoon, flash-flood and geological
    warnings out of the box."""

    warning_type = models.CharField(_("预警类型"), max_length=30, blank=True)
    level = models.CharField(_("预警级别"), max_length=10)
    broadcast = models.BooleanField(_("应急广播"), default=True)
    cell_broadcast = models.BooleanField(_("区域预警"), default=True)
    devices = models.BooleanField(_("现场设备"), default=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["warning_type", "level"]
        verbose_name = _("进村入户规则 Last-mile rule")
        verbose_name_plural = _("进村入户规则 Last-mile rules")
        constraints = [models.UniqueConstraint(fields=["warning_type", "level"], name="response_lastmile_rule_unique")]


class DispatchKind(models.TextChoices):
    WARNING = "warning", _("预警发布")
    UPGRADE = "upgrade", _("预警升级")
    ALL_CLEAR = "all_clear", _("预警解除")
    MANUAL = "manual", _("人工发送")
    SKIPPED = "skipped", _("无需发送")


class LastMileCursor(models.Model):
    """How far the tick has read the warnings (by their last change): one row."""

    name = models.CharField(max_length=40, unique=True)
    seen_until = models.DateTimeField()


class LastMileDispatch(models.Model):
    """One hand-off of one warning version to the last mile. The automatic ones are
    unique per warning and version (a second tick finds the row and sends nothing);
    manual ones (an officer's "send to villages") are numbered by their row."""

    scope_region = "region_code"

    warning = models.ForeignKey("alerts.Warning", verbose_name=_("预警"), on_delete=models.PROTECT,
                                related_name="+")
    version = models.PositiveIntegerField(_("预警版本"))
    kind = models.CharField(_("类型"), max_length=12, choices=DispatchKind.choices)
    level = models.CharField(_("预警级别"), max_length=10)
    region_code = models.CharField(_("区划代码"), max_length=15, blank=True)
    regions = models.JSONField(_("发送区划"), default=list)
    channels = models.JSONField(_("渠道"), default=list)
    text = models.TextField(_("播报内容"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发出时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("进村入户发送 Last-mile dispatch")
        verbose_name_plural = _("进村入户发送 Last-mile dispatches")
        constraints = [
            models.UniqueConstraint(fields=["warning", "version"], condition=~models.Q(kind="manual"),
                                    name="response_lastmile_dispatch_once"),
        ]
        indexes = [models.Index(fields=["id"], condition=models.Q(sent_at__isnull=True),
                                name="response_lastmile_todo_idx")]


class SendState(models.TextChoices):
    SENT = "sent", _("已发出")
    ACKNOWLEDGED = "acknowledged", _("设备已确认")
    RETRIED = "retried", _("未确认，已重发")
    UNACKNOWLEDGED = "unacknowledged", _("重发后仍未确认")


class LastMileSend(models.Model):
    """One target of a dispatch on one channel (a terminal, a device, the cell
    area) and its outbox message; devices also wait for their acknowledgement
    until `ack_due_at`, then are retried once."""

    scope_region = "region_code"

    dispatch = models.ForeignKey("response.LastMileDispatch", on_delete=models.CASCADE, related_name="sends")
    channel = models.CharField(_("渠道"), max_length=20)
    target = models.CharField(_("对象"), max_length=64)
    region_code = models.CharField(_("区划代码"), max_length=15, blank=True)
    message_id = models.BigIntegerField(_("消息"))
    retry_message_id = models.BigIntegerField(_("重发消息"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=SendState.choices, default=SendState.SENT)
    ack_due_at = models.DateTimeField(_("确认期限"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        ordering = ["dispatch_id", "channel", "target"]
        verbose_name = _("进村入户对象 Last-mile send")
        verbose_name_plural = _("进村入户对象 Last-mile sends")
        constraints = [models.UniqueConstraint(fields=["dispatch", "channel", "target"],
                                               name="response_lastmile_send_once")]
        indexes = [models.Index(fields=["ack_due_at", "id"], condition=models.Q(state__in=["sent", "retried"],
                                                                                 ack_due_at__isnull=False),
                                name="response_lastmile_ack_idx")]
