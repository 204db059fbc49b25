"""A Wenling responsibility chain (county chief ← township chief ← village chief ←
grid worker), a Linhai village chief who must never be called for Wenling, and the
fake SMS/voice gateway of the messaging tests."""

import datetime as dt
from dataclasses import dataclass

import pytest

from yingji.core.models import Duty, Person, Region

from ..conftest import LINHAI_TOWN, WENLING, WENLING_TOWN
from ..factories import PersonFactory
from ..messaging.conftest import FakeGateway, fast_passwords, gateway, listeners  # noqa: F401

WENLING_VILLAGE = WENLING_TOWN + "201"
WENLING_GRID = WENLING_VILLAGE + "001"
LINHAI_VILLAGE = LINHAI_TOWN + "201"
T0 = dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC)


def minutes(m: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=m)


@dataclass
class Chain:
    county: Person
    township: Person
    village: Person
    grid: Person
    inspector: Person  # holds a duty the call-up policy does not target
    linhai: Person


def _region(code: str, name: str, level: int, parent: str) -> None:
    if not Region.objects.filter(pk=code).exists():
        Region(code=code, name=name, level=level, parent_id=parent).save()


def _holder(name: str, region: str, kind: str, superior=None) -> Person:
    person = PersonFactory(name=name, region_id=region, user=None, role="viewer", superior=superior)
    Duty.objects.create(person=person, kind_id=kind, region_id=region)
    return person


@pytest.fixture
def chain(regions) -> Chain:
    _region(WENLING_VILLAGE, "测试村", 5, WENLING_TOWN)
    _region(WENLING_GRID, "测试村第1网格", 6, WENLING_VILLAGE)
    _region(LINHAI_VILLAGE, "临海测试村", 5, LINHAI_TOWN)
    county = _holder("县指挥长", WENLING, "county_flood_chief")
    township = _holder("镇长", WENLING_TOWN, "township_flood_chief", superior=county)
    Duty.objects.create(person=township, kind_id="township_government_head", region_id=WENLING_TOWN)
    village = _holder("村主任", WENLING_VILLAGE, "village_flood_chief", superior=township)
    grid = _holder("网格员", WENLING_GRID, "grid_worker", superior=village)
    inspector = _holder("监管员", WENLING, "safety_inspector")
    linhai = _holder("临海村主任", LINHAI_VILLAGE, "village_flood_chief")
    return Chain(county, township, village, grid, inspector, linhai)
