"""What the accident list exports (core.exports): the 事故台账 columns."""

from django.utils import timezone

from ..core.exports import Column, Export


def _when(accident) -> str:
    return timezone.localtime(accident.occurred_at).strftime("%Y-%m-%d %H:%M")


ACCIDENTS = Export("accidents", "生产安全事故台账", (
    Column("发生时间", _when, 17),
    Column("区划代码", "region_id", 12),
    Column("区划", "region.name", 16),
    Column("地点", "place", 20),
    Column("事故单位", "unit_name", 30),
    Column("统一社会信用代码", lambda a: a.enterprise.uscc if a.enterprise_id else a.party_uscc, 20),
    Column("行业", "get_industry_display", 12),
    Column("事故类别", "get_kind_display", 12),
    Column("死亡", "deaths", 6),
    Column("重伤", "serious_injuries", 6),
    Column("直接经济损失（元）", "direct_loss", 16),
    Column("等级", "grade_name", 10),
    Column("简况", "description", 40),
))
