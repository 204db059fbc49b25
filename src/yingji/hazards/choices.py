"""Named constants of hazard work: levels, states, sources, inspection kinds, lights."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardLevel(models.TextChoices):
    """Hazard grade (隐患等级), DOMAIN.md: general ones can be removed at once after
    discovery; major ones need a stop of production, time, or outside help."""

    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class HazardState(models.TextChoices):
    """Where a hazard stands in the closed loop (闭环). `reported` and `planned` are
    only passed by major hazards."""

    REGISTERED = "registered", _("已登记")
    REPORTED = "reported", _("已报告")
    PLANNED = "planned", _("已制定治理方案")
    RECTIFYING = "rectifying", _("整改中")
    SUBMITTED = "submitted", _("已提交验收")
    CLOSED = "closed", _("已销号")


OPEN_STATES = [s for s in HazardState.values if s != HazardState.CLOSED]


class HazardSource(models.TextChoices):
    INSPECTION = "inspection", _("监督检查")
    SELF_INSPECTION = "self_inspection", _("企业自查")
    PUBLIC_REPORT = "public_report", _("群众举报")
    MONITORING = "monitoring", _("远程监测")


class HazardCategory(models.TextChoices):
    FIRE = "fire", _("消防安全")
    ELECTRICAL = "electrical", _("电气安全")
    EQUIPMENT = "equipment", _("设备设施")
    HOT_WORK = "hot_work", _("动火作业")
    HAZCHEM = "hazchem", _("危险化学品")
    CONFINED_SPACE = "confined_space", _("有限空间")
    DUST = "dust", _("粉尘防爆")
    MANAGEMENT = "management", _("安全管理")
    OTHER = "other", _("其他")


class HazardAction(models.TextChoices):
    """The transitions of the closed loop, one service each (names are the API's)."""

    FIX_ON_SPOT = "fix_on_spot", _("即知即改")
    START = "start", _("开始整改")
    SUBMIT = "submit", _("提交整改")
    ACCEPT = "accept", _("验收销号")
    RETURN = "return", _("退回整改")
    REPORT = "report", _("报告监管部门")
    PLAN = "plan", _("制定治理方案")
    SUPERVISE = "supervise", _("挂牌督办")
    DELIST = "delist", _("摘牌")
    ESCALATE = "escalate", _("升级为重大隐患")
    DOWNGRADE = "downgrade", _("降级为一般隐患")


class InspectionKind(models.TextChoices):
    PLANNED = "planned", _("计划检查")
    AD_HOC = "ad_hoc", _("随机检查")
    SELF = "self", _("自查自纠")


class Answer(models.TextChoices):
    """An answer to a checklist item: `yes` means the requirement is met."""

    YES = "yes", _("符合")
    NO = "no", _("不符合")
    NOT_APPLICABLE = "na", _("不适用")


class Light(models.TextChoices):
    """Deadline light (红黄绿灯)."""

    GREEN = "green", _("正常")
    YELLOW = "yellow", _("临期")
    RED = "red", _("逾期")


LIGHT_COLOURS = {Light.GREEN: "#2e9e44", Light.YELLOW: "#f2c200", Light.RED: "#d9001b"}


class ReportState(models.TextChoices):
    NEW = "new", _("待核查")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")


class CampaignOutcomeKind(models.TextChoices):
    """What a campaign decides for each enterprise (一企一策): bring it into line
    (规范一批), upgrade it (提升一批), or close it (关停一批)."""

    REGULATE = "regulate", _("规范一批")
    UPGRADE = "upgrade", _("提升一批")
    CLOSE = "close", _("关停一批")
