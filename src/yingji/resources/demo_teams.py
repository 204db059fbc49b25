"""The teams demo in Taizhou: township teams for the demo townships (one short of the
50-member standard, 白水洋 with none), village teams for the demo villages (two short
of 30, one village with none), professional, enterprise and volunteer teams with
equipment, and eight rescue stations whose 15-minute areas leave the villages of 松门
and 白水洋 outside. Through the services, as the API does; seeded random, so every
seed is the same; seeds once."""

import random
import time
from dataclasses import dataclass

from django.db import transaction

from ..core.models import Person, Region
from .models import Station, Team
from .services import teams as services

SURNAMES = "王李张刘陈杨黄赵吴周徐孙林郑蒋潘梁"
GIVEN = ["建国", "海军", "国强", "志明", "永福", "伟", "敏", "立新", "海平", "晓东", "振华", "卫东", "春雷", "浩"]
# Township teams of the demo townships: members (松门 44: short of 50; 白水洋: none).
TOWNSHIP_TEAMS = {"331081101": 58, "331081100": 52, "331081102": 44, "331082112": 55}
# The townships whose villages the demo adds (demo/data.py TOWNSHIP_CHAINS).
DEMO_TOWNSHIPS = ("331081100", "331081101", "331081102", "331082106", "331082112")
# Village teams by the village's place in the demo's list: two short of 30, one missing.
VILLAGE_SIZES = [34, 31, 25, 32, 30, 36, 28, 33, 30, None, 31, 35]
OTHER_TEAMS = [  # (name, kind, region, members, base lon, lat, readiness, equipment)
    ("温岭市消防救援大队", "professional", "331081", 42, 121.38, 28.37, "ready",
     [("消防车", 8, "辆"), ("冲锋舟", 4, "艘"), ("排涝泵车", 2, "辆"), ("救生衣", 120, "件")]),
    ("临海市综合应急救援队", "professional", "331082", 36, 121.14, 28.86, "standby",
     [("冲锋舟", 6, "艘"), ("移动照明车", 1, "辆"), ("卫星电话", 4, "部")]),
    ("台州市水上搜救队", "professional", "331002", 24, 121.44, 28.68, "deployed",
     [("橡皮艇", 10, "艘"), ("无人机", 3, "架")]),
    ("温岭市石化企业专职消防队", "enterprise", "331081102", 18, 121.55, 28.34, "ready",
     [("泡沫消防车", 2, "辆"), ("空气呼吸器", 20, "具")]),
    ("温岭蓝天救援队", "volunteer", "331081", 40, 121.39, 28.38, "ready",
     [("救援绳索", 30, "套"), ("对讲机", 40, "部")]),
]
STATIONS = [  # (name, region, lon, lat, speed km/h)
    ("温岭城区救援站", "331081", 121.38, 28.37, 40), ("大溪救援站", "331081101", 121.27, 28.45, 30),
    ("泽国救援站", "331081100", 121.37, 28.51, 40), ("临海城区救援站", "331082", 121.14, 28.86, 40),
    ("杜桥救援站", "331082112", 121.41, 28.76, 40), ("椒江救援站", "331002", 121.44, 28.68, 40),
    ("黄岩救援站", "331003", 121.26, 28.65, 40), ("路桥救援站", "331004", 121.37, 28.58, 40),
]


@dataclass
class TeamsDemo:
    created: bool
    teams: int
    members: int
    stations: int
    seconds: float = 0.0

    def summary(self) -> str:
        if not self.created:
            return "救援队伍演示数据已存在 / teams demo already present"
        return f"{self.teams} teams, {self.members} members, {self.stations} stations in {self.seconds:.1f} s"


def seed_teams_demo(*, seed: int = 18) -> TeamsDemo:
    if Team.objects.filter(region__code__startswith="3310").exists():
        return TeamsDemo(False, 0, 0, 0)
    started = time.monotonic()
    rng = random.Random(seed)
    with transaction.atomic():
        members = _seed(rng)
    return TeamsDemo(True, Team.objects.count(), members, Station.objects.count(), time.monotonic() - started)


def _people(rng: random.Random, region: str, n: int) -> list[Person]:
    rows = [Person(name=rng.choice(SURNAMES) + rng.choice(GIVEN), mobile=f"139{rng.randint(10**7, 10**8 - 1)}",
                   region_id=region, title="救援队员") for _ in range(n)]
    return Person.objects.bulk_create(rows)


def _team(rng: random.Random, *, name: str, kind: str, region: str, members: int, lon=None, lat=None,
          readiness="ready", equipment=()) -> int:
    people = _people(rng, region, members)
    team = services.team_create(by=None, name=name, kind=kind, region=region, leader=people[0].pk if people else None,
                                phone=f"0576-8{rng.randint(1000000, 9999999)}", base_lat=lat, base_lon=lon,
                                readiness=readiness)
    for i, person in enumerate(people):
        services.member_add(by=None, team=team, person_id=person.pk, role="队长" if i == 0 else "队员")
    for item, quantity, unit in equipment:
        services.equipment_add(by=None, team=team, name=item, quantity=quantity, unit=unit)
    return len(people)


def _seed(rng: random.Random) -> int:
    count = 0
    towns = {r.code: r for r in Region.objects.filter(code__in=list(TOWNSHIP_TEAMS))}
    for code, n in TOWNSHIP_TEAMS.items():
        if code in towns:
            town = towns[code]
            count += _team(rng, name=f"{town.name}应急救援队", kind="township", region=code, members=n,
                           lon=town.lon, lat=town.lat, equipment=[("冲锋舟", 2, "艘"), ("发电机", 2, "台")])
    villages = list(Region.objects.filter(level=5, parent_id__in=DEMO_TOWNSHIPS).order_by("code"))
    for village, n in zip(villages, VILLAGE_SIZES, strict=False):
        if n is not None:
            count += _team(rng, name=f"{village.name}应急小分队", kind="village", region=village.code, members=n,
                           lon=village.lon, lat=village.lat, equipment=[("救生衣", 20, "件")])
    known = set(Region.objects.filter(code__in=[t[2] for t in OTHER_TEAMS]).values_list("code", flat=True))
    for name, kind, region, n, lon, lat, readiness, equipment in OTHER_TEAMS:
        if region in known:
            count += _team(rng, name=name, kind=kind, region=region, members=n, lon=lon, lat=lat,
                           readiness=readiness, equipment=equipment)
    stationed = {t.region_id: t.pk for t in Team.objects.filter(kind__in=["professional", "township"])}
    known = set(Region.objects.filter(code__in=[s[1] for s in STATIONS]).values_list("code", flat=True))
    for name, region, lon, lat, speed in STATIONS:
        if region in known:
            services.station_create(by=None, name=name, region=region, lat=lat, lon=lon, speed_kmh=speed,
                                    team=stationed.get(region))
    return count
