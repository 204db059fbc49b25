"""A year of production-safety accidents in the Taizhou demo (台州演示: 生产安全事故),
at the enterprises the demo seeds (consistent with the hazards demo: the same
register), plus a few outside the register (a road-traffic and a construction one).

About three dozen accidents a year, this year to yesterday and the whole of last
year (so that the figures have a year before them to compare with), mostly 一般; one 较大 (three deaths at a Wenling
enterprise) with its investigation, 一案三查, 双说明, 补课 and a hazard found
afterwards; control targets for the city and each county this year.

Everything goes through the services (grades, versions, audit). Deterministic (one
seeded `random.Random`) and idempotent: if any accident exists, nothing is written.
The figures are invented; they say nothing about the real Taizhou.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..core.scope import SYSTEM
from ..enterprises.selectors import enterprises_in_region
from . import selectors, services
from .choices import AccidentKind, CheckTarget

SEED = 3310 + 16
CITY, WENLING = "3310", "331081"
CITY_LOGIN = "demo-taizhou"
COUNTIES = ["331002", "331003", "331004", "331022", "331023", "331024", "331081", "331082", "331083"]
# Kinds seen most in small manufacturing, by weight.
KINDS = [(AccidentKind.MACHINERY, 6), (AccidentKind.STRUCK_BY_OBJECT, 3), (AccidentKind.FALL, 4),
         (AccidentKind.ELECTROCUTION, 2), (AccidentKind.LIFTING, 2), (AccidentKind.SCALD, 1),
         (AccidentKind.POISONING, 1), (AccidentKind.FIRE, 1), (AccidentKind.VEHICLE, 2)]
PER_YEAR = 34


@dataclass
class Summary:
    accidents: int = 0
    deaths: int = 0
    larger: int = 0

    def summary(self) -> str:
        return f"{self.accidents} accidents, {self.deaths} deaths, {self.larger} larger"


def seed_accidents_demo(today: dt.date | None = None) -> Summary:
    if selectors.Accident.objects.exists():
        return Summary()
    officer = get_user_model().objects.filter(username=CITY_LOGIN).first()
    if officer is None:
        return Summary()
    rng = random.Random(SEED)
    today = today or timezone.localdate()
    enterprises = list(enterprises_in_region(scope=SYSTEM, region=CITY).order_by("id")[:2000])
    summary = Summary()
    with transaction.atomic():
        i = 0
        for first, last in ((dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)),
                            (dt.date(today.year, 1, 1), today - dt.timedelta(days=1))):
            span = (last - first).days + 1
            if span <= 0:  # 1 January: nothing of this year yet
                continue
            for _ in range(max(2, round(PER_YEAR * span / 365))):
                day = first + dt.timedelta(days=rng.randrange(span))
                summary_add(summary, _one(rng, officer, day, enterprises, i))
                i += 1
        larger = _larger(officer, today, enterprises)
        summary_add(summary, larger)
        for county in [CITY, *COUNTIES]:
            services.target_save(by=officer, region_code=county, year=today.year,
                                 max_accidents=45 if county == CITY else rng.randint(4, 8),
                                 max_deaths=32 if county == CITY else rng.randint(2, 5))
    return summary


def summary_add(summary: Summary, accident) -> None:
    summary.accidents += 1
    summary.deaths += accident.deaths
    summary.larger += accident.grade == "larger"


def _one(rng: random.Random, officer, day: dt.date, enterprises: list, i: int):
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randrange(6, 22), rng.randrange(60))))
    kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
    deaths = rng.choices([0, 1, 2], weights=[3, 6, 1])[0]
    injuries = rng.choices([0, 1, 2], weights=[5, 3, 1])[0]
    loss = Decimal(rng.randrange(5, 300) * 10_000 if deaths else rng.randrange(1, 60) * 10_000)
    fields = {"by": officer, "occurred_at": moment, "kind": kind, "deaths": deaths, "serious_injuries": injuries,
              "direct_loss": loss}
    if kind == AccidentKind.VEHICLE and i % 2:
        county = rng.choice(COUNTIES)
        return services.accident_create(**fields, region_code=county, industry="road_traffic",
                                        party_name=f"个体货运车辆（{county}）", place="省道",
                                        description="货车运输途中发生事故")
    if kind == AccidentKind.FALL and i % 3 == 0:
        county = rng.choice(COUNTIES)
        return services.accident_create(**fields, region_code=county, industry="construction",
                                        party_name="某建筑劳务分包队", description="脚手架作业人员高处坠落")
    enterprise = rng.choice(enterprises)
    return services.accident_create(**fields, region_code=enterprise.region_id, industry=enterprise.industry,
                                    enterprise_id=enterprise.pk, description=f"{dict(AccidentKind.choices)[kind]}事故")


def _larger(officer, today: dt.date, enterprises: list):
    """The 较大 accident: first reported with two deaths, a third death reported within
    the window (补报) made it 较大; its investigation and accountability follow."""
    wenling = [e for e in enterprises if e.region_id.startswith(WENLING)] or enterprises
    enterprise = wenling[0]
    moment = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=75), dt.time(14, 20)))
    accident = services.accident_create(
        by=officer, region_code=enterprise.region_id, occurred_at=moment, industry=enterprise.industry,
        kind=AccidentKind.POISONING, enterprise_id=enterprise.pk, deaths=2, serious_injuries=1,
        direct_loss=Decimal("4200000"), place="污水处理池", description="清理污水池时三名工人相继中毒窒息")
    services.accident_update(by=officer, accident=accident, deaths=3, serious_injuries=0,
                             reason="一名重伤人员经抢救无效死亡（补报）", now=moment + dt.timedelta(days=4))
    accident.refresh_from_db()
    day = timezone.localtime(moment).date()
    services.investigation_save(
        by=officer, accident=accident, leader="台州市应急管理局副局长",
        members="市应急管理局、公安局、总工会、温岭市政府",
        units="台州市应急管理局、台州市公安局、台州市总工会、温岭市人民政府",
        cause="有限空间作业未执行“先通风、再检测、后作业”，未配备防护用品，盲目施救导致伤亡扩大",
        findings="一起较大生产安全责任事故", responsible_units="事故企业；属地镇政府；温岭市应急管理局",
        responsible_people="企业主要负责人、安全管理员、作业班长",
        penalties_proposed="对企业处以罚款，对主要负责人处上一年年收入百分之四十罚款；移送司法机关追究责任人刑事责任",
        concluded_on=day + dt.timedelta(days=58))
    outcomes = {CheckTarget.ENTERPRISE: "企业未开展有限空间作业审批，安全培训流于形式",
                CheckTarget.REGULATOR: "属地监管部门年度检查未覆盖有限空间作业",
                CheckTarget.OFFICIALS: "对镇分管领导进行约谈"}
    for target, outcome in outcomes.items():
        services.check_record(by=officer, accident=accident, target=target, outcome=outcome,
                              checked_on=day + dt.timedelta(days=40))
    services.explanation_save(by=officer, accident=accident, required=True,
                              government_text="温岭市人民政府关于事故情况的书面说明",
                              government_received_on=day + dt.timedelta(days=20),
                              department_text="温岭市应急管理局关于监管情况的书面说明",
                              department_received_on=day + dt.timedelta(days=22))
    remedial = services.remedial_create(
        by=officer, accident=accident, region_code=WENLING, start=day + dt.timedelta(days=10),
        scope_text="温岭市涉有限空间作业企业", items=[{"text": "有限空间作业企业全覆盖检查"},
                                                    {"text": "镇街分管领导专题培训"}])
    first = remedial.items.order_by("id").first()
    services.remedial_item_close(by=officer, item=first, closed_on=day + dt.timedelta(days=45),
                                 note="检查 212 家企业，发现隐患 67 处")
    services.hazard_register_after(by=officer, accident=accident, enterprise_id=enterprise.pk,
                                   description="有限空间作业未设置警示标识、未配备气体检测仪",
                                   deadline=today + dt.timedelta(days=15), category="confined_space")
    return accident
