"""Emergency information reports (紧急信息报送): 首报 · 续报 · 终报.

A report (`InfoReport`) is an event reported from a township or a duty desk. Its
figures live in versions (`InfoReportVersion`): the initial report is version 1, every
follow-up (续报) adds one and the final report (终报) adds the last; nothing is
overwritten and nothing is deleted. The report row carries the latest figures and the
grade computed from them, for lists and filters.

Who must receive it and by when is data (`ReportKind`, `ReportingRule`, seeded from
`duty/data/reporting_limits.yaml`); each receiving level is a `ReportDeadline` row with
`due_at` and `done_at`, which the scheduler tick marks late. Each confirmation of
receipt is an `ReportAcknowledgement` row.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ...core.models import LAT_RANGE, LON_RANGE
from ..grades import AccidentGrade


class ReportState(models.TextChoices):
    INITIAL = "initial", _("首报 Initial")
    FOLLOWUP = "followup", _("续报 Follow-up")
    FINAL = "final", _("终报 Final")


class ReportLevel(models.TextChoices):
    """The desks a report goes up to, lowest first. The ministry ("above the province")
    has no desk here: its row is done when the province records passing it up."""

    COUNTY = "county", _("县级 County")
    CITY = "city", _("市级 City")
    PROVINCE = "province", _("省级 Province")
    MINISTRY = "ministry", _("部级 Above the province")


LEVEL_ORDER = [ReportLevel.COUNTY, ReportLevel.CITY, ReportLevel.PROVINCE, ReportLevel.MINISTRY]
# The length of the region code of each level's desk (None: no desk here).
LEVEL_CODE_LENGTH = {ReportLevel.COUNTY: 6, ReportLevel.CITY: 4, ReportLevel.PROVINCE: 2, ReportLevel.MINISTRY: None}


class ReportFlag(models.TextChoices):
    NONE = "", _("无 None")
    MISSED = "missed", _("漏报 Never reported")
    CONCEALED = "concealed", _("瞒报 Concealed")


class AckChannel(models.TextChoices):
    LINK = "link", _("链接 Link")
    SMS = "sms", _("短信回复 SMS reply")
    APP = "app", _("系统 In the system")


class ReportKind(models.Model):
    """A kind of event that is reported (事件类型): production-safety accident, natural
    disaster, public-health or social-security event, other; with the reporter's own
    limits (phone and written report) counted from learning of the event."""

    code = models.CharField(_("代码"), max_length=32, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    phone_minutes = models.PositiveIntegerField(_("电话首报时限（分钟）"), default=30)
    written_minutes = models.PositiveIntegerField(_("书面报告时限（分钟）"), default=60)
    pass_up_minutes = models.PositiveIntegerField(_("逐级上报时限（分钟）"), default=120)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("信息报送事件类型 Report kind")
        verbose_name_plural = _("信息报送事件类型 Report kinds")

    def __str__(self):
        return self.name


class ReportingRule(models.Model):
    """One level that must receive reports of a kind and grade, and its limit in
    minutes from learning of the event (报送时限). Edited in the admin."""

    kind = models.ForeignKey(ReportKind, verbose_name=_("事件类型"), on_delete=models.CASCADE, related_name="rules")
    grade = models.CharField(_("等级"), max_length=16, choices=AccidentGrade.choices)
    level = models.CharField(_("接收层级"), max_length=16, choices=ReportLevel.choices)
    minutes = models.PositiveIntegerField(_("时限（分钟，自获知起）"))

    class Meta:
        ordering = ["kind", "grade", "minutes"]
        verbose_name = _("报送时限 Reporting limit")
        verbose_name_plural = _("报送时限 Reporting limits")
        constraints = [models.UniqueConstraint(fields=["kind", "grade", "level"], name="reporting_rule_unique")]

    def __str__(self):
        return f"{self.kind_id} {self.grade} {self.level} {self.minutes}"


class InfoReport(models.Model):
    """An emergency information report (紧急信息报送): an event, where and when it
    happened, its latest figures and grade, and its state (首报 → 续报 → 终报)."""

    scope_region = "region__code"

    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT,
                               related_name="+")
    kind = models.ForeignKey(ReportKind, verbose_name=_("事件类型"), on_delete=models.PROTECT)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("事件概况"), max_length=5000)
    measures = models.TextField(_("已采取措施"), max_length=5000, blank=True)
    enterprise_name = models.CharField(_("涉事单位"), max_length=200, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True,
                                  validators=[MinValueValidator(LON_RANGE[0]), MaxValueValidator(LON_RANGE[1])])
    latitude = models.FloatField(_("纬度"), null=True, blank=True,
                                 validators=[MinValueValidator(LAT_RANGE[0]), MaxValueValidator(LAT_RANGE[1])])
    occurred_at = models.DateTimeField(_("发生时间"))
    learned_at = models.DateTimeField(_("获知时间"))
    phoned_at = models.DateTimeField(_("电话首报时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("书面报告时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报告人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(_("状态"), max_length=16, choices=ReportState.choices, default=ReportState.INITIAL)
    closed_at = models.DateTimeField(_("终报时间"), null=True, blank=True)
    # The latest version's figures and the grade computed from them.
    deaths = models.PositiveIntegerField(_("死亡"), default=0)
    injuries = models.PositiveIntegerField(_("受伤"), default=0)
    missing = models.PositiveIntegerField(_("失踪"), default=0)
    direct_loss = models.DecimalField(_("直接经济损失（元）"), max_digits=15, decimal_places=2, default=0)
    grade = models.CharField(_("等级"), max_length=16, choices=AccidentGrade.choices, default=AccidentGrade.GENERAL)
    version = models.PositiveIntegerField(_("版本"), default=1)
    # 迟报: a limit was missed (the written report, or a level's receipt).
    late = models.BooleanField(_("迟报"), default=False)
    flag = models.CharField(_("标记"), max_length=16, choices=ReportFlag.choices, blank=True, default="")
    flag_reason = models.CharField(_("标记理由"), max_length=1000, blank=True)
    flagged_at = models.DateTimeField(_("标记时间"), null=True, blank=True)
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("标记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-learned_at", "-id"]
        verbose_name = _("信息报告 Information report")
        verbose_name_plural = _("信息报告 Information reports")
        indexes = [models.Index(fields=["region", "learned_at"], name="inforeport_region_learned"),
                   models.Index(fields=["kind", "id"], name="inforeport_kind_id")]

    def __str__(self):
        return f"{self.title} ({self.region_id})"


class InfoReportVersion(models.Model):
    """One version of a report's figures (首报 / 续报 / 终报), never changed afterwards."""

    report = models.ForeignKey(InfoReport, verbose_name=_("信息报告"), on_delete=models.PROTECT,
                               related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    stage = models.CharField(_("阶段"), max_length=16, choices=ReportState.choices)
    description = models.TextField(_("事件概况"), max_length=5000)
    measures = models.TextField(_("已采取措施"), max_length=5000, blank=True)
    deaths = models.PositiveIntegerField(_("死亡"), default=0)
    injuries = models.PositiveIntegerField(_("受伤"), default=0)
    missing = models.PositiveIntegerField(_("失踪"), default=0)
    direct_loss = models.DecimalField(_("直接经济损失（元）"), max_digits=15, decimal_places=2, default=0)
    grade = models.CharField(_("等级"), max_length=16, choices=AccidentGrade.choices)
    created_at = models.DateTimeField(_("报告时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报告人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["report", "number"]
        verbose_name = _("信息报告版本 Report version")
        verbose_name_plural = _("信息报告版本 Report versions")
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="inforeport_version_unique")]


class ReportDeadline(models.Model):
    """One level that must receive a report, and by when (报送时限): done when that
    level's duty desk confirms receipt; late when `due_at` passes first."""

    report = models.ForeignKey(InfoReport, verbose_name=_("信息报告"), on_delete=models.PROTECT,
                               related_name="deadlines")
    level = models.CharField(_("接收层级"), max_length=16, choices=ReportLevel.choices)
    desk_region = models.ForeignKey("core.Region", verbose_name=_("接收单位区划"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("时限"))
    done_at = models.DateTimeField(_("接收确认时间"), null=True, blank=True)
    done_by = models.ForeignKey("core.Person", verbose_name=_("确认人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    late = models.BooleanField(_("超时"), default=False)
    reminded_at = models.DateTimeField(_("催报时间"), null=True, blank=True)
    added_in_version = models.PositiveIntegerField(_("自版本"), default=1)

    class Meta:
        ordering = ["report", "due_at", "id"]
        verbose_name = _("报送时限 Report deadline")
        verbose_name_plural = _("报送时限 Report deadlines")
        constraints = [models.UniqueConstraint(fields=["report", "level"], name="report_deadline_unique")]
        indexes = [models.Index(fields=["done_at", "late", "due_at"], name="report_deadline_due")]


class ReportAcknowledgement(models.Model):
    """A duty officer of a receiving level confirmed receipt of a version (签收)."""

    deadline = models.ForeignKey(ReportDeadline, verbose_name=_("接收层级"), on_delete=models.PROTECT,
                                 related_name="acknowledgements")
    version = models.PositiveIntegerField(_("版本号"))
    person = models.ForeignKey("core.Person", verbose_name=_("确认人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(_("方式"), max_length=8, choices=AckChannel.choices)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("接收确认 Acknowledgement of a report")
        verbose_name_plural = _("接收确认 Acknowledgements of reports")
        constraints = [models.UniqueConstraint(fields=["deadline", "version", "person"],
                                               name="report_ack_unique")]
