"""The evacuation demo: a typhoon drill in Taizhou. A dozen shelters in the demo's
townships, 600 households of the demo villages planned for them (一户一策), all moved,
most sheltered and brought home; a few still sheltered and a few still on their way
back, so that every state shows. Two townships without household detail file quick
reports. Through the services, as the API does; seeded random, so every seed is the same."""

import random
from dataclasses import dataclass

from django.db import transaction

from ..core.models import Duty, Region
from .models import Household, Shelter
from .services.evacuation import household_act, household_create, quick_report_create
from .services.shelters import shelter_create

HOUSEHOLDS = 600
SURNAMES = "王李张刘陈杨黄赵吴周徐孙林郑蒋"
GIVEN = ["建国", "秀英", "海军", "美芳", "国强", "丽娟", "志明", "桂兰", "伟", "敏", "永福", "春花"]
ZONES = ["后山滑坡隐患区", "溪沟两岸山洪危险区", "沿海低洼地", "危旧房片区"]
KINDS = ["school", "hall", "purpose_built", "gym"]
KIND_NAMES = {"school": "小学", "hall": "文化礼堂", "purpose_built": "避灾安置中心", "gym": "体育馆"}
QUICK = {"331081001": (86, 40, 60), "331082001": (132, 75, 100)}  # 太平街道, 古城街道: moved, sheltered, returned


@dataclass
class EvacuationDemo:
    shelters: int
    households: int
    sheltered_now: int
    returned: int

    def summary(self) -> str:
        return (f"{self.shelters} shelters, {self.households} households: {self.returned} returned, "
                f"{self.sheltered_now} still sheltered")


def seed_evacuation_demo(*, seed: int = 17) -> EvacuationDemo:
    villages = list(Region.objects.filter(level=5, code__startswith="3310").order_by("code"))
    if not Shelter.objects.filter(name__startswith="台风演练").exists() and villages:
        with transaction.atomic():
            _seed(villages, random.Random(seed))
    households = Household.objects.filter(region__code__startswith="3310")
    return EvacuationDemo(shelters=Shelter.objects.filter(name__startswith="台风演练").count(),
                          households=households.count(), sheltered_now=households.filter(state="sheltered").count(),
                          returned=households.filter(state="returned").count())


def _seed(villages: list[Region], rng: random.Random) -> None:
    towns = sorted({v.parent_id for v in villages})
    shelters: dict[str, list[Shelter]] = {}
    for i in range(12):  # a dozen: two or three per township
        town = towns[i % len(towns)]
        village = [v for v in villages if v.parent_id == town][i // len(towns) % 2 if i // len(towns) else 0]
        kind = KINDS[i % len(KINDS)]
        shelters.setdefault(town, []).append(shelter_create(
            by=None, region=village.code, name=f"台风演练·{village.name}{KIND_NAMES[kind]}", kind=kind,
            level="village" if kind == "hall" else "township", capacity=rng.choice([80, 120, 150, 200]),
            phone=f"0576-8{rng.randint(1000000, 9999999)}", longitude=village.lon, latitude=village.lat,
            supplies="棉被 100 床\n饮用水 60 箱\n方便食品 80 箱\n应急灯 10 盏"))
    chiefs = dict(Duty.objects.filter(kind_id="village_flood_chief", region__in=villages)
                  .values_list("region_id", "person_id"))
    homes = []
    for i in range(HOUSEHOLDS):
        village = villages[i % len(villages)]
        members = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])
        elderly = rng.choice([0, 0, 1, 1, 2]) if members > 1 else rng.choice([0, 1])
        homes.append(household_create(
            by=None, region=village.code, head=rng.choice(SURNAMES) + rng.choice(GIVEN), members=members,
            elderly=min(elderly, members), children=rng.choice([0, 0, 0, 1]) if members > 2 else 0,
            disabled=1 if rng.random() < 0.04 else 0, phone=f"13{rng.randint(100000000, 999999999)}",
            address=f"{village.name}{rng.randint(1, 300)}号", danger_zone=rng.choice(ZONES),
            route=f"沿村道步行至{rng.choice(shelters[village.parent_id]).name}",
            shelter_id=rng.choice(shelters[village.parent_id]).pk, cadre=chiefs.get(village.code)))
    for n, home in enumerate(homes):
        household_act(by=None, household=home, action="move")
        if n % 10 == 9:  # stayed with relatives: moved, never in a shelter
            if n % 20 == 19:
                household_act(by=None, household=home, action="return")
            continue
        for place in sorted(shelters[home.region.parent_id], key=lambda s: s.pk != home.shelter_id):
            try:
                household_act(by=None, household=home, action="shelter", shelter_id=place.pk)
                break
            except Exception:  # noqa: BLE001  full: the next shelter of the township
                continue
        if n % 25 != 3:  # most are home again; one in 25 is still sheltered
            household_act(by=None, household=home, action="return", note="台风过境，安全返回")
    for town, (moved, sheltered, returned) in QUICK.items():
        if Region.objects.filter(pk=town).exists():
            quick_report_create(by=None, region=town, moved=moved, sheltered=sheltered, returned=returned,
                                note="演练快报（无分户明细）")
