"""What the warning list exports (core.exports), with Chinese headers."""

from ..core.exports import Column, Export


def _areas(warning) -> str:
    return " ".join(a.region_id for a in warning.areas.all())


WARNINGS = Export("warnings", "预警", (
    Column("级别", "get_level_display", 8),
    Column("标题", "headline", 40),
    Column("类型", "get_type_display", 12),
    Column("状态", "get_status_display", 10),
    Column("演练", "drill", 6),
    Column("生效时间", "effective", 18),
    Column("失效时间", "expires", 18),
    Column("解除时间", "cancelled_at", 18),
    Column("发布单位", "issuer_name", 20),
    Column("区划代码", _areas, 20),
))
