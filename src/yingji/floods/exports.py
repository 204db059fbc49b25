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


def _windows(point) -> str:
    return "；".join(f"{c.window_hours} 小时 准备转移 {c.prepare_mm:g} 立即转移 {c.move_now_mm:g}"
                    for c in point.critical_rainfalls.all())


# The risk lists (风险清单): the headers are those the import reads back
# (risk_point_import.COLUMNS), 所在区划 and 临界雨量 being ignored there.
RISK_POINTS = Export("risk-points", "风险清单", (
    Column("风险点", "name", 24),
    Column("类别", "kind.name", 14),
    Column("区划代码", "region_id", 14),
    Column("所在区划", "region.full_name", 28),
    Column("人口", "population", 8),
    Column("户数", "households", 8),
    Column("经度", "longitude", 10),
    Column("纬度", "latitude", 10),
    Column("责任人", "responsible_name", 10),
    Column("责任人电话", "responsible_phone", 14),
    Column("管控措施", "control_measures", 40),
    Column("备注", "note", 20),
    Column("临界雨量（毫米）", _windows, 40),
))

SECTIONS = Export("sections", "断面", (
    Column("断面", "name", 24),
    Column("区划代码", "region_id", 14),
    Column("所在区划", "region.full_name", 28),
    Column("警戒水位（米）", "warning_stage", 12),
    Column("危急水位（米）", "critical_stage", 12),
    Column("集水面积（平方公里）", "catchment_area_km2", 14),
))

FLOOD_ALERTS = Export("flood-alerts", "山洪预警", (
    Column("时间", "observed_at", 18),
    Column("级别", "get_level_display", 10),
    Column("来源", "get_source_display", 10),
    Column("区划代码", "region_id", 14),
    Column("标题", "headline", 40),
    Column("预见期（分钟）", "lead_minutes", 12),
))

# The flood home's three lists, by the `table` its export buttons name.
FLOOD_HOME = {"points": RISK_POINTS, "sections": SECTIONS, "alerts": FLOOD_ALERTS}
