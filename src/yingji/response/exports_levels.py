"""What the tables of a response page export (core.exports), with Chinese headers: the
tasks, and the event summary per area (the same rows as the page's and the API's)."""

from ..core.exports import Column, Export


def _owner(task) -> str:
    return task.owner.name if task.owner_id else ""


TASKS = Export("response_tasks", "响应任务", (
    Column("区划代码", "region_id", 14),
    Column("区划", "region.full_name", 30),
    Column("响应级别", "order.get_grade_display", 8),
    Column("指令", "order.text", 40),
    Column("责任人", _owner, 12),
    Column("截止时间", "due_at", 18),
    Column("状态", "get_state_display", 10),
    Column("已落实项", lambda t: "、".join(t.checked), 20),
    Column("确认时间", "confirmed_at", 18),
    Column("上报上级时间", "escalated_at", 18),
    Column("备注", "note", 30),
))


def _of(key: str):
    return lambda row: row[key]


def summary_rows(summary: dict) -> list[dict]:
    """The areas, then the total row (named 合计), as the page shows them."""
    return [*summary["areas"], {**summary["totals"], "region": "", "name": "合计"}]


SUMMARY = Export("response_event_summary", "应急响应汇总", (
    Column("区划代码", _of("region"), 14),
    Column("区域", _of("name"), 30),
    Column("任务数", _of("tasks"), 8),
    Column("已确认", _of("confirmed"), 8),
    Column("待确认", _of("open"), 8),
    Column("已上报上级", _of("escalated"), 10),
    Column("风险点", _of("risk_points"), 8),
    Column("已管控", _of("controlled"), 8),
    Column("未管控", _of("uncontrolled"), 8),
    Column("应转移人数", _of("planned"), 10),
    Column("已转移人数", _of("moved"), 10),
    Column("在安置人数", _of("sheltered"), 10),
    Column("已返回人数", _of("returned"), 10),
    Column("应转移户数", _of("planned_households"), 10),
    Column("已转移户数", _of("moved_households"), 10),
    Column("安置场所", _of("shelters"), 8),
    Column("容量（人）", _of("capacity"), 10),
    Column("在住人数", _of("occupancy"), 10),
    Column("已满", _of("shelters_full"), 6),
    Column("已关闭", _of("shelters_closed"), 6),
))
