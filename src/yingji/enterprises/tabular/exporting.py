"""Export: the register as a file that imports back unchanged, and the template,
written through the shared safe writer (core.tabular)."""

import datetime as dt
from collections.abc import Iterable, Iterator

from django.utils.translation import override

from ...core import tabular as sheets
from ...core.errors import DomainError
from ...core.rejects import reason_zh
from .. import uscc
from ..choices import Industry, LicenceKind, RiskGrade, Scale
from ..models import Enterprise
from .cells import CHOICES
from .columns import COLUMNS, TAG_SEPARATORS

EXPORT_KEYS = [c.key for c in COLUMNS]
EXPORT_HEADERS = [c.header for c in COLUMNS]
CONTENT_TYPES = sheets.CONTENT_TYPES


def export_enterprises(queryset, fmt: str = "xlsx") -> bytes:
    """The enterprises of `queryset` (already scoped by the caller's selector) as a
    file that imports back unchanged: one row per licence, or one row without."""
    queryset = queryset.select_related("region").prefetch_related("tags", "licences")
    labels = _labels()
    rows = (row for enterprise in queryset.iterator(chunk_size=2000) for row in _export_rows(enterprise, labels))
    return _write(rows, fmt)


def export_template(fmt: str = "xlsx") -> bytes:
    """The headers and one example row, for people starting a register from scratch."""
    example = {
        "name": "示例化工有限公司", "uscc": uscc.make("91", "331081", "MA2AB1234"), "region": "331081100",
        "region_name": "泽国镇", "address": "泽国镇示例路 1 号", "longitude": 121.4, "latitude": 28.5,
        "industry": "危险化学品", "scale": "小型", "risk_grade": "黄（一般风险）", "tags": "危化品使用、重点企业",
        "legal_representative": "张三", "contact_phone": "0576-86000000", "employees": 50,
        "licence_kind": "危险化学品安全使用许可证", "licence_number": "浙台危化使字〔2024〕001",
        "valid_from": dt.date(2024, 1, 1), "valid_to": dt.date(2027, 1, 1),
    }
    return _write([[example[k] for k in EXPORT_KEYS]], fmt, notes=True)


def rejected_rows(report) -> list[list]:
    """The rows `report` refused or did not reach, in the template's layout (as the
    file held them), each ending with its reason in Chinese: the file to correct and
    import again (core.rejects)."""
    reasons: dict[int, list[str]] = {}
    for error in report.errors:
        where = f"{error.field}：" if error.field else ""
        reasons.setdefault(error.row, []).append(where + reason_zh(error.message))
    rows = []
    for number in sorted(report.cells):
        values = report.cells[number]
        reason = "；".join(reasons.get(number, [])) or "导入中断，此行未导入，请重新导入"
        rows.append([values.get(k) for k in EXPORT_KEYS] + [f"原第 {number} 行：{reason}"])
    return rows


def _labels() -> dict[str, dict[str, str]]:
    """Chinese labels by value, resolved once per export rather than once per cell."""
    with override("zh-hans"):
        return {key: {value: str(label) for value, label in choices.choices}
                for key, (choices, *_rest) in CHOICES.items()}


def _export_rows(enterprise: Enterprise, labels: dict) -> Iterator[list]:
    base = {
        "name": enterprise.name, "uscc": enterprise.uscc, "region": enterprise.region_id,
        "region_name": enterprise.region.name, "address": enterprise.address,
        "longitude": enterprise.longitude, "latitude": enterprise.latitude,
        "industry": labels["industry"].get(enterprise.industry, enterprise.industry),
        "scale": labels["scale"].get(enterprise.scale, enterprise.scale),
        "risk_grade": labels["risk_grade"].get(enterprise.risk_grade, enterprise.risk_grade),
        "tags": TAG_SEPARATORS[0].join(sorted(t.name for t in enterprise.tags.all())),
        "legal_representative": enterprise.legal_representative, "contact_phone": enterprise.contact_phone,
        "employees": enterprise.employees,
    }
    licences = [{"licence_kind": labels["licence_kind"].get(lic.kind, lic.kind), "licence_number": lic.number,
                 "valid_from": lic.valid_from, "valid_to": lic.valid_to}
                for lic in enterprise.licences.all()]
    for licence in licences or [{}]:
        row = {**base, **licence}
        yield [row.get(k) for k in EXPORT_KEYS]


def _write(rows: Iterable[list], fmt: str, notes: bool = False) -> bytes:
    if fmt == "csv":
        return sheets.csv_bytes(_with_header(rows))
    if fmt == "xlsx":
        register = sheets.Sheet("企业台账", _with_header(rows), freeze_header=True,
                                widths=[COLUMN_WIDTHS.get(k, 10) for k in EXPORT_KEYS])
        return sheets.xlsx([register, sheets.Sheet("填写说明", _notes())] if notes else [register])
    raise DomainError(f"不支持的格式：{fmt}（可选 xlsx、csv）", f"Unsupported format: {fmt} (xlsx or csv)",
                      fields={"format": "xlsx / csv"})


def _with_header(rows: Iterable[list]) -> Iterator[list]:
    yield EXPORT_HEADERS
    yield from rows


COLUMN_WIDTHS = {"name": 32, "uscc": 22, "region": 12, "region_name": 12, "address": 36, "tags": 20,
                 "licence_kind": 24, "licence_number": 24, "valid_from": 12, "valid_to": 12}


def _notes() -> list[list[str]]:
    with override("zh-hans"):
        return [
            ["填写说明 / Notes"],
            ["必填列：企业名称、统一社会信用代码、所属乡镇代码（或所属乡镇名称）。导入前请删除示例行。"],
            ["按统一社会信用代码新增或更新；空白单元格不修改已有数据；一行填写一个许可证。"],
            ["日期格式：YYYY-MM-DD 或 YYYY/MM/DD；标签用 、 , ; 分隔。"],
            ["行业：" + "、".join(str(x) for x in Industry.labels)],
            ["规模：" + "、".join(str(x) for x in Scale.labels)],
            ["风险等级：红、橙、黄、蓝（或 " + "、".join(str(x) for x in RiskGrade.labels) + "）"],
            ["许可证类型：" + "、".join(str(x) for x in LicenceKind.labels)],
        ]
