"""Flows from Excel (.xlsx) or CSV, one a row, for the caller's own enterprise.

Each row stands alone (its own savepoint): a good row is recorded and reconciled like
one from the API, a bad one is reported with its row number, field and reason and
comes back in the refused rows' file (core.rejects). The file is bounded by
core.tabular. A row's import key is what it says plus how many identical rows came
before it, so importing the same file twice records nothing twice (`skipped`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction

from ..core import tabular
from ..core.errors import DomainError, Forbidden
from ..core.rejects import rejects_keep
from ..core.scope import Scope
from ..core.tabular.columns import Column, Columns, cell_text
from . import services
from .models import Flow

COLUMNS = Columns((Column("direction", "方向", "direction"), Column("date", "日期", "date"),
                   Column("cas", "CAS号", "cas"), Column("chemical_id", "品名编号", "chemical id"),
                   Column("quantity", "数量", "quantity"), Column("unit", "单位", "unit"),
                   Column("counterparty_uscc", "对方统一社会信用代码", "counterparty uscc"),
                   Column("amount", "金额", "amount")),
                  required=("direction", "date", "quantity", "unit", "counterparty_uscc", "amount"))
_DIRECTIONS = {"in": "in", "入库": "in", "购入": "in", "out": "out", "出库": "out", "售出": "out", "销售": "out"}
_UNITS = {"t": "t", "吨": "t", "kg": "kg", "千克": "kg", "公斤": "kg"}


@dataclass
class ImportReport:
    created: int = 0
    skipped: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejected_rows: list[list] = field(default_factory=list)
    rejects: str | None = None
    findings: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "skipped": self.skipped, "rejected": self.rejected, "errors": self.errors,
                "warnings": self.warnings, "rejects": self.rejects, "findings": self.findings}


def import_flows(*, by, content: bytes, filename: str) -> ImportReport:
    scope = Scope.for_user(by)
    own = services.recording_enterprise(scope=scope, enterprise_id=None) if scope.organization_id else None
    if own is None:
        raise Forbidden("流向导入仅限企业用户（导入本企业的流向）", "Only enterprise users import their own flows")
    table = tabular.read_table(content, filename)
    mapping, warnings = COLUMNS.read_header(table)
    report = ImportReport(warnings=warnings)
    seen: Counter = Counter()
    for number, cells in table.rows[1:]:
        values = {k: cell_text(cells[i]) if i < len(cells) else "" for k, i in mapping.items()}
        if not any(values.values()):
            continue
        content_key = json.dumps([values.get(c.key, "") for c in COLUMNS.columns], ensure_ascii=False)
        seen[content_key] += 1
        key = hashlib.sha256(f"{content_key}#{seen[content_key]}".encode()).hexdigest()[:64]
        _row(report, number, values, key, by=by, own=own)
    kept = rejects_keep(by=by, name="hazchem-flows-rejected", title="待修改的行",
                        header=[c.header for c in COLUMNS.columns], rows=report.rejected_rows)
    report.rejects = str(kept.token) if kept else None
    return report


def _row(report: ImportReport, number: int, values: dict, key: str, *, by, own) -> None:
    if Flow.objects.filter(enterprise=own, import_key=key).exists():
        report.skipped += 1
        return
    try:
        with transaction.atomic():
            _flow, found = services.flow_record(by=by, import_key=key, **_fields(values))
    except DomainError as exc:
        problems = list(exc.fields.items()) or [("", f"{exc.zh} / {exc.en}")]
        _reject(report, number, values, problems)
    else:
        report.created += 1
        report.findings.extend(found)


def _fields(values: dict) -> dict:
    def bad(key, zh, en):
        return DomainError(zh, en, fields={key: f"{zh} / {en}"})

    direction = _DIRECTIONS.get(values.get("direction", "").strip().lower())
    if direction is None:
        raise bad("direction", "方向应为 入库 或 出库", "direction must be in or out")
    unit = _UNITS.get(values.get("unit", "").strip().lower())
    if unit is None:
        raise bad("unit", "单位应为 吨 或 千克", "unit must be t or kg")
    raw = values.get("date", "").split(" ")[0].replace("/", "-").replace(".", "-")
    try:
        date = dt.date.fromisoformat("-".join(p.zfill(2) for p in raw.split("-")))
    except ValueError:
        raise bad("date", "日期应为 2025-06-30 这样的日期", "date must be like 2025-06-30") from None
    numbers = {}
    for name in ("quantity", "amount"):
        try:
            numbers[name] = Decimal(values.get(name, "").replace(",", ""))
            if not numbers[name].is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise bad(name, "应为数字", "must be a number") from None
    chemical_id = values.get("chemical_id", "")
    if chemical_id and not chemical_id.isdigit():
        raise bad("chemical_id", "品名编号应为数字", "chemical id must be a number")
    return {"direction": direction, "date": date, "unit": unit,
            "counterparty_uscc": values.get("counterparty_uscc", ""), "cas": values.get("cas", ""),
            "chemical_id": int(chemical_id) if chemical_id else None,
            "quantity": numbers["quantity"], "amount": numbers["amount"]}


def _reject(report: ImportReport, number: int, values: dict, problems: list[tuple[str, str]]) -> None:
    report.rejected += 1
    reasons = []
    for key, message in problems:
        header = COLUMNS[key].header if COLUMNS.get(key) else ""
        report.errors.append({"row": number, "field": header, "message": message})
        reasons.append((f"{header}：" if header else "") + message.split(" / ")[0])
    report.rejected_rows.append([values.get(c.key, "") for c in COLUMNS.columns] + ["；".join(reasons)])
