"""The dispatch demo: a few orders of the Taizhou typhoon drill (marked drill), in
different states, with supplies issued from the ledger. It uses the teams and the
warehouses the teams and supplies demos seeded in Taizhou; where they are missing (the
dispatch demo alone), it registers two teams and a warehouse of its own with stock
received through the ledger, so the issues balance.

Steps are played with times in the past (the order at T-3 h, acknowledged minutes
later...), so the timeline and the durations read like a night of the drill; the one
order left unacknowledged past its deadline is escalated by the tick."""

import datetime as dt
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..core.models import Person
from ..core.scope import SYSTEM
from ..demo import data
from ..floods import selectors as floods
from ..response import selectors_evacuation as evacuation
from .choices_dispatch import DestinationKind, StepChannel
from .models import Dispatch, StockBalance, SupplyKind, Team, Warehouse
from .models.teams import Readiness
from .services import dispatch as services
from .services import supplies as ledger

COMMANDER = "demo-taizhou"
TASK_MARK = "【台风演练】"


@dataclass
class DispatchDemo:
    created: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        if not self.created:
            return "调度演练已存在或缺少演示账号 / the dispatch drill is already there (or no demo accounts)"
        return ", ".join(f"{v} {k}" for k, v in self.counts.items()) + f" in {self.seconds:.1f} s"


def seed_dispatch_demo(*, now: dt.datetime | None = None) -> DispatchDemo:
    """Seed the drill's dispatches once (a second call finds them and does nothing)."""
    started = time.perf_counter()
    user = get_user_model().objects.filter(username=COMMANDER).first()
    if user is None or Dispatch.objects.filter(drill=True, task__startswith=TASK_MARK).exists():
        return DispatchDemo()
    now = now or timezone.now()
    with transaction.atomic():
        teams = _teams()
        store, kinds = _warehouse(user)
        places = _places()
        made = _orders(user, teams, store, kinds, places, now)
        escalated = services.escalate_due_dispatches(now=now)
    states: dict[str, int] = {}
    for d in made:
        states[d.state] = states.get(d.state, 0) + 1
    return DispatchDemo(created=True, counts={"dispatches": len(made), **states, "escalated": escalated,
                                              "supply lines": sum(d.supplies.count() for d in made)},
                        seconds=time.perf_counter() - started)


def _leader(region: str) -> Person | None:
    return (Person.objects.filter(region__code__startswith=region, active=True).exclude(mobile="")
            .order_by("pk").first())


def _teams() -> list[Team]:
    free = list(Team.objects.filter(region__code__startswith=data.CITY_CODE, active=True,
                                    readiness__in=[Readiness.READY, Readiness.STANDBY]).order_by("pk")[:3])
    if len(free) >= 2:
        return free
    made = []
    for name, region, kind, lat, lon in (("温岭市综合应急救援队（演练）", "331081", "professional", 28.372, 121.375),
                                         ("临海市综合应急救援队（演练）", "331082", "professional", 28.858, 121.145),
                                         ("椒江区蓝天救援队（演练）", "331002", "volunteer", 28.676, 121.442)):
        made.append(Team.objects.create(name=name, region_id=region, kind_id=kind, leader=_leader(region),
                                        base_lat=lat, base_lon=lon))
    return free + made[:3 - len(free)]


def _warehouse(user) -> tuple[Warehouse, list[SupplyKind]]:
    """A Taizhou warehouse holding life jackets and sandbags, stocked through the ledger
    if the supplies demo left none."""
    kinds = [SupplyKind.objects.get(code=c) for c in ("R001", "F001")]
    for store in Warehouse.objects.filter(region__code__startswith=data.CITY_CODE, active=True).order_by("pk"):
        if all(ledger.available(store, k)[0] >= 500 for k in kinds):
            return store, kinds
    store = Warehouse.objects.create(name="台州市防汛物资储备库（演练）", region_id=data.CITY_CODE, level="city",
                                     lat=28.656, lon=121.421)
    for kind, quantity in zip(kinds, (800, 5000), strict=True):
        if not StockBalance.objects.filter(warehouse=store, supply_kind=kind).exists():
            ledger.receive(by=user, warehouse=store, kind=kind, quantity=quantity, reason="演练前储备入库")
    return store, kinds


def _places() -> dict:
    points = [p for p in floods.risk_point_list(scope=SYSTEM, region=data.CITY_CODE)[:20]
              if p.latitude is not None][:2]
    shelters = [s for s in evacuation.shelter_list(scope=SYSTEM, region=data.CITY_CODE)[:20]
                if s.latitude is not None][:1]
    return {"points": points, "shelters": shelters}


def _destination(places: dict, i: int) -> dict:
    """The i-th destination: risk points, then a shelter, then plain positions."""
    if i < len(places["points"]):
        return {"destination_kind": DestinationKind.RISK_POINT, "destination_id": places["points"][i].pk}
    if i == 2 and places["shelters"]:
        return {"destination_kind": DestinationKind.SHELTER, "destination_id": places["shelters"][0].pk}
    spots = [("温岭市石塘镇海塘险段", "331081", 28.263, 121.607), ("临海市桃渚镇低洼村", "331082", 28.832, 121.523),
             ("椒江区大陈岛码头", "331002", 28.478, 121.896)]
    text, region, lat, lon = spots[i % len(spots)]
    return {"destination_kind": DestinationKind.POSITION, "destination_text": text, "region": region, "lat": lat,
            "lon": lon}


def _orders(user, teams, store, kinds, places, now) -> list[Dispatch]:
    life_jackets, sandbags = kinds
    plan = [
        # (team index or None, supplies, minutes ago, steps with minutes after the order, task)
        (0, [(life_jackets, 60)], 180, [("acknowledge", 2), ("depart", 6), ("arrive", 31), ("complete", 150)],
         "转移危险区被困群众，随带救生衣"),
        (1, [(sandbags, 800)], 90, [("acknowledge", 4), ("depart", 9), ("arrive", 42)], "加固海塘缺口，运送编织袋"),
        (2 if len(teams) > 2 else None, [], 40, [("acknowledge", 3), ("depart", 8)], "安置点秩序维护与巡查"),
        (None, [(life_jackets, 40), (sandbags, 300)], 25, [], "向低洼村补充救生衣和编织袋"),
    ]
    made = []
    for i, (team_index, lines, ago, steps, task) in enumerate(plan):
        team = teams[team_index] if team_index is not None and team_index < len(teams) else None
        if team is None and not lines:
            continue
        start = now - dt.timedelta(minutes=ago)
        dispatch = services.dispatch_create(
            by=user, task=TASK_MARK + task, team_id=team.pk if team else None, drill=True, ack_minutes=10,
            supplies=[services.SupplyLine(store.pk, k.code, q) for k, q in lines], now=start,
            **_destination(places, i))
        for action, after in steps:
            position = {"lat": dispatch.lat + 0.0004, "lon": dispatch.lon - 0.0003} if action == "arrive" else {}
            # The leader reports from the SMS link; an order without a leader, the officer.
            by_link = dispatch.leader_id is not None
            services.dispatch_step(dispatch=dispatch, action=action, by=None if by_link else user,
                                   channel=StepChannel.LINK if by_link else StepChannel.LOGIN,
                                   now=start + dt.timedelta(minutes=after), **position)
        made.append(Dispatch.objects.get(pk=dispatch.pk))
    return made
