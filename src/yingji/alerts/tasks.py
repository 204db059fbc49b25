"""Celery tasks of the call-up: thin wrappers; a timer is claimed by a conditional
update, so a repeated task finds nothing to do."""

from celery import shared_task

from . import services


@shared_task(name="alerts.process_due_actions")
def process_due_actions(limit: int = 20_000) -> dict:
    return services.process_due_actions(limit=limit)
