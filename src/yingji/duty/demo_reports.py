"""The information-report demo (信息报送演示): three reports in Taizhou at different stages,
written through the services with their moments in the recent past.

1. Wenling, a township's workshop fire (accident, 一般): the initial report of 40
   minutes ago; the county confirmed receipt, the city's limit is still ahead (on time).
2. Linhai, a landslide (natural disaster): initial report 6 hours ago with 2 missing,
   a follow-up 4 hours ago with 1 dead and 3 missing, which made it 较大 and added the
   province; every level confirmed (on time).
3. Huangyan, a fall from height at a construction site (accident): two days ago; the
   county confirmed, the city never did and the tick flagged it late (迟报); the
   follow-up and the final report came the next day.

Needs the Taizhou demo's accounts (demo-wenling, demo-linhai, demo-taizhou). Written
once: a second call changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..core.models import Region
from .models.reports import AckChannel, InfoReport, ReportDeadline
from .services import reports as services

LOGINS = ("demo-wenling", "demo-linhai", "demo-taizhou")


@dataclass
class ReportsDemo:
    created: int
    note: str = ""

    def summary(self) -> str:
        return self.note or f"{self.created} information reports"


def _township(county: str) -> str:
    town = Region.objects.filter(parent_id=county).order_by("code").values_list("code", flat=True).first()
    return town or county


def _ack(report: InfoReport, level: str, user, at: dt.datetime) -> None:
    deadline = ReportDeadline.objects.get(report=report, level=level)
    services.report_acknowledge(deadline=deadline, person=getattr(user, "person", None), channel=AckChannel.APP,
                                by=user, at=at)


def seed_reports_demo(now: dt.datetime | None = None) -> ReportsDemo:
    if InfoReport.objects.exists():
        return ReportsDemo(0, note="信息报送演示数据已存在 / information reports demo already present")
    users = {u.username: u for u in get_user_model().objects.select_related("person").filter(username__in=LOGINS)}
    if len(users) < len(LOGINS):
        return ReportsDemo(0, note="请先生成台州市演示数据 / seed the Taizhou demo first")
    now = now or timezone.now()
    wenling, linhai, taizhou = users["demo-wenling"], users["demo-linhai"], users["demo-taizhou"]

    def ago(minutes: float) -> dt.datetime:
        return now - dt.timedelta(minutes=minutes)

    with transaction.atomic():
        fire = services.report_create(
            by=wenling, region=_township("331081"), kind="accident", title="某鞋业公司车间火灾",
            description="车间起火，1人死亡，2人受伤，火势已控制。", measures="消防救援到场，疏散员工120人。",
            enterprise_name="温岭某鞋业有限公司", occurred_at=ago(55), learned_at=ago(45), phoned_at=ago(42),
            deaths=1, injuries=2, latitude=28.37, longitude=121.38, now=ago(40))
        _ack(fire, "county", wenling, ago(30))

        slide = services.report_create(
            by=linhai, region=_township("331082"), kind="natural_disaster", title="某村山体滑坡",
            description="强降雨引发山体滑坡，2人失联。", measures="已转移周边群众86人，搜救进行中。",
            occurred_at=ago(390), learned_at=ago(375), phoned_at=ago(370), missing=2, now=ago(360))
        _ack(slide, "county", linhai, ago(350))
        _ack(slide, "city", taizhou, ago(340))
        slide = services.report_followup(by=linhai, report=slide, deaths=1, missing=3, injuries=1,
                                         description="确认1人死亡，3人失联，1人受伤。", now=ago(240))
        _ack(slide, "province", None, ago(200))  # the province's desk (no demo login there)

        fall = services.report_create(
            by=taizhou, region=_township("331003"), kind="accident", title="某工地高处坠落",
            description="脚手架作业人员坠落，1人死亡。", enterprise_name="某建设工程有限公司",
            occurred_at=ago(2 * 1440 + 20), learned_at=ago(2 * 1440), deaths=1, now=ago(2 * 1440 - 30))
        _ack(fall, "county", taizhou, ago(2 * 1440 - 45))
        services.process_due_deadlines(now=ago(2 * 1440 - 200))  # the city's limit passed unconfirmed
        services.report_followup(by=taizhou, report=fall, deaths=1, injuries=1, description="另有1人轻伤。",
                                 now=ago(1440))
        services.report_final(by=taizhou, report=fall, deaths=1, injuries=1, direct_loss=1_800_000,
                              description="善后处置完毕，直接经济损失约180万元。", now=ago(1200))
    return ReportsDemo(3)
