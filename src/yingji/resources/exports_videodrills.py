"""What the rates table of a drill (or a period) exports (core.exports), with Chinese headers."""

from ..core.exports import Column, Export

LEVEL = {"total": "合计", "county": "县（市、区）", "township": "乡镇（街道）"}


def _percent(key: str):
    return lambda row: round(row[key] * 100, 1) if row[key] is not None else ""


RATES = Export("video_drill_rates", "三率统计", (
    Column("层级", lambda r: LEVEL.get(r["level"], r["level"]), 12),
    Column("区划代码", lambda r: r["region"], 12),
    Column("区划", lambda r: r["name"], 20),
    Column("呼叫节点数", lambda r: r["called"], 10),
    Column("接通数", lambda r: r["connected"], 10),
    Column("连通率（%）", _percent("connection_rate"), 12),
    Column("30分钟内应答数", lambda r: r["within"], 12),
    Column("30分钟响应率（%）", _percent("response_rate"), 14),
    Column("质量达标数", lambda r: r["quality_ok"], 10),
    Column("连线质量达标率（%）", _percent("quality_rate"), 16),
))


def rate_rows(result: dict) -> list[dict]:
    """The total, then the counties, then the townships, as one table."""
    return [result["total"], *result["counties"], *result["townships"]]
