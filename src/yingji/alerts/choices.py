"""Named constants of warnings and call-up: warning types, colour levels, states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WarningType(models.TextChoices):
    """What a warning (预警) is about: the 14 meteorological warning signals, then the
    hydrological and geological warnings that call up the same responsibility chain."""

    TYPHOON = "typhoon", _("台风")
    RAINSTORM = "rainstorm", _("暴雨")
    SNOWSTORM = "snowstorm", _("暴雪")
    COLD_WAVE = "cold_wave", _("寒潮")
    GALE = "gale", _("大风")
    SANDSTORM = "sandstorm", _("沙尘暴")
    HEAT = "heat", _("高温")
    DROUGHT = "drought", _("干旱")
    LIGHTNING = "lightning", _("雷电")
    HAIL = "hail", _("冰雹")
    FROST = "frost", _("霜冻")
    FOG = "fog", _("大雾")
    HAZE = "haze", _("霾")
    ROAD_ICING = "road_icing", _("道路结冰")
    FLASH_FLOOD = "flash_flood", _("山洪")
    GEOLOGICAL_HAZARD = "geological_hazard", _("地质灾害")
    FLOOD = "flood", _("洪水")
    OTHER = "other", _("其他")


# CAP <category> per type: geological hazards are Geo, everything else here is
# weather or water, which CAP files under Met.
CAP_CATEGORY = {WarningType.GEOLOGICAL_HAZARD: "Geo", WarningType.OTHER: "Other"}


class WarningLevel(models.TextChoices):
    """Colour level (预警级别): blue IV (lowest) to red I (highest)."""

    BLUE = "blue", _("蓝色")
    YELLOW = "yellow", _("黄色")
    ORANGE = "orange", _("橙色")
    RED = "red", _("红色")


LEVEL_RANK = {WarningLevel.BLUE: 4, WarningLevel.YELLOW: 3, WarningLevel.ORANGE: 2, WarningLevel.RED: 1}
LEVEL_COLOURS = {WarningLevel.BLUE: "#1e6fd9", WarningLevel.YELLOW: "#e6b800",
                 WarningLevel.ORANGE: "#ff8c00", WarningLevel.RED: "#d9001b"}


class WarningStatus(models.TextChoices):
    """ACTIVE and UPDATED are in force (CAP msgType Alert / Update); CANCELLED ended it."""

    ACTIVE = "active", _("生效")
    UPDATED = "updated", _("已更新")
    CANCELLED = "cancelled", _("已解除")


IN_FORCE = (WarningStatus.ACTIVE, WarningStatus.UPDATED)


class CallUpStatus(models.TextChoices):
    RUNNING = "running", _("进行中")
    CANCELLED = "cancelled", _("已停止")


class TargetState(models.TextChoices):
    """Where one called person stands. "Sent" and "delivered" are read from the
    outbox (what the gateway reported), not copied here."""

    PENDING = "pending", _("待呼叫")
    CALLING = "calling", _("呼叫中")
    ACKNOWLEDGED = "acknowledged", _("已应答")
    FEEDBACK = "feedback", _("已反馈")
    UNREACHED = "unreached", _("未叫应")
    CANCELLED = "cancelled", _("已取消")


ANSWERED = (TargetState.ACKNOWLEDGED, TargetState.FEEDBACK)
OPEN_TARGET_STATES = (TargetState.PENDING, TargetState.CALLING, TargetState.UNREACHED)


class TargetKind(models.TextChoices):
    """Every target is a person called for a duty. ESCALATION rows were written by
    earlier versions (a superior called once per unreached subordinate); superiors
    are now told by a grouped `CallUpNotice` and are not targets."""

    DUTY = "duty", _("职责对象")
    ESCALATION = "escalation", _("上级升级")


class NoticeKind(models.TextChoices):
    """Who a notice of unreached persons goes to: the superior of those persons, or
    the duty officers of the centre (the unreached list back to the centre)."""

    SUPERIOR = "superior", _("上级")
    DUTY_OFFICER = "duty_officer", _("值班员")


class NoticeState(models.TextChoices):
    """A notice gathers the unreached persons of one escalation round while it is
    OPEN, is SENT once the round is complete, or CANCELLED when the call-up stops."""

    OPEN = "open", _("待发送")
    SENT = "sent", _("已发送")
    CANCELLED = "cancelled", _("已取消")


class ActionKind(models.TextChoices):
    """A timer of the call-up: send one message, or escalate an unanswered person."""

    SEND = "send", _("发送")
    ESCALATE = "escalate", _("升级")


class ActionState(models.TextChoices):
    PENDING = "pending", _("待执行")
    DONE = "done", _("已执行")
    SKIPPED = "skipped", _("已跳过")
    CANCELLED = "cancelled", _("已取消")


class AckChannel(models.TextChoices):
    SMS = "sms", _("短信回复")
    VOICE = "voice", _("语音按键")
    LINK = "link", _("确认链接")
    APP = "app", _("平台")
    DINGTALK = "dingtalk", _("钉钉")
    WECOM = "wecom", _("企业微信")
