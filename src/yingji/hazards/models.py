"""Checklists, inspections, hazards and their closed loop, campaigns, public reports.

A hazard keeps a copy of the region where it was found (`region`, the enterprise's
township at registration): regional indexes group by that column alone, without a
join, which is what keeps them fast at millions of rows. Access still follows the
enterprise (`scope_region`), as the enterprise register does.
"""

from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from ..core import uploads
from ..core.phones import is_phone
from ..core.ui import actor_label
from .choices import (
    Answer,
    CampaignOutcomeKind,
    HazardAction,
    HazardCategory,
    HazardLevel,
    HazardSource,
    HazardState,
    InspectionKind,
    ReportState,
)


@cache
def evidence_storage() -> FileSystemStorage:
    """Evidence files live under MEDIA_ROOT when the project sets one, otherwise under
    ./var/media (beside the SQLite file of the embedded default)."""
    root = getattr(settings, "MEDIA_ROOT", "") or (settings.VAR_DIR / "media")
    return FileSystemStorage(location=root, base_url=getattr(settings, "MEDIA_URL", "") or "/media/")


class ChecklistTemplate(models.Model):
    """A checklist (检查表): the items an inspector answers at an enterprise, e.g. the
    small-park ten musts / ten must-nots (十必须十不准). Data, not code."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    source = models.CharField(_("依据"), max_length=300, blank=True)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("检查表 Checklist")
        verbose_name_plural = _("检查表 Checklists")

    def __str__(self):
        return self.name


class ChecklistItem(models.Model):
    """One item of a checklist (检查项), phrased so that "yes" means compliant."""

    template = models.ForeignKey(ChecklistTemplate, verbose_name=_("检查表"), on_delete=models.CASCADE,
                                 related_name="items")
    code = models.CharField(_("编号"), max_length=20)
    group = models.CharField(_("分组"), max_length=100, blank=True)
    text = models.CharField(_("内容"), max_length=500)
    clause = models.CharField(_("依据条款"), max_length=200, blank=True)
    category = models.CharField(_("类别"), max_length=20, choices=HazardCategory.choices,
                                default=HazardCategory.OTHER)
    major_if_no = models.BooleanField(_("不符合即为重大隐患"), default=False)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["template_id", "order", "code"]
        verbose_name = _("检查项 Checklist item")
        verbose_name_plural = _("检查项 Checklist items")
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="checklist_item_unique_code")]

    def __str__(self):
        return f"{self.code} {self.text}"


class Campaign(models.Model):
    """A special campaign (专项整治), e.g. lithium-battery enterprises in Ninghai:
    selects enterprises by region, industry and tag, over a period, with a checklist."""

    scope_region = "region__code"

    name = models.CharField(_("名称"), max_length=200)
    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    industry = models.CharField(_("行业"), max_length=30, blank=True)
    tag = models.ForeignKey("enterprises.Tag", verbose_name=_("标签"), null=True, blank=True,
                            on_delete=models.PROTECT)
    template = models.ForeignKey(ChecklistTemplate, verbose_name=_("检查表"), null=True, blank=True,
                                 on_delete=models.PROTECT)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-start", "id"]
        verbose_name = _("专项整治 Campaign")
        verbose_name_plural = _("专项整治 Campaigns")

    def __str__(self):
        return self.name


class NegativeListEntry(models.Model):
    """An enterprise an officer keeps on a campaign's negative list (负面清单), with
    the reason, beside the rule-based suggestion (selectors.campaign_negative_list).
    Never deleted: removal (移出) records who, when and why, so the history stays;
    an enterprise is on the list at most once at a time."""

    scope_region = "enterprise__region__code"
    scope_organization = "enterprise__organization"

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项整治"), on_delete=models.PROTECT,
                                 related_name="negative_entries")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="+")
    reason = models.CharField(_("列入原因"), max_length=500)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("列入人"), null=True,
                                 on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("列入时间"), auto_now_add=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("移出人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    removed_reason = models.CharField(_("移出原因"), max_length=500, blank=True)

    class Meta:
        ordering = ["-added_at", "-id"]
        verbose_name = _("负面清单条目 Negative-list entry")
        verbose_name_plural = _("负面清单条目 Negative-list entries")
        constraints = [models.UniqueConstraint(fields=["campaign", "enterprise"], condition=Q(removed_at__isnull=True),
                                               name="negative_entry_once_at_a_time")]

    def __str__(self):
        return f"{self.campaign} · {self.enterprise}"


class CampaignOutcome(models.Model):
    """What a campaign decided for one enterprise (整治结果): regulate, upgrade or
    close (规范 / 提升 / 关停 一批), with its plan (一企一策: the measures, who answers
    for them, the deadline `due_at`) and, once done, the day it was completed."""

    scope_region = "enterprise__region__code"
    scope_organization = "enterprise__organization"

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项整治"), on_delete=models.PROTECT,
                                 related_name="outcomes")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="+")
    outcome = models.CharField(_("整治结果"), max_length=10, choices=CampaignOutcomeKind.choices)
    measures = models.TextField(_("整治措施"), max_length=5000)
    responsible = models.CharField(_("责任人"), max_length=100)
    due_at = models.DateField(_("完成期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    done_note = models.CharField(_("完成情况"), max_length=500, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True,
                               on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["enterprise__name", "id"]
        verbose_name = _("整治结果 Campaign outcome")
        verbose_name_plural = _("整治结果 Campaign outcomes")
        constraints = [models.UniqueConstraint(fields=["campaign", "enterprise"], name="campaign_outcome_once")]

    def __str__(self):
        return f"{self.campaign} · {self.enterprise} · {self.get_outcome_display()}"


class Inspection(models.Model):
    """An inspection (检查) of one enterprise on one day against a checklist: planned,
    ad hoc, or the enterprise's own self-inspection (自查自纠); joint inspections list
    several inspectors."""

    scope_region = "enterprise__region__code"
    scope_organization = "enterprise__organization"

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="inspections")
    region = models.ForeignKey("core.Region", verbose_name=_("区划"), on_delete=models.PROTECT,
                               related_name="+", editable=False)
    kind = models.CharField(_("类型"), max_length=10, choices=InspectionKind.choices)
    date = models.DateField(_("检查日期"))
    template = models.ForeignKey(ChecklistTemplate, verbose_name=_("检查表"), null=True, blank=True,
                                 on_delete=models.PROTECT)
    campaign = models.ForeignKey(Campaign, verbose_name=_("专项整治"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="inspections")
    inspectors = models.ManyToManyField("core.Person", verbose_name=_("检查人员"), blank=True, related_name="+")
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("检查 Inspection")
        verbose_name_plural = _("检查 Inspections")
        indexes = [models.Index(fields=["region", "date"]), models.Index(fields=["campaign", "enterprise"])]

    def __str__(self):
        return f"{self.enterprise} {self.date}"


class InspectionAnswer(models.Model):
    """The answer to one checklist item in one inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("结果"), max_length=3, choices=Answer.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["item__order", "item__code"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="answer_unique_item")]


class HazardCounter(models.Model):
    """The last serial number given to a hazard of one county in one year. Locked
    while a number is taken, so numbers are unique and without gaps."""

    county = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="hazard_counter_unique")]


class PublicReport(models.Model):
    """A public report (举报) of a hazard, anonymous or with a contact, triaged by an
    officer of the region; a reward is due when a fine results (DOMAIN.md)."""

    scope_region = "region__code"

    region = models.ForeignKey("core.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("被举报企业"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    enterprise_name = models.CharField(_("被举报单位名称"), max_length=200, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    description = models.TextField(_("举报内容"), max_length=5000)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=ReportState.choices, default=ReportState.NEW)
    reject_reason = models.CharField(_("不予受理理由"), max_length=500, blank=True)
    triaged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    triaged_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    fine = models.DecimalField(_("罚款金额"), max_digits=12, decimal_places=2, null=True, blank=True)
    reward = models.DecimalField(_("奖励金额"), max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("举报时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("举报 Public report")
        verbose_name_plural = _("举报 Public reports")

    def __str__(self):
        return f"{self.enterprise_name or self.address} {self.created_at:%Y-%m-%d}"

    def clean(self):
        # A contact is how the reward reaches the reporter: a phone or an e-mail, or nothing.
        contact = (self.contact or "").strip()
        if contact and not is_phone(contact):
            try:
                validate_email(contact)
            except ValidationError:
                raise ValidationError({"contact": _("Give a phone number (13800000000, 0576-86000000) or an "
                                                    "e-mail address, or leave it empty")}) from None


class ReportWindow(models.Model):
    """How many public reports one client address sent in one fixed time window:
    the rate limit of the login-free report form, kept in the database so that it
    holds across processes."""

    ip = models.CharField(max_length=45)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ip", "window_start"], name="report_window_unique")]


class Hazard(models.Model):
    """A hazard (隐患) found at an enterprise, or at a risk point of the risk lists
    (风险点, the flood-season inspections), with its numbered record
    (`YH-<county>-<year>-<serial>`), its level, deadline and place in the closed loop.
    Exactly one of `enterprise` and `risk_point` is set (the database checks it)."""

    scope_region = "enterprise__region__code"
    scope_organization = "enterprise__organization"

    @staticmethod
    def scope_q(region_code: str, organization_id: int | None, prefix: str = "") -> Q:
        """Who sees a hazard: access follows its enterprise (region and organization),
        or, for a hazard at a risk point, the risk point's region; enterprise users
        see no risk point's hazards."""
        if organization_id is None and not region_code:
            return Q()  # the whole system
        if organization_id is not None:
            return Q(**{f"{prefix}enterprise__region__code__startswith": region_code,
                        f"{prefix}enterprise__organization": organization_id})
        return (Q(**{f"{prefix}enterprise__region__code__startswith": region_code})
                | Q(**{f"{prefix}enterprise__isnull": True,
                       f"{prefix}risk_point__region__code__startswith": region_code}))

    number = models.CharField(_("编号"), max_length=30, unique=True, editable=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="hazards")
    risk_point = models.ForeignKey("floods.RiskPoint", verbose_name=_("风险点"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="hazards")
    region = models.ForeignKey("core.Region", verbose_name=_("发现地区划"), on_delete=models.PROTECT,
                               related_name="+", editable=False)
    location = models.CharField(_("部位"), max_length=200, blank=True)
    description = models.TextField(_("隐患描述"), max_length=5000)
    category = models.CharField(_("类别"), max_length=20, choices=HazardCategory.choices,
                                default=HazardCategory.OTHER)
    source = models.CharField(_("来源"), max_length=20, choices=HazardSource.choices,
                              default=HazardSource.INSPECTION)
    level = models.CharField(_("等级"), max_length=10, choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    state = models.CharField(_("状态"), max_length=12, choices=HazardState.choices,
                             default=HazardState.REGISTERED)
    found_on = models.DateField(_("发现日期"))
    deadline = models.DateField(_("整改期限"))
    responsible = models.ForeignKey("core.Person", verbose_name=_("企业责任人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    officer = models.ForeignKey("core.Person", verbose_name=_("监管责任人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    inspection = models.ForeignKey(Inspection, verbose_name=_("检查"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="hazards")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("检查项"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    campaign = models.ForeignKey(Campaign, verbose_name=_("专项整治"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="hazards")
    report = models.OneToOneField(PublicReport, verbose_name=_("举报"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="hazard")
    supervised = models.BooleanField(_("挂牌督办中"), default=False)
    ever_supervised = models.BooleanField(_("曾挂牌督办"), default=False)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    overdue_notified_for = models.DateField(_("已发逾期提醒的期限"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("隐患 Hazard")
        verbose_name_plural = _("隐患 Hazards")
        indexes = [
            models.Index(fields=["region", "found_on"]),
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["enterprise", "state"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(enterprise__isnull=False, risk_point__isnull=True)
                                   | Q(enterprise__isnull=True, risk_point__isnull=False),
                                   name="hazard_enterprise_xor_risk_point"),
        ]

    def __str__(self):
        return self.number

    @property
    def place(self):
        """Where it was found: the enterprise, else the risk point."""
        return self.enterprise if self.enterprise_id else self.risk_point

    @property
    def place_name(self) -> str:
        place = self.place
        return place.name if place is not None else ""

    @property
    def is_open(self) -> bool:
        return self.state != HazardState.CLOSED

    def save(self, *args, **kwargs):
        """Save, and move the hazard's contribution to the daily counts in the same
        transaction (daily_counts.py explains why that keeps them exact)."""
        from . import daily_counts

        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not {f.removesuffix("_id") for f in update_fields} & {
                f.removesuffix("_id") for f in daily_counts.KEY_FIELDS}:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            old = None if self._state.adding or self.pk is None else daily_counts.stored_key(Hazard, self.pk)
            super().save(*args, **kwargs)
            daily_counts.move(old, daily_counts.key_of(self))


@receiver(post_delete, sender=Hazard, dispatch_uid="hazards.daily_counts.delete")
def _uncount_deleted_hazard(sender, instance, **kwargs):
    # Sent inside the delete's transaction, for `instance.delete()` and `QuerySet.delete()` alike.
    from . import daily_counts

    daily_counts.move(daily_counts.key_of(instance), None)


class HazardCount(models.Model):
    """What the count tables hold for a region and a span of days: hazards found, of
    them major, of them ever listed for supervision (daily_counts.COLUMNS)."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    found = models.IntegerField(default=0)
    major_found = models.IntegerField(default=0)
    supervised = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyHazardCount(HazardCount):
    """Hazards found in one region on one day (隐患日统计): how many, how many of them
    major, how many ever listed for supervision. A summary of the hazards table kept
    in step with it (daily_counts.py), read by the regional figures and ranking."""

    found_on = models.DateField()

    class Meta:
        verbose_name = _("隐患日统计 Daily hazard count")
        verbose_name_plural = _("隐患日统计 Daily hazard counts")
        constraints = [models.UniqueConstraint(fields=["found_on", "region"], name="daily_hazard_count_unique")]


class MonthlyHazardCount(HazardCount):
    """The same counts by calendar month (隐患月统计), `month` being its first day: a
    year's figures for the province sum some 17,000 of these instead of 500,000 days."""

    month = models.DateField()

    class Meta:
        verbose_name = _("隐患月统计 Monthly hazard count")
        verbose_name_plural = _("隐患月统计 Monthly hazard counts")
        constraints = [models.UniqueConstraint(fields=["month", "region"], name="monthly_hazard_count_unique")]


class TreatmentPlan(models.Model):
    """The treatment plan (治理方案) of a major hazard: goal, measures, funds and
    materials, people, deadline, safety measures and contingency plan."""

    hazard = models.OneToOneField(Hazard, on_delete=models.CASCADE, related_name="plan")
    goal = models.TextField(_("治理目标和任务"))
    measures = models.TextField(_("治理方法和措施"))
    funds = models.DecimalField(_("经费（元）"), max_digits=14, decimal_places=2)
    materials = models.TextField(_("物资"), blank=True)
    people = models.TextField(_("负责机构和人员"))
    deadline = models.DateField(_("治理时限"))
    safety_measures = models.TextField(_("安全措施"))
    contingency_plan = models.TextField(_("应急预案"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("治理方案 Treatment plan")
        verbose_name_plural = _("治理方案 Treatment plans")

    def clean(self):
        if self.funds is not None and self.funds < 0:
            raise ValidationError({"funds": _("Funds cannot be negative")})


class HazardEvent(models.Model):
    """One step in a hazard's timeline (处置记录): who did what, when, from which state
    to which, and why. The audit chain holds the same changes tamper-evident; this
    table is what the hazard page reads."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField(_("操作人"), max_length=150)
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=12, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, blank=True)
    reason = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("附加信息"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("隐患处置记录 Hazard event")
        verbose_name_plural = _("隐患处置记录 Hazard events")

    # The step that opens every timeline is not one of the loop's actions.
    REGISTER = "register"

    def action_label(self) -> str:
        """The step in words ('开始整改'); the stored code stays for the API."""
        if self.action == self.REGISTER:
            return str(_("登记隐患"))
        return _label(HazardAction, self.action)

    def from_state_label(self) -> str:
        return _label(HazardState, self.from_state)

    def to_state_label(self) -> str:
        return _label(HazardState, self.to_state)

    def actor_label(self) -> str:
        """Who acted, by the person's name ('系统' for the system's own steps)."""
        return actor_label(self.actor if self.actor_id else None, self.actor_name)


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


class Evidence(models.Model):
    """Evidence of rectification (整改佐证): a photo or a file, or text. Uploaded
    evidence waits (`event` empty) until the next submission takes it along."""

    scope_region = "hazard__enterprise__region__code"
    scope_organization = "hazard__enterprise__organization"

    @staticmethod
    def scope_q(region_code: str, organization_id: int | None) -> Q:
        return Hazard.scope_q(region_code, organization_id, prefix="hazard__")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="evidence")
    event = models.ForeignKey(HazardEvent, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="evidence")
    file = models.FileField(_("文件"), storage=evidence_storage, upload_to="hazards/%Y/%m/", blank=True)
    text = models.TextField(_("说明"), blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("整改佐证 Evidence")
        verbose_name_plural = _("整改佐证 Evidence")

    @property
    def kind(self):
        """What the file is by its name (core.uploads), None without a file; its content
        was checked against the name when it was uploaded."""
        return uploads.kind_of(self.file.name) if self.file else None

    @property
    def is_image(self) -> bool:
        return self.file.name.lower().endswith(IMAGE_SUFFIXES) if self.file else False

    @property
    def file_label(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""

    @property
    def thumb_name(self) -> str:
        """The cached thumbnail's name in the evidence storage, beside nothing else: the
        file's own (unique) name under thumbs/."""
        return f"thumbs/{self.file.name}.jpg"


# The raster images a browser shows inline and Pillow makes thumbnails of.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


@receiver(post_delete, sender=Evidence, dispatch_uid="hazards.evidence.delete_files")
def _delete_evidence_files(sender, instance, **kwargs):
    # The thumbnail is a cache of the file: it goes with the row (the file itself stays,
    # as enforcement evidence, unless an administrator removes it).
    transaction.on_commit(lambda: evidence_storage().delete(instance.thumb_name))


class Supervision(models.Model):
    """Listed supervision (挂牌督办) of a major hazard by a bureau above its county,
    removed (摘牌) after closure."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="supervisions")
    region = models.ForeignKey("core.Region", verbose_name=_("督办机关区划"), on_delete=models.PROTECT,
                               related_name="+")
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    listed_at = models.DateTimeField(_("挂牌时间"))
    reason = models.TextField(_("督办要求"), blank=True)
    delisted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    delisted_at = models.DateTimeField(_("摘牌时间"), null=True, blank=True)

    class Meta:
        ordering = ["-listed_at"]
        verbose_name = _("挂牌督办 Supervision")
        verbose_name_plural = _("挂牌督办 Supervisions")


class IndexWeight(models.Model):
    """The weight of one component of the regional composite index (晾晒指数).
    Data, so that a bureau tunes its ranking without a release."""

    component = models.SlugField(_("指标"), max_length=40, primary_key=True)
    label = models.CharField(_("名称"), max_length=100)
    weight = models.FloatField(_("权重"))

    class Meta:
        ordering = ["component"]
        verbose_name = _("排名权重 Index weight")
        verbose_name_plural = _("排名权重 Index weights")

    def __str__(self):
        return f"{self.label} {self.weight}"
