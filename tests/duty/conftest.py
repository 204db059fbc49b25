"""The duty desk's people: Wenling's desk staff (an officer, a leader, a backup) with
login accounts, and a Linhai officer's desk for the isolation checks."""

import datetime as dt

import pytest
from django.utils import timezone

from ..conftest import WENLING, _person
from ..factories import PersonFactory

# A Monday in the desk's zone, noon: far from any shift change.
DAY = dt.date(2026, 7, 6)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def desk(regions, wenling_officer):
    """Wenling's desk: the officer (the login `t-wenling`), a leader and a backup who log in too."""
    return {"officer": wenling_officer,
            "leader": _person("t-wenling-leader", WENLING, "officer", name="带班领导甲"),
            "backup": _person("t-wenling-backup", WENLING, "officer", name="备班乙"),
            "night": PersonFactory(region_id=WENLING, name="夜班丙", user=None, role="viewer")}
