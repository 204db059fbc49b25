"""Enforcement cases in the Taizhou demo (台州演示: 行政执法), at the enterprises the demo
seeds, at different steps: a caustic-soda case like Longyou's (unlicensed supplier,
gains confiscated, fine reduced under Art. 32) being served; a 一案三罚 for a hazard
not removed with its stop-production order and reopening check (回头看); an off-site
case from a camera under investigation; one in legal review; one transferred to the
police; one closed. Each carries evidence with its SHA-256.

Everything goes through the services (steps, deadlines, discretion, audit).
Idempotent: if any case exists, nothing is written. The cases are invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..core.scope import SYSTEM
from ..enterprises.selectors import enterprises_in_region
from . import selectors, services

CITY, CITY_LOGIN = "3310", "demo-taizhou"
LONGYOU = {"provision": "hazchem-unlicensed-trading", "party": "enterprise", "sales_revenue": "244048.66",
           "mitigations": ["removed_harm", "confessed"], "mitigation": "reduced"}
HAZARD = {"provision": "work-safety-hazard-not-removed", "refused": True}
FLOWS = ("日期,品名,CAS,数量(t),单位,供货方统一社会信用代码,金额(元)\n"
         "2023-03-02,氢氧化钠（片碱）,1310-73-2,24.50,t,见工单,84512.30\n"
         "2024-05-17,氢氧化钠（片碱）,1310-73-2,23.75,t,见工单,81930.11\n"
         "2025-08-09,氢氧化钠（片碱）,1310-73-2,22.50,t,见工单,77606.25\n")


@dataclass
class Summary:
    cases: int = 0
    decisions: int = 0
    evidence: int = 0

    def summary(self) -> str:
        return f"{self.cases} cases, {self.decisions} decisions, {self.evidence} evidence items"


def _to(by, case, actions, **decide):
    for action in actions:
        extra = decide if action == "decide" else {}
        if action == "transfer":
            extra = {"agency": "温岭市公安局", "note": "涉嫌非法经营罪，移送公安机关"}
        case = services.case_act(by=by, case=case, action=action, note="演示", **extra)
    return case


def _evidence(by, case, content: bytes, kind: str, place: str, description: str, summary: Summary):
    services.evidence_add(by=by, case=case, kind=kind, content=content, place=place, description=description,
                          captured_at=timezone.now() - dt.timedelta(days=3), original_name=f"{kind}-{case.pk}")
    summary.evidence += 1


def seed_enforcement_demo() -> Summary:
    if selectors.case_list(scope=SYSTEM).exists():
        return Summary()
    officer = get_user_model().objects.filter(username=CITY_LOGIN).first()
    enterprises = list(enterprises_in_region(scope=SYSTEM, region=CITY).order_by("id")[:6])
    if officer is None or len(enterprises) < 6:
        return Summary()
    summary = Summary()
    today = timezone.localdate()
    with transaction.atomic():
        def open_(i, kind, text, **kw):
            summary.cases += 1
            return services.case_open(by=officer, source_kind=kind, party_uscc=enterprises[i].uscc, summary=text,
                                      **kw)

        soda = open_(0, "chemical_work_order",
                     "向无危险化学品经营许可证的供货方购入片碱 70.75 吨，金额 244,048.66 元（三年）")
        _evidence(officer, soda, FLOWS.encode(), "platform", "危化品全生命周期平台", "入库台账导出", summary)
        _to(officer, soda, ["review", "notify", "decide", "serve"], decisions=[LONGYOU], decided_on=today)
        summary.decisions += 1

        three = open_(1, "hazard", "重大事故隐患逾期未整改，拒不执行整改指令", always_stop=True)
        _evidence(officer, three, b"\x89PNG demo photo of the unguarded press", "photo", "冲压车间", "现场照片",
                  summary)
        _to(officer, three, ["review", "notify", "decide"], decided_on=today, decisions=[
            HAZARD | {"party": "enterprise"}, HAZARD | {"party": "principal", "party_name": "王某某"},
            HAZARD | {"party": "manager", "party_name": "李某某", "circumstance": "heavier"}])
        summary.decisions += 3

        camera = open_(2, "offsite", "视频监控发现有限空间作业未审批、未检测即进入")
        _evidence(officer, camera, b"demo video frames", "video", "厂区污水池", "摄像头抓拍视频", summary)
        _evidence(officer, camera, b"ts,o2_percent\n2026-12-01T09:00,17.9\n", "sensor", "污水池气体检测仪",
                  "氧含量监测数据", summary)

        review = open_(3, "inspection", "检查发现特种作业人员未持证上岗")
        _to(officer, review, ["review"])

        police = open_(4, "public_report", "群众举报非法储存危险化学品")
        _evidence(officer, police, b"%PDF-1.4 demo statement", "document", "询问室", "询问笔录", summary)
        items = list(police.evidence.values_list("pk", flat=True))
        services.case_act(by=officer, case=police, action="transfer", agency="温岭市公安局",
                          note="涉嫌非法经营罪，移送公安机关", evidence_ids=items)

        closed = open_(5, "campaign", "专项行动中发现安全警示标志缺失，已当场改正")
        _to(officer, closed, ["review", "notify", "decide", "serve", "execute", "close"], decided_on=today,
            decisions=[{"provision": "work-safety-hazard-not-removed", "circumstance": "lighter"}])
        summary.decisions += 1
    return summary
