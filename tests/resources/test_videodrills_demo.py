"""The video-drill demo: nodes for every Taizhou county and township post and the demo
villages; two past drills over the city whose rates land near the figures the demo
aims at (about 95% connected, 88% within 30 minutes), counted again here from the
calls; one drill scheduled next week; a second seeding changes nothing."""

import pytest

from yingji.core.scope import SYSTEM
from yingji.demo import data
from yingji.demo.seed import seed_demo
from yingji.resources import selectors_videodrills as selectors
from yingji.resources.demo_teams import seed_teams_demo
from yingji.resources.demo_videodrills import seed_videodrills_demo
from yingji.resources.models import Team, VideoCall, VideoDrill, VideoNode

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(regions, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.YINGJI_VIDEO_SYSTEM_URL = ""
    seed_demo()
    seed_teams_demo()  # as `yingji demo` does: the teams first, each then a node
    return seed_videodrills_demo()


def test_the_demo_has_every_post_and_two_past_drills_with_realistic_rates(demo):
    villages = {f"{township}{200 + i:03d}" for township, names in data.TOWNSHIP_CHAINS.items()
                for i in range(1, len(names) + 1)}
    assert VideoNode.objects.filter(kind="county").count() == 9
    assert VideoNode.objects.filter(kind="township").count() == 136
    assert villages <= set(VideoNode.objects.filter(kind="village").values_list("region_id", flat=True))
    teams = set(Team.objects.filter(active=True, region__code__startswith="3310").values_list("pk", flat=True))
    assert teams and set(VideoNode.objects.filter(kind="team").values_list("team_id", flat=True)) == teams
    past = list(VideoDrill.objects.filter(state="done"))
    assert len(past) == 2 and VideoDrill.objects.filter(state="scheduled", region_id="331081").count() == 1
    for drill in past:
        calls = list(VideoCall.objects.filter(drill=drill))
        assert len(calls) == VideoNode.objects.count()
        connected = sum(bool(c.connected) for c in calls) / len(calls)
        within = sum(c.responded_within(30) for c in calls) / len(calls)
        assert 0.90 <= connected <= 0.99 and 0.80 <= within <= 0.94, (connected, within)
        total = selectors.rates(scope=SYSTEM, drills=drill)["total"]
        assert total["connection_rate"] == round(connected, 4) and total["response_rate"] == round(within, 4)
        assert 0.8 <= total["quality_rate"] < 1.0 and len(selectors.rates(scope=SYSTEM, drills=drill)["failing"]) > 0
    assert not seed_videodrills_demo().created
