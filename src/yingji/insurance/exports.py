"""What the insurance list pages export (core.exports): policies, claims and
typhoons, with Chinese headers."""

from ..core.exports import Column, Export


def _event(claim) -> str:
    event = claim.event
    if event.storm_id:
        return f"{event.storm.name or event.storm.code}（{event.storm.code}）"
    return event.county.name if event.county_id else event.event_key


POLICIES = Export("policies", "巨灾保险保单", (
    Column("保单", "name", 30),
    Column("承保区域", "region.full_name", 20),
    Column("被保险人", "insured.name", 24),
    Column("保险期间起", "period_start", 12),
    Column("保险期间止", "period_end", 12),
    Column("台风保费（元）", "premium_typhoon", 14),
    Column("降雨保费（元）", "premium_rain", 14),
    Column("有效", "active", 6),
))

CLAIMS = Export("claims", "理赔", (
    Column("保单", "event.policy.name", 30),
    Column("触发类型", "event.get_kind_display", 12),
    Column("触发事件", _event, 20),
    Column("触发时间", "event.occurred_at", 18),
    Column("金额（元）", "amount", 14),
    Column("状态", "get_status_display", 12),
    Column("通知时间", "notified_at", 18),
    Column("核定时间", "verified_at", 18),
    Column("赔付时间", "paid_at", 18),
))

STORMS = Export("typhoons", "台风", (
    Column("编号", "code", 14),
    Column("名称", "name", 16),
    Column("年份", "year", 8),
    Column("中国编号", "cn_id", 10),
    Column("来源", "get_source_display", 12),
))
