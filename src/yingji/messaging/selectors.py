"""Reads of the outbox, always through the caller's scope."""

import re

from django.db.models import Q

from ..core.errors import DomainError
from ..core.scope import Scope
from .choices import MessageStatus
from .models import Message

# A JSON key, and nothing that Django would read as a lookup ("a__gt").
CONTEXT_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$")


def message_list(*, scope: Scope, status: str = "", channel: str = "", person: int | None = None,
                 context: str = ""):
    qs = scope.filter(Message.objects.select_related("person"))
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if person is not None:
        qs = qs.filter(person_id=person)
    if context:
        qs = qs.filter(context_filter(context))
    return qs.order_by("-created_at", "-id")


def context_filter(expression: str) -> Q:
    """`callup_id=12` → messages whose context has callup_id 12 (the number or the
    string "12": callers store either); `callup_id` alone → messages having that key."""
    key, has_value, value = expression.partition("=")
    key = key.strip()
    if not CONTEXT_KEY.match(key) or len(key) > 60:
        raise DomainError("上下文筛选格式应为 键=值", "context filter must be key=value",
                          fields={"context": "格式错误 / malformed"})
    if not has_value:
        return Q(context__has_key=key)
    condition = Q(**{f"context__{key}": value})
    if re.fullmatch(r"-?\d{1,18}", value):
        condition |= Q(**{f"context__{key}": int(value)})
    return condition


def message_get(*, scope: Scope, id: int) -> Message:
    qs = Message.objects.select_related("person").prefetch_related("delivery_attempts")
    return scope.get(qs, pk=id)


def messages_with_status(*, scope: Scope, statuses):
    """The scope's messages in any of `statuses`, unordered: for other apps to narrow
    (`message_id__in=...values("pk")`) without importing the model."""
    return scope.filter(Message.objects.filter(status__in=statuses))


def failed_to_people(*, scope: Scope, region: str, start, end):
    """The scope's failed messages to a known person, in `region`'s subtree, created
    in [start, end): the stale-contacts report reads them."""
    return messages_with_status(scope=scope, statuses=(MessageStatus.FAILED,)).filter(
        person__isnull=False, region_code__startswith=region, created_at__gte=start, created_at__lt=end)
