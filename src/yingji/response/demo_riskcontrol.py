"""The risk-control demo (风险清单管控): a few hundred risk points of every kind in
Taizhou's townships with their responsible person and control measures, a control
round for the typhoon drill in which most points are reported controlled,
evacuated or closed from the field and several are not (checked only, or no report
yet), and a couple of hazards found at risk points in the flood-season inspections.
Everything goes through the services (scope, validation, audit); a second run finds
the round and adds nothing. The flood demo's villages, when loaded, are on the
board too.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..core.models import Region
from ..core.scope import SYSTEM
from ..floods import services as flood_services
from ..floods.selectors import risk_point_list
from ..hazards import services as hazard_services
from .choices_levels import LevelStatus
from .models import ResponseLevel
from .models.riskcontrol import RiskControlRound
from .services import riskcontrol as services

CITY = "3310"
ROUND_NAME = "台风“梅花”防御演练（演示）"
POINTS_PER_KIND = 22

# kind → (name patterns, control measures)
KINDS = {
    "flash_flood_village": (["{t}山洪村落{n}组"], "雨前排查，达到准备转移雨量即组织转移，专人值守"),
    "geo_hazard": (["{t}后山滑坡点{n}", "{t}崩塌隐患点{n}"], "设置警示牌，雨中巡查，坡下住户提前转移"),
    "reservoir_pond": (["{t}第{n}山塘", "{t}小（二）型水库{n}"], "降低水位运行，巡坝值守，下游人员转移预案"),
    "sea_wall": (["{t}海塘{n}号缺口"], "缺口封堵，沙袋备料，临海作业人员撤离"),
    "waterlogging": (["{t}下穿通道{n}", "{t}低洼路段{n}"], "设置挡水板和警戒，移动泵车待命，必要时封闭交通"),
    "construction_site": (["{t}在建工地{n}号塔吊"], "塔吊降臂锁定，工棚人员撤离，停止高空作业"),
    "unsafe_house": (["{t}危旧房屋{n}"], "人员全部撤离，门口设警示"),
    "scenic_spot": (["{t}景区{n}"], "关闭景区，劝离游客"),
    "port": (["{t}渔港{n}"], "渔船回港避风，船上人员上岸"),
    "mine": (["{t}矿山{n}"], "停产撤人，排水设备检查"),
    "underground_garage": (["{t}地下车库{n}"], "挡水板、沙袋就位，车辆转移，必要时封闭"),
}
# The share of points per state in the drill: most controlled; several not.
STATES = [("controlled", 0.55), ("evacuated", 0.2), ("closed", 0.15), ("checked", 0.06), (None, 0.04)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑"


@dataclass
class RiskControlDemoReport:
    created: dict = field(default_factory=dict)
    seconds: float = 0.0
    note: str = ""

    def summary(self) -> str:
        if not self.created:
            return self.note
        return ", ".join(f"{v} {k}" for k, v in self.created.items()) + f" in {self.seconds:.1f} s"


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def seed_riskcontrol_demo(now: dt.datetime | None = None) -> RiskControlDemoReport:
    """Seed (once) the risk points, the drill's control round and its reports."""
    report = RiskControlDemoReport()
    if RiskControlRound.objects.filter(name=ROUND_NAME).exists():
        report.note = "风险清单演示已存在 / risk-control demo already present"
        return report
    if not Region.objects.filter(pk=CITY).exists():
        raise RuntimeError("load the official regions first (yingji import-regions)")
    began = time.process_time()
    now = now or timezone.now()
    rng = random.Random(17)
    towns = list(Region.objects.filter(code__startswith=CITY, code__regex=r"^\d{9}$").order_by("code")
                 .values_list("code", "name"))
    made = 0
    with transaction.atomic():
        existing = set(risk_point_list(scope=SYSTEM, region=CITY).values_list("region_id", "kind_id", "name"))
        for kind, (patterns, measures) in KINDS.items():
            for n in range(1, POINTS_PER_KIND + 1):
                town, town_name = towns[rng.randrange(len(towns))]
                name = rng.choice(patterns).format(t=town_name.removesuffix("街道").removesuffix("镇")
                                                   .removesuffix("乡"), n=n)
                if (town, kind, name) in existing:
                    continue
                flood_services.risk_point_create(
                    by=None, kind_id=kind, name=name, region_id=town, population=rng.randint(0, 400),
                    households=rng.randint(0, 120), responsible_name=f"{rng.choice(SURNAMES)}某{n}",
                    responsible_phone=f"139{rng.randint(10_000_000, 99_999_999)}", control_measures=measures,
                    note="演示数据（虚构）")
                existing.add((town, kind, name))
                made += 1
        report.created["risk points"] = made
        drill = ResponseLevel.objects.filter(drill=True, hazard_id="typhoon", region_code=CITY,
                                             status=LevelStatus.IN_FORCE).first()  # the levels demo's
        rnd = services.round_start(by=_user("demo-taizhou"), name=ROUND_NAME, hazard="typhoon", region_id=CITY,
                                   drill=True, at=now - dt.timedelta(hours=6), level=drill)
        users = {"331081": _user("demo-wenling"), "331082": _user("demo-linhai")}
        city_user = _user("demo-taizhou")
        reports = 0
        points = list(risk_point_list(scope=SYSTEM, region=CITY).filter(active=True))
        for i, point in enumerate(points):
            state = _pick(rng)
            if state is None:
                continue
            by = users.get(point.region_id[:6], city_user)
            at = rnd.started_at + dt.timedelta(minutes=10 + (i * 7) % 300)
            if state != "checked":  # checked first, then brought under control
                services.state_report(by=by, risk_point_id=point.pk, state="checked", round_id=rnd.pk,
                                      at=at - dt.timedelta(minutes=5), **_position(point, rng))
                reports += 1
            services.state_report(by=by, risk_point_id=point.pk, state=state, round_id=rnd.pk, at=at,
                                  note="演示上报", **_position(point, rng))
            reports += 1
        report.created["state reports"] = reports
        report.created["hazards at risk points"] = _hazards(points, now.date())
    report.seconds = time.process_time() - began
    return report


def _pick(rng) -> str | None:
    x, total = rng.random(), 0.0
    for state, share in STATES:
        total += share
        if x < total:
            return state
    return STATES[-1][0]


def _position(point, rng) -> dict:
    if point.latitude is None:
        return {}
    return {"latitude": round(point.latitude + rng.uniform(-0.001, 0.001), 6),
            "longitude": round(point.longitude + rng.uniform(-0.001, 0.001), 6)}


def _hazards(points, today: dt.date) -> int:
    """Two hazards found at risk points in the flood-season inspection (汛前检查)."""
    wanted = [("sea_wall", "海塘缺口未按要求封堵，备料不足", "general"),
              ("reservoir_pond", "山塘溢洪道堵塞，坝体有渗漏", "major")]
    made = 0
    for kind, description, level in wanted:
        point = next((p for p in points if p.kind_id == kind and p.region_id.startswith("331081")), None) or \
            next((p for p in points if p.kind_id == kind), None)
        if point is None:
            continue
        user = _user("demo-wenling") if point.region_id.startswith("331081") else _user("demo-taizhou")
        hazard_services.hazard_register(by=user, risk_point_id=point.pk, description=description, level=level,
                                        found_on=today - dt.timedelta(days=20),
                                        deadline=today + dt.timedelta(days=10 if level == "general" else 40),
                                        location="汛前检查")
        made += 1
    return made
