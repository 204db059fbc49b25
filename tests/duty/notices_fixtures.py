"""Fixtures of the notices and consultations tests: Taizhou's counties with their duty
desks, and the fake SMS gateway of the messaging tests."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from yingji.core.models import Duty, Person, RosterShift

from ..conftest import LINHAI, WENLING
from ..factories import PersonFactory
from ..messaging.conftest import FakeGateway, fast_passwords, gateway  # noqa: F401


@dataclass
class Desks:
    wenling_officer: Person   # standing duty officer (no roster in Wenling)
    wenling_leader: Person    # leader on duty by roster
    linhai_shift: Person      # on Linhai's roster now
    linhai_standing: Person   # standing duty officer of Linhai, replaced by the roster


def _person(name: str, region: str) -> Person:
    return PersonFactory(name=name, region_id=region, user=None, role="viewer")


@pytest.fixture
def desks(regions) -> Desks:
    now = timezone.now()
    day = (now - dt.timedelta(hours=12), now + dt.timedelta(days=40))
    wenling_officer, wenling_leader = _person("温岭值班员", WENLING), _person("温岭带班领导", WENLING)
    linhai_shift, linhai_standing = _person("临海值班员", LINHAI), _person("临海常设值班员", LINHAI)
    Duty.objects.create(person=wenling_officer, kind_id="duty_officer", region_id=WENLING)
    Duty.objects.create(person=linhai_standing, kind_id="duty_officer", region_id=LINHAI)
    RosterShift.objects.create(region_id=WENLING, person=wenling_leader, role="leader",
                               starts_at=day[0], ends_at=day[1])
    RosterShift.objects.create(region_id=LINHAI, person=linhai_shift, role="officer",
                               starts_at=day[0], ends_at=day[1])
    return Desks(wenling_officer, wenling_leader, linhai_shift, linhai_standing)
