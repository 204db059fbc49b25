"""The three rates (三率) of a video-dispatch drill: a small case computed by hand, and
a randomized drill over Wenling's whole tree counted from scratch (from the plan the
test itself drew, not from the database), per county and township."""

import datetime as dt
import random
from collections import defaultdict

import pytest
from django.utils import timezone

from yingji.core.scope import Scope
from yingji.resources import selectors_videodrills as selectors
from yingji.resources.models import NodeKind, VideoCall, VideoNode
from yingji.resources.services import videodrills as services

from ..conftest import WENLING, WENLING_TOWN
from .videodrills_fixtures import WENLING_TOWN_2, no_video_system, villages  # noqa: F401

pytestmark = pytest.mark.django_db
T0 = timezone.make_aware(dt.datetime(2026, 7, 1, 9, 0))
MIN = dt.timedelta(minutes=1)


def node(code, kind, name):
    return VideoNode.objects.create(region_id=code, kind=kind, name=name, endpoint_id=f"t-{name}")


def record(officer, drill, node_row, *, connected, answer=None, quality=None):
    call = VideoCall.objects.get(drill=drill, node=node_row)
    services.call_record(by=officer.user, call=call, connected=connected,
                         connected_at=T0 + MIN if connected else None,
                         answered_at=T0 + answer * MIN if answer is not None else None, quality_ok=quality)


def started_drill(officer, region=WENLING, minutes=None):
    drill = services.drill_create(by=officer.user, region=region, title="演练", scheduled_at=T0 + dt.timedelta(hours=1),
                                  response_minutes=minutes)
    return services.drill_start(by=officer.user, drill=drill, now=T0)


def test_a_small_drill_gives_the_rates_computed_by_hand(wenling_officer, villages):
    c = node(WENLING, NodeKind.COUNTY, "县")
    a = node(WENLING_TOWN, NodeKind.TOWNSHIP, "甲镇")
    a1 = node("331081001001", NodeKind.VILLAGE, "甲一村")
    a2 = node("331081001002", NodeKind.VILLAGE, "甲二村")
    b = node(WENLING_TOWN_2, NodeKind.TOWNSHIP, "乙镇")
    b1 = node("331081002001", NodeKind.VILLAGE, "乙一村")
    drill = started_drill(wenling_officer)
    assert drill.response_minutes == 30 and drill.calls.count() == 6
    record(wenling_officer, drill, c, connected=True, answer=10, quality=True)
    record(wenling_officer, drill, a, connected=True, answer=30, quality=True)   # exactly 30 min: within
    record(wenling_officer, drill, a1, connected=True, answer=31, quality=False)  # late, poor
    record(wenling_officer, drill, a2, connected=False)
    record(wenling_officer, drill, b, connected=True, answer=5, quality=None)     # quality not recorded
    record(wenling_officer, drill, b1, connected=True, answer=None, quality=True)  # never answered

    result = selectors.rates(scope=Scope.for_user(wenling_officer.user), drills=drill)

    # called 6; connected: c a a1 b b1 = 5; within 30: c a b = 3; acceptable of connected: c a b1 = 3.
    total = result["total"]
    assert (total["called"], total["connected"], total["within"], total["quality_ok"]) == (6, 5, 3, 3)
    assert (total["connection_rate"], total["response_rate"], total["quality_rate"]) == (0.8333, 0.5, 0.6)
    assert [(r["region"], r["called"], r["connected"], r["within"], r["quality_ok"]) for r in result["counties"]] \
        == [(WENLING, 6, 5, 3, 3)]
    towns = {r["region"]: r for r in result["townships"]}
    assert set(towns) == {WENLING_TOWN, WENLING_TOWN_2}  # the county's own post has no township
    assert (towns[WENLING_TOWN]["called"], towns[WENLING_TOWN]["connected"], towns[WENLING_TOWN]["within"],
            towns[WENLING_TOWN]["quality_ok"]) == (3, 2, 1, 1)
    assert (towns[WENLING_TOWN]["connection_rate"], towns[WENLING_TOWN]["response_rate"],
            towns[WENLING_TOWN]["quality_rate"]) == (0.6667, 0.3333, 0.5)
    assert (towns[WENLING_TOWN_2]["connection_rate"], towns[WENLING_TOWN_2]["response_rate"],
            towns[WENLING_TOWN_2]["quality_rate"]) == (1.0, 0.5, 0.5)
    failing = {f["name"]: f["reasons"] for f in result["failing"]}
    assert failing == {"甲一村": ["late", "quality"], "甲二村": ["not_connected", "late"], "乙镇": ["quality"],
                       "乙一村": ["late"]}


def test_the_window_is_the_drills_own(wenling_officer, villages):
    a = node(WENLING_TOWN, NodeKind.TOWNSHIP, "甲镇")
    drill = started_drill(wenling_officer, minutes=15)
    record(wenling_officer, drill, a, connected=True, answer=20, quality=True)
    total = selectors.rates(scope=Scope.for_user(wenling_officer.user), drills=drill)["total"]
    assert (total["within"], total["response_rate"]) == (0, 0.0)


def test_no_call_gives_no_rate_rather_than_zero(wenling_officer, villages):
    drill = started_drill(wenling_officer)
    total = selectors.rates(scope=Scope.for_user(wenling_officer.user), drills=drill)["total"]
    assert total["called"] == 0 and total["connection_rate"] is None and total["quality_rate"] is None


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_a_randomized_drill_equals_a_count_from_scratch(wenling_officer, villages, seed):
    services.nodes_generate(by=wenling_officer.user, region=WENLING)
    drill = started_drill(wenling_officer)
    rnd = random.Random(seed)
    plan = {}  # node region -> (connected, answer minutes or None, quality)
    for call in VideoCall.objects.filter(drill=drill).select_related("node"):
        connected = rnd.random() < 0.8
        answer = rnd.choice([None, 2, 29, 30, 31, 45]) if connected else None
        quality = rnd.choice([True, True, False, None]) if connected else None
        plan[call.region_id] = (connected, answer, quality)
        services.call_record(by=wenling_officer.user, call=call, connected=connected,
                             connected_at=T0 + MIN if connected else None,
                             answered_at=T0 + answer * MIN if answer is not None else None, quality_ok=quality)

    expected = defaultdict(lambda: [0, 0, 0, 0])
    for code, (connected, answer, quality) in plan.items():
        keys = ["total", code[:6]] + ([code[:9]] if len(code) >= 9 else [])
        for key in keys:
            row = expected[key]
            row[0] += 1
            row[1] += connected
            row[2] += answer is not None and answer <= 30
            row[3] += connected and quality is True
    result = selectors.rates(scope=Scope.for_user(wenling_officer.user), drills=drill)
    got = {"total": result["total"], **{r["region"]: r for r in result["counties"] + result["townships"]}}
    assert set(got) == set(expected)
    assert len(plan) == 1 + 17 + 3  # the county, its 17 townships, the 3 villages under Wenling
    for key, (called, connected, within, quality) in expected.items():
        row = got[key]
        assert (row["called"], row["connected"], row["within"], row["quality_ok"]) == (called, connected, within,
                                                                                       quality), key
        assert row["connection_rate"] == round(connected / called, 4)
        assert row["response_rate"] == round(within / called, 4)
        assert row["quality_rate"] == (round(quality / connected, 4) if connected else None)
    failing = {f["region"] for f in result["failing"]}
    assert failing == {code for code, (c, a, q) in plan.items() if not (c and a is not None and a <= 30 and q)}


def test_a_period_counts_every_drill_held_in_it(wenling_officer, villages):
    a = node(WENLING_TOWN, NodeKind.TOWNSHIP, "甲镇")
    first = started_drill(wenling_officer)
    record(wenling_officer, first, a, connected=True, answer=3, quality=True)
    second = started_drill(wenling_officer)
    record(wenling_officer, second, a, connected=False)
    scope = Scope.for_user(wenling_officer.user)
    day = (T0 + dt.timedelta(hours=1)).astimezone(timezone.get_current_timezone()).date()
    drills = selectors.drills_in_period(scope=scope, date_from=day, date_to=day)
    total = selectors.rates(scope=scope, drills=drills)["total"]
    assert (total["called"], total["connected"], total["within"], total["quality_ok"]) == (2, 1, 1, 1)
    assert selectors.drills_in_period(scope=scope, date_from=day + dt.timedelta(days=1)).count() == 0
