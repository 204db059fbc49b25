"""Tasks unconfirmed at their deadline go to the owner's superior."""

from yingji.core.scheduler import register_tick

from .services.tasks import escalate_due_tasks

register_tick("response.escalate_tasks", escalate_due_tasks, every_seconds=30)
