"""Evacuation (人员转移, 一户一策) and shelters (避灾安置场所).

A household (户) in a danger zone has a plan: its route, its shelter, its responsible
cadre, its vulnerable members. During an event it goes to_move → moved → sheltered
(at a shelter) → returned; each step is a `HouseholdTransition` row with time and
who recorded it. The figures of every region are sums of `VillageTally`, one row per
village kept in the same transaction as each step, so that a province's figures are
one indexed range over a few tens of thousands of rows, not a count of a million
households. A township without household detail files `QuickReport`s of its figures
(shown beside the household counts, never added to them).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ShelterKind(models.TextChoices):
    SCHOOL = "school", _("学校")
    HALL = "hall", _("文化礼堂")
    PURPOSE_BUILT = "purpose_built", _("专用避灾场所")
    GYM = "gym", _("体育馆")
    HOTEL = "hotel", _("宾馆")
    OFFICE = "office", _("机关单位")
    OTHER = "other", _("其他")


class ShelterLevel(models.TextChoices):
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")
    VILLAGE = "village", _("村级")


class ShelterState(models.TextChoices):
    OPEN = "open", _("开放")
    FULL = "full", _("已满")
    CLOSED = "closed", _("关闭")


class HouseholdState(models.TextChoices):
    TO_MOVE = "to_move", _("待转移")
    MOVED = "moved", _("已转移")
    SHELTERED = "sheltered", _("已安置")
    RETURNED = "returned", _("已返回")


class Shelter(models.Model):
    """A shelter (避灾安置场所): a school, a village hall, a purpose-built centre, with
    its capacity in persons, its manager (避灾场所管理员) and the supplies on hand. How
    many are there now (occupancy) comes from the households sheltered in it."""

    scope_region = "region__code"

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("core.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT,
                               related_name="shelters")
    kind = models.CharField(_("类型"), max_length=20, choices=ShelterKind.choices, default=ShelterKind.OTHER)
    level = models.CharField(_("等级"), max_length=10, choices=ShelterLevel.choices, default=ShelterLevel.VILLAGE)
    capacity = models.PositiveIntegerField(_("容量（人）"), validators=[MaxValueValidator(1_000_000)])
    manager = models.ForeignKey("core.Person", verbose_name=_("管理员"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="managed_shelters")
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    supplies = models.TextField(_("物资储备"), blank=True, max_length=2000)
    longitude = models.FloatField(_("经度"), null=True, blank=True,
                                  validators=[MinValueValidator(73), MaxValueValidator(136)])
    latitude = models.FloatField(_("纬度"), null=True, blank=True,
                                 validators=[MinValueValidator(3), MaxValueValidator(54)])
    state = models.CharField(_("状态"), max_length=10, choices=ShelterState.choices, default=ShelterState.OPEN)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["region_id", "name", "id"]
        verbose_name = _("避灾安置场所 Shelter")
        verbose_name_plural = _("避灾安置场所 Shelters")

    def __str__(self):
        return self.name


class Household(models.Model):
    """A household (户) in a danger zone and its plan (一户一策): members, vulnerable
    members, route, planned shelter, responsible cadre, and where it is now. `shelter`
    is the plan; `sheltered_in` the shelter it is in while its state is sheltered."""

    scope_region = "region__code"

    region = models.ForeignKey("core.Region", verbose_name=_("村（社区）"), on_delete=models.PROTECT,
                               related_name="evacuation_households")
    head = models.CharField(_("户主"), max_length=50)
    members = models.PositiveIntegerField(_("人数"), validators=[MinValueValidator(1), MaxValueValidator(100)])
    elderly = models.PositiveIntegerField(_("老人"), default=0, validators=[MaxValueValidator(100)])
    disabled = models.PositiveIntegerField(_("残疾人"), default=0, validators=[MaxValueValidator(100)])
    children = models.PositiveIntegerField(_("儿童"), default=0, validators=[MaxValueValidator(100)])
    pregnant = models.PositiveIntegerField(_("孕妇"), default=0, validators=[MaxValueValidator(100)])
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    route = models.CharField(_("转移路线"), max_length=300, blank=True)
    danger_zone = models.CharField(_("危险区"), max_length=100, blank=True)
    risk_point = models.ForeignKey("floods.RiskPoint", verbose_name=_("风险点"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="evacuation_households")
    cadre = models.ForeignKey("core.Person", verbose_name=_("责任干部"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="evacuation_households")
    shelter = models.ForeignKey(Shelter, verbose_name=_("计划安置场所"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="planned_households")
    state = models.CharField(_("状态"), max_length=10, choices=HouseholdState.choices,
                             default=HouseholdState.TO_MOVE)
    sheltered_in = models.ForeignKey(Shelter, verbose_name=_("安置于"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="sheltered_households")
    state_at = models.DateTimeField(_("状态时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["region_id", "id"]
        verbose_name = _("转移户 Household")
        verbose_name_plural = _("转移户 Households")
        indexes = [
            # occupancy: the persons sheltered in each shelter now
            models.Index(fields=["sheltered_in", "state"], name="household_shelter_state"),
            models.Index(fields=["shelter", "state"], name="household_plan_state"),
            models.Index(fields=["region", "state"], name="household_region_state"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(members__gte=1), name="household_has_members"),
            models.CheckConstraint(condition=~Q(state="sheltered") | Q(sheltered_in__isnull=False),
                                   name="household_sheltered_somewhere"),
        ]

    def __str__(self):
        return f"{self.head}（{self.members}人）"

    @property
    def vulnerable(self) -> int:
        return self.elderly + self.disabled + self.children + self.pregnant


class HouseholdTransition(models.Model):
    """One step of a household (转移记录): from which state to which, at which shelter,
    when, recorded by whom. Never changed or deleted. The row is the step's audit
    record; the hash chain seals the rows in batches (see `sealed`)."""

    scope_region = "household__region__code"

    household = models.ForeignKey(Household, verbose_name=_("转移户"), on_delete=models.CASCADE,
                                  related_name="transitions")
    from_state = models.CharField(_("原状态"), max_length=10, choices=HouseholdState.choices)
    to_state = models.CharField(_("新状态"), max_length=10, choices=HouseholdState.choices)
    shelter = models.ForeignKey(Shelter, verbose_name=_("安置场所"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="transitions")
    note = models.CharField(_("备注"), max_length=300, blank=True)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField(_("记录人"), max_length=150, blank=True)
    # Set when the audit chain has sealed the row (one record per batch, with a digest
    # of the rows' content: services.evacuation.seal_steps).
    sealed = models.BooleanField(_("已入审计链"), default=False)

    class Meta:
        ordering = ["household_id", "at", "id"]
        verbose_name = _("转移记录 Household transition")
        verbose_name_plural = _("转移记录 Household transitions")
        indexes = [models.Index(fields=["id"], condition=Q(sealed=False), name="transition_unsealed")]


class VillageTally(models.Model):
    """The evacuation counters of one village (村转移统计): planned, moved, sheltered
    and returned, in persons and in households. Changed only in the transaction that
    changes a household, so it always equals a count from scratch; higher regions sum
    the villages whose code starts with theirs. `moved` counts every household that
    has left (moved, sheltered or returned): "应转尽转" completeness is moved ÷ planned."""

    scope_region = "region__code"

    region = models.OneToOneField("core.Region", verbose_name=_("村（社区）"), on_delete=models.PROTECT,
                                  primary_key=True, related_name="evacuation_tally")
    planned_households = models.IntegerField(_("计划户数"), default=0)
    planned = models.IntegerField(_("计划人数"), default=0)
    moved_households = models.IntegerField(_("已转移户数"), default=0)
    moved = models.IntegerField(_("已转移人数"), default=0)
    sheltered_households = models.IntegerField(_("在安置户数"), default=0)
    sheltered = models.IntegerField(_("在安置人数"), default=0)
    returned_households = models.IntegerField(_("已返回户数"), default=0)
    returned = models.IntegerField(_("已返回人数"), default=0)

    class Meta:
        verbose_name = _("村转移统计 Village evacuation tally")
        verbose_name_plural = _("村转移统计 Village evacuation tallies")


class ShelterRedirect(models.Model):
    """A shelter that became full or closed handed its plan households to other open
    shelters with room (改派): what moved where, and who could not be placed."""

    scope_region = "shelter__region__code"

    shelter = models.ForeignKey(Shelter, verbose_name=_("原安置场所"), on_delete=models.PROTECT,
                                related_name="redirects")
    reason = models.CharField(_("原因"), max_length=10, choices=ShelterState.choices)
    moves = models.JSONField(_("改派明细"), default=list)  # [{"household", "persons", "to"}]
    unplaced = models.JSONField(_("未能改派"), default=list)  # household ids
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("安置场所改派 Shelter redirect")
        verbose_name_plural = _("安置场所改派 Shelter redirects")


class QuickReport(models.Model):
    """A township's transfer figures reported as numbers (转移快报) where household
    detail is not available: persons moved, sheltered and returned at a time. Shown
    beside the household counts as reported figures; the latest per township counts."""

    scope_region = "region__code"

    region = models.ForeignKey("core.Region", verbose_name=_("乡镇（街道）"), on_delete=models.PROTECT,
                               related_name="evacuation_quick_reports")
    as_of = models.DateTimeField(_("统计时间"))
    moved = models.PositiveIntegerField(_("已转移人数"), validators=[MaxValueValidator(10_000_000)])
    sheltered = models.PositiveIntegerField(_("在安置人数"), default=0, validators=[MaxValueValidator(10_000_000)])
    returned = models.PositiveIntegerField(_("已返回人数"), default=0, validators=[MaxValueValidator(10_000_000)])
    note = models.CharField(_("备注"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = _("转移快报 Quick transfer report")
        verbose_name_plural = _("转移快报 Quick transfer reports")
