"""The evacuation demo (Taizhou typhoon drill) on the demo's villages: a dozen shelters,
600 households all moved, most home again, a few still sheltered; counters equal a
count from scratch, no shelter above capacity, and seeding again adds nothing."""

import pytest

from yingji.core.scope import SYSTEM
from yingji.demo.seed import seed_demo
from yingji.response import selectors_evacuation as selectors
from yingji.response.demo_evacuation import seed_evacuation_demo
from yingji.response.models import Household

pytestmark = pytest.mark.django_db


def test_the_taizhou_drill_moves_600_households_and_brings_most_home(regions):
    seed_demo()
    demo = seed_evacuation_demo()
    assert (demo.shelters, demo.households) == (12, 600)
    assert Household.objects.filter(state="to_move").count() == 0
    assert 0 < demo.sheltered_now < 60 and demo.returned > 500
    assert selectors.figures(scope=SYSTEM, region="3310")["moved"] == \
        selectors.figures_from_scratch("3310")["planned"]
    for region in ("3310", "331081", "331082"):
        found = selectors.figures(scope=SYSTEM, region=region)
        assert {k: found[k] for k in selectors.FIELDS} == selectors.figures_from_scratch(region)
    for shelter in selectors.shelter_list(scope=SYSTEM, region="3310"):
        assert shelter.occupancy <= shelter.capacity
    assert selectors.figures(scope=SYSTEM, region="3310")["reported"]["townships"] == 2
    assert seed_evacuation_demo().households == 600
