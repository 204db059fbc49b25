"""Named constants of enforcement: sources, steps, actions, parties, evidence kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    HAZARD = "hazard", _("隐患")
    INSPECTION = "inspection", _("检查")
    ACCIDENT = "accident", _("事故")
    OFFSITE = "offsite", _("非现场执法")
    PUBLIC_REPORT = "public_report", _("群众举报")
    CHEMICAL_WORK_ORDER = "chemical_work_order", _("危化品工单")
    AGENCY = "agency", _("中介机构")
    CAMPAIGN = "campaign", _("专项行动")


class Step(models.TextChoices):
    """The steps of a case in order; `closed` and `transferred` end it."""

    FILING = "filing", _("立案")
    INVESTIGATION = "investigation", _("调查取证")
    LEGAL_REVIEW = "legal_review", _("法制审核")
    PRIOR_NOTICE = "prior_notice", _("告知（陈述申辩、听证）")
    DECISION = "decision", _("处罚决定")
    SERVICE = "service", _("送达")
    EXECUTION = "execution", _("执行")
    CLOSED = "closed", _("结案")
    TRANSFERRED = "transferred", _("移送公安")


ORDER = [Step.FILING, Step.INVESTIGATION, Step.LEGAL_REVIEW, Step.PRIOR_NOTICE, Step.DECISION, Step.SERVICE,
         Step.EXECUTION, Step.CLOSED]

# Days each step may take from when it opens (defaults; a bureau's own limits are
# local policy). Prior notice: 3 days for statements and 5 for a hearing request (APL
# Arts. 45, 64); service: 7 days (Art. 61); execution: the fine is due in 15 days (Art. 67).
STEP_DAYS = {Step.FILING: 7, Step.INVESTIGATION: 60, Step.LEGAL_REVIEW: 10, Step.PRIOR_NOTICE: 5,
             Step.DECISION: 10, Step.SERVICE: 7, Step.EXECUTION: 15}
# The light turns yellow this many days before the step is due.
YELLOW_DAYS = 3
# The reopening check (回头看) of a stop-production order, days after the order (default).
REOPENING_CHECK_DAYS = 30


class Action(models.TextChoices):
    """What moves a case on: each completes the current step and opens the next."""

    INVESTIGATE = "investigate", _("开始调查")
    REVIEW = "review", _("提交法制审核")
    NOTIFY = "notify", _("告知当事人")
    DECIDE = "decide", _("作出处罚决定")
    SERVE = "serve", _("送达")
    EXECUTE = "execute", _("执行")
    CLOSE = "close", _("结案")
    TRANSFER = "transfer", _("移送公安机关")


# action -> (the state it needs, the state it leads to)
TRANSITIONS = {
    Action.INVESTIGATE: (Step.FILING, Step.INVESTIGATION),
    Action.REVIEW: (Step.INVESTIGATION, Step.LEGAL_REVIEW),
    Action.NOTIFY: (Step.LEGAL_REVIEW, Step.PRIOR_NOTICE),
    Action.DECIDE: (Step.PRIOR_NOTICE, Step.DECISION),
    Action.SERVE: (Step.DECISION, Step.SERVICE),
    Action.EXECUTE: (Step.SERVICE, Step.EXECUTION),
    Action.CLOSE: (Step.EXECUTION, Step.CLOSED),
}
# A case may go to the police (行刑衔接) while it is being investigated or reviewed.
TRANSFER_FROM = {Step.INVESTIGATION, Step.LEGAL_REVIEW, Step.PRIOR_NOTICE}


class Party(models.TextChoices):
    """Who a penalty decision is against: "一案三罚" is one decision for each."""

    ENTERPRISE = "enterprise", _("单位")
    PRINCIPAL = "principal", _("主要负责人")
    MANAGER = "manager", _("分管负责人")


class Light(models.TextChoices):
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    VIDEO = "video", _("视频")
    SENSOR = "sensor", _("传感器数据")
    PLATFORM = "platform", _("平台记录")
    DOCUMENT = "document", _("书证")


class CustodyAction(models.TextChoices):
    ADDED = "added", _("提取入库")
    VIEWED = "viewed", _("查看")
    EXPORTED = "exported", _("导出")
    VERIFIED = "verified", _("核验")
    TRANSFERRED = "transferred", _("随案移送")


class DetectionSource(models.TextChoices):
    CAMERA = "camera", _("摄像头")
    IOT = "iot", _("物联感知设备")
    DRONE = "drone", _("无人机")


class DetectionState(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("已立案")
    DISMISSED = "dismissed", _("已驳回")
    IGNORED = "ignored", _("不予立案（规则）")


class SummonsReason(models.TextChoices):
    RANKING = "ranking", _("排名靠后")
    ACCIDENT = "accident", _("发生事故")
    HAZARD = "hazard", _("重大隐患")
    OTHER = "other", _("其他")


class VerificationResult(models.TextChoices):
    """Where a verification check (验证式执法) stands: due, or its recorded result."""

    PENDING = "pending", _("待核查")
    PASSED = "passed", _("核查通过")
    FAILED = "failed", _("核查未通过")


class DocumentKind(models.TextChoices):
    """The formal documents drawn as PDF, each with its fixed texts in a DocumentTemplate."""

    FILING = "filing", _("立案审批表")
    NOTICE = "notice", _("行政处罚告知书")
    DECISION = "decision", _("行政处罚决定书")
    TRANSFER = "transfer", _("涉嫌犯罪案件移送书")
    RECTIFICATION = "rectification", _("责令限期整改指令书")


# A rectification order (责令限期整改指令书) drawn for a case with no hazard deadline to
# quote gives the party this many days (default; the officer may name the day).
RECTIFICATION_DAYS = 30
