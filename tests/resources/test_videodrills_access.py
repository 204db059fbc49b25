"""Who sees and does what with video drills: a Wenling officer never reaches Linhai's
nodes, drills or calls (declared as data: tests/access/isolation.py); a drill over all
of Taizhou is seen from Wenling with Wenling's calls only, and its rates count only
them; enterprise accounts see no drill."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.resources.models import VideoCall, VideoDrill, VideoNode
from yingji.resources.services import videodrills as services

from ..access.isolation import IsolationCases
from ..conftest import LINHAI, TAIZHOU, WENLING
from .videodrills_fixtures import no_video_system, villages  # noqa: F401

pytestmark = pytest.mark.django_db
T0 = timezone.make_aware(dt.datetime(2026, 7, 1, 9, 0))


def started(officer, region):
    services.nodes_generate(by=officer.user, region=region)
    drill = services.drill_create(by=officer.user, region=region, title="演练", scheduled_at=T0)
    return services.drill_start(by=officer.user, drill=drill, now=T0)


class TestVideoDrillsIsolation(IsolationCases):
    lists = {
        "GET /api/video-drills": [{}, {"region": LINHAI}, {"state": "running"}],
        "GET /api/video-nodes": [{}, {"region": LINHAI}, {"kind": "township"}, {"q": "古城"}],
    }
    objects = {
        "GET /api/video-drills/{id}": ("drill", None),
        "GET /api/video-drills/{id}/rates": ("drill", None),
        "POST /api/video-drills/{id}/start": ("scheduled", None),
        "POST /api/video-drills/{id}/end": ("drill", None),
        "POST /api/video-calls/{id}/outcome": ("call", {"connected": True}),
        "GET /api/video-nodes/{id}": ("node", None),
        "PATCH /api/video-nodes/{id}": ("node", {"name": "改名"}),
    }
    creates = {
        "POST /api/video-drills": (VideoDrill, lambda home: {"region": LINHAI, "title": "越界演练",
                                                              "scheduled_at": "2026-07-02T09:00:00+08:00"}),
        "POST /api/video-nodes/generate": (VideoNode, lambda home: {"region": LINHAI}),
    }
    # Below: the period's rates (a report, not a list of items) and the video system's
    # callback (authenticated by its token, not by a region: tests in test_videodrills_flow.py).
    elsewhere = {"GET /api/video-drills/rates", "POST /api/video-drills/events"}

    @pytest.fixture
    def foreign(self, linhai_officer, villages):
        drill = started(linhai_officer, "331082001")
        scheduled = services.drill_create(by=linhai_officer.user, region=LINHAI, title="计划演练", scheduled_at=T0)
        scheduled = VideoDrill.objects.get(pk=scheduled.pk)  # as the database gives it back (UTC times)
        return {"drill": drill, "scheduled": scheduled, "call": VideoCall.objects.filter(drill=drill).first(),
                "node": VideoNode.objects.filter(region__code__startswith=LINHAI).first()}

    @pytest.fixture
    def home(self, wenling_officer, villages):
        return {"officer": wenling_officer, "drill": started(wenling_officer, "331081001")}


def test_a_city_drill_is_seen_from_a_county_with_its_own_calls_only(api_as, taizhou_officer, wenling_officer,
                                                                     villages):
    services.nodes_generate(by=taizhou_officer.user, region=WENLING)
    services.nodes_generate(by=taizhou_officer.user, region=LINHAI)
    drill = started(taizhou_officer, TAIZHOU)
    client = api_as(wenling_officer)
    detail = client.get(f"/api/video-drills/{drill.pk}").json()
    assert detail["call_list"] and all(c["region"].startswith(WENLING) for c in detail["call_list"])
    rates = client.get(f"/api/video-drills/{drill.pk}/rates").json()
    assert rates["total"]["called"] == VideoCall.objects.filter(drill=drill, region__code__startswith=WENLING).count()
    assert [r["region"] for r in rates["counties"]] == [WENLING]
    period = client.get("/api/video-drills/rates", {"date_from": "2026-07-01", "date_to": "2026-07-01"}).json()
    assert [r["region"] for r in period["counties"]] == [WENLING]
    assert all(not f["region"].startswith(LINHAI) for f in period["failing"])
    linhai_call = VideoCall.objects.filter(drill=drill, region__code__startswith=LINHAI).first()
    assert client.post(f"/api/video-calls/{linhai_call.pk}/outcome", {"connected": True}).status_code == 404
    # Ending the city's drill needs the city's jurisdiction.
    assert client.post(f"/api/video-drills/{drill.pk}/end").status_code == 403
    assert VideoDrill.objects.get(pk=drill.pk).state == "running"


def test_enterprise_accounts_and_viewers(api_as, enterprise_user, wenling_viewer, wenling_officer, villages):
    drill = started(wenling_officer, "331081001")
    assert api_as(enterprise_user).get("/api/video-drills").json()["items"] == []
    assert api_as(enterprise_user).get(f"/api/video-drills/{drill.pk}").status_code == 404
    call = VideoCall.objects.filter(drill=drill).first()
    assert api_as(wenling_viewer).get(f"/api/video-drills/{drill.pk}").status_code == 200
    assert api_as(wenling_viewer).post(f"/api/video-calls/{call.pk}/outcome", {"connected": True}).status_code == 403
    assert VideoCall.objects.get(pk=call.pk).connected is None
