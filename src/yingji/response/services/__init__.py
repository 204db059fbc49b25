"""Writes of the response app, one module per subject, re-exported here."""

from .levels import level_change, level_declare
from .tasks import escalate_due_tasks, task_confirm, task_for_token, task_token, task_url

__all__ = ["escalate_due_tasks", "level_change", "level_declare", "task_confirm", "task_for_token", "task_token",
           "task_url"]
