"""Fixtures of the information-report tests: a township officer in Wenling who reports,
the duty desks above (Wenling county, Taizhou city, the province) with one officer
each on a roster shift over the test's day, Linhai's desk, and the fake SMS gateway.

Import them into a test module with `from .reports_fixtures import *`."""

import datetime as dt
from dataclasses import dataclass

import pytest

from yingji.core.models import Person, RosterShift

from ..conftest import LINHAI, TAIZHOU, WENLING, WENLING_TOWN
from ..factories import PersonFactory, UserFactory
from ..messaging.conftest import FakeGateway, fast_passwords, gateway, listeners  # noqa: F401

# 10:00 Beijing time on a summer day; every step of a test is timed from here.
T0 = dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@dataclass
class Desks:
    reporter: Person  # a township officer of Wenling (9-digit region)
    county: Person  # Wenling's duty officer
    city: Person  # Taizhou's duty officer
    province: Person  # the province's duty officer
    linhai: Person  # Linhai's duty officer: never told of Wenling's events


def _officer(username: str, region: str) -> Person:
    return PersonFactory(user=UserFactory(username=username), region_id=region, role="officer", name=username)


def _on_shift(person: Person) -> None:
    RosterShift.objects.create(region_id=person.region_id, person=person, role="officer",
                               starts_at=T0 - dt.timedelta(hours=2), ends_at=T0 + dt.timedelta(days=1))


@pytest.fixture
def desks(regions) -> Desks:
    found = Desks(reporter=_officer("r-township", WENLING_TOWN), county=_officer("r-wenling", WENLING),
                  city=_officer("r-taizhou", TAIZHOU), province=_officer("r-province", "33"),
                  linhai=_officer("r-linhai", LINHAI))
    for person in (found.county, found.city, found.province, found.linhai):
        _on_shift(person)
    return found


def accident(**extra) -> dict:
    """An initial report of a production-safety accident at the Wenling township."""
    return {"occurred_at": (T0 - dt.timedelta(minutes=10)).isoformat(), "learned_at": T0.isoformat(),
            "region": WENLING_TOWN, "kind": "accident", "title": "某厂车间起火",
            "description": "车间起火，1人死亡，2人受伤", "deaths": 1, "injuries": 2, "missing": 0, **extra}


__all__ = ["T0", "Desks", "accident", "at", "desks", "fast_passwords", "gateway", "listeners"]
