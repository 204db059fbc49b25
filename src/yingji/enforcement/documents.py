"""Formal documents of a case drawn from its record as PDF (core.pdf): the filing
approval form (立案审批表) and the penalty decision (行政处罚决定书). Only stored
facts appear: the decision's provision, rule version, tier, amounts and reasons."""

from __future__ import annotations

from django.utils import timezone

from ..core import pdf
from . import discretion
from .choices import Step
from .models import Case, Decision

DOCUMENTS = {"filing": "立案审批表", "notice": "行政处罚告知书", "decision": "行政处罚决定书",
             "transfer": "涉嫌犯罪案件移送书"}


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _party(case: Case) -> list[tuple[str, object]]:
    return [("案号", case.number), ("当事人", case.enterprise.name), ("统一社会信用代码", case.party_uscc),
            ("区划", case.region.name), ("案件来源", case.get_source_kind_display())]


def filing_form(case: Case) -> bytes:
    filing = case.steps.filter(step=Step.FILING).first()
    who = filing.completed_by.username if filing and filing.completed_by_id else ""
    return pdf.render(DOCUMENTS["filing"], [
        pdf.Fields(_party(case) + [("立案时间", _local(filing.completed_at if filing else None)),
                                    ("承办人", who)]),
        pdf.Heading("案情摘要"), pdf.Text(case.summary),
        pdf.Heading("两个一律"),
        pdf.Text(("一律停产整顿；" if case.always_stop else "") + ("一律从重处罚" if case.always_heavier else "")
                 or "无"),
    ])


def _decision_blocks(row: Decision) -> list:
    names = discretion.describe(row.provision, row.rule_version, row.tier)
    measures = [discretion.engine.MEASURES[m][0] for m in row.measures if m in discretion.engine.MEASURES]
    return [
        pdf.Heading(f"{row.get_party_display()}：{row.party_name}"),
        pdf.Fields([("适用条款", names["source_zh"] or row.provision), ("规则版本", row.rule_version),
                    ("裁量阶次", names["tier_label_zh"] or row.tier), ("罚款（元）", f"{row.fine:,.2f}"),
                    ("没收违法所得（元）", f"{row.confiscated:,.2f}"), ("不予处罚", "是" if row.no_penalty else "否"),
                    ("其他措施", "；".join(measures) or "无"), ("决定日期", row.decided_on.isoformat())]),
        pdf.Text("\n\n".join(r["zh"] for r in row.reasons)),
    ]


def notice_document(case: Case) -> bytes:
    """The prior notice (告知书): the facts, the penalty intended and the party's rights
    to state its case and to ask for a hearing (Administrative Penalty Law Arts. 44, 63)."""
    blocks = [pdf.Fields(_party(case)), pdf.Heading("违法事实"), pdf.Text(case.summary)]
    for row in case.decisions.all():
        blocks += _decision_blocks(row)
    blocks += [pdf.Heading("当事人的权利"),
               pdf.Text("当事人有权进行陈述和申辩。对较大数额罚款、没收较大数额违法所得、责令停产停业等处罚，"
                        "当事人有权要求听证；要求听证的，应当在收到本告知书之日起五日内提出。")]
    return pdf.render(DOCUMENTS["notice"], blocks)


def transfer_document(case: Case, transfer) -> bytes:
    """The transfer to the police (移送书) with the list of evidence sent and its hashes."""
    items = list(transfer.evidence.all())
    return pdf.render(DOCUMENTS["transfer"], [
        pdf.Fields(_party(case) + [("接收机关", transfer.agency), ("移送时间", _local(transfer.transferred_at))]),
        pdf.Heading("移送理由"), pdf.Text(transfer.reason),
        pdf.Heading("随案移送证据"),
        pdf.Grid(["类别", "采集时间", "地点", "SHA-256"],
                 [[e.get_kind_display(), _local(e.captured_at), e.place, e.sha256] for e in items]),
    ])


def decision_document(case: Case) -> bytes:
    blocks = [pdf.Fields(_party(case)), pdf.Heading("违法事实"), pdf.Text(case.summary)]
    for row in case.decisions.all():
        blocks += _decision_blocks(row)
    blocks.append(pdf.Text("当事人如不服本决定，可以依法申请行政复议或者提起行政诉讼。罚款应当自收到本决定书之日起十五日内缴纳。"))
    return pdf.render(DOCUMENTS["decision"], blocks)
