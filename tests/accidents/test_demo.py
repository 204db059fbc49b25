"""The accidents demo: a year in Taizhou at the demo's enterprises, mostly 一般, one 较大
with its investigation and 一案三查; targets per county; idempotent."""

import pytest
from django.test import override_settings

from yingji.accidents.demo import COUNTIES, seed_accidents_demo
from yingji.accidents.models import Accident, AccountabilityCheck, ControlTarget
from yingji.demo.seed import seed_demo

from ..web.demo_data import FAST_HASHER

pytestmark = pytest.mark.django_db


def test_the_demo_year_of_accidents(regions, today):
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        seed_demo()
    summary = seed_accidents_demo()
    grades = list(Accident.objects.values_list("grade", flat=True))
    assert 30 <= len(grades) <= 80 and summary.accidents == len(grades)
    assert grades.count("larger") == 1 and grades.count("general") == len(grades) - 1
    larger = Accident.objects.get(grade="larger")
    assert larger.enterprise_id is not None and larger.region_id.startswith("331081")
    assert [v.counted for v in larger.versions.all()] == [True, True]  # the third death: 补报
    assert larger.investigation.concluded_on is not None
    assert set(AccountabilityCheck.objects.filter(accident=larger).values_list("target", flat=True)) == {
        "enterprise", "regulator", "officials"}
    assert larger.hazard_links.count() == 1
    assert set(ControlTarget.objects.filter(year=today.year).values_list("region_id", flat=True)) == {
        "3310", *COUNTIES}
    assert all(a.occurred_at.date() <= today for a in Accident.objects.all())
    assert seed_accidents_demo().accidents == 0  # a second call writes nothing
