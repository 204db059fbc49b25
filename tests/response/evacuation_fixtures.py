"""Villages, shelters and households for the evacuation tests: two villages in each of
two Wenling townships, one village in Linhai (the other county)."""

import pytest

from yingji.core.models import Region
from yingji.core.services import region_create
from yingji.response.models import Household, Shelter
from yingji.response.services.evacuation import household_create
from yingji.response.services.shelters import shelter_create

from ..conftest import LINHAI_TOWN, WENLING_TOWN

WENLING_TOWN_2 = "331081002"
W1, W2 = WENLING_TOWN + "001", WENLING_TOWN + "002"  # two villages of 太平街道
W3 = WENLING_TOWN_2 + "001"  # a village of 城东街道
L1 = LINHAI_TOWN + "001"  # a village in Linhai


def make_villages():
    for code in (W1, W2, W3, L1):
        if not Region.objects.filter(pk=code).exists():
            region_create(by=None, code=code, name=f"村{code[-3:]}", parent_code=code[:9])


@pytest.fixture
def villages(regions):
    make_villages()
    return {"W1": W1, "W2": W2, "W3": W3, "L1": L1}


def shelter(region: str, capacity: int = 100, name: str = "", **kw) -> Shelter:
    return shelter_create(by=None, region=region, capacity=capacity, name=name or f"安置点{region[-6:]}", **kw)


def household(region: str, members: int = 3, **kw) -> Household:
    return household_create(by=None, region=region, head=kw.pop("head", "户主"), members=members, **kw)
