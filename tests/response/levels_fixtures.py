"""Fixtures of the response-level tests: a Wenling command chain and a Linhai one.

Wenling (331081) has 17 townships in the official list (core/data/regions/
townships_33.csv, lines with county 331081). Two of them have a township chief:
太平街道 (331081001) and 泽国镇 (331081100); 太平街道 has two villages, each with a
village chief. Superiors: village chief → 太平 chief → county chief; 泽国 chief →
county chief. Linhai has a county chief and one township chief (临海 331082001)."""

import datetime as dt
from dataclasses import dataclass

import pytest

from yingji.core.models import Duty, Person, Region

from ..conftest import LINHAI, LINHAI_TOWN, WENLING, WENLING_TOWN
from ..factories import PersonFactory, UserFactory
from ..messaging.conftest import FakeGateway, fast_passwords, gateway  # noqa: F401

ZEGUO = "331081100"
VILLAGES = [WENLING_TOWN + "201", WENLING_TOWN + "202"]
WENLING_TOWNSHIPS = 17
T0 = dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC)


def minutes(m: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=m)


@dataclass
class Chains:
    county: Person
    town: Person
    zeguo: Person
    villages: list[Person]
    linhai_county: Person
    linhai_town: Person


def holder(name: str, region: str, kind: str, superior=None, login: str = "") -> Person:
    user = UserFactory(username=login) if login else None
    person = PersonFactory(name=name, region_id=region, user=user, role="viewer", superior=superior)
    Duty.objects.create(person=person, kind_id=kind, region_id=region)
    return person


@pytest.fixture
def chains(regions) -> Chains:
    for i, code in enumerate(VILLAGES, 1):
        if not Region.objects.filter(pk=code).exists():
            Region(code=code, name=f"测试{i}村", level=5, parent_id=WENLING_TOWN).save()
    county = holder("温岭指挥长", WENLING, "county_flood_chief")
    town = holder("太平街道主任", WENLING_TOWN, "township_flood_chief", superior=county, login="t-town")
    zeguo = holder("泽国镇长", ZEGUO, "township_flood_chief", superior=county, login="t-zeguo")
    villages = [holder(f"村主任{i}", code, "village_flood_chief", superior=town) for i, code in enumerate(VILLAGES)]
    linhai_county = holder("临海指挥长", LINHAI, "county_flood_chief")
    linhai_town = holder("临海镇长", LINHAI_TOWN, "township_flood_chief", superior=linhai_county)
    return Chains(county, town, zeguo, villages, linhai_county, linhai_town)
