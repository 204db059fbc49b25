"""core.selectors.on_duty: who holds a region's desk at a moment."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from yingji.core.models import Duty, RosterShift
from yingji.core.selectors import on_duty

from ..conftest import LINHAI, WENLING
from ..factories import PersonFactory

NOON = dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)


def shift(person, start_h, end_h, role="officer", region=WENLING):
    return RosterShift.objects.create(region_id=region, person=person, role=role,
                                      starts_at=NOON + dt.timedelta(hours=start_h),
                                      ends_at=NOON + dt.timedelta(hours=end_h))


@pytest.mark.django_db
def test_the_shift_covering_the_moment_is_on_duty_from_start_to_just_before_its_end(regions):
    day, night = PersonFactory(region_id=WENLING), PersonFactory(region_id=WENLING)
    shift(day, -4, 8)
    shift(night, 8, 20)
    assert on_duty(region_code=WENLING, at=NOON) == [day]
    assert on_duty(region_code=WENLING, at=NOON + dt.timedelta(hours=8)) == [night]
    assert on_duty(region_code=WENLING, at=NOON + dt.timedelta(hours=7, minutes=59)) == [day]
    assert on_duty(region_code=LINHAI, at=NOON) == []


@pytest.mark.django_db
def test_roles_leaders_and_inactive_people(regions):
    officer, leader, gone = (PersonFactory(region_id=WENLING) for _ in range(3))
    shift(officer, -1, 1)
    shift(leader, -1, 1, role="leader")
    gone.active = False
    gone.save()
    shift(gone, -1, 1)
    assert on_duty(region_code=WENLING, at=NOON) == [officer]
    assert on_duty(region_code=WENLING, at=NOON, roles=("leader",)) == [leader]


@pytest.mark.django_db
def test_without_a_roster_the_standing_duty_officers_answer(regions):
    standing = PersonFactory(region_id=WENLING)
    Duty.objects.create(person=standing, kind_id="duty_officer", region_id=WENLING)
    assert on_duty(region_code=WENLING, at=NOON) == [standing]
    assert on_duty(region_code=WENLING, at=NOON, roles=("leader",)) == []
    rostered = PersonFactory(region_id=WENLING)
    shift(rostered, -1, 1)
    assert on_duty(region_code=WENLING, at=NOON) == [rostered]


@pytest.mark.django_db
def test_a_shift_must_end_after_it_starts(regions):
    with pytest.raises(IntegrityError), transaction.atomic():
        shift(PersonFactory(region_id=WENLING), 2, 2)
