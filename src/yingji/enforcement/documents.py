"""Formal documents of a case drawn from its record as PDF (core.pdf): the filing
approval form (立案审批表), the prior notice (告知书), the penalty decision (行政处罚决定书),
the transfer letter (移送书) and the order to rectify within a deadline (责令限期整改指令书).
Only stored facts appear: the decision's provision, rule version, tier, amounts and
reasons. The fixed wording (title, legal boilerplate, issuing authority, footer) is a
DocumentTemplate row per kind, edited by administrators (wording.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ..core import pdf, regioncodes
from ..core.models import Region
from . import discretion, wording
from .choices import RECTIFICATION_DAYS, DocumentKind, Step
from .models import Case, Decision, DocumentTemplate

DOCUMENTS = {kind.value: kind.label for kind in DocumentKind}


@dataclass
class Wording:
    """One document's fixed texts with the record's values filled in."""

    title: str
    body: str
    footer: str

    def paragraphs(self) -> list:
        return [pdf.Text(self.body)] if self.body.strip() else []

    def closing(self) -> list:
        return [pdf.Text(self.footer)] if self.footer.strip() else []


def wording_for(kind: str, values: dict[str, str]) -> Wording:
    """The kind's template (the shipped default if its row is missing) with `values`
    filled in; `{authority}` is the template's own authority, itself filled first."""
    row = DocumentTemplate.objects.filter(kind=kind).first()
    title, body, authority, footer = (
        (row.title, row.body, row.authority, row.footer) if row else wording.DEFAULTS[kind])
    values = {name: "" for name in wording.PLACEHOLDERS} | {"date": chinese_date(timezone.localdate())} | values
    values["authority"] = wording.fill(authority, values | {"authority": ""})
    return Wording(wording.fill(title, values) or DOCUMENTS[kind], wording.fill(body, values),
                   wording.fill(footer, values))


def chinese_date(day: dt.date) -> str:
    """2026年5月20日, as formal documents write a date."""
    return f"{day.year}年{day.month}月{day.day}日"


def _county_name(code: str) -> str:
    """The name of the county (or the widest region known) the code lies in: the
    issuing bureau is the county's, the case's region being often a township."""
    county = next((c for c in regioncodes.prefixes(code) if len(c) == 6), code)
    region = Region.objects.filter(pk=county).first() or Region.objects.filter(pk=code).first()
    return region.name if region else ""


def values_of(case: Case) -> dict[str, str]:
    return {"party": case.enterprise.name, "uscc": case.party_uscc, "case_number": case.number,
            "region": _county_name(case.region_id), "hazard_number": case.hazard.number if case.hazard_id else ""}


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _party(case: Case) -> list[tuple[str, object]]:
    return [("案号", case.number), ("当事人", case.enterprise.name), ("统一社会信用代码", case.party_uscc),
            ("区划", case.region.name), ("案件来源", case.get_source_kind_display())]


def filing_form(case: Case) -> bytes:
    filing = case.steps.filter(step=Step.FILING).first()
    who = filing.completed_by.username if filing and filing.completed_by_id else ""
    text = wording_for(DocumentKind.FILING, values_of(case))
    return pdf.render(text.title, [
        pdf.Fields(_party(case) + [("立案时间", _local(filing.completed_at if filing else None)),
                                    ("承办人", who)]),
        pdf.Heading("案情摘要"), pdf.Text(case.summary),
        pdf.Heading("两个一律"),
        pdf.Text(("一律停产整顿；" if case.always_stop else "") + ("一律从重处罚" if case.always_heavier else "")
                 or "无"),
        *text.paragraphs(), *text.closing(),
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
    text = wording_for(DocumentKind.NOTICE, values_of(case))
    if text.body.strip():
        blocks += [pdf.Heading("当事人的权利"), *text.paragraphs()]
    return pdf.render(text.title, blocks + text.closing())


def transfer_document(case: Case, transfer) -> bytes:
    """The transfer to the police (移送书) with the list of evidence sent and its hashes."""
    items = list(transfer.evidence.all())
    text = wording_for(DocumentKind.TRANSFER, values_of(case))
    return pdf.render(text.title, [
        pdf.Fields(_party(case) + [("接收机关", transfer.agency), ("移送时间", _local(transfer.transferred_at))]),
        pdf.Heading("移送理由"), pdf.Text(transfer.reason),
        pdf.Heading("随案移送证据"),
        pdf.Grid(["类别", "采集时间", "地点", "SHA-256"],
                 [[e.get_kind_display(), _local(e.captured_at), e.place, e.sha256] for e in items]),
        *text.paragraphs(), *text.closing(),
    ])


def decision_document(case: Case) -> bytes:
    blocks = [pdf.Fields(_party(case)), pdf.Heading("违法事实"), pdf.Text(case.summary)]
    for row in case.decisions.all():
        blocks += _decision_blocks(row)
    text = wording_for(DocumentKind.DECISION, values_of(case))
    return pdf.render(text.title, blocks + text.paragraphs() + text.closing())


def rectification_deadline(*, given: dt.date | None = None, hazard=None) -> dt.date:
    """The day the order names: the one the officer gives, else the hazard's own
    deadline, else RECTIFICATION_DAYS from today."""
    if given is not None:
        return given
    if hazard is not None:
        return hazard.deadline
    return timezone.localdate() + dt.timedelta(days=RECTIFICATION_DAYS)


def rectification_order(*, case: Case | None = None, hazard=None, deadline: dt.date | None = None) -> bytes:
    """The order to rectify within a deadline (责令限期整改指令书), from a case (its
    summary as the facts, with its hazard's if it has one) or from a hazard at an
    enterprise (its description and place): party, facts, legal basis, deadline."""
    hazard = hazard if hazard is not None else (case.hazard if case is not None and case.hazard_id else None)
    day = rectification_deadline(given=deadline, hazard=hazard)
    if case is not None:
        values, rows = values_of(case), _party(case)
        facts = [case.summary]
    else:
        enterprise = hazard.enterprise
        values = {"party": enterprise.name, "uscc": enterprise.uscc, "case_number": "",
                  "region": _county_name(enterprise.region_id), "hazard_number": hazard.number}
        rows = [("当事人", enterprise.name), ("统一社会信用代码", enterprise.uscc)]
        facts = []
    if hazard is not None:
        rows = rows + [("隐患编号", hazard.number), ("隐患等级", hazard.get_level_display())]
        facts.append(f"{hazard.description}" + (f"（部位：{hazard.location}）" if hazard.location else ""))
    values["deadline"] = chinese_date(day)
    text = wording_for(DocumentKind.RECTIFICATION, values)
    return pdf.render(text.title, [
        pdf.Fields(rows + [("整改期限", day.isoformat())]),
        pdf.Heading("违法事实"), pdf.Text("\n\n".join(f for f in facts if f.strip()) or "（无）"),
        pdf.Heading("责令整改"), *text.paragraphs(), *text.closing(),
    ])
