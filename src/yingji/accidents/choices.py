"""Named constants of accident work, as data: industries, the 20 accident classes of
GB 6441-86, the late-report (补报) windows, the accountability checks.

The industries extend the enterprise register's (`enterprises.choices.Industry`,
same codes) with the groups whose accidents a bureau counts but whose units are not in
its register: construction, road traffic, fire, mining as a whole.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..duty.grades import AccidentGrade  # noqa: F401  (re-exported: the one definition)


class Industry(models.TextChoices):
    """行业分类 of the accident statistics. The first twelve are the register's codes."""

    CHEMICAL = "chemical", _("危险化学品")
    FIREWORKS = "fireworks", _("烟花爆竹")
    MINING = "mining", _("矿山")
    METALLURGY = "metallurgy", _("工贸·冶金")
    NONFERROUS = "nonferrous", _("工贸·有色")
    BUILDING_MATERIALS = "building_materials", _("工贸·建材")
    MACHINERY = "machinery", _("工贸·机械")
    LIGHT = "light", _("工贸·轻工")
    TEXTILE = "textile", _("工贸·纺织")
    TOBACCO = "tobacco", _("工贸·烟草")
    TRADE = "trade", _("工贸·商贸")
    CONSTRUCTION = "construction", _("建筑施工")
    ROAD_TRAFFIC = "road_traffic", _("道路交通")
    WATERWAY = "waterway", _("水上交通")
    FIRE = "fire", _("消防（火灾）")
    OTHER = "other", _("其他")


class AccidentKind(models.TextChoices):
    """事故类别, GB 6441-86 企业职工伤亡事故分类, its 20 classes in the standard's order."""

    STRUCK_BY_OBJECT = "struck_by_object", _("物体打击")
    VEHICLE = "vehicle", _("车辆伤害")
    MACHINERY = "machinery", _("机械伤害")
    LIFTING = "lifting", _("起重伤害")
    ELECTROCUTION = "electrocution", _("触电")
    DROWNING = "drowning", _("淹溺")
    SCALD = "scald", _("灼烫")
    FIRE = "fire", _("火灾")
    FALL = "fall", _("高处坠落")
    COLLAPSE = "collapse", _("坍塌")
    ROOF_FALL = "roof_fall", _("冒顶片帮")
    WATER_INRUSH = "water_inrush", _("透水")
    BLASTING = "blasting", _("放炮")
    EXPLOSIVES = "explosives", _("火药爆炸")
    GAS_EXPLOSION = "gas_explosion", _("瓦斯爆炸")
    BOILER_EXPLOSION = "boiler_explosion", _("锅炉爆炸")
    VESSEL_EXPLOSION = "vessel_explosion", _("容器爆炸")
    OTHER_EXPLOSION = "other_explosion", _("其它爆炸")
    POISONING = "poisoning", _("中毒和窒息")
    OTHER = "other", _("其它伤害")


# 补报 (Order 493, Art. 13): casualty changes within 30 days of the accident are
# reported and counted; 7 days for road traffic and fire. The window of an accident is
# the shortest that its industry or its kind names. A province may override these
# with settings.ACCIDENT_LATE_REPORT_DAYS = {"default": 30, "road_traffic": 7, ...}.
LATE_REPORT_DAYS = {"default": 30, Industry.ROAD_TRAFFIC.value: 7, Industry.FIRE.value: 7,
                    AccidentKind.FIRE.value: 7}

# Investigation (Order 493, Art. 29): the report within 60 days, extendable once by at
# most 60 days.
INVESTIGATION_DAYS = 60
MAX_EXTENSION_DAYS = 60


class CheckTarget(models.TextChoices):
    """一案三查: for each accident, check the enterprise, the regulator, the officials."""

    ENTERPRISE = "enterprise", _("查企业")
    REGULATOR = "regulator", _("查监管部门")
    OFFICIALS = "officials", _("查党委政府领导干部")


class TimerKind(models.TextChoices):
    INVESTIGATION_DUE = "investigation_due", _("调查报告期限")
    EXTENSION_DUE = "extension_due", _("延期后期限")


# The grades by their Chinese names alone, for pages and documents (duty.grades'
# labels carry the English beside them, for the API's and admin's readers).
GRADE_NAMES = {"general": "一般事故", "larger": "较大事故", "major": "重大事故", "extraordinary": "特别重大事故"}
GRADE_CHOICES = list(GRADE_NAMES.items())
