"""Notices and consultations of the Taizhou demo (台州演示: 提示单与会商).

The city bureau sent a typhoon tip sheet to its nine counties three days ago: eight
answered before the reply-by, Sanmen (三门县) did not, was reminded by the tick and
is listed late. Today's heat work tip is half answered. Wenling sent a circular to
its towns. Two consultations: the city's daily judgement that led to the tip sheet,
and Wenling's consultation on the flood season. Written through the services with
past times; idempotent (the tip sheet's title is the marker)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..core.models import Region
from .models.notices import Notice, NoticeTarget
from .services import notices as notice_services
from .services.consultations import consultation_create

CITY, WENLING, SANMEN = "3310", "331081", "331022"
TYPHOON_TITLE = "关于做好第6号台风“烟花”防御工作的提示单"
ANSWERS = ["已传达至各乡镇（街道），人员转移准备就绪。", "已部署防御工作，重点区域已落实巡查。",
           "已召开专题会议部署，值班力量已加强。", "已收到，正在落实，危险区域人员已转移。"]


def seed_notices_demo(now: dt.datetime | None = None) -> dict:
    """Write the demo's notices and consultations once; later calls change nothing."""
    if Notice.objects.filter(title=TYPHOON_TITLE).exists():
        return {"seeded": False}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["demo-taizhou", "demo-wenling"])}
    if len(users) < 2:
        return {"seeded": False}
    now = now or timezone.now()
    city, wenling = users["demo-taizhou"], users["demo-wenling"]
    counties = list(Region.objects.filter(parent_id=CITY).order_by("code").values_list("code", flat=True))
    with transaction.atomic():
        judged = consultation_create(
            by=city, region=CITY, kind="daily_judgement", held_at=now - dt.timedelta(days=3, hours=1),
            topic="台风“烟花”防御日研判", convened_by="市应急管理局局长",
            participants="市应急管理局、市气象局、市水利局、市自然资源和规划局值班负责人",
            units="各县（市、区）应急管理局（视频连线）",
            situation="台风预计48小时内影响我市，沿海风力9～11级，温岭、玉环、三门累计雨量可达200毫米以上。",
            decisions="向各县（市、区）发送防御提示单；启动防台风Ⅳ级应急响应；加强24小时值班值守。",
            actions=[{"text": "危险区域人员转移到位", "owner": "各县（市、区）",
                      "due_on": (now - dt.timedelta(days=2)).date()},
                     {"text": "渔船回港避风", "owner": "市海洋与渔业局"}])
        sent = now - dt.timedelta(days=3)
        typhoon = notice_services.notice_create(
            by=city, region=CITY, kind="tip_sheet", urgency="very_urgent", title=TYPHOON_TITLE,
            body="各县（市、区）应急管理局：第6号台风“烟花”将影响我市。请加强值班值守，落实危险区域人员转移，"
                 "于规定时限前反馈落实情况。",
            reply_by=sent + dt.timedelta(hours=24), targets=counties, consultation_id=judged.pk, now=sent)
        for i, target in enumerate(typhoon.targets.exclude(region_id=SANMEN).order_by("region_id")):
            notice_services.feedback_answer(target=target, answer=ANSWERS[i % len(ANSWERS)],
                                            name=f"{target.region.name}值班员",
                                            now=sent + dt.timedelta(hours=2 + i))
        notice_services.remind_overdue(now=sent + dt.timedelta(hours=24, minutes=1))
        heat = notice_services.notice_create(
            by=city, region=CITY, kind="work_tip", urgency="urgent", title="高温天气危险化学品企业安全防范工作提示",
            body="近期持续高温，请督促辖区危险化学品企业落实储罐降温、动火作业审批等措施。",
            reply_by=now + dt.timedelta(days=1), targets=counties, now=now - dt.timedelta(hours=5))
        for i, target in enumerate(heat.targets.order_by("region_id")[:5]):
            notice_services.feedback_answer(target=target, answer="已转发辖区企业并开展抽查。",
                                            name=f"{target.region.name}值班员",
                                            now=now - dt.timedelta(hours=4 - i * 0.5))
        towns = list(Region.objects.filter(parent_id=WENLING).order_by("code").values_list("code", flat=True))[:6]
        circular = notice_services.notice_create(
            by=wenling, region=WENLING, kind="circular", title="关于加强汛期值班值守的通知",
            body="各镇（街道）：请落实汛期24小时值班和领导带班制度，值班表报市应急管理局备案。",
            reply_by=now + dt.timedelta(days=2), targets=towns, now=now - dt.timedelta(days=1))
        for target in circular.targets.order_by("region_id")[:4]:
            notice_services.feedback_answer(target=target, answer="已落实，值班表已报送。",
                                            name=f"{target.region.name}值班员", now=now - dt.timedelta(hours=20))
        consultation_create(
            by=wenling, region=WENLING, kind="consultation", held_at=now - dt.timedelta(days=1, hours=2),
            topic="汛期防汛形势会商", convened_by="温岭市应急管理局分管副局长",
            participants="市应急管理局、市水利局、市气象局", units="各镇（街道）",
            situation="入汛以来降雨偏多三成，部分山塘水位偏高。",
            decisions="加强值班值守，山塘水库逐一巡查。",
            actions=[{"text": "山塘水库巡查", "owner": "市水利局", "due_on": (now + dt.timedelta(days=3)).date()}])
    late = NoticeTarget.objects.filter(notice=typhoon, late=True).count()
    return {"seeded": True, "notices": Notice.objects.count(), "late": late}
