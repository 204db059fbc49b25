"""Shared builders of the dispatch tests: a Wenling team with its leader, stock in a
Wenling warehouse, the clock of a dispatch, the token in the leader's SMS."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from yingji.core.models import Duty
from yingji.messaging.models import Message
from yingji.resources.models import Team
from yingji.resources.services import supplies as ledger

from ..conftest import LINHAI, WENLING, WENLING_TOWN
from ..factories import PersonFactory
from .supplies_helpers import kind, warehouse

T0 = timezone.make_aware(dt.datetime(2026, 9, 10, 2, 0))
WENLING_SPOT = {"lat": 28.37, "lon": 121.36}
LINHAI_SPOT = {"lat": 28.85, "lon": 121.14}


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def team(region: str = WENLING, name: str = "温岭市应急救援队", leader=None) -> Team:
    leader = leader if leader is not None else PersonFactory(region_id=WENLING_TOWN if region == WENLING else region,
                                                             role="viewer", name="王队长")
    return Team.objects.create(name=name, kind_id="professional", region_id=region, leader=leader,
                               base_lat=28.38, base_lon=121.37)


def stocked(officer, region: str = WENLING, code: str = "R001", quantity: int = 100):
    """A warehouse of the region holding `quantity` of the kind (one receipt)."""
    store = warehouse(region, name=f"{region}防汛物资仓库")
    ledger.receive(by=officer.user, warehouse=store, kind=kind(code), quantity=quantity, reason="入库")
    return store


def sms_token(dispatch) -> str:
    """The token of the link in the leader's order SMS (the only way they reach the page)."""
    text = Message.objects.get(idempotency_key=f"resources:dispatch:{dispatch.pk}:person:{dispatch.leader_id}").text
    return re.search(r"/resources/d/(\S+)", text).group(1)


def duty_officer(region: str, name: str = "值班员"):
    person = PersonFactory(region_id=region, role="officer", name=name)
    Duty.objects.create(person=person, kind_id="duty_officer", region_id=region)
    return person


@pytest.fixture
def wenling_team(regions):
    return team()


@pytest.fixture
def linhai_team(regions):
    return team(LINHAI, name="临海市应急救援队")
