"""What each list page of the hazards app exports (core.exports): the columns of
the hazard list, the inspection list, the public reports and the campaigns, with
the Chinese headers bureaus exchange."""

from django.utils import timezone

from ..core.exports import Column, Export
from ..core.ui import actor_label
from .choices import Light
from .lights import light
from .selectors import campaign_coverage


def _light(hazard) -> str:
    return Light(light(state=hazard.state, deadline=hazard.deadline, today=timezone.localdate())).label


HAZARDS = Export("hazards", "隐患台账", (
    Column("编号", "number", 18),
    Column("企业", "enterprise.name", 30),
    Column("统一社会信用代码", "enterprise.uscc", 20),
    Column("风险点", "risk_point.name", 24),
    Column("区划代码", "region_id", 12),
    Column("区划", "region.full_name", 24),
    Column("部位", "location", 16),
    Column("隐患描述", "description", 40),
    Column("类别", "get_category_display"),
    Column("来源", "get_source_display"),
    Column("等级", "get_level_display", 10),
    Column("挂牌督办中", "supervised", 8),
    Column("状态", "get_state_display", 10),
    Column("期限", _light, 8),
    Column("发现日期", "found_on", 12),
    Column("整改期限", "deadline", 12),
    Column("销号日期", "closed_on", 12),
))


def _inspectors(inspection) -> str:
    return "、".join(p.name for p in inspection.inspectors.all())


def _result(inspection) -> str:
    return f"发现隐患 {inspection.hazard_count} 项" if inspection.hazard_count else "未发现隐患"


INSPECTIONS = Export("inspections", "检查台账", (
    Column("检查日期", "date", 12),
    Column("企业", "enterprise.name", 30),
    Column("统一社会信用代码", "enterprise.uscc", 20),
    Column("区划代码", "region_id", 12),
    Column("类型", "get_kind_display", 12),
    Column("检查表", "template.name", 24),
    Column("专项整治", "campaign.name", 24),
    Column("检查人员", _inspectors, 16),
    Column("发现隐患数", "hazard_count", 10),
    Column("结果", _result, 14),
    Column("备注", "note", 30),
))

REPORTS = Export("public-reports", "群众举报", (
    Column("举报时间", "created_at", 18),
    Column("区划代码", "region_id", 12),
    Column("所在区划", "region.name", 14),
    Column("被举报单位", "enterprise_name", 30),
    Column("地址", "address", 30),
    Column("举报内容", "description", 40),
    Column("状态", "get_state_display", 10),
    Column("不予受理理由", "reject_reason", 24),
    Column("核查时间", "triaged_at", 18),
    Column("罚款（元）", "fine", 12),
    Column("奖励（元）", "reward", 12),
))


def _figures(campaign) -> dict:
    if not hasattr(campaign, "figures"):  # the page sets them on the rows it shows
        campaign.figures = campaign_coverage(campaign)
    return campaign.figures


def _figure(key):
    def value(campaign):
        return _figures(campaign)[key]
    return value


def _coverage(campaign):
    coverage = _figures(campaign)["coverage"]
    return round(coverage * 100, 1) if coverage is not None else None


CAMPAIGNS = Export("campaigns", "专项整治", (
    Column("名称", "name", 30),
    Column("区划代码", "region_id", 12),
    Column("区划", "region.name", 14),
    Column("行业", "industry", 14),
    Column("标签", "tag.name", 12),
    Column("开始日期", "start", 12),
    Column("结束日期", "end", 12),
    Column("应检查企业", _figure("total"), 10),
    Column("已检查企业", _figure("inspected"), 10),
    Column("覆盖率（%）", _coverage, 10),
    Column("发现隐患", _figure("found"), 10),
    Column("已销号", _figure("closed"), 10),
    Column("规范一批", _figure("regulate"), 10),
    Column("提升一批", _figure("upgrade"), 10),
    Column("关停一批", _figure("close"), 10),
))

OUTCOMES = Export("campaign-outcomes", "一企一策", (
    Column("企业", "enterprise.name", 30),
    Column("统一社会信用代码", "enterprise.uscc", 20),
    Column("区划代码", "enterprise.region_id", 12),
    Column("整治结果", "get_outcome_display", 10),
    Column("整治措施", "measures", 40),
    Column("责任人", "responsible", 12),
    Column("完成期限", "due_at", 12),
    Column("完成日期", "done_on", 12),
    Column("完成情况", "done_note", 30),
))


def _negative_reason(row: dict) -> str:
    if row.get("entry") is not None:
        return row["entry"].reason
    return "；".join(text for flag, text in ((row["open_major"], "有未销号重大隐患"),
                                             (row["repeated"], "同一问题重复发现")) if flag)


def _entry(path: str):
    """A column of the kept row (NegativeListEntry) behind a row, empty for a suggestion."""
    column = Column("", path)

    def value(row: dict):
        return column.of(row["entry"]) if row.get("entry") is not None else None
    return value


def _who(path: str):
    def value(row: dict):
        entry = row.get("entry")
        user = getattr(entry, path) if entry is not None else None
        return actor_label(user, user.username) if user is not None else None
    return value


def _negative_source(row: dict) -> str:
    if row.get("entry") is None:
        return "规则建议"
    return "已移出" if row["entry"].removed_at else "人工列入"


# Rows: dicts of the page (`views.campaigns.negative_rows`): the kept entries (the
# removed ones too, with who removed them and why), then the suggestions not kept.
NEGATIVE_LIST = Export("negative-list", "负面清单", (
    Column("企业", lambda row: row["name"], 30),
    Column("统一社会信用代码", lambda row: row.get("uscc"), 20),
    Column("区划代码", lambda row: row["region"], 12),
    Column("来源", _negative_source, 10),
    Column("原因", _negative_reason, 30),
    Column("列入人", _who("added_by"), 12),
    Column("列入时间", _entry("added_at"), 18),
    Column("移出人", _who("removed_by"), 12),
    Column("移出时间", _entry("removed_at"), 18),
    Column("移出原因", _entry("removed_reason"), 30),
))

NOT_INSPECTED = Export("not-inspected", "尚未检查的企业", (
    Column("企业", "name", 30),
    Column("统一社会信用代码", "uscc", 20),
    Column("区划代码", "region_id", 12),
    Column("乡镇（街道）", "region.name", 14),
    Column("风险等级", "get_risk_grade_display", 12),
))
