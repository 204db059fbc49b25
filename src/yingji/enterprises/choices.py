"""Named constants of the enterprise register."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskGrade(models.TextChoices):
    """Four-colour safety risk grade (安全风险四色图)."""

    RED = "red", _("红（重大风险）")
    ORANGE = "orange", _("橙（较大风险）")
    YELLOW = "yellow", _("黄（一般风险）")
    BLUE = "blue", _("蓝（低风险）")


RISK_COLOURS = {
    RiskGrade.RED: "#d9001b",
    RiskGrade.ORANGE: "#ff8c00",
    RiskGrade.YELLOW: "#f2c200",
    RiskGrade.BLUE: "#1e6fd9",
}


class Scale(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class Industry(models.TextChoices):
    """Industry groups as supervised by emergency-management bureaus."""

    CHEMICAL = "chemical", _("危险化学品")
    FIREWORKS = "fireworks", _("烟花爆竹")
    MINING = "mining", _("非煤矿山")
    METALLURGY = "metallurgy", _("冶金")
    NONFERROUS = "nonferrous", _("有色")
    BUILDING_MATERIALS = "building_materials", _("建材")
    MACHINERY = "machinery", _("机械")
    LIGHT = "light", _("轻工")
    TEXTILE = "textile", _("纺织")
    TOBACCO = "tobacco", _("烟草")
    TRADE = "trade", _("商贸")
    OTHER = "other", _("其他")


class LicenceKind(models.TextChoices):
    SAFETY_PRODUCTION = "safety_production", _("安全生产许可证")
    HAZCHEM_TRADING = "hazchem_trading", _("危险化学品经营许可证")
    HAZCHEM_USE = "hazchem_use", _("危险化学品安全使用许可证")
    FIREWORKS_TRADING = "fireworks_trading", _("烟花爆竹经营许可证")
    OTHER = "other", _("其他")


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("有效")
    EXPIRING = "expiring", _("即将到期")
    EXPIRED = "expired", _("已过期")
