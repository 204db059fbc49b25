"""Enforcement cases, their steps, penalty decisions, stop-production orders, transfers
to the police, evidence and its chain of custody.

Nothing here is deleted; evidence is never changed after it is stored (its file and
hash are written once), and every step is a row with its deadline (`due_at`).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import wording
from .choices import (
    YELLOW_DAYS,
    CustodyAction,
    DetectionSource,
    DetectionState,
    DocumentKind,
    EvidenceKind,
    Light,
    Party,
    SourceKind,
    Step,
    SummonsReason,
    VerificationResult,
)

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}


def light_of(due_at: dt.datetime | None, done_at: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """Green while on time, yellow in the last days before the deadline, red once past
    it (a step completed late stays red: it was late)."""
    if due_at is None:
        return Light.GREEN
    moment = done_at or now or timezone.now()
    if moment > due_at:
        return Light.RED
    if done_at is None and due_at - moment <= dt.timedelta(days=YELLOW_DAYS):
        return Light.YELLOW
    return Light.GREEN


class Case(models.Model):
    """An administrative enforcement case (行政处罚案件) against a party (the enterprise
    by its USCC), from a source (a hazard, an inspection, an accident, off-site evidence,
    a public report, a chemical work order…), in the party's region."""

    scope_region = "region__code"
    scope_organization = "enterprise__organization"

    number = models.CharField(_("案号"), max_length=40, blank=True)
    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("当事单位"), on_delete=models.PROTECT,
                                   related_name="+")
    party_uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    source_kind = models.CharField(_("案件来源"), max_length=30, choices=SourceKind.choices)
    source_id = models.PositiveBigIntegerField(_("来源记录编号"), null=True, blank=True)
    # Set when the source is a hazard (source_id then names it too, for the API).
    hazard = models.ForeignKey("hazards.Hazard", verbose_name=_("来源隐患"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(_("案情摘要"), max_length=2000)
    state = models.CharField(_("环节"), max_length=20, choices=Step.choices, default=Step.FILING)
    always_stop = models.BooleanField(_("两个一律：一律停产整顿"), default=False)
    always_heavier = models.BooleanField(_("两个一律：一律从重处罚"), default=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "created_at"])]
        verbose_name = _("执法案件 Case")
        verbose_name_plural = _("执法案件 Cases")

    def __str__(self):
        return self.number or f"#{self.pk}"

    @property
    def three_penalties(self) -> bool:
        """一案三罚: the enterprise, its principal and a responsible manager each penalised."""
        return {d.party for d in self.decisions.all()} >= {p.value for p in Party}


class CaseStep(models.Model):
    """One step (环节) of a case: when it opened, its deadline, who completed it when."""

    scope_region = "case__region__code"
    scope_organization = "case__enterprise__organization"

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(_("环节"), max_length=20, choices=Step.choices)
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    due_at = models.DateTimeField(_("期限"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("说明"), max_length=500, blank=True)
    overdue_notified_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)

    class Meta:
        ordering = ["opened_at", "id"]
        indexes = [models.Index(fields=["completed_at", "due_at"])]
        verbose_name = _("案件环节 Case step")
        verbose_name_plural = _("案件环节 Case steps")

    @property
    def light(self) -> str:
        return light_of(self.due_at, self.completed_at)


class Decision(models.Model):
    """A penalty decision (行政处罚决定) against one party of a case, with the provision,
    the rule versions and tier the discretion rules applied, and their reasons."""

    scope_region = "case__region__code"
    scope_organization = "case__enterprise__organization"

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="decisions")
    party = models.CharField(_("当事人类别"), max_length=20, choices=Party.choices)
    party_name = models.CharField(_("当事人"), max_length=200)
    provision = models.CharField(_("条款"), max_length=60)
    rule_version = models.CharField(_("规则版本"), max_length=20)
    general_version = models.CharField(_("行政处罚法版本"), max_length=20)
    tier = models.CharField(_("裁量阶次"), max_length=40)
    fine = models.DecimalField(_("罚款（元）"), **MONEY)
    confiscated = models.DecimalField(_("没收违法所得（元）"), **MONEY)
    no_penalty = models.BooleanField(_("不予处罚"), default=False)
    measures = models.JSONField(_("措施"), default=list, blank=True)
    reasons = models.JSONField(_("理由"), default=list, blank=True)
    facts = models.JSONField(_("事实"), default=dict, blank=True)
    decided_on = models.DateField(_("决定日期"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = _("处罚决定 Penalty decision")
        verbose_name_plural = _("处罚决定 Penalty decisions")


class StopOrder(models.Model):
    """An order to stop production or business for rectification (停产停业整顿) and its
    reopening check (回头看), a row with its deadline."""

    scope_region = "case__region__code"
    scope_organization = "case__enterprise__organization"

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="stop_orders")
    ordered_at = models.DateTimeField(_("责令时间"), default=timezone.now)
    check_due_at = models.DateTimeField(_("回头看期限"))
    checked_at = models.DateTimeField(_("回头看时间"), null=True, blank=True)
    check_outcome = models.CharField(_("回头看结果"), max_length=500, blank=True)
    due_notified_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)

    class Meta:
        ordering = ["check_due_at", "id"]
        verbose_name = _("停产停业整顿 Stop-production order")
        verbose_name_plural = _("停产停业整顿 Stop-production orders")

    @property
    def light(self) -> str:
        return light_of(self.check_due_at, self.checked_at)


class PoliceTransfer(models.Model):
    """A transfer of the case to the police (移送, 行刑衔接) with the evidence sent."""

    scope_region = "case__region__code"
    scope_organization = "case__enterprise__organization"

    case = models.OneToOneField(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="transfer")
    agency = models.CharField(_("接收机关"), max_length=200)
    reason = models.CharField(_("移送理由"), max_length=1000)
    evidence = models.ManyToManyField("enforcement.Evidence", verbose_name=_("随案移送证据"), blank=True,
                                      related_name="+")
    transferred_at = models.DateTimeField(_("移送时间"), default=timezone.now)
    transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("移送人"), null=True,
                                       on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("移送公安 Transfer to the police")
        verbose_name_plural = _("移送公安 Transfers to the police")


def evidence_path(instance, filename: str) -> str:
    # Named by the hash, never by the uploader's name: no path tricks, no collisions.
    return f"enforcement/evidence/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    """One evidence item (证据): a photo, video, sensor series, platform record or
    document, stored once with its SHA-256, capture time and place. Never changed."""

    scope_region = "case__region__code"
    scope_organization = "case__enterprise__organization"

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(_("证据类别"), max_length=20, choices=EvidenceKind.choices)
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    captured_at = models.DateTimeField(_("采集时间"))
    place = models.CharField(_("采集地点"), max_length=200, blank=True)
    description = models.CharField(_("说明"), max_length=500, blank=True)
    added_at = models.DateTimeField(_("入库时间"), default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提取人"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("证据 Evidence")
        verbose_name_plural = _("证据 Evidence")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("evidence is never changed once stored")
        super().save(*args, **kwargs)


class CustodyEvent(models.Model):
    """The chain of custody (证据保管链): who added, viewed, exported, verified or
    transferred an item, when."""

    scope_region = "evidence__case__region__code"
    scope_organization = "evidence__case__enterprise__organization"

    evidence = models.ForeignKey(Evidence, verbose_name=_("证据"), on_delete=models.PROTECT, related_name="custody")
    action = models.CharField(_("动作"), max_length=20, choices=CustodyAction.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("人员"), null=True, on_delete=models.SET_NULL,
                           related_name="+")
    intact = models.BooleanField(_("核验结果"), null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("证据保管记录 Custody event")
        verbose_name_plural = _("证据保管记录 Custody events")


class Detection(models.Model):
    """An off-site detection (非现场执法线索) posted by a camera, IoT device or drone:
    what, when, where, the media link and its hash; the rule that decided whether it
    goes to the review queue, and the officer's decision (accept → case, or dismiss)."""

    scope_region = "region__code"
    scope_organization = "enterprise__organization"

    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("来源设备"), max_length=10, choices=DetectionSource.choices)
    device_id = models.CharField(_("设备编号"), max_length=100, blank=True)
    # The sender's own id of the detection: the same one posted twice (an MQTT QoS 1
    # redelivery, an HTTP retry) is recorded once.
    external_id = models.CharField(_("线索编号"), max_length=100, blank=True)
    kind = models.CharField(_("类型"), max_length=40)
    confidence = models.FloatField(_("置信度"), default=1.0)
    detected_at = models.DateTimeField(_("发现时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    # Where the device saw it (WGS-84 degrees), both or neither; checked in offsite.py.
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    media_url = models.CharField(_("媒体链接"), max_length=500, blank=True)
    media_sha256 = models.CharField(_("媒体 SHA-256"), max_length=64, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=DetectionState.choices)
    rule_reason = models.CharField(_("规则说明"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    dismiss_reason = models.CharField(_("驳回理由"), max_length=500, blank=True)
    case = models.ForeignKey(Case, verbose_name=_("案件"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")

    class Meta:
        ordering = ["-detected_at", "-id"]
        indexes = [models.Index(fields=["state", "detected_at"])]
        constraints = [models.UniqueConstraint(fields=["source", "device_id", "external_id"],
                                               condition=~models.Q(external_id=""),
                                               name="detection_once_per_sender_id")]
        verbose_name = _("非现场执法线索 Off-site detection")
        verbose_name_plural = _("非现场执法线索 Off-site detections")


class Summons(models.Model):
    """A summons (约谈) of an enterprise or a lower government — after the bottom of a
    ranking or an accident: who, when, the commitments made, and the follow-up until
    done (a row with its `follow_up_due_at`)."""

    scope_region = "region__code"
    scope_organization = "enterprise__organization"

    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    summoned = models.CharField(_("约谈对象"), max_length=200)
    reason = models.CharField(_("约谈事由"), max_length=20, choices=SummonsReason.choices)
    held_at = models.DateTimeField(_("约谈时间"))
    attendees = models.CharField(_("参加人员"), max_length=500, blank=True)
    commitments = models.TextField(_("整改承诺"), max_length=5000)
    follow_up_due_at = models.DateTimeField(_("跟踪期限"))
    followed_up_at = models.DateTimeField(_("跟踪完成时间"), null=True, blank=True)
    follow_up_outcome = models.CharField(_("跟踪结果"), max_length=1000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-held_at", "-id"]
        verbose_name = _("约谈 Summons")
        verbose_name_plural = _("约谈 Summons")

    @property
    def light(self) -> str:
        return light_of(self.follow_up_due_at, self.followed_up_at)


class Verification(models.Model):
    """A verification check (验证式执法) of a major hazard reported rectified: an officer
    schedules it (a row with its `due_at`, so the hourly tick reminds them), then
    records the result, passed or failed, with the findings and optional evidence. A
    failed check opens a case from the hazard (`case`)."""

    scope_region = "region__code"
    scope_organization = "enterprise__organization"

    hazard = models.ForeignKey("hazards.Hazard", verbose_name=_("隐患"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="+")
    due_at = models.DateTimeField(_("核查时间"))
    note = models.CharField(_("安排说明"), max_length=500, blank=True)
    scheduled_at = models.DateTimeField(_("安排时间"), default=timezone.now)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核查人员"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    result = models.CharField(_("核查结果"), max_length=10, choices=VerificationResult.choices,
                              default=VerificationResult.PENDING)
    findings = models.TextField(_("核查情况"), max_length=2000, blank=True)
    # The stored file's name in the default storage (named by its hash), kept as text so
    # that the row's audit snapshot holds it as it is.
    evidence_file = models.CharField(_("佐证文件"), max_length=200, blank=True)
    evidence_name = models.CharField(_("佐证原文件名"), max_length=200, blank=True)
    evidence_sha256 = models.CharField(_("佐证 SHA-256"), max_length=64, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey(Case, verbose_name=_("立案"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="verifications")
    due_notified_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["result", "due_at"])]
        verbose_name = _("验证式执法核查 Verification check")
        verbose_name_plural = _("验证式执法核查 Verification checks")

    def __str__(self):
        return f"{self.hazard} @ {timezone.localtime(self.due_at):%Y-%m-%d %H:%M}"

    @property
    def light(self) -> str:
        return light_of(self.due_at, self.recorded_at)


class DocumentTemplate(models.Model):
    """The fixed wording of one kind of formal document (文书模板): its title, the legal
    boilerplate, the issuing authority and the footer, with placeholders such as
    `{party}` filled from the record. Edited by administrators in the admin."""

    kind = models.CharField(_("文书种类"), max_length=20, choices=DocumentKind.choices, unique=True)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("固定段落"), max_length=5000, blank=True,
                            help_text=format_lazy("{}{}", _("段落之间空一行。可用占位符："), "、".join(
                                f"{{{k}}}（{v}）" for k, v in wording.PLACEHOLDERS.items())))
    authority = models.CharField(_("作出机关"), max_length=200, blank=True)
    footer = models.TextField(_("落款"), max_length=1000, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("文书模板 Document template")
        verbose_name_plural = _("文书模板 Document templates")

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        errors = {}
        for name in wording.TEXT_FIELDS:
            found = wording.problems(getattr(self, name) or "")
            if found:
                errors[name] = "；".join(found) + "。可用的占位符：" + "、".join(
                    f"{{{k}}}" for k in wording.PLACEHOLDERS)
        if errors:
            raise ValidationError(errors)
