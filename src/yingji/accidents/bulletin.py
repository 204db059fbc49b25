"""The monthly bulletin (月度事故通报): the month's and the year-to-date figures of a
region, by child region (with its control target), industry and class, year on year,
as a PDF (core.pdf) and an Excel workbook (core.exports), both from the same rows; and
the month's enforcement figures of the region (立案、罚款、没收、责令停产停业、移送、一案三罚,
read through `enforcement.selectors.figures`) as a paragraph, a table and a second sheet."""

from __future__ import annotations

import calendar
import datetime as dt

from ..core import pdf, tabular
from ..core.scope import Scope
from ..enforcement import selectors as enforcement_selectors
from . import selectors

HEADER = ["分组", "名称", "事故起数", "死亡人数", "重伤人数", "直接经济损失（元）"]
COUNTS = ("accidents", "deaths", "serious_injuries", "direct_loss")
ENFORCEMENT_HEADER = ["分组", "名称", "立案数", "罚款（元）", "没收违法所得（元）", "责令停产停业", "移送公安",
                      "一案三罚"]
ENFORCEMENT_COUNTS = ("cases", "fines", "confiscated", "stop_orders", "transfers", "three_penalties")


def month_period(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def build(*, scope: Scope, region: str, year: int, month: int) -> dict:
    start, end = month_period(year, month)
    by = {g: selectors.figures(scope=scope, region=region, start=start, end=end, group_by=g)
          for g in ("region", "industry", "kind")}
    ytd = selectors.figures(scope=scope, region=region, start=dt.date(year, 1, 1), end=end, group_by="region")
    return {"region": region, "name": by["region"]["name"], "year": year, "month": month, "month_figures": by,
            "ytd": ytd, "ranking": selectors.ranking(scope=scope, region=region, start=dt.date(year, 1, 1), end=end),
            "enforcement": enforcement_selectors.figures(scope=scope, region=region, start=start, end=end)}


def title(data: dict) -> str:
    return f"{data['name']}{data['year']}年{data['month']}月生产安全事故通报"


def rows(data: dict) -> list[list]:
    """The bulletin as table rows (the header first): the Excel sheet, and the PDF's tables."""
    out = [HEADER]
    month, ytd = data["month_figures"]["region"], data["ytd"]
    out.append(["本月合计", data["name"], *[month["total"][k] for k in COUNTS]])
    out.append(["上年同月", data["name"], *[month["previous_year"][k] for k in COUNTS]])
    out.append(["本年累计", data["name"], *[ytd["total"][k] for k in COUNTS]])
    out.append(["上年同期累计", data["name"], *[ytd["previous_year"][k] for k in COUNTS]])
    for group, label in (("region", "本月·区划"), ("industry", "本月·行业"), ("kind", "本月·类别")):
        for item in data["month_figures"][group]["items"]:
            if group == "region" or item["accidents"]:
                out.append([label, item["name"], *[item[k] for k in COUNTS]])
    return out


def target_rows(data: dict) -> list[list]:
    out = [["排名", "区划", "本年事故起数", "本年死亡人数", "起数控制指标", "死亡控制指标", "死亡指标使用"]]
    for item in data["ranking"]:
        target = item.get("target") or {}
        used = target.get("deaths_used")
        out.append([item["rank"], item["name"], item["accidents"], item["deaths"], target.get("max_accidents", "—"),
                    target.get("max_deaths", "—"), "—" if used is None else f"{used}%"])
    return out


def enforcement_rows(data: dict) -> list[list]:
    """The month's enforcement figures as table rows (the header first): the region's
    total, then each child region."""
    figures = data["enforcement"]
    out = [ENFORCEMENT_HEADER, ["本月合计", data["name"], *[figures["total"][k] for k in ENFORCEMENT_COUNTS]]]
    out += [["本月·区划", item["name"], *[item[k] for k in ENFORCEMENT_COUNTS]] for item in figures["items"]]
    return out


def enforcement_summary(data: dict) -> str:
    total = data["enforcement"]["total"]
    return (f"{data['year']}年{data['month']}月，{data['name']}安全生产行政执法立案 {total['cases']} 起，"
            f"罚款 {total['fines']:.2f} 元，没收违法所得 {total['confiscated']:.2f} 元，"
            f"责令停产停业 {total['stop_orders']} 起，"
            f"移送公安机关 {total['transfers']} 起，一案三罚 {total['three_penalties']} 起。")


def as_pdf(data: dict) -> bytes:
    month = data["month_figures"]["region"]
    change = month["change"]
    summary = (f"{data['year']}年{data['month']}月，{data['name']}共发生生产安全事故 {month['total']['accidents']} 起、"
               f"死亡 {month['total']['deaths']} 人、重伤 {month['total']['serious_injuries']} 人，"
               f"直接经济损失 {month['total']['direct_loss']} 元；与上年同月相比，事故起数增减 "
               f"{change['accidents']['diff']} 起，死亡人数增减 {change['deaths']['diff']} 人。")
    table = rows(data)
    return pdf.render(title(data), [
        pdf.Text(summary),
        pdf.Heading("一、事故统计"),
        pdf.Grid(table[0], table[1:]),
        pdf.Heading("二、各地排名与控制指标（本年累计，按死亡人数、事故起数排序）"),
        pdf.Grid(target_rows(data)[0], target_rows(data)[1:]),
        pdf.Heading("三、行政执法"),
        pdf.Text(enforcement_summary(data)),
        pdf.Grid(enforcement_rows(data)[0], enforcement_rows(data)[1:]),
    ])


def as_xlsx(data: dict) -> bytes:
    """The accident figures on the first sheet (as `core.exports.write` lays it out), the
    month's enforcement figures on a second."""
    return tabular.xlsx([
        tabular.Sheet(f"事故通报 {data['year']}-{data['month']:02d}", rows(data), widths=[14, 24, 10, 10, 10, 18],
                      freeze_header=True),
        tabular.Sheet("行政执法", enforcement_rows(data), widths=[14, 24, 10, 14, 18, 14, 10, 10], freeze_header=True),
    ])
