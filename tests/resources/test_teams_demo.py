"""The teams demo on the Taizhou demo: counts worked out from its tables by hand.

Teams: 4 township + 11 village (12 demo villages, the 10th without a team) + 5 others
= 20; members 58+52+44+55 + (34+31+25+32+30+36+28+33+30+31+35) + (42+36+24+18+40)
= 209 + 345 + 160 = 714; 8 stations.
Shortfalls: 松门 (44 < 50) among the townships; villages: two below 30 (25, 28) and one
with none. Coverage: 松门's villages lie about 18 km from 温岭城区救援站 (0.18° of
longitude × 97.9 km at 28.35° N, 0.04° of latitude × 111.2 km), 白水洋's about 13.8 km
from 临海城区救援站; each ring is 2 km about its centre, so all four are beyond 10 km;
the other eight lie 2 km from a station at their township's centre."""

import pytest

from yingji.core.scope import SYSTEM
from yingji.demo.seed import seed_demo
from yingji.resources import selectors_teams as selectors
from yingji.resources.demo_teams import seed_teams_demo
from yingji.resources.models import Station, Team, TeamMember

pytestmark = pytest.mark.django_db


def test_the_taizhou_teams_demo(regions):
    seed_demo()
    demo = seed_teams_demo()
    assert (demo.teams, demo.members, demo.stations) == (20, 714, 8)
    assert TeamMember.objects.count() == 714 and Station.objects.count() == 8
    rows = selectors.shortfalls(scope=SYSTEM, region="3310")
    villages = [r for r in rows if r["level"] == 5]
    assert sorted((r["reason"], r["best"]) for r in villages) == [("below", 25), ("below", 28), ("none", 0)]
    songmen = next(r for r in rows if r["region"] == "331081102")
    assert (songmen["reason"], songmen["best"]) == ("below", 44)
    assert not any(r["region"] in ("331081100", "331081101", "331082112") for r in rows)
    result = selectors.village_coverage(scope=SYSTEM, region="3310")
    assert result.villages == 12
    assert sorted(v["region"][:9] for v in result.outside) == ["331081102", "331081102", "331082106", "331082106"]
    assert seed_teams_demo().created is False and Team.objects.count() == 20
