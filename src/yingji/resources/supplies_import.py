"""Stock from Excel (.xlsx) or CSV: receipts or opening stock (期初库存), one a row.

Each row stands alone (its own savepoint): a good row becomes a receipt, a bad one is
reported with its row number, field and reason, and comes back in the refused rows'
file (core.rejects) to correct and import again. The file is bounded by core.tabular.

Importing the same file twice adds nothing: each row's receipt carries an idempotency
key made of what the row says (warehouse, kind, batch, expiry, quantity, document
number) and how many identical rows came before it in the file, so the second of two
identical rows is a receipt of its own, and a second import finds every key taken
(`skipped`). A row's key does not depend on its position, so a re-import of a file
with corrected rejects (or rows in another order) keeps what was kept once."""

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from ..core import tabular
from ..core.errors import DomainError
from ..core.rejects import rejects_keep
from ..core.scope import Scope, fits_database
from .models import StockMovement, Warehouse
from .selectors_supplies import kind_by_code
from .services.supplies import receive


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    english: str


COLUMNS = (
    Column("warehouse_id", "仓库编号", "warehouse id"),
    Column("supply_kind", "物资编码", "supply kind code"),
    Column("quantity", "数量", "quantity"),
    Column("batch", "批次", "batch"),
    Column("expires_on", "有效期至", "expires on"),
    Column("reference", "单号", "reference"),
    Column("reason", "事由", "reason"),
)
REQUIRED = ("warehouse_id", "supply_kind", "quantity")
# The export's extra columns (仓库, 物资, 单位 ...) are read past, so an export comes back in.
_INDEX = {"".join(n.split()).lower(): c.key for c in COLUMNS for n in (c.header, c.key, c.english)}
_HEADER = {c.key: c.header for c in COLUMNS}
DEFAULT_REASON = "导入入库"


@dataclass
class ImportReport:
    created: int = 0
    skipped: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejected_rows: list[list] = field(default_factory=list)
    rejects: str | None = None

    def as_dict(self) -> dict:
        return {"created": self.created, "skipped": self.skipped, "rejected": self.rejected, "errors": self.errors,
                "warnings": self.warnings, "rejects": self.rejects}


class _Bad(Exception):
    def __init__(self, key: str, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.key, self.message = key, f"{zh} / {en}"


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def import_stock(*, by, content: bytes, filename: str) -> ImportReport:
    scope = Scope.for_user(by)
    scope.require_officer()
    table = tabular.read_table(content, filename)
    if not table.rows:
        raise tabular.FileRejected("文件中没有内容", "The file has no content")
    header = ["".join(str(h or "").split()).lower() for h in table.rows[0][1]]
    mapping = {}
    for i, h in enumerate(header):
        if h in _INDEX and _INDEX[h] not in mapping:
            mapping[_INDEX[h]] = i
    missing = [k for k in REQUIRED if k not in mapping]
    if missing:
        raise tabular.FileRejected(f"缺少必需的列：{'、'.join(_HEADER[k] for k in missing)}（表头须在第 1 行）",
                                   f"Required columns are missing: {', '.join(missing)} (the header must be row 1)")
    report = ImportReport(warnings=list(table.warnings))
    seen: Counter = Counter()
    for number, cells in table.rows[1:]:
        values = {k: _text(cells[i]) if i < len(cells) else "" for k, i in mapping.items()}
        if not any(values.values()):
            continue
        content_key = json.dumps([values.get(c.key, "") for c in COLUMNS if c.key != "reason"], ensure_ascii=False)
        seen[content_key] += 1
        key = "import:" + hashlib.sha256(f"{content_key}#{seen[content_key]}".encode()).hexdigest()[:64]
        _row(report, number, values, key, by=by, scope=scope)
    kept = rejects_keep(by=by, name="stock-import-rejected", title="待修改的行",
                        header=[c.header for c in COLUMNS], rows=report.rejected_rows)
    report.rejects = str(kept.token) if kept else None
    return report


def _row(report: ImportReport, number: int, values: dict, key: str, *, by, scope: Scope) -> None:
    try:
        fields = _fields(values, scope)
        if StockMovement.objects.filter(idempotency_key=key).exists():
            report.skipped += 1
            return
        with transaction.atomic():
            movement = receive(by=by, idempotency_key=key, **fields)
    except _Bad as exc:
        _reject(report, number, values, [(exc.key, exc.message)])
    except DomainError as exc:
        problems = list(exc.fields.items()) or [("", f"{exc.zh} / {exc.en}")]
        _reject(report, number, values, [(k, f"{exc.zh} / {exc.en}" if len(problems) == 1 else v)
                                         for k, v in problems])
    else:
        if getattr(movement, "replayed", False):
            report.skipped += 1
        else:
            report.created += 1


def _fields(values: dict, scope: Scope) -> dict:
    text = values.get("warehouse_id", "")
    if not text.isdigit() or not fits_database(int(text)):
        raise _Bad("warehouse_id", "仓库编号应为数字", "warehouse id must be a number")
    warehouse = scope.filter(Warehouse.objects.filter(pk=int(text))).first()
    if warehouse is None:
        raise _Bad("warehouse_id", "仓库不存在或不在管辖范围内", "No such warehouse in your jurisdiction")
    kind = kind_by_code(values.get("supply_kind", ""))
    quantity = values.get("quantity", "").removesuffix(".0")
    if not quantity.isdigit() or len(quantity) > 10:
        raise _Bad("quantity", "数量应为正整数", "quantity must be a whole number above 0")
    expires_on = None
    if values.get("expires_on"):
        raw = values["expires_on"].split(" ")[0].replace("/", "-").replace(".", "-")
        try:
            expires_on = dt.date.fromisoformat("-".join(p.zfill(2) for p in raw.split("-")))
        except ValueError:
            raise _Bad("expires_on", "有效期应为日期，如 2027-06-30", "expires on must be a date like 2027-06-30") \
                from None
    return {"warehouse": warehouse, "kind": kind, "quantity": int(quantity), "batch": values.get("batch", ""),
            "expires_on": expires_on, "reference": values.get("reference", ""),
            "reason": values.get("reason", "") or DEFAULT_REASON}


def _reject(report: ImportReport, number: int, values: dict, problems: list[tuple[str, str]]) -> None:
    report.rejected += 1
    reasons = []
    for key, message in problems:
        header = _HEADER.get(key, "")
        report.errors.append({"row": number, "field": header, "message": message})
        reasons.append((f"{header}：" if header else "") + message.split(" / ")[0])
    report.rejected_rows.append([values.get(c.key, "") for c in COLUMNS] + ["；".join(reasons)])


def template(fmt: str) -> bytes:
    """The empty template with two example rows."""
    from ..core.exports import write

    return write(fmt, "库存导入", [[c.header for c in COLUMNS],
                                  [1, "F001", 5000, "", "", "RK-2026-001", "期初库存"],
                                  [1, "D001", 200, "", "2027-06-30", "RK-2026-002", "采购入库"]])
