"""The response-level demo: a typhoon drill over Taizhou (3310). Level III declared five
hours ago and raised to II three hours ago; the township command staff confirm "at
my post" and the five stops, most of them, some only part of the checklist, a few not
at all; whatever passed its deadline unconfirmed is escalated to the superior. The
messages go to the outbox, which the demo's console/local gateway delivers.

Township chiefs exist in the main seed for five townships only; the drill registers
one for every other township of Taizhou (superior: the county chief) and the city's
command chief, so that the board shows a city's worth of townships answering."""

import datetime as dt
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..core.models import Duty, Region
from ..core.services import duty_assign, person_create
from ..demo import data
from .choices_levels import TaskState
from .models import ResponseLevel, ResponseTask
from .services import escalate_due_tasks, level_change, level_declare, task_confirm

DECLARER = "demo-taizhou"
SEED = 17


@dataclass
class LevelsDemo:
    created: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        if not self.created:
            return "应急响应演练已存在 / the response drill is already there"
        return ", ".join(f"{v} {k}" for k, v in self.counts.items()) + f" in {self.seconds:.1f} s"


def seed_levels_demo(*, now: dt.datetime | None = None) -> LevelsDemo:
    """Seed the drill once (a second call finds it and does nothing)."""
    started = time.perf_counter()
    if ResponseLevel.objects.filter(drill=True, hazard_id="typhoon", region_code=data.CITY_CODE).exists():
        return LevelsDemo()
    user = get_user_model().objects.filter(username=DECLARER).first()
    if user is None:
        return LevelsDemo()
    now = now or timezone.now()
    rng = random.Random(SEED)
    with transaction.atomic():
        added = _command_staff(user, rng)
        level = level_declare(by=user, hazard="typhoon", grade="III", regions=[data.CITY_CODE], drill=True,
                              now=now - dt.timedelta(hours=5))
        _answer(level, ("city_post", "county_post", "county_watch", "township_post", "township_patrol"), rng,
                at=now - dt.timedelta(hours=4, minutes=30))
        level_change(by=user, level=level, action="raise", grade="II", note="台风登陆前加强防御",
                     now=now - dt.timedelta(hours=3))
        _answer(level, ("five_stops", "village_post"), rng, at=now - dt.timedelta(hours=2, minutes=30))
        escalated = escalate_due_tasks(now=now)
    tasks = ResponseTask.objects.filter(level=level).exclude(state=TaskState.CANCELLED)
    return LevelsDemo(created=True, seconds=time.perf_counter() - started, counts={
        "command staff added": added, "tasks": tasks.count(),
        "confirmed": tasks.filter(state=TaskState.CONFIRMED).count(), "escalated": escalated})


def _command_staff(user, rng: random.Random) -> int:
    """The city's chief and a chief for each township of Taizhou that has none."""
    added = 0
    if not Duty.objects.filter(kind_id="city_flood_chief", region_id=data.CITY_CODE).exists():
        chief = person_create(by=user, name="台州市防指指挥长（演示）", mobile=_mobile(rng), region_id=data.CITY_CODE,
                              title="台州市防汛防台抗旱指挥部指挥长", role="viewer")
        duty_assign(by=user, person=chief, kind_code="city_flood_chief", region_code=data.CITY_CODE)
        added += 1
    county_chiefs = dict(Duty.objects.filter(kind_id="county_flood_chief", region__code__startswith=data.CITY_CODE)
                         .values_list("region_id", "person_id"))
    have = set(Duty.objects.filter(kind_id="township_flood_chief", region__code__startswith=data.CITY_CODE)
               .values_list("region_id", flat=True))
    for town in Region.objects.filter(code__startswith=data.CITY_CODE, level=4).exclude(code__in=have).order_by("code"):
        superior = county_chiefs.get(town.code[:6])
        person = person_create(by=user, name=f"{town.name}防汛责任人", mobile=_mobile(rng), region_id=town.code,
                               title="乡镇（街道）防汛防台责任人", role="viewer", superior_id=superior)
        duty_assign(by=user, person=person, kind_code="township_flood_chief", region_code=town.code)
        added += 1
    return added


def _mobile(rng: random.Random) -> str:
    return f"139{rng.randrange(10**8):08d}"


def _answer(level: ResponseLevel, orders: tuple[str, ...], rng: random.Random, *, at: dt.datetime) -> None:
    """About 85 % of the owned tasks confirmed from the phone link; of the five stops
    some only in part (the first items); the rest stay open."""
    tasks = (ResponseTask.objects.filter(level=level, order__code__in=orders, state=TaskState.OPEN,
                                         owner__isnull=False).select_related("order").order_by("pk"))
    for task in tasks:
        roll = rng.random()
        if roll < 0.85:
            task_confirm(task=task, channel="link", note="", now=at)
        elif roll < 0.93 and task.order.checklist:
            task_confirm(task=task, channel="link", items=task.order.checklist[:2], now=at)


__all__ = ["LevelsDemo", "seed_levels_demo"]
