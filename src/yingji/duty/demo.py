"""Taizhou's duty desk for the demo month (台州演示: 值班值守), on top of the people and
bureaus that `yingji.demo` seeds.

Each desk (the city, 3310, and its nine counties) gets its staff (duty officers, bureau
leaders who take turns as leader on duty, backups) and a roster for the whole current
month, the month the demo is looked at: 24-hour shifts from 08:30, one officer, one
leader and one backup a day, in rotation. The demo logins of the city, Wenling and
Linhai are on their desk's roster today, so whoever tries the demo holds the desk.
During the last few days Wenling's desk was reinforced (联合值班) for a rainstorm.

The city, Wenling and Linhai keep a duty log for the last days up to now: calls and
events from the usual sources, most closed, some left open and carried over at each
morning's handover, accepted by the next officer and signed off by the leader on duty.
The log is written through the services with the moment being played (`now=`), so the
times are those of the story; audit records keep the real time, which is honest.

Deterministic (one seeded `random.Random`), one transaction, idempotent: a second call
writes nothing once a roster exists for the city.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..core import audit
from ..core.choices import Role, ShiftRole
from ..core.models import Organization, Person, Region, RosterShift
from ..core.services import person_create
from .services import log, roster
from .services.roster import SHIFT_CHANGE, desk_day, desk_day_bounds

SEED = 3310 + 16
CITY = "3310"
COUNTIES = ("331002", "331003", "331004", "331081", "331082", "331083", "331022", "331023", "331024")
LOGIN_OF = {CITY: "demo-taizhou", "331081": "demo-wenling", "331082": "demo-linhai"}
LOGGED = (CITY, "331081", "331082")  # desks that keep a demo log
LOG_DAYS = 5
REINFORCED = "331081"
STAFF = {"officer": ("值班员", 4), "leader": ("局领导", 3), "backup": ("备班人员", 2)}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华",
         "国强", "海燕", "晓东", "志刚", "丽华", "文杰", "振宇", "佳怡", "建军", "小红", "晨", "浩然", "雪梅")

# (source, caller, summary, actions, stays open?)
EVENTS = (
    ("phone", "{town}人民政府", "{town}报告：强降雨致部分低洼路段积水约 30 厘米",
     "已通知交通、城管部门设置警示，安排排涝", False),
    ("superior", "省应急管理厅", "省厅通知：明日 9 时召开防汛视频会商会", "已报告带班领导，通知相关科室参会", False),
    ("platform", "预警发布平台", "气象台发布暴雨黄色预警信号", "已转发各乡镇（街道），提醒落实防御措施", False),
    ("phone", "群众", "群众反映：{town}一处山体出现裂缝", "已通知{town}派人现场查看，设置警戒", True),
    ("fax", "市防指办", "市防指传真：做好台风防御准备工作的通知", "已登记并报送局领导阅示", False),
    ("subordinate", "{town}安监站", "{town}一企业报告：厂区停电，危化品仓库温控受影响",
     "已联系供电部门抢修，督促企业启用备用电源", True),
    ("walk_in", "来访群众", "群众来访咨询避灾安置点位置", "已告知就近安置点及联系电话", False),
    ("phone", "120 指挥中心", "道路交通事故通报：1 人受伤送医", "已记录，跟踪伤情续报", True),
    ("media", "台州日报", "媒体询问近期防汛工作安排", "已转宣传科统一答复", False),
    ("phone", "{town}人民政府", "{town}报告：转移危险区域群众 12 户 31 人", "已汇总上报市防指", False),
)


@dataclass
class DutyDemoReport:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        if not self.created:
            return "值班数据已存在 / duty demo already present"
        return ", ".join(f"{v} {k}" for k, v in self.counts.items()) + f" in {self.seconds:.1f} s"


def seed_duty_demo(*, now: dt.datetime | None = None) -> DutyDemoReport:
    if RosterShift.objects.filter(region_id=CITY).exists() or not Region.objects.filter(pk=CITY).exists():
        return DutyDemoReport(created=False)
    started = time.monotonic()
    now = now or timezone.now()
    rng = random.Random(SEED)
    with transaction.atomic():
        staff = {code: _staff(code, i, rng) for i, code in enumerate((CITY, *COUNTIES))}
        shifts = _rosters(staff, now)
        reinforced = _reinforce(staff[REINFORCED], now)
        entries, handovers = 0, 0
        for code in LOGGED:
            e, h = _log(code, staff[code], now, rng)
            entries, handovers = entries + e, handovers + h
    return DutyDemoReport(created=True, seconds=time.monotonic() - started, counts={
        "shifts": shifts + reinforced, "log entries": entries, "handovers": handovers})


def _staff(code: str, index: int, rng: random.Random) -> dict[str, list[Person]]:
    """The desk's people: new officers, leaders and backups of the bureau, and the demo
    login (who takes the officer's turn today)."""
    bureau = Organization.objects.filter(region_id=code, kind="bureau").first()
    people: dict[str, list[Person]] = {}
    serial = 0
    for role, (title, count) in STAFF.items():
        people[role] = []
        for _ in range(count):
            serial += 1
            people[role].append(person_create(
                by=None, name=rng.choice(SURNAMES) + rng.choice(GIVEN), mobile=f"166{index:02d}{serial:06d}",
                region_id=code, organization_id=bureau.pk if bureau else None, title=title, role=Role.VIEWER))
    login = get_user_model().objects.filter(username=LOGIN_OF.get(code, "")).first()
    people["login"] = [login.person] if login is not None and hasattr(login, "person") else []
    return people


def _month_days(today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    # The shift of the day before the month (it covers the first morning until 08:30).
    return [first + dt.timedelta(days=i) for i in range(-1, (nxt - first).days)]


def _rosters(staff: dict, now: dt.datetime) -> int:
    """Every desk's month in bulk (one audit record per desk): 900 shifts one by one
    would make the seed slow for no gain: the rows are the same."""
    today = desk_day(now)
    total = 0
    for code, people in staff.items():
        rows = []
        for n, day in enumerate(_month_days(today)):
            start, end = desk_day_bounds(day)
            officers = people["officer"]
            officer = people["login"][0] if day == today and people["login"] else officers[n % len(officers)]
            for role, person in ((ShiftRole.OFFICER, officer), (ShiftRole.LEADER, people["leader"][n % 3]),
                                 (ShiftRole.BACKUP, people["backup"][n % 2])):
                rows.append(RosterShift(region_id=code, person=person, role=role, starts_at=start, ends_at=end))
        created = RosterShift.objects.bulk_create(rows)
        audit.record_batch(actor=None, action="demo_roster", object_type="core.rostershift",
                           ids={"created": [s.pk for s in created]}, region_code=code)
        total += len(created)
    return total


def _reinforce(people: dict, now: dt.datetime) -> int:
    """A rainstorm: two extra officers on Wenling's desk for the last two days (联合值班)."""
    today = desk_day(now)
    created = 0
    extra = [people["officer"][-1], people["backup"][-1]]
    for back in (1, 0):
        start, end = desk_day_bounds(today - dt.timedelta(days=back))
        for person in extra:
            busy = RosterShift.objects.filter(person=person, starts_at__lt=end, ends_at__gt=start).exists()
            if not busy:
                roster.shift_create(by=None, region_code=REINFORCED, person_id=person.pk, starts_at=start,
                                    ends_at=end, reinforced=True, note="暴雨预警 联合值班")
                created += 1
    return created


def _log(code: str, people: dict, now: dt.datetime, rng: random.Random) -> tuple[int, int]:
    """The last LOG_DAYS duty days up to now: a few entries a day, handovers each morning."""
    towns = list(Region.objects.filter(parent_id=code).order_by("code").values_list("name", flat=True)[:8]) or ["某镇"]
    today = desk_day(now)
    entries = handovers = 0
    for back in range(LOG_DAYS, -1, -1):
        day = today - dt.timedelta(days=back)
        start, end = desk_day_bounds(day)
        officer = _on(code, "officer", start)
        moments = [start + dt.timedelta(minutes=rng.randint(20, 23 * 60)) for _ in range(rng.randint(2, 4))]
        if back == 0 and now - start > dt.timedelta(minutes=30):  # the shift now has its first calls
            moments += [start + (now - start) / 3, start + (now - start) * 2 / 3]
        for at in sorted(moments):
            if at + dt.timedelta(minutes=3) > now:
                continue
            source, caller, summary, actions, stays_open = rng.choice(EVENTS)
            town = rng.choice(towns)
            entry = log.entry_create(by=None, region_code=code, source=source, caller=caller.format(town=town),
                                     summary=summary.format(town=town), actions=actions.format(town=town),
                                     occurred_at=at, now=at + dt.timedelta(minutes=3), person=officer)
            entries += 1
            if not stays_open or rng.random() < 0.4:
                closing = min(now, at + dt.timedelta(hours=rng.randint(1, 30)))
                if closing > entry.recorded_at:
                    log.entry_close(by=None, entry=entry, note="已办结", now=closing)
        if end <= now:  # the morning handover that ended this shift
            incoming = _on(code, "officer", end)
            handover = log.handover_create(by=None, region_code=code, notes="请继续跟踪未办结事项。",
                                           incoming_id=incoming.pk, now=end, person=officer)
            log.handover_accept(by=None, handover=handover, now=end + dt.timedelta(minutes=5), person=incoming)
            leader = _on(code, "leader", start)
            if back > 0 or now > end + dt.timedelta(hours=1):
                log.handover_sign_off(by=None, handover=handover, note="已阅，同意。",
                                      now=end + dt.timedelta(minutes=20), person=leader)
            handovers += 1
    return entries, handovers


def _on(code: str, role: str, at: dt.datetime) -> Person:
    shift = (RosterShift.objects.filter(region_id=code, role=role, starts_at__lte=at, ends_at__gt=at, reinforced=False)
             .select_related("person").first())
    return shift.person


__all__ = ["SHIFT_CHANGE", "DutyDemoReport", "seed_duty_demo"]
