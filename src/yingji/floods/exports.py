"""What the inundation run list exports (core.exports), with Chinese headers."""

from ..core.exports import Column, Export

INUNDATION_RUNS = Export("inundation-runs", "淹没模拟", (
    Column("小流域", "watershed", 20),
    Column("区划代码", "region_id", 12),
    Column("区划", "region.full_name", 24),
    Column("模拟起始", "start", 18),
    Column("时长（小时）", "duration_hours", 10),
    Column("状态", "get_status_display", 10),
    Column("进度（%）", "progress", 8),
    Column("最大水深（米）", "max_depth_m", 12),
))
