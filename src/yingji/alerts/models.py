"""Warnings, call-up policies, call-ups and their targets, timers and answers.

Scope: a warning is seen by whoever's region overlaps its area: regions inside the
caller's subtree (by `scope_region`, through its WarningArea rows), and also areas
that contain the caller's region (a province-wide warning concerns a county). The
second half cannot be a prefix match, so `selectors.warnings_in_scope` adds it; call
it rather than `Scope.filter` for warnings. Targets are scoped by their own region:
a county officer's board of a province-wide call-up shows that county's people.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    AckChannel,
    ActionKind,
    ActionState,
    CallUpStatus,
    NoticeKind,
    NoticeState,
    TargetKind,
    TargetState,
    WarningLevel,
    WarningStatus,
    WarningType,
)


class Warning(models.Model):
    """A warning (预警): a type, a colour level, an area (regions and/or a polygon),
    a validity window and text, issued by a centre or imported from CAP 1.2."""

    scope_region = "areas__region__code"  # use with distinct(); see the module docstring

    type = models.CharField(_("预警类型"), max_length=30, choices=WarningType.choices)
    level = models.CharField(_("预警级别"), max_length=10, choices=WarningLevel.choices)
    status = models.CharField(_("状态"), max_length=12, choices=WarningStatus.choices,
                              default=WarningStatus.ACTIVE)
    drill = models.BooleanField(_("演练"), default=False)
    headline = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    effective = models.DateTimeField(_("生效时间"))
    expires = models.DateTimeField(_("失效时间"), null=True, blank=True)
    polygon = models.TextField(_("范围多边形（WKT）"), blank=True)
    issuer = models.ForeignKey("core.Person", verbose_name=_("发布人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    issuer_name = models.CharField(_("发布单位"), max_length=200, blank=True)
    cap_identifier = models.CharField(_("CAP 标识"), max_length=200, unique=True)
    cap_sender = models.CharField(_("CAP 发送方"), max_length=200)
    cap_sent = models.DateTimeField(_("CAP 发送时间"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    idempotency_key = models.CharField(_("幂等键"), max_length=200, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    cancelled_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    class Meta:
        ordering = ["-effective", "-id"]
        verbose_name = _("预警 Warning")
        verbose_name_plural = _("预警 Warnings")

    def __str__(self):
        return self.headline

    @property
    def region_codes(self) -> list[str]:
        return sorted(a.region_id for a in self.areas.all())


class WarningArea(models.Model):
    """One region of a warning's area (预警区域)."""

    scope_region = "region__code"

    warning = models.ForeignKey("alerts.Warning", on_delete=models.CASCADE, related_name="areas")
    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT)

    class Meta:
        ordering = ["region_id"]
        verbose_name = _("预警区域 Warning area")
        verbose_name_plural = _("预警区域 Warning areas")
        constraints = [models.UniqueConstraint(fields=["warning", "region"], name="alerts_area_unique")]


class CallUpPolicy(models.Model):
    """A call-up policy (叫应规则): for warnings of a type and level (blank = any)
    issued in a province or city (blank = everywhere), who is called (duty kinds),
    by which ladder of channels (its steps) and when the unanswered are escalated
    to their superior. The most specific active policy applies; data, not code."""

    name = models.CharField(_("名称"), max_length=100)
    warning_type = models.CharField(_("预警类型"), max_length=30, choices=WarningType.choices, blank=True)
    level = models.CharField(_("预警级别"), max_length=10, choices=WarningLevel.choices, blank=True)
    region = models.ForeignKey("core.Region", verbose_name=_("适用区划"), null=True, blank=True,
                               on_delete=models.PROTECT, help_text=_("省或市；留空表示全部"))
    duty_kinds = models.ManyToManyField("core.DutyKind", verbose_name=_("叫应对象职责"))
    escalate_after_minutes = models.FloatField(_("未应答升级时间（分钟）"), default=15, null=True, blank=True,
                                               help_text=_("自叫应开始计；到时通知上级并列入未叫应名单；留空表示不升级"))
    notify_duty_officer = models.BooleanField(_("通知值班员"), default=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("叫应规则 Call-up policy")
        verbose_name_plural = _("叫应规则 Call-up policies")

    def __str__(self):
        return self.name


class CallUpStep(models.Model):
    """One rung of a policy's channel ladder (叫应步骤): after `delay_minutes` since
    the previous rung, send on `channel`, then redial `redials` times every
    `redial_interval_minutes` while nobody answers."""

    policy = models.ForeignKey("alerts.CallUpPolicy", on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("顺序"))
    channel = models.CharField(_("渠道"), max_length=20,
                               choices=[("sms", _("短信")), ("voice", _("语音电话")), ("dingtalk", _("钉钉")),
                                        ("wecom", _("企业微信"))])
    delay_minutes = models.FloatField(_("距上一步（分钟）"), default=0)
    redials = models.PositiveSmallIntegerField(_("重拨次数"), default=0)
    redial_interval_minutes = models.FloatField(_("重拨间隔（分钟）"), default=1)

    class Meta:
        ordering = ["policy_id", "number"]
        verbose_name = _("叫应步骤 Call-up step")
        verbose_name_plural = _("叫应步骤 Call-up steps")
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="alerts_step_unique")]


class CallUp(models.Model):
    """A call-up (叫应) of one warning: the plan frozen from the policy in force when
    it started (so editing a policy never changes a running call-up), and its targets."""

    scope_region = "warning__areas__region__code"

    warning = models.OneToOneField("alerts.Warning", on_delete=models.CASCADE, related_name="callup")
    policy = models.ForeignKey("alerts.CallUpPolicy", null=True, blank=True, on_delete=models.SET_NULL)
    plan = models.JSONField(_("冻结的叫应计划"))
    status = models.CharField(_("状态"), max_length=12, choices=CallUpStatus.choices, default=CallUpStatus.RUNNING)
    drill = models.BooleanField(_("演练"), default=False)
    started_at = models.DateTimeField(_("开始时间"))
    cancelled_at = models.DateTimeField(_("停止时间"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("叫应 Call-up")
        verbose_name_plural = _("叫应 Call-ups")


class CallUpTarget(models.Model):
    """One person called (叫应对象): for a duty in the warning's area, or as the
    superior of someone who did not answer (`escalated_from`)."""

    scope_region = "region__code"

    callup = models.ForeignKey("alerts.CallUp", on_delete=models.CASCADE, related_name="targets")
    person = models.ForeignKey("core.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("层级"))
    duty_kind = models.CharField(_("职责"), max_length=50, blank=True)
    kind = models.CharField(_("类别"), max_length=12, choices=TargetKind.choices, default=TargetKind.DUTY)
    escalated_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                                       related_name="escalations")
    state = models.CharField(_("状态"), max_length=14, choices=TargetState.choices, default=TargetState.PENDING)
    created_at = models.DateTimeField(_("创建时间"))
    first_sent_at = models.DateTimeField(_("首次发送时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("应答时间"), null=True, blank=True)
    ack_channel = models.CharField(_("应答方式"), max_length=12, choices=AckChannel.choices, blank=True)
    unreached_at = models.DateTimeField(_("列入未叫应时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("通知上级时间"), null=True, blank=True)

    class Meta:
        ordering = ["callup_id", "region_id", "id"]
        verbose_name = _("叫应对象 Call-up target")
        verbose_name_plural = _("叫应对象 Call-up targets")
        constraints = [
            models.UniqueConstraint(fields=["callup", "person"], condition=Q(escalated_from__isnull=True),
                                    name="alerts_target_once_per_callup"),
            models.UniqueConstraint(fields=["callup", "person", "escalated_from"], name="alerts_escalation_once"),
        ]
        # No index holds `state`: a call-up changes every target's state two or three
        # times, and PostgreSQL can then rewrite the row in its page without touching
        # the nine indexes (a HOT update; the table leaves room for it, migration
        # 0005). The board counts states over the call-up's rows.

    def __str__(self):
        return f"{self.person} ({self.get_state_display()})"


class CallUpNotice(models.Model):
    """A notice of unreached persons (未应答通知): one per recipient and escalation
    round, naming every person of that round who did not answer ("下级 A、B 未应答").
    It goes to their superior (SMS, and one voice call if the plan's ladder has
    voice) or to the centre's duty officers (SMS). A notice is not a target: it asks
    for no acknowledgement, and the board counts it apart from the persons called.
    A round is the escalation time shared by targets added together; the notice is
    sent when every escalation of its round is done, so one message per person."""

    scope_region = "region__code"

    callup = models.ForeignKey("alerts.CallUp", on_delete=models.CASCADE, related_name="notices")
    person = models.ForeignKey("core.Person", verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=14, choices=NoticeKind.choices)
    round_at = models.DateTimeField(_("升级轮次时间"))
    about = models.ManyToManyField("alerts.CallUpTarget", verbose_name=_("未应答人员"), related_name="notices")
    state = models.CharField(_("状态"), max_length=10, choices=NoticeState.choices, default=NoticeState.OPEN)
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["callup_id", "round_at", "region_id", "id"]
        verbose_name = _("未应答通知 Unreached notice")
        verbose_name_plural = _("未应答通知 Unreached notices")
        constraints = [models.UniqueConstraint(fields=["callup", "person", "kind", "round_at"],
                                               name="alerts_notice_once_per_round")]
        indexes = [models.Index(fields=["round_at", "id"], condition=models.Q(state=NoticeState.OPEN),
                                name="alerts_notice_open_idx")]

    def __str__(self):
        return f"{self.person} ({self.get_kind_display()})"


class CallUpAction(models.Model):
    """A timer of a call-up (叫应动作): step `index` of the frozen plan for one target,
    due at `due_at`. The tick claims it with a conditional UPDATE inside the
    transaction that does the work: of two workers one wins, and a crash rolls the
    claim back with the work, so nothing runs twice and nothing is lost. Each done
    action schedules the next one of its target, so a target has one open timer."""

    scope_region = "target__region__code"

    target = models.ForeignKey("alerts.CallUpTarget", on_delete=models.CASCADE, related_name="actions")
    index = models.PositiveSmallIntegerField(_("计划序号"))
    kind = models.CharField(_("类型"), max_length=10, choices=ActionKind.choices)
    channel = models.CharField(_("渠道"), max_length=20, blank=True)
    due_at = models.DateTimeField(_("到期时间"))
    state = models.CharField(_("状态"), max_length=10, choices=ActionState.choices, default=ActionState.PENDING)
    done_at = models.DateTimeField(_("执行时间"), null=True, blank=True)
    message_id = models.BigIntegerField(_("消息编号"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("叫应动作 Call-up action")
        verbose_name_plural = _("叫应动作 Call-up actions")
        constraints = [models.UniqueConstraint(fields=["target", "index"], name="alerts_action_once")]
        # The timers' queue in the order the tick reads it (core/queues.py): open ones only.
        indexes = [models.Index(fields=["due_at", "id"], condition=models.Q(state=ActionState.PENDING),
                                name="alerts_action_queue_idx")]


class Acknowledgement(models.Model):
    """A person's confirmation (应答) that they received the call: once per target."""

    scope_region = "target__region__code"

    target = models.OneToOneField("alerts.CallUpTarget", on_delete=models.CASCADE, related_name="acknowledgement")
    channel = models.CharField(_("方式"), max_length=12, choices=AckChannel.choices)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("应答 Acknowledgement")
        verbose_name_plural = _("应答 Acknowledgements")


class Feedback(models.Model):
    """Closed-loop feedback (闭环反馈): what the person did after answering, in words
    and in counts (people moved, patrols started, ...)."""

    scope_region = "target__region__code"

    target = models.ForeignKey("alerts.CallUpTarget", on_delete=models.CASCADE, related_name="feedback")
    text = models.TextField(_("反馈内容"), blank=True)
    people_moved = models.PositiveIntegerField(_("转移人数"), default=0)
    patrols = models.PositiveIntegerField(_("巡查人次"), default=0)
    counts = models.JSONField(_("其他统计"), default=dict, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("闭环反馈 Feedback")
        verbose_name_plural = _("闭环反馈 Feedback")
