"""A year of hazard work in the Taizhou demo (台州演示: 隐患排查治理), on top of the
enterprises and people that `yingji.demo` seeds.

County bureaus inspect their enterprises (planned and ad hoc, against the shipped
small-park checklist, some against the major-hazard criteria of MEM Order No. 10),
enterprises with a safety officer inspect themselves, every "no" becomes a hazard,
and each hazard then lives its closed loop: fixed on the spot, rectified and accepted
on time, returned once, accepted late, or left stalled (the red lights). Wenling runs
a lithium-battery campaign (锂电池专项整治); the public sends reports, one rejected,
one accepted with a fine and a reward. The Taizhou city bureau lists one major hazard
for supervision (挂牌督办).

How the past is written. Every row goes through the hazards services, so numbering,
scope, the timeline and the audit chain apply. Those services take the day a hazard
was found and an inspection's date, but stamp transitions (closure day, timeline,
supervision) with the current time. To give the year a true history the seed plays
it in order with a simulated clock: `django.utils.timezone.now` is replaced, for the
duration of the seed only, by one that returns the moment being played. So a hazard
found in March and accepted nine days later has `closed_on` in March and a timeline
in March. Audit records keep the real time (their default is bound at import), which
is honest: they say when the rows were written. Nothing scheduled for today or later
is played, which is what leaves hazards open, some of them overdue. The seed must run
before any other thread starts (the demo command seeds before it serves).

The counties' diligence below is invented so that the ranking has something to rank;
it says nothing about the real bureaus.

Deterministic (one seeded `random.Random`), all in one transaction, and idempotent:
the campaign is the marker, so a second call writes nothing.
"""

import datetime as dt
import heapq
import itertools
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..core.models import Person
from ..enterprises.models import Enterprise
from . import reporting, services
from .choices import Answer, CampaignOutcomeKind, HazardLevel, HazardState, InspectionKind
from .lights import is_overdue
from .models import Campaign, ChecklistItem, Hazard, Inspection, PublicReport

SEED = 3310 + 7
SMALL_PARK, ORDER_10 = "small-park-10-10", "mem-order-10"
CITY = "3310"
WENLING, LINHAI = "331081", "331082"
# The demo logins of `yingji.demo` that act here, by username (no import of the demo
# package: it depends on the apps, not the other way round).
COUNTY_LOGINS = {WENLING: "demo-wenling", LINHAI: "demo-linhai"}
CITY_LOGIN = "demo-taizhou"
ENTERPRISE_LOGIN = "demo-enterprise"
CAMPAIGN_NAME = "温岭市锂电池企业安全专项整治"
CAMPAIGN_TAG = "锂电池"

# County: (share of enterprises inspected by plan in a year, share of hazards
# rectified on time, share left stalled). Invented; see the module docstring.
PRACTICE = {
    "331081": (0.50, 0.74, 0.04), "331082": (0.45, 0.66, 0.06), "331002": (0.45, 0.70, 0.05),
    "331003": (0.40, 0.62, 0.07), "331004": (0.35, 0.58, 0.09), "331083": (0.45, 0.68, 0.05),
    "331022": (0.25, 0.50, 0.12), "331023": (0.30, 0.56, 0.09), "331024": (0.25, 0.54, 0.10),
}
DEFAULT_PRACTICE = (0.35, 0.6, 0.08)
# How much likelier than average a "no" is, by four-colour risk grade.
SLOPPINESS = {"red": 2.2, "orange": 1.6, "yellow": 1.0, "blue": 0.7}
NO_RATE = 0.05  # chance of "no" per checklist item at an average enterprise
MAJOR_NO_RATE = 0.1  # per item of the major-hazard criteria
FIX_ON_SPOT_SHARE, RETURNED_SHARE = 0.13, 0.07

# What an inspector writes beside a "no", by checklist item.
NOTES = {
    "M01": "厂房消防验收手续未办结", "M02": "承租方未取得安全生产条件评估", "M03": "与承租企业未签订安全管理协议",
    "M04": "园区未配备专职安全管理人员", "M05": "近两周无每日巡查记录", "M06": "二楼灭火器压力不足",
    "M07": "B栋未安装联动逃生警铃", "M08": "电焊作业未办理动火审批", "M09": "本年度未组织联合应急演练",
    "M10": "对拒不整改企业未采取清退措施", "N01": "一楼仓库改作生产车间", "N02": "办公区采用泡沫夹芯板隔断",
    "N03": "三楼车间内设员工宿舍", "N04": "一楼外窗设置防盗网", "N05": "东侧安全出口堆放纸箱",
    "N06": "厂房违规分租给两家小作坊", "N07": "厂房之间违章搭建彩钢棚", "N08": "车间内存放稀释剂超过当班用量",
    "N09": "车间内私拉电线插排", "N10": "电动车在楼道内充电",
    "3.1": "未对承租单位开展安全检查", "3.2": "电工未持证上岗作业",
}
EVIDENCE = ("已整改完毕，附整改前后照片", "已更换并张贴检查标签", "已清理完毕并落实专人巡查",
            "已拆除并恢复原状", "已完成整改并组织员工培训")
RETURN_REASONS = ("整改照片不清晰，请补充", "现场复查仍有部分未整改到位", "缺少整改责任人签字的整改报告")
EXPERTS = ("台州市安全生产专家 王海军 高级工程师", "浙江省安全生产专家 陈建华 注册安全工程师")

Action = Callable[[], None]


@dataclass
class HazardsDemoReport:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    note: str = ""

    def summary(self) -> str:
        if not self.created:
            return self.note
        figures = ", ".join(f"{v} {k}" for k, v in self.counts.items())
        return f"{figures} in {self.seconds:.1f} s"


def is_seeded() -> bool:
    return Campaign.objects.filter(name=CAMPAIGN_NAME, region_id=WENLING).exists()


def seed_hazards_demo(today: dt.date | None = None) -> HazardsDemoReport:
    """Write the year of hazard work once; later calls change nothing. Needs the
    Taizhou demo (`yingji.demo.seed.seed_demo`) to be there first."""
    if is_seeded():
        return HazardsDemoReport(False, note="隐患演示数据已存在 / hazards demo already present")
    users = {u.username: u for u in get_user_model().objects.select_related("person").filter(
        username__in=[*COUNTY_LOGINS.values(), CITY_LOGIN, ENTERPRISE_LOGIN])}
    if len(users) < 4:
        return HazardsDemoReport(False, note="请先生成台州市演示数据 / seed the Taizhou demo first")
    today = today or timezone.localdate()
    started = time.process_time()
    with transaction.atomic():
        _Year(today, users).play()
    return HazardsDemoReport(True, counts=demo_counts(today), seconds=time.process_time() - started)


def demo_counts(today: dt.date) -> dict[str, int]:
    hazards = Hazard.objects.all()
    states = Counter(hazards.values_list("state", flat=True))
    overdue = sum(is_overdue(state=s, deadline=d, today=today) for s, d in hazards.values_list("state", "deadline"))
    return {
        "inspections": Inspection.objects.count(), "hazards": hazards.count(),
        "major": hazards.filter(level=HazardLevel.MAJOR).count(), "closed": states[HazardState.CLOSED],
        "open": hazards.count() - states[HazardState.CLOSED], "overdue": overdue,
        "supervised": hazards.filter(supervised=True).count(), "campaigns": Campaign.objects.count(),
        "reports": PublicReport.objects.count(),
    }


class _Clock:
    """The moment being played; stands in for `timezone.now` during the seed."""

    def __init__(self):
        self.at = timezone.now()

    def now(self) -> dt.datetime:
        return self.at


class _Year:
    """Plays the year as a queue of timed actions: an inspection schedules its
    hazards' next steps, each step schedules the one after. Only the past is played."""

    def __init__(self, today: dt.date, users: dict):
        self.today, self.users = today, users
        self.rng = random.Random(SEED)
        self.clock = _Clock()
        self.queue: list[tuple[dt.datetime, int, Action]] = []
        self.order = itertools.count()
        self.end = self.moment(today, 0, 0)
        self.items = {t: list(ChecklistItem.objects.filter(template__code=t).order_by("order"))
                      for t in (SMALL_PARK, ORDER_10)}
        self.inspectors = self._county_inspectors()
        self.safety_officers = dict(Person.objects.filter(
            organization__kind="enterprise", title="安全管理员", user__isnull=True,
            organization__enterprise__isnull=False).values_list("organization__enterprise", "pk"))
        self.showcase_id = users[ENTERPRISE_LOGIN].person.organization.enterprise.pk

    # The clock and the queue ---------------------------------------------------------

    def moment(self, day: dt.date, hour: int, minute: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def work_time(self, day: dt.date) -> dt.datetime:
        return self.moment(day, self.rng.randint(8, 16), self.rng.randrange(0, 60, 5))

    def at(self, when: dt.datetime, action: Action) -> None:
        if when < self.end:  # the future has not happened
            heapq.heappush(self.queue, (when, next(self.order), action))

    def play(self) -> None:
        with mock.patch("django.utils.timezone.now", self.clock.now):
            self.plan()
            while self.queue:
                when, _, action = heapq.heappop(self.queue)
                self.clock.at = when
                action()

    # Who acts ----------------------------------------------------------------------------

    def officer(self, county: str):
        """The county bureau's login where the demo has one, else the system."""
        login = COUNTY_LOGINS.get(county)
        return self.users[login] if login else None

    def for_enterprise(self, enterprise_id: int, county: str):
        """Enterprise-side steps: the demo enterprise's own login, else the county
        officer on its behalf (as the services allow), else the system."""
        return self.users[ENTERPRISE_LOGIN] if enterprise_id == self.showcase_id else self.officer(county)

    def _county_inspectors(self) -> dict[str, list[int]]:
        result: dict[str, list[int]] = {}
        for pk, region in Person.objects.filter(title="安全生产监管员").order_by("pk").values_list("pk", "region_id"):
            result.setdefault(region, []).append(pk)
        return result

    # The year's plan -----------------------------------------------------------------------

    def plan(self) -> None:
        enterprises = list(Enterprise.objects.order_by("pk").values_list("pk", "region_id", "risk_grade", "industry"))
        for row in enterprises:
            self.plan_enterprise(*row)
        self.plan_recent(enterprises)
        self.plan_campaign()
        self.plan_reports(enterprises)

    def day_in_year(self) -> dt.date:
        """A weekday of the past year: drawn from 3 to 363 days ago, so that moving a
        weekend back to Friday stays inside the year and before today."""
        return self.weekday(self.today - dt.timedelta(days=self.rng.randint(3, 363)))

    def plan_enterprise(self, pk: int, region: str, grade: str, industry: str) -> None:
        county = region[:6]
        planned_share = PRACTICE.get(county, DEFAULT_PRACTICE)[0]
        visits = 2 if grade in ("red", "orange") else 1
        for _ in range(visits):
            if self.rng.random() < planned_share:
                self.plan_inspection(pk, county, grade, industry, InspectionKind.PLANNED)
        if self.rng.random() < 0.06:
            self.plan_inspection(pk, county, grade, industry, InspectionKind.AD_HOC)
        self_checks = 4 if pk == self.showcase_id else 1 if pk in self.safety_officers else 0
        for _ in range(self_checks):
            self.plan_inspection(pk, county, grade, industry, InspectionKind.SELF)

    def plan_inspection(self, pk: int, county: str, grade: str, industry: str, kind: str) -> None:
        """A day, a checklist (the major-hazard criteria for a third of the planned
        visits to chemical and red or orange enterprises) and the answers."""
        day = self.day_in_year()
        against_order_10 = (kind == InspectionKind.PLANNED and (industry == "chemical" or grade in ("red", "orange"))
                            and self.rng.random() < 0.3)
        template = ORDER_10 if against_order_10 else SMALL_PARK
        answers = self.draw_answers(template, grade, industry)
        self.at(self.work_time(day), lambda: self.inspect(pk, county, kind, day, template, answers))

    def draw_answers(self, template: str, grade: str, industry: str) -> list[dict]:
        rate = (MAJOR_NO_RATE if template == ORDER_10 else NO_RATE) * SLOPPINESS.get(grade, 1.0)
        rows = []
        for item in self.items[template]:
            if item.code == "3.3" and industry not in ("metallurgy", "nonferrous"):
                answer = Answer.NOT_APPLICABLE  # the smelting item applies to smelters only
            else:
                answer = Answer.NO if self.rng.random() < rate else Answer.YES
            note = NOTES.get(item.code, "") if answer == "no" else ""
            rows.append({"item": item.code, "answer": answer, "note": note})
        return rows

    # Inspections and hazards ----------------------------------------------------------------

    def inspect(self, pk, county, kind, day, template, answers, campaign=None, fates=None) -> Inspection:
        """Record the inspection; each hazard found lives the fate `fates` gives its
        item, or a drawn one."""
        if kind == InspectionKind.SELF:
            by = self.for_enterprise(pk, county)
            inspectors = [self.safety_officers[pk]] if pk in self.safety_officers else []
        else:
            by = self.officer(county)
            pool = self.inspectors.get(county, [])
            inspectors = pool[:2] if self.rng.random() < 0.4 else pool[:1]
        inspection = services.inspection_create(
            by=by, enterprise_id=pk, kind=kind, date=day, template_code=template, answers=answers,
            inspector_ids=inspectors, campaign_id=campaign.pk if campaign else None)
        for hazard in inspection.hazards.select_related("item").order_by("pk"):
            self.live(hazard, county, (fates or {}).get(hazard.item.code, ""))
        return inspection

    def draw_fate(self, county: str) -> str:
        _, on_time, stalled = PRACTICE.get(county, DEFAULT_PRACTICE)
        r = self.rng.random()
        for fate, share in (("fix_on_spot", FIX_ON_SPOT_SHARE), ("returned", RETURNED_SHARE), ("stalled", stalled),
                            ("on_time", on_time)):
            if r < share:
                return fate
            r -= share
        return "late"

    def live(self, hazard: Hazard, county: str, fate: str = "") -> None:
        """Schedule a general hazard's steps by its fate: fixed on the spot, on time,
        returned once, late, stalled (started or not, never submitted), or, for the
        scripted recent ones, stopped at `registered`, `rectifying` or `submitted`."""
        if hazard.level == HazardLevel.MAJOR:
            self.live_major(hazard, county, until=fate)
            return
        fate = fate or self.draw_fate(county)
        company = self.for_enterprise(hazard.enterprise_id, county)
        found = hazard.found_on
        if fate == "fix_on_spot":
            self.at(self.clock.at + dt.timedelta(minutes=self.rng.randint(20, 90)),
                    lambda: services.hazard_fix_on_spot(by=company, hazard=hazard,
                                                        evidence_text="现场立即整改完毕，附照片"))
            return
        if fate == "registered" or (fate == "stalled" and self.rng.random() < 0.5):
            return  # registered and never started
        self.at(self.work_time(found + dt.timedelta(days=self.rng.randint(1, 3))),
                lambda: services.hazard_start(by=company, hazard=hazard))
        if fate in ("stalled", "rectifying"):
            return
        # On time: submitted in the second week, accepted by the deadline (15 days).
        submit_day = {"on_time": found + dt.timedelta(days=self.rng.randint(6, 12)),
                      "returned": found + dt.timedelta(days=self.rng.randint(5, 8)),
                      "submitted": found + dt.timedelta(days=4),  # after the start (day 1 to 3)
                      "late": hazard.deadline + dt.timedelta(days=self.rng.randint(3, 40))}[fate]
        self.submit_then_accept(hazard, company, self.officer(county), submit_day, returned=fate == "returned",
                                accept=fate != "submitted")

    def submit_then_accept(self, hazard, company, officer, day: dt.date, *, returned: bool = False,
                           accept: bool = True) -> None:
        evidence = self.rng.choice(EVIDENCE)
        self.at(self.work_time(day), lambda: services.hazard_submit(by=company, hazard=hazard, evidence_text=evidence))
        review_day = day + dt.timedelta(days=self.rng.randint(1, 3))
        if returned:
            reason = self.rng.choice(RETURN_REASONS)
            self.at(self.work_time(review_day),
                    lambda: services.hazard_return(by=officer, hazard=hazard, reason=reason))
            self.submit_then_accept(hazard, company, officer, review_day + dt.timedelta(days=self.rng.randint(2, 6)))
        elif accept:
            self.at(self.work_time(review_day), lambda: services.hazard_accept(by=officer, hazard=hazard))

    def live_major(self, hazard: Hazard, county: str, *, until: str = "") -> None:
        """Report, treatment plan (its deadline two to five months out), rectification,
        acceptance with an expert; a quarter run late. `until` stops the story at a
        state (reported, planned, rectifying), or makes it the one listed for
        supervision by the city bureau (supervised: still rectifying today)."""
        company = self.for_enterprise(hazard.enterprise_id, county)
        found = hazard.found_on
        plan_day = found + dt.timedelta(days=self.rng.randint(5, 10))
        deadline = found + dt.timedelta(days=self.rng.randint(60, 150))
        supervisor = None
        if until == "supervised":
            supervisor, deadline, until = self.users[CITY_LOGIN], found + dt.timedelta(days=160), "rectifying"
        self.at(self.work_time(found + dt.timedelta(days=1)), lambda: services.hazard_report(
            by=company, hazard=hazard, note="已按规定向属地应急管理部门报告"))
        if supervisor is not None:
            self.at(self.work_time(found + dt.timedelta(days=4)), lambda: services.hazard_supervise(
                by=supervisor, hazard=hazard, reason="台州市安委办挂牌督办：限期完成治理，每月报告进展"))
        if until == "reported":
            return
        self.at(self.work_time(plan_day), lambda: services.hazard_plan(by=company, hazard=hazard, plan=_plan(
            hazard, deadline)))
        if until == "planned":
            return
        self.at(self.work_time(plan_day + dt.timedelta(days=1)),
                lambda: services.hazard_start(by=company, hazard=hazard))
        if until == "rectifying":
            return
        late = self.rng.random() < 0.25
        submit_day = deadline + dt.timedelta(days=self.rng.randint(5, 30)) if late else \
            deadline - dt.timedelta(days=self.rng.randint(3, 15))
        expert = self.rng.choice(EXPERTS)
        self.at(self.work_time(submit_day), lambda: services.hazard_submit(
            by=company, hazard=hazard, evidence_text="治理工程完工，附竣工资料和专家意见"))
        self.at(self.work_time(submit_day + dt.timedelta(days=3)), lambda: services.hazard_accept(
            by=self.officer(county), hazard=hazard, expert=expert, note="经专家验收合格，予以销号"))

    # Scripted stories -----------------------------------------------------------------------

    def plan_recent(self, enterprises) -> None:
        """Open work to show today, in every state of the loop: at the demo
        enterprise a yellow light, a hazard waiting to be accepted and one not yet
        started; majors reported, planned, and one listed for supervision by the city
        bureau a hundred days ago, still being treated."""
        chemical = {c: [e[0] for e in enterprises if e[1].startswith(c) and e[3] == "chemical"]
                    for c in (WENLING, LINHAI)}
        showcase = self.showcase_id
        self.scripted(showcase, WENLING, InspectionKind.PLANNED, SMALL_PARK, 13, {"N05": "rectifying"})
        self.scripted(showcase, WENLING, InspectionKind.SELF, SMALL_PARK, 5, {"M05": "registered", "N09": "submitted"})
        self.scripted(chemical[LINHAI][0], LINHAI, InspectionKind.PLANNED, ORDER_10, 9, {"3.2": "reported"})
        self.scripted(chemical[WENLING][1], WENLING, InspectionKind.PLANNED, ORDER_10, 20, {"3.2": "planned"})
        self.scripted(chemical[WENLING][0], WENLING, InspectionKind.PLANNED, ORDER_10, 100, {"3.1": "supervised"})

    def scripted(self, pk: int, county: str, kind: str, template: str, days_ago: int, fates: dict) -> None:
        day = self.weekday(self.today - dt.timedelta(days=days_ago))
        answers = self.answers(template, set(fates))
        self.at(self.work_time(day), lambda: self.inspect(pk, county, kind, day, template, answers, fates=fates))

    def answers(self, template: str, noes: set[str]) -> list[dict]:
        return [{"item": i.code, "answer": "no" if i.code in noes else "na" if i.code == "3.3" else "yes",
                 "note": NOTES.get(i.code, "") if i.code in noes else ""} for i in self.items[template]]

    @staticmethod
    def weekday(day: dt.date) -> dt.date:
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        return day

    def plan_campaign(self) -> None:
        """Lithium-battery enterprises of Wenling, from three months ago to a month ahead:
        all but one inspected, one found twice charging e-bikes indoors (so on the
        negative list)."""
        start, end = self.today - dt.timedelta(days=90), self.today + dt.timedelta(days=30)
        targets = list(Enterprise.objects.filter(region__code__startswith=WENLING, tags__name=CAMPAIGN_TAG)
                       .order_by("pk").values_list("pk", "risk_grade"))
        officer = self.officer(WENLING)
        holder = {}

        def launch():
            holder["campaign"] = services.campaign_create(
                by=officer, name=CAMPAIGN_NAME, region_code=WENLING, start=start, end=end, tag=CAMPAIGN_TAG,
                template_code=SMALL_PARK,
                description="聚焦锂电池生产、储存、使用企业：电动车违规充电、私拉乱接电线、仓储消防设施和疏散通道。")

        self.at(self.work_time(start), launch)
        findings = [["N10", "N09"], ["M06"], ["N05"]]
        for (pk, _grade), noes in zip(targets[:-1], itertools.cycle(findings)):
            self.campaign_visit(holder, pk, start + dt.timedelta(days=self.rng.randint(7, 30)), noes)
        if targets[:-1]:
            self.campaign_visit(holder, targets[0][0], start + dt.timedelta(days=60), ["N10"])
            # After the second visit (at most two days later): the officer keeps the
            # repeat offender on the negative list and decides its outcome (一企一策).
            # A fixed hour, not a draw: the rest of the seed stays as it was.
            day = self.weekday(start + dt.timedelta(days=65))
            self.at(self.moment(day, 16, 30), lambda: self.campaign_decide(officer, holder, targets[0][0], end))

    def campaign_decide(self, officer, holder: dict, pk: int, end: dt.date) -> None:
        campaign = holder["campaign"]
        services.negative_entry_add(by=officer, campaign=campaign, enterprise_id=pk,
                                    reason="两次检查均发现车间内电动车违规充电，未整改")
        services.campaign_outcome_set(
            by=officer, campaign=campaign, enterprise_id=pk, outcome=CampaignOutcomeKind.UPGRADE,
            measures="设置室外集中充电区并安装智能充电桩；车间内禁止停放、充电；员工安全培训一次。",
            responsible="企业主要负责人", due_at=end)

    def campaign_visit(self, holder: dict, pk: int, day: dt.date, noes: list[str]) -> None:
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        answers = [{"item": i.code, "answer": "no" if i.code in noes else "yes",
                    "note": NOTES.get(i.code, "") if i.code in noes else ""} for i in self.items[SMALL_PARK]]
        self.at(self.work_time(day), lambda: self.inspect(pk, WENLING, InspectionKind.PLANNED, day, SMALL_PARK,
                                                          answers, holder["campaign"]))

    def plan_reports(self, enterprises) -> None:
        """Public reports: one accepted long ago and fined (a reward is due), one
        rejected, one accepted in Linhai, and a few still waiting for triage."""
        wenling = [e[0] for e in enterprises if e[1].startswith(WENLING) and e[0] != self.showcase_id]
        linhai = [e[0] for e in enterprises if e[1].startswith(LINHAI)]
        w_town, l_town = _region_of(wenling[3]), _region_of(linhai[2])
        self.report(200, w_town, "厂房三楼车间里住着十几个工人，晚上还在里面做饭", "温岭某鞋厂",
                    accept=(wenling[3], "fire", "车间内设置员工宿舍并使用明火做饭"), fine=Decimal(50000))
        self.report(120, WENLING + "001", "隔壁邻居家里私拉电线给电动车充电，很危险", "",
                    reject="经核查，被举报地点为居民住宅，不属于安全生产监管范围，已转交属地街道处理")
        self.report(45, l_town, "仓库里堆了很多油漆桶，门口还有人抽烟", "临海某休闲用品厂",
                    accept=(linhai[2], "hazchem", "仓库超量存放油漆等危险化学品，现场有吸烟现象"), by=LINHAI)
        self.report(6, w_town, "工厂车间门口电动车排成一排在充电", "温岭某泵业公司")
        self.report(3, WENLING + "101", "园区消防通道被货车和纸箱堵死了", "")
        self.report(2, l_town, "厂里的灭火器都过期了，没人管", "临海某眼镜厂")

    def report(self, days_ago: int, region: str, text: str, name: str, *, accept=None, reject="",
               fine=None, by: str = WENLING) -> None:
        ip = f"192.0.2.{days_ago % 250 + 1}"  # TEST-NET-1 (RFC 5737): no real address
        day = self.today - dt.timedelta(days=days_ago)
        officer = self.officer(by)

        def create():
            report = reporting.report_create(ip=ip, region_code=region, description=text, enterprise_name=name,
                                             now=self.clock.at)
            if reject:
                self.at(self.work_time(day + dt.timedelta(days=2)),
                        lambda: reporting.report_reject(by=officer, report=report, reason=reject))
            if accept:
                self.at(self.work_time(day + dt.timedelta(days=1)),
                        lambda: self.accept_report(report, accept, by, fine))

        self.at(self.moment(day, 20, 30), create)

    def accept_report(self, report: PublicReport, accept: tuple, county: str, fine) -> None:
        enterprise_id, category, description = accept
        officer = self.officer(county)
        today = timezone.localtime(self.clock.at).date()
        hazard = reporting.report_accept(by=officer, report=report, enterprise_id=enterprise_id,
                                         deadline=today + dt.timedelta(days=15), description=description,
                                         category=category)
        self.live(hazard, county, fate="on_time" if fine else "stalled")
        if fine:
            self.at(self.work_time(today + dt.timedelta(days=30)),
                    lambda: reporting.report_record_penalty(by=officer, report=report, fine=fine))


def _region_of(enterprise_id: int) -> str:
    return Enterprise.objects.values_list("region_id", flat=True).get(pk=enterprise_id)


def _plan(hazard: Hazard, deadline: dt.date) -> dict:
    return {
        "goal": f"{deadline:%Y年%m月%d日}前消除重大事故隐患：{hazard.description[:60]}",
        "measures": "建立承包承租单位安全管理台账，签订安全管理协议，每月开展联合检查并整改发现的问题",
        "funds": Decimal("120000.00"),
        "materials": "消防器材、警示标志、检测仪器",
        "people": "企业主要负责人牵头，安全管理部门具体负责",
        "deadline": deadline,
        "safety_measures": "治理期间停止相关区域作业，设置警戒区，专人监护",
        "contingency_plan": "已修订专项应急预案并组织演练",
    }
