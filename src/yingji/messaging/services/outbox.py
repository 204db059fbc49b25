"""Enqueue: `send()` and `send_many()` write message rows (one idempotency key, one
message) and, after the caller's transaction commits, ask for an immediate delivery."""

import datetime as dt
import logging
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ...core import audit, regioncodes
from ...core.bulk import insert_rows
from ...core.errors import DomainError
from ..choices import Channel, MessageStatus
from ..models import Message

log = logging.getLogger(__name__)


PERSON_ADDRESSED = (Channel.SMS, Channel.VOICE, Channel.DINGTALK, Channel.WECOM)


# Enqueue -----------------------------------------------------------------------

def send(*, channel: str, to: str, text: str, idempotency_key: str, person=None, subject: str = "",
         region_code: str = "", context: dict | None = None, due_at: dt.datetime | None = None) -> Message:
    """Put a message in the outbox, or return the one already there under the same
    idempotency key (nothing is sent twice for one key). Delivery starts after the
    caller's transaction commits; `due_at` delays it."""
    if channel not in Channel.values:
        raise DomainError("未知的消息渠道", f"Unknown channel {channel!r}", fields={"channel": "未知 / unknown"})
    if not idempotency_key:
        raise DomainError("缺少幂等键", "idempotency_key is required", fields={"idempotency_key": "必填 / required"})
    message = Message(
        channel=channel, to=(to or _address_of(person, channel)).strip(), person=person, subject=subject,
        text=text, idempotency_key=idempotency_key,
        region_code=region_code or (person.region_id if person is not None else ""),
        context=context or {}, due_at=due_at or timezone.now(),
    )
    return _enqueue(message)


def _enqueue(message: Message) -> Message:
    existing = Message.objects.filter(idempotency_key=message.idempotency_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            message.full_clean(validate_unique=False)  # the unique index decides, race-free
            message.save()
            audit.record(actor=None, action="create", obj=message, region_code=message.region_code,
                         after=audit.snapshot(message))
    except IntegrityError:
        # Another process enqueued the same key between our look and our insert.
        return Message.objects.get(idempotency_key=message.idempotency_key)
    transaction.on_commit(partial(_deliver_soon, message.pk))
    return message


@dataclass(frozen=True)
class Outgoing:
    """One message for `send_many`: the arguments of `send()`, with the person's id
    and number already known (a call-up reads them with its targets)."""

    channel: str
    to: str
    text: str
    idempotency_key: str
    person_id: int | None = None
    subject: str = ""
    region_code: str = ""
    context: dict | None = None


# Deliveries asked for at most, however large the batch: each one drains whatever
# is due, so a few are enough to put every worker to work.
MAX_KICKS = 8


def send_many(items: list[Outgoing], *, due_at: dt.datetime | None = None) -> list[int]:
    """`send()` for many messages at once (a call-up's step for thousands of people):
    the ids of the messages in the order given, those already in the outbox under
    their key included as they are. Bulk inserts and ONE audit record for the batch.
    The caller must not enqueue the same keys concurrently (a call-up's timers are
    claimed by one worker); if it does, the unique key still decides, row by row."""
    channels = set(Channel.values)
    for item in items:
        if item.channel not in channels:
            raise DomainError("未知的消息渠道", f"Unknown channel {item.channel!r}",
                              fields={"channel": "未知 / unknown"})
        if not item.idempotency_key:
            raise DomainError("缺少幂等键", "idempotency_key is required",
                              fields={"idempotency_key": "必填 / required"})
    keys = [item.idempotency_key for item in items]
    found = dict(Message.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", "pk"))
    due_at = due_at or timezone.now()
    new = list({i.idempotency_key: i for i in items if i.idempotency_key not in found}.values())
    try:
        with transaction.atomic():
            created = _insert_messages(new, due_at=due_at)
            if created:
                audit.record_batch(actor=None, action="create_batch", object_type="messaging.message",
                                   ids={"create": created}, region_code=_common_region(new))
    except IntegrityError:
        # Someone enqueued one of these keys meanwhile: one by one, the key decides.
        return [_enqueue(_message_of(i, due_at)).pk for i in items]
    found.update(zip((i.idempotency_key for i in new), created, strict=True))
    if created:
        transaction.on_commit(partial(_deliver_batch_soon, len(created)))
    return [found[k] for k in keys]


def _message_of(item: Outgoing, due_at: dt.datetime) -> Message:
    return Message(channel=item.channel, to=(item.to or "").strip()[:300], person_id=item.person_id,
                   subject=item.subject[:200], text=item.text, idempotency_key=item.idempotency_key,
                   region_code=item.region_code, context=item.context or {}, due_at=due_at)


def _insert_messages(items: list[Outgoing], *, due_at: dt.datetime) -> list[int]:
    """The new messages' ids. On PostgreSQL from one JSON text (core/bulk.py), with
    no model instances: a call-up's hot path."""
    if connection.vendor != "postgresql" or not items:
        return [m.pk for m in Message.objects.bulk_create([_message_of(i, due_at) for i in items],
                                                         batch_size=1000)]
    fields = ["channel", "to", "person_id", "subject", "text", "idempotency_key", "region_code", "context", "due_at"]
    return insert_rows(
        Message, fields,
        [(i.channel, (i.to or "").strip()[:300], i.person_id, i.subject[:200], i.text, i.idempotency_key,
          i.region_code, i.context or {}, due_at) for i in items],
        same={"status": MessageStatus.QUEUED, "attempts": 0, "claimed_by": "", "provider_message_id": "",
              "last_error": "", "reply": "", "created_at": timezone.now()})


KICK_PER_MESSAGES = 1000


def _deliver_batch_soon(count: int) -> None:
    """Ask for deliveries now: one per KICK_PER_MESSAGES, at most MAX_KICKS (each
    drains what is due; more would only queue empty tasks). With a broker only:
    run in-process (eager), a large batch would be sent inside the caller's request;
    there the tick sends it."""
    from django.conf import settings

    from .. import tasks

    if not settings.BROKER_URL:
        return
    for _ in range(min(MAX_KICKS, -(-count // KICK_PER_MESSAGES))):
        try:
            tasks.deliver_due.delay()
        except Exception:
            log.exception("asking for delivery failed; the tick will send the messages")
            return


def _address_of(person, channel: str) -> str:
    if person is not None and channel in PERSON_ADDRESSED:
        return person.mobile
    return ""


def _deliver_soon(message_id: int) -> None:
    """Ask for delivery now: in-process when tasks are eager (the demo), through the
    broker otherwise. Failing here loses nothing: the tick sends due rows anyway."""
    from .. import tasks

    try:
        tasks.deliver_message.delay(message_id)
    except Exception:
        log.exception("immediate delivery of message %s failed; the tick will retry it", message_id)


def _common_region(messages) -> str:
    """The smallest region containing every message's region ("" when none does)."""
    return regioncodes.common_region(m.region_code for m in messages)
