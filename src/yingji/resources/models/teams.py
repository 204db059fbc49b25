"""Rescue teams (救援队伍), their members and equipment, the manpower standards
(人员配备标准) and rescue stations (救援站点) with their 15-minute area.

Team kinds and the manpower standards are data (seeded by the migration, editable in
the admin): a standard says how many members a team of a kind needs in a region of a
level (town teams at least 50, village teams at least 30).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yingji.core.choices import RegionLevel

LON_RANGE = (73.0, 136.0)
LAT_RANGE = (3.0, 54.0)
LON_ERROR = _("经度应在 73 至 136 之间 / longitude must be between 73 and 136")
LAT_ERROR = _("纬度应在 3 至 54 之间 / latitude must be between 3 and 54")


def _lon_validators():
    return [MinValueValidator(LON_RANGE[0], LON_ERROR), MaxValueValidator(LON_RANGE[1], LON_ERROR)]


def _lat_validators():
    return [MinValueValidator(LAT_RANGE[0], LAT_ERROR), MaxValueValidator(LAT_RANGE[1], LAT_ERROR)]


def default_speed_kmh() -> float:
    """The straight-line speed used for a station's area where no road network is loaded."""
    return float(getattr(settings, "YINGJI_RESCUE_SPEED_KMH", 40))


class TeamKind(models.Model):
    """A kind of team (队伍类型): professional, enterprise, township, village, volunteer."""

    code = models.SlugField(_("代码"), max_length=30, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("队伍类型 Team kind")
        verbose_name_plural = _("队伍类型 Team kinds")

    def __str__(self):
        return self.name


class Readiness(models.TextChoices):
    READY = "ready", _("待命")
    STANDBY = "standby", _("备勤")
    DEPLOYED = "deployed", _("出动中")
    UNAVAILABLE = "unavailable", _("不可用")


class Team(models.Model):
    """A rescue team (救援队伍) with its base (驻地) and readiness."""

    scope_region = "region__code"

    name = models.CharField(_("名称"), max_length=100)
    kind = models.ForeignKey(TeamKind, verbose_name=_("类型"), on_delete=models.PROTECT, related_name="teams")
    region = models.ForeignKey("core.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT,
                               related_name="+")
    leader = models.ForeignKey("core.Person", verbose_name=_("队长"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    phone = models.CharField(_("值班电话"), max_length=30, blank=True)
    base_lat = models.FloatField(_("驻地纬度"), null=True, blank=True, validators=_lat_validators())
    base_lon = models.FloatField(_("驻地经度"), null=True, blank=True, validators=_lon_validators())
    readiness = models.CharField(_("战备状态"), max_length=20, choices=Readiness.choices,
                                 default=Readiness.READY)
    active = models.BooleanField(_("在册"), default=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["region_id", "name", "id"]
        verbose_name = _("救援队伍 Team")
        verbose_name_plural = _("救援队伍 Teams")
        indexes = [models.Index(fields=["base_lat", "base_lon"]), models.Index(fields=["region", "kind"])]

    def __str__(self):
        return self.name


class TeamMember(models.Model):
    """A person (from core's people) who belongs to a team."""

    scope_region = "team__region__code"

    team = models.ForeignKey(Team, verbose_name=_("队伍"), on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("core.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("职务"), max_length=50, blank=True)
    joined_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        ordering = ["team_id", "id"]
        verbose_name = _("队员 Team member")
        verbose_name_plural = _("队员 Team members")
        constraints = [models.UniqueConstraint(fields=["team", "person"], name="resources_teammember_once")]

    def __str__(self):
        return f"{self.team} · {self.person}"


class EquipmentState(models.TextChoices):
    GOOD = "good", _("完好")
    REPAIR = "repair", _("维修中")
    BROKEN = "broken", _("损坏")


class Equipment(models.Model):
    """Equipment of a team (装备): a name, how many, in what state."""

    scope_region = "team__region__code"

    team = models.ForeignKey(Team, verbose_name=_("队伍"), on_delete=models.CASCADE, related_name="equipment")
    name = models.CharField(_("名称"), max_length=100)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=EquipmentState.choices, default=EquipmentState.GOOD)

    class Meta:
        ordering = ["team_id", "name", "id"]
        verbose_name = _("装备 Equipment")
        verbose_name_plural = _("装备 Equipment")

    def __str__(self):
        return self.name


class ManpowerStandard(models.Model):
    """How many members a team of a kind needs in a region of a level (town ≥ 50,
    village ≥ 30). Every region of the level needs at least one active team of the
    kind that meets it; the others are listed as short."""

    region_level = models.PositiveSmallIntegerField(_("区划层级"), choices=RegionLevel.choices)
    kind = models.ForeignKey(TeamKind, verbose_name=_("队伍类型"), on_delete=models.CASCADE, related_name="+")
    minimum_members = models.PositiveIntegerField(_("最少人数"))

    class Meta:
        ordering = ["region_level", "kind"]
        verbose_name = _("人员配备标准 Manpower standard")
        verbose_name_plural = _("人员配备标准 Manpower standards")
        constraints = [models.UniqueConstraint(fields=["region_level", "kind"], name="resources_manpower_once")]

    def __str__(self):
        return f"{self.get_region_level_display()} · {self.kind} ≥ {self.minimum_members}"


class Station(models.Model):
    """A rescue station (救援站点) at a position; its 15-minute area is a circle of
    radius speed × 15 minutes where no road network is loaded."""

    scope_region = "region__code"

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("core.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT,
                               related_name="+")
    team = models.ForeignKey(Team, verbose_name=_("驻站队伍"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="stations")
    lat = models.FloatField(_("纬度"), validators=_lat_validators())
    lon = models.FloatField(_("经度"), validators=_lon_validators())
    speed_kmh = models.FloatField(_("通行速度(公里/小时)"), default=default_speed_kmh,
                                  validators=[MinValueValidator(1), MaxValueValidator(200)])
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["region_id", "name", "id"]
        verbose_name = _("救援站点 Station")
        verbose_name_plural = _("救援站点 Stations")
        indexes = [models.Index(fields=["lat", "lon"])]

    def __str__(self):
        return self.name
