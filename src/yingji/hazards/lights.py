"""Deadline lights (红黄绿灯) and the overdue rule, in one place."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .choices import HazardState, Light

# A hazard shows yellow from this many days before its deadline (the issue's
# default); a province may set HAZARD_YELLOW_DAYS in settings.
DEFAULT_YELLOW_DAYS = 3


def yellow_days() -> int:
    return int(getattr(settings, "HAZARD_YELLOW_DAYS", DEFAULT_YELLOW_DAYS))


def light(*, state: str, deadline: dt.date, today: dt.date | None = None) -> Light:
    """Red once the deadline has passed (the deadline day itself is still in time),
    yellow within `yellow_days()` of it, green otherwise. A closed hazard is green:
    there is nothing left to be late with."""
    if state == HazardState.CLOSED:
        return Light.GREEN
    today = today or timezone.localdate()
    if today > deadline:
        return Light.RED
    if (deadline - today).days <= yellow_days():
        return Light.YELLOW
    return Light.GREEN


def is_overdue(*, state: str, deadline: dt.date, today: dt.date | None = None) -> bool:
    return light(state=state, deadline=deadline, today=today) == Light.RED
