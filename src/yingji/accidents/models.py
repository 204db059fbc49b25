"""Accidents, their figure versions, investigation, accountability, the hazards found
after them, timers and the control targets of the year.

An accident carries its counted figures (deaths, serious injuries, direct loss) and the
grade computed from them; every change of the figures is an `AccidentVersion` row (the
first is the initial report), and nothing here is ever deleted.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import GRADE_NAMES, AccidentGrade, AccidentKind, CheckTarget, Industry, TimerKind

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class Accident(models.Model):
    """A production-safety accident (生产安全事故): where and when, the unit (from the
    enterprise register, or a person or unit outside it), industry and class (GB 6441),
    and the counted figures with their grade (Order 493)."""

    scope_region = "region__code"
    scope_organization = "enterprise__organization"

    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT,
                               related_name="+")
    occurred_at = models.DateTimeField(_("发生时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    info_report = models.OneToOneField("duty.InfoReport", verbose_name=_("信息报告"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("事故单位"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    party_name = models.CharField(_("事故单位或当事人（登记册外）"), max_length=200, blank=True)
    party_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    industry = models.CharField(_("行业"), max_length=30, choices=Industry.choices)
    kind = models.CharField(_("事故类别"), max_length=30, choices=AccidentKind.choices)
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    serious_injuries = models.PositiveIntegerField(_("重伤人数"), default=0)
    direct_loss = models.DecimalField(_("直接经济损失（元）"), default=0, **MONEY)
    grade = models.CharField(_("事故等级"), max_length=20, choices=AccidentGrade.choices,
                             default=AccidentGrade.GENERAL)
    description = models.TextField(_("事故简况"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("生产安全事故 Accident")
        verbose_name_plural = _("生产安全事故 Accidents")
        indexes = [models.Index(fields=["occurred_at"]), models.Index(fields=["region", "occurred_at"])]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d} {self.unit_name} {self.get_kind_display()}"

    @property
    def grade_name(self) -> str:
        return GRADE_NAMES[self.grade]

    @property
    def unit_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.party_name


class AccidentVersion(models.Model):
    """One version of an accident's figures (初报, 补报, or a later change recorded but
    not counted): never overwritten, never deleted."""

    scope_region = "accident__region__code"
    scope_organization = "accident__enterprise__organization"

    accident = models.ForeignKey(Accident, verbose_name=_("事故"), on_delete=models.PROTECT,
                                 related_name="versions")
    seq = models.PositiveIntegerField(_("版本"))
    deaths = models.PositiveIntegerField(_("死亡人数"))
    serious_injuries = models.PositiveIntegerField(_("重伤人数"))
    direct_loss = models.DecimalField(_("直接经济损失（元）"), **MONEY)
    grade = models.CharField(_("按此数字的等级"), max_length=20, choices=AccidentGrade.choices)
    reason = models.CharField(_("变更原因"), max_length=500, blank=True)
    counted = models.BooleanField(_("计入统计"), default=True)
    late_report = models.BooleanField(_("补报"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("填报时间"))

    class Meta:
        ordering = ["accident_id", "seq"]
        verbose_name = _("事故数字版本 Figures version")
        verbose_name_plural = _("事故数字版本 Figures versions")
        constraints = [models.UniqueConstraint(fields=["accident", "seq"], name="accident_version_unique_seq")]

    @property
    def grade_name(self) -> str:
        return GRADE_NAMES[self.grade]


class Investigation(models.Model):
    """The investigation (事故调查) of one accident: the team, its 60-day deadline and one
    extension of at most 60 days, and what it found (Order 493, Art. 22-30)."""

    scope_region = "accident__region__code"
    scope_organization = "accident__enterprise__organization"

    accident = models.OneToOneField(Accident, verbose_name=_("事故"), on_delete=models.PROTECT,
                                    related_name="investigation")
    leader = models.CharField(_("调查组组长"), max_length=100, blank=True)
    members = models.TextField(_("调查组成员"), blank=True)
    units = models.TextField(_("参加单位"), blank=True)
    due_on = models.DateField(_("调查报告期限"))
    extended_to = models.DateField(_("延期至"), null=True, blank=True)
    extension_reason = models.CharField(_("延期理由"), max_length=500, blank=True)
    findings = models.TextField(_("调查结论"), blank=True)
    cause = models.TextField(_("事故原因"), blank=True)
    responsible_units = models.TextField(_("责任单位"), blank=True)
    responsible_people = models.TextField(_("责任人员"), blank=True)
    penalties_proposed = models.TextField(_("处理建议"), blank=True)
    # The enforcement case the penalties became, once enforcement exists (its number).
    enforcement_ref = models.CharField(_("执法案件"), max_length=100, blank=True)
    concluded_on = models.DateField(_("结案日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("事故调查 Investigation")
        verbose_name_plural = _("事故调查 Investigations")

    @property
    def deadline(self):
        return self.extended_to or self.due_on


class AccountabilityCheck(models.Model):
    """One of the three checks of 一案三查 (the enterprise, the regulator, the
    officials) with its outcome and date."""

    scope_region = "accident__region__code"
    scope_organization = "accident__enterprise__organization"

    accident = models.ForeignKey(Accident, verbose_name=_("事故"), on_delete=models.PROTECT,
                                 related_name="checks")
    target = models.CharField(_("核查对象"), max_length=20, choices=CheckTarget.choices)
    outcome = models.TextField(_("核查结果"), blank=True)
    checked_on = models.DateField(_("日期"), null=True, blank=True)

    class Meta:
        ordering = ["accident_id", "target"]
        verbose_name = _("一案三查 Accountability check")
        verbose_name_plural = _("一案三查 Accountability checks")
        constraints = [models.UniqueConstraint(fields=["accident", "target"], name="accident_check_unique_target")]


class DoubleExplanation(models.Model):
    """双说明: where required, the two written explanations (the local government's and
    the supervising department's) and when each was received."""

    scope_region = "accident__region__code"
    scope_organization = "accident__enterprise__organization"

    accident = models.OneToOneField(Accident, verbose_name=_("事故"), on_delete=models.PROTECT,
                                    related_name="double_explanation")
    required = models.BooleanField(_("需要双说明"), default=True)
    government_text = models.TextField(_("属地政府说明"), blank=True)
    government_received_on = models.DateField(_("收到日期"), null=True, blank=True)
    department_text = models.TextField(_("监管部门说明"), blank=True)
    department_received_on = models.DateField(_("收到日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("双说明 Double explanation")
        verbose_name_plural = _("双说明 Double explanations")


class RemedialSupervision(models.Model):
    """补课: remedial supervision of a region after an accident, with follow-up items."""

    scope_region = "accident__region__code"
    scope_organization = "accident__enterprise__organization"

    accident = models.ForeignKey(Accident, verbose_name=_("事故"), on_delete=models.PROTECT,
                                 related_name="remedials")
    region = models.ForeignKey("core.Region", verbose_name=_("补课区域"), on_delete=models.PROTECT,
                               related_name="+")
    start = models.DateField(_("开始日期"))
    scope_text = models.TextField(_("补课范围"), blank=True)

    class Meta:
        ordering = ["accident_id", "start", "id"]
        verbose_name = _("补课 Remedial supervision")
        verbose_name_plural = _("补课 Remedial supervisions")


class RemedialItem(models.Model):
    """One follow-up item of a 补课, closed with a note."""

    scope_region = "supervision__accident__region__code"
    scope_organization = "supervision__accident__enterprise__organization"

    supervision = models.ForeignKey(RemedialSupervision, verbose_name=_("补课"), on_delete=models.PROTECT,
                                    related_name="items")
    text = models.CharField(_("事项"), max_length=500)
    due_on = models.DateField(_("期限"), null=True, blank=True)
    closed_on = models.DateField(_("完成日期"), null=True, blank=True)
    closing_note = models.CharField(_("完成情况"), max_length=500, blank=True)

    class Meta:
        ordering = ["supervision_id", "id"]
        verbose_name = _("补课事项 Remedial item")
        verbose_name_plural = _("补课事项 Remedial items")


class InvestigationTimer(models.Model):
    """A deadline of an investigation as a row (调查期限, 延期期限): the tick lists and
    notifies those past due and still open."""

    scope_region = "investigation__accident__region__code"
    scope_organization = "investigation__accident__enterprise__organization"

    investigation = models.ForeignKey(Investigation, on_delete=models.PROTECT, related_name="timers")
    kind = models.CharField(max_length=20, choices=TimerKind.choices)
    due_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("调查期限 Investigation timer")
        verbose_name_plural = _("调查期限 Investigation timers")
        indexes = [models.Index(fields=["notified_at", "cancelled_at", "due_at"])]


class AccidentHazard(models.Model):
    """A hazard found after an accident (事故后排查出的隐患): the hazard is the hazards
    app's; this row is the link."""

    scope_region = "accident__region__code"
    scope_organization = "accident__enterprise__organization"

    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="hazard_links")
    hazard = models.OneToOneField("hazards.Hazard", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["accident_id", "id"]
        verbose_name = _("事故后隐患 Hazard after an accident")
        verbose_name_plural = _("事故后隐患 Hazards after accidents")


class ControlTarget(models.Model):
    """The year's control target (控制指标) of a region: at most so many accidents and
    deaths."""

    scope_region = "region__code"

    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("年度"))
    max_accidents = models.PositiveIntegerField(_("事故起数控制指标"))
    max_deaths = models.PositiveIntegerField(_("死亡人数控制指标"))

    class Meta:
        ordering = ["year", "region_id"]
        verbose_name = _("控制指标 Control target")
        verbose_name_plural = _("控制指标 Control targets")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="accident_target_unique")]


class ReportIntake(models.Model):
    """How far the accidents app has read the duty desk's accident reports (one row):
    the id of the last report version taken, so that a crash between two ticks loses
    nothing and takes nothing twice (ARCHITECTURE: hand-offs are rows a consumer claims)."""

    name = models.CharField(max_length=32, primary_key=True, default="info_reports")
    last_version_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("信息报告接收进度 Report intake")
