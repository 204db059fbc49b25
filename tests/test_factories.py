"""The shared factories make rows the models accept, in the region and on the day they say."""

import datetime as dt

import pytest

from yingji.core.scope import SYSTEM

from .factories import HazardFactory, PolicyFactory, StationFactory, WarningFactory

pytestmark = pytest.mark.django_db


def test_each_factory_makes_a_valid_row(regions, today):
    hazard, station, policy = HazardFactory(), StationFactory(), PolicyFactory()
    warning = WarningFactory(regions=["331081", "331082"])
    for row in (hazard, warning, station, policy):
        row.full_clean()
    assert hazard.region_id == hazard.enterprise.region_id and hazard.state == "registered"
    assert (hazard.found_on, hazard.deadline) == (today, today + dt.timedelta(days=30))
    assert warning.region_codes == ["331081", "331082"] and warning.status == "active"
    assert (policy.period_start, policy.period_end) == (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
    assert SYSTEM.filter(type(station).objects.all()).get() == station
