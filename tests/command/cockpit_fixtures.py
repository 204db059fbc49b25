"""Hand-built worlds for the cockpit tests: for each panel, rows in Wenling that count,
rows in Wenling that must not (cancelled, ended, closed, expired, another day) and rows
in Linhai (the other county) that a Wenling officer never counts. Every expectation in
the tests is worked out by hand from the rows written here (see each docstring)."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.alerts.models import CallUp, CallUpTarget
from yingji.core.models import Duty, Region, RosterShift
from yingji.duty.models import InfoReport
from yingji.response.models import LevelArea, LevelChange, ResponseLevel, ResponseOrder, ResponseTask
from yingji.response.services.evacuation import household_act

from ..conftest import LINHAI, LINHAI_TOWN, TAIZHOU, WENLING, WENLING_TOWN
from ..factories import EnterpriseFactory, HazardFactory, PersonFactory, UserFactory, WarningFactory
from ..response.evacuation_fixtures import L1, W1, W2, W3, household, make_villages, shelter


def ago(**kw) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kw)


@pytest.fixture
def warnings(regions):
    """In force for Wenling: a red one over Wenling, a yellow (updated) over a Wenling
    township, an orange over all Taizhou (it contains Wenling) → 3 (red 1, orange 1,
    yellow 1, blue 0). Not: a cancelled one, an expired one, a Linhai one."""
    made = {
        "red": WarningFactory(level="red", regions=[WENLING]),
        "yellow": WarningFactory(level="yellow", status="updated", regions=[WENLING_TOWN]),
        "city": WarningFactory(level="orange", regions=[TAIZHOU]),
        "cancelled": WarningFactory(level="red", status="cancelled", regions=[WENLING]),
        "expired": WarningFactory(level="blue", effective=ago(days=2), expires=ago(days=1), regions=[WENLING]),
        "linhai": WarningFactory(level="blue", regions=[LINHAI]),
    }
    return made


def _target(callup, region, state, *, kind="duty", escalated_from=None, name="") -> CallUpTarget:
    person = PersonFactory(region_id=region, name=name or f"被叫应人{CallUpTarget.objects.count()}")
    return CallUpTarget.objects.create(callup=callup, person=person, region_id=region, level=len(region),
                                       kind=kind, state=state, created_at=ago(minutes=30),
                                       escalated_from=escalated_from)


@pytest.fixture
def callups(warnings):
    """The red warning's running call-up: Wenling duty targets acknowledged, feedback,
    calling, unreached (and one cancelled, one escalation target: neither counted)
    → called 4, answered 2, unanswered 2. The city warning's call-up reaches a Linhai
    person (not counted for Wenling); the cancelled warning's stopped call-up has a
    pending Wenling target (not counted)."""
    red = CallUp.objects.create(warning=warnings["red"], plan={}, started_at=ago(hours=1))
    for state in ("acknowledged", "feedback", "calling"):
        _target(red, WENLING_TOWN, state)
    unreached = _target(red, WENLING, "unreached", name="未应答甲")
    _target(red, WENLING_TOWN, "cancelled")
    _target(red, WENLING, "calling", kind="escalation", escalated_from=unreached)
    city = CallUp.objects.create(warning=warnings["city"], plan={}, started_at=ago(hours=1))
    _target(city, LINHAI_TOWN, "calling")
    stopped = CallUp.objects.create(warning=warnings["cancelled"], plan={}, status="cancelled",
                                    started_at=ago(hours=3))
    _target(stopped, WENLING_TOWN, "pending")
    return red


def _level(region, grade, status="in_force"):
    level = ResponseLevel.objects.create(hazard_id="typhoon", grade=grade, status=status, region_code=region)
    LevelArea.objects.create(level=level, region_id=region)
    change = LevelChange.objects.create(level=level, action="declare", to_grade=grade)
    return level, change


@pytest.fixture
def orders(regions):
    """Wenling's typhoon response III in force with tasks open ×2, escalated ×1,
    confirmed ×1, cancelled ×1 → total 4, confirmed 1, unconfirmed 3, escalated 1.
    Not: an open task of an ended Wenling response (IV), an open task of Linhai's II."""
    order = ResponseOrder.objects.filter(hazard_id="typhoon").first()
    wenling, change = _level(WENLING, "III")
    towns = Region.objects.filter(parent_id=WENLING).order_by("code").values_list("code", flat=True)[:5]
    for town, state in zip(towns, ("open", "open", "escalated", "confirmed", "cancelled"), strict=True):
        ResponseTask.objects.create(level=wenling, order=order, change=change, region_id=town,
                                    due_at=timezone.now(), state=state)
    ended, change = _level(WENLING, "IV", status="ended")
    ResponseTask.objects.create(level=ended, order=order, change=change, region_id=WENLING_TOWN,
                                due_at=timezone.now())
    linhai, change = _level(LINHAI, "II")
    ResponseTask.objects.create(level=linhai, order=order, change=change, region_id=LINHAI_TOWN,
                                due_at=timezone.now())
    return wenling


@pytest.fixture
def evacuation(regions):
    """Households: W1 3 persons waiting, W1 4 moved, W2 2 sheltered, W3 5 moved and
    returned; L1 (Linhai) 6 moved. Wenling: planned 3+4+2+5 = 14 (4 households),
    moved (left home: moved, sheltered or returned) 4+2+5 = 11, sheltered 2, returned 5."""
    make_villages()
    household(W1, members=3)
    household_act(by=None, household=household(W1, members=4), action="move")
    household_act(by=None, household=household(W2, members=2), action="shelter", shelter_id=shelter(W2).pk)
    back = household_act(by=None, household=household(W3, members=5), action="move")
    household_act(by=None, household=back, action="return")
    household_act(by=None, household=household(L1, members=6), action="move")


def _report(region, state, late=False):
    now = timezone.now()
    return InfoReport.objects.create(region_id=region, kind_id="accident", title=f"测试事件{state}",
                                     description="测试", occurred_at=now, learned_at=now, created_at=now,
                                     state=state, late=late)


@pytest.fixture
def info_reports(regions):
    """Wenling: an initial report, a late follow-up, a final one → open 2, late 1.
    Linhai: an initial report (not counted)."""
    _report(WENLING_TOWN, "initial")
    _report(WENLING, "followup", late=True)
    _report(WENLING_TOWN, "final")
    _report(LINHAI_TOWN, "initial")


@pytest.fixture
def hazards(regions):
    """Wenling: open and overdue (yesterday), open and due in 2 days (yellow), open
    major due in 30 days, closed and past its deadline → open 3, overdue 1, due soon 1,
    major 1. Linhai: an overdue open hazard (not counted)."""
    today = timezone.localdate()
    at = EnterpriseFactory(region_id=WENLING_TOWN)
    HazardFactory(enterprise=at, found_on=today - dt.timedelta(days=10), deadline=today - dt.timedelta(days=1),
                  state="rectifying")
    HazardFactory(enterprise=at, deadline=today + dt.timedelta(days=2))
    HazardFactory(enterprise=at, level="major", deadline=today + dt.timedelta(days=30))
    HazardFactory(enterprise=at, found_on=today - dt.timedelta(days=10), deadline=today - dt.timedelta(days=3),
                  state="closed")
    HazardFactory(enterprise=EnterpriseFactory(region_id=LINHAI_TOWN), found_on=today - dt.timedelta(days=10),
                  deadline=today - dt.timedelta(days=1))


@pytest.fixture
def roster(regions):
    """Wenling's desk: an officer and a leader on shift now; yesterday's officer
    (ended before today's duty day began). Linhai: an officer on shift now.
    → on duty now: the officer and the leader; today's shifts: those two."""
    from yingji.duty.services.roster import desk_day, desk_day_bounds
    start, _ = desk_day_bounds(desk_day(timezone.now()))
    people = {}
    for name, region, role, begins, ends in (
            ("今日值班员", WENLING, "officer", ago(hours=1), ago(hours=-2)),
            ("今日带班领导", WENLING, "leader", ago(hours=1), ago(hours=-2)),
            ("昨日值班员", WENLING, "officer", start - dt.timedelta(hours=10), start - dt.timedelta(hours=1)),
            ("临海值班员", LINHAI, "officer", ago(hours=1), ago(hours=-2))):
        people[name] = PersonFactory(name=name, region_id=region, user=UserFactory(username=f"r-{len(people)}"),
                                     role="officer")
        RosterShift.objects.create(region_id=region, person=people[name], role=role, starts_at=begins, ends_at=ends)
    return people


def chief(region: str, kind: str, username: str):
    person = PersonFactory(region_id=region, role="viewer", user=UserFactory(username=username), name="测试指挥长")
    Duty.objects.create(person=person, kind_id=kind, region_id=region)
    return person
