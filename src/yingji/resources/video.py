"""The video system (视频会议/调度系统) is external: this is its adapter.

Outbound, `place_calls(drill, calls)` asks the system to call every node of a drill.
The generic implementation POSTs one JSON document to settings.YINGJI_VIDEO_SYSTEM_URL:

    {"drill_id": 7, "title": "...", "region": "331081", "response_minutes": 30,
     "calls": [{"call_id": 12, "endpoint_id": "yj-331081001", "name": "..."}, ...]}

and expects a 2xx. With no URL configured (the demo) nothing is sent: the calls are
recorded as placed and the operator records the outcomes on the drill's page.

Inbound, the system reports what happened to each call at
`POST /api/video-drills/events` (header X-Yingji-Video-Token: YINGJI_VIDEO_SYSTEM_TOKEN):

    {"event_id": "e-1", "call_id": 12, "kind": "connected"|"failed"|"answered"|"quality",
     "at": "2026-07-01T09:00:05+08:00", "acceptable": true}

Each event is applied once per `event_id` (services.videodrills.system_event).
"""

from dataclasses import dataclass

from django.conf import settings

from ..messaging.httpclient import TransportError, post_json

TOKEN_HEADER = "X-Yingji-Video-Token"


@dataclass(frozen=True)
class Placed:
    """What became of a drill's calls: sent to the system (or recorded only), or the
    error that stopped them."""

    sent: bool
    error: str = ""


def configured() -> bool:
    return bool(settings.YINGJI_VIDEO_SYSTEM_URL)


def place_calls(drill, calls) -> Placed:
    """Ask the video system to call the nodes of `calls` (VideoCall rows of `drill`)."""
    if not configured():
        return Placed(sent=False)
    payload = {"drill_id": drill.pk, "title": drill.title, "region": drill.region_id,
               "response_minutes": drill.response_minutes,
               "calls": [{"call_id": c.pk, "endpoint_id": c.node.endpoint_id, "name": c.node.name} for c in calls]}
    try:
        post_json(settings.YINGJI_VIDEO_SYSTEM_URL, payload)
    except TransportError as exc:
        return Placed(sent=False, error=str(exc)[:300] or "transport error")
    return Placed(sent=True)
