"""The risk lists (风险清单) from a spreadsheet: risk points of every kind imported in
bulk from Excel (.xlsx) or CSV, with their responsible person and control measures,
and the template to fill in.

A row is matched to a stored point by (region code, kind, name) in the caller's
jurisdiction: a match is updated, otherwise a new point is registered. Blank cells
leave stored values unchanged; nothing is deleted; a row equal to what is stored
calls no service (importing the same file again changes nothing). Every write goes
through `risk_point_create` / `risk_point_update` (scope, validation, audit). Each
row runs in its own savepoint: a bad row is reported with its number, column and
reason (中文 / English) and handed back in the template's layout (core.rejects),
and never costs the good ones.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..core import tabular
from ..core.errors import DomainError
from ..core.phones import is_phone
from ..core.rejects import reason_zh
from ..core.scope import Scope
from ..core.tabular.columns import Column, Columns, RowError, RowRejected, cell_text, run_rows
from . import services
from .models import RiskPoint, RiskPointKind

COLUMNS = (
    Column("kind", "类别", "kind", ("风险类别", "风险点类别", "类别代码", "清单类别")),
    Column("name", "名称", "name", ("风险点", "风险点名称")),
    Column("region", "区划代码", "region code", ("所在区划代码", "村（社区）代码", "region")),
    Column("longitude", "经度", "longitude", ("lon", "lng")),
    Column("latitude", "纬度", "latitude", ("lat",)),
    Column("population", "人口", "population", ("影响人口", "涉及人口", "人数")),
    Column("households", "户数", "households", ("影响户数", "涉及户数")),
    Column("responsible_name", "责任人", "responsible person", ("责任人姓名", "管控责任人")),
    Column("responsible_phone", "责任人电话", "responsible phone", ("联系电话", "责任人手机", "电话", "手机")),
    Column("control_measures", "管控措施", "control measures", ("防控措施", "管控要求")),
    Column("note", "备注", "note", ()),
)
REQUIRED = ("kind", "name", "region")
# Columns of the export that the import reads past in silence.
COLUMN = Columns(COLUMNS, required=REQUIRED, ignored=("所在区划", "临界雨量（毫米）"))
NUMBERS = {"longitude": (float, 73, 136), "latitude": (float, 3, 54), "population": (int, 0, 10_000_000),
           "households": (int, 0, 10_000_000)}
TEXT_LIMITS = {"name": 100, "responsible_name": 50, "responsible_phone": 30, "control_measures": 2000, "note": 300}
FIELD_COLUMN = {"kind": "kind", "kind_id": "kind", "name": "name", "region": "region", "region_id": "region",
                "longitude": "longitude", "latitude": "latitude", "population": "population",
                "households": "households", "responsible_name": "responsible_name",
                "responsible_phone": "responsible_phone", "control_measures": "control_measures", "note": "note"}


@dataclass
class RiskPointImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    interrupted: str = ""
    rejected_rows: list[list] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.interrupted

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": self.rejected, "complete": self.complete, "interrupted": self.interrupted,
                "warnings": self.warnings,
                "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in self.errors]}


def import_risk_points(*, by, content: bytes, filename: str) -> RiskPointImportReport:
    """Upsert the risk points of a spreadsheet as `by`. Raises Forbidden for callers
    who may not register risk points and FileRejected for a file that cannot be read;
    every other problem is a row error in the report."""
    scope = Scope.for_user(by)
    scope.require_officer()
    table = tabular.read_table(content, filename)
    mapping, warnings = COLUMN.read_header(table)
    report = RiskPointImportReport(warnings=warnings)
    kinds = _kinds()

    def each(number: int, cells: tuple) -> None:
        values = {key: cell_text(cells[i]) if i < len(cells) else "" for key, i in mapping.items()}
        if any(values.values()):
            _import_row(report, number, values, by=by, scope=scope, kinds=kinds)

    report.interrupted = run_rows(table.rows[1:], each)
    return report


def _kinds() -> dict[str, str]:
    """Kind codes by code and by Chinese name: a sheet may carry either."""
    kinds = {}
    for kind in RiskPointKind.objects.all():
        kinds[kind.code.lower()] = kind.code
        kinds.setdefault(kind.name, kind.code)
    return kinds


def _import_row(report, number: int, values: dict, *, by, scope: Scope, kinds: dict) -> None:
    try:
        with transaction.atomic():
            outcome = _apply_row(values, by=by, scope=scope, kinds=kinds)
    except RowRejected as exc:
        _reject(report, number, values, [(exc.key, exc.message)])
    except DomainError as exc:
        keys = [FIELD_COLUMN[k] for k in exc.fields if k in FIELD_COLUMN] or [""]
        _reject(report, number, values, [(keys[0], f"{exc.zh} / {exc.en}")])
    except ValidationError as exc:
        problems = [(FIELD_COLUMN.get(k, ""), "; ".join(str(m) for m in v))
                    for k, v in getattr(exc, "message_dict", {"": exc.messages}).items()]
        _reject(report, number, values, problems or [("", "数据无效 / Invalid data")])
    except IntegrityError:
        _reject(report, number, values, [("", "与已有记录冲突（可能正被他人同时修改） / "
                                              "Conflicts with an existing record (perhaps changed at the same time)")])
    else:
        setattr(report, outcome, getattr(report, outcome) + 1)


def _apply_row(values: dict, *, by, scope: Scope, kinds: dict) -> str:
    for key in REQUIRED:
        if not values.get(key):
            column = COLUMN[key]
            raise RowRejected(key, f"{column.header}不能为空", f"{column.english.capitalize()} is required")
    kind = kinds.get(values["kind"].lower()) or kinds.get(values["kind"])
    if kind is None:
        raise RowRejected("kind", f"类别不存在：{values['kind'][:40]}", f"Unknown kind: {values['kind'][:40]}")
    wanted = {"kind_id": kind, "name": values["name"], "region_id": values["region"]}
    for key, limit in TEXT_LIMITS.items():
        if values.get(key):
            if len(values[key]) > limit:
                raise RowRejected(key, f"{COLUMN[key].header}不能超过 {limit} 个字",
                                   f"{COLUMN[key].english.capitalize()} may have at most {limit} characters")
            wanted[key] = values[key]
    if wanted.get("responsible_phone") and not is_phone(wanted["responsible_phone"]):
        raise RowRejected("responsible_phone", "电话号码无效（如 13800000000、0576-86000000）",
                           "Invalid phone number (e.g. 13800000000, 0576-86000000)")
    for key, (kind_of, low, high) in NUMBERS.items():
        if values.get(key):
            try:
                number = kind_of(float(values[key])) if kind_of is int else float(values[key])
            except ValueError:
                raise RowRejected(key, f"{COLUMN[key].header}应为数字", f"{COLUMN[key].english} must be a number") \
                    from None
            if kind_of is int and float(values[key]) != number or not low <= number <= high:
                raise RowRejected(key, f"{COLUMN[key].header}应在 {low} 至 {high} 之间",
                                   f"{COLUMN[key].english} must be between {low} and {high}")
            wanted[key] = number
    if ("longitude" in wanted) != ("latitude" in wanted):
        raise RowRejected("latitude", "经度和纬度须同时填写", "Longitude and latitude go together")
    scope.require_region(wanted["region_id"])
    point = (scope.filter(RiskPoint.objects.filter(region_id=wanted["region_id"], kind_id=kind,
                                                   name=wanted["name"])).order_by("id").first())
    if point is None:
        services.risk_point_create(by=by, **wanted)
        return "created"
    changes = {k: v for k, v in wanted.items() if getattr(point, k) != v}
    if not changes:
        return "unchanged"
    services.risk_point_update(by=by, risk_point=point, **changes)
    return "updated"


def _reject(report, number: int, values: dict, problems: list[tuple[str, str]]) -> None:
    report.rejected += 1
    for key, message in problems:
        report.errors.append(RowError(number, COLUMN[key].header if COLUMN.get(key) else "", message))
    reason = "；".join(reason_zh(m) for _, m in problems)
    report.rejected_rows.append([*(values.get(c.key, "") for c in COLUMNS), reason])


def risk_points_template(fmt: str = "xlsx") -> bytes:
    """An empty risk list with the headers and one example row."""
    from ..core.exports import write

    example = ["geo_hazard", "下洋村后山滑坡", "331081100201", "121.38", "28.37", "45", "12", "张三",
               "13800000000", "雨前巡查，降雨达到准备转移雨量时转移坡下住户", ""]
    return write(fmt, "风险清单", [[c.header for c in COLUMNS], example],
                 widths=[14, 24, 16, 10, 10, 8, 8, 10, 14, 40, 20])
