"""Celery tasks of the outbox: thin wrappers over services, safe to run twice (a
message is claimed with a conditional update, so a repeated task finds nothing)."""

from celery import shared_task

from . import inbox, services

# A task drains up to this many due messages, batch by batch, then returns: a large
# call-up is spread over the kicks `send_many` asks for and the periodic ticks.
DRAIN = 20_000


@shared_task(name="messaging.deliver_due")
def deliver_due(limit: int = DRAIN) -> dict:
    """Send whatever is due: messages whose retry time has come and expired claims."""
    return services.deliver_due(limit=limit)


@shared_task(name="messaging.deliver_message")
def deliver_message(message_id: int) -> str | None:
    """Send one message right after it was enqueued, if it is (still) due."""
    return services.deliver_message(message_id)


@shared_task(name="messaging.apply_receipts")
def apply_receipts() -> int:
    """Apply the receipts waiting in the inbox."""
    return inbox.apply_waiting()
