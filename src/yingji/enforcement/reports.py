"""The enforcement figures as an Excel workbook (执法统计台账): one row per child region
and the total, Chinese headers fixed so that bureaus can merge each other's files.
Written through `core.tabular`, so a region name that starts with = + - @ is text."""

from ..core import tabular

FIGURES_COLUMNS = [
    ("region", "区划代码"), ("name", "名称"), ("cases", "立案数"), ("fines", "罚款（元）"),
    ("confiscated", "没收违法所得（元）"), ("stop_orders", "责令停产停业"), ("transfers", "移送公安"),
    ("three_penalties", "一案三罚"),
]


def figures_xlsx(result: dict) -> bytes:
    header = [label for _, label in FIGURES_COLUMNS]
    rows = [[item[key] for key, _ in FIGURES_COLUMNS] for item in [*result["items"], result["total"]]]
    period = [["统计期间", result["from"], result["to"]]]
    return tabular.xlsx([tabular.Sheet("执法统计", [*period, header, *rows], widths=[14, 24, 10, 14, 18, 14, 10, 10])])

