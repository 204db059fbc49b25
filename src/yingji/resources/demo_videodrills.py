"""Video-dispatch drills of the Taizhou demo: a node for every county and township
command post of Taizhou, the demo villages and the demo's teams; two past drills over
the city with realistic outcomes (about 95% connected, 88% answering within 30
minutes, most connections of acceptable quality), recorded as an operator would; and
one drill scheduled next week over Wenling (started by the tick at its time).
Outcomes are drawn from a fixed seed, so every demo shows the same figures. Seeds
once: later calls change nothing."""

import datetime as dt
import random
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from .models import VideoCall, VideoDrill
from .services import videodrills as services

TAIZHOU, WENLING = "3310", "331081"
PAST = (("2026年汛前视频调度演练（第一次）", 60, 20260401), ("2026年汛前视频调度演练（第二次）", 30, 20260501))
CONNECTED, WITHIN, ACCEPTABLE = 0.95, 0.88, 0.93


@dataclass
class VideoDrillsDemoReport:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        if not self.created:
            return "视频调度演练演示数据已存在 / video-drill demo already present"
        figures = ", ".join(f"{v} {k}" for k, v in self.counts.items())
        return f"{figures} in {self.seconds:.1f} s"


def seed_videodrills_demo(*, now: dt.datetime | None = None) -> VideoDrillsDemoReport:
    if VideoDrill.objects.exists():
        return VideoDrillsDemoReport(False)
    started = time.monotonic()
    now = now or timezone.now()
    with transaction.atomic():
        nodes = services.nodes_generate(by=None, region=TAIZHOU)["created"]
        calls = 0
        for title, days_ago, seed in PAST:
            at = timezone.localtime(now - dt.timedelta(days=days_ago)).replace(hour=9, minute=0, second=0,
                                                                               microsecond=0)
            drill = services.drill_create(by=None, region=TAIZHOU, title=title, scheduled_at=at)
            services.drill_start(by=None, drill=drill, now=at)
            calls += _outcomes(drill, at, random.Random(seed))
            services.drill_end(by=None, drill=drill, now=at + dt.timedelta(hours=2))
        next_week = timezone.localtime(now + dt.timedelta(days=7)).replace(hour=9, minute=30, second=0,
                                                                           microsecond=0)
        services.drill_create(by=None, region=WENLING, title="温岭市防台视频调度演练", scheduled_at=next_week)
    return VideoDrillsDemoReport(True, {"nodes": nodes, "drills": 3, "calls": calls},
                                 time.monotonic() - started)


def _outcomes(drill: VideoDrill, at: dt.datetime, rnd: random.Random) -> int:
    """Each node's outcome as an operator records it: connected within a few minutes
    (or not at all), answering within the window for most, a few late; the quality
    judged on the connected ones."""
    calls = list(VideoCall.objects.filter(drill=drill).order_by("pk"))
    for call in calls:
        connected = rnd.random() < CONNECTED
        if not connected:
            services.call_record(by=None, call=call, connected=False, note="终端无响应", now=at)
            continue
        connected_at = at + dt.timedelta(minutes=rnd.randint(0, 4), seconds=rnd.randint(0, 59))
        within = rnd.random() < WITHIN / CONNECTED
        answered = connected_at + dt.timedelta(minutes=rnd.randint(1, 20) if within else rnd.randint(31, 55))
        services.call_record(by=None, call=call, connected=True, connected_at=connected_at,
                             answered_at=answered if within or rnd.random() < 0.7 else None,
                             quality_ok=rnd.random() < ACCEPTABLE, now=at)
    return len(calls)
