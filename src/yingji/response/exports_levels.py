"""What the task table of a response page exports (core.exports), with Chinese headers."""

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
