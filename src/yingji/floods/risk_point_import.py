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
from django.db import DatabaseError, IntegrityError, transaction

from ..core import tabular
from ..core.errors import DomainError
from ..core.phones import is_phone
from ..core.rejects import REASON_HEADER, reason_zh
from ..core.scope import Scope
from . import services
from .models import RiskPoint, RiskPointKind


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    english: str
    aliases: tuple[str, ...] = ()


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
COLUMN = {c.key: c for c in COLUMNS}
REQUIRED = ("kind", "name", "region")
NUMBERS = {"longitude": (float, 73, 136), "latitude": (float, 3, 54), "population": (int, 0, 10_000_000),
           "households": (int, 0, 10_000_000)}
TEXT_LIMITS = {"name": 100, "responsible_name": 50, "responsible_phone": 30, "control_measures": 2000, "note": 300}
FIELD_COLUMN = {"kind": "kind", "kind_id": "kind", "name": "name", "region": "region", "region_id": "region",
                "longitude": "longitude", "latitude": "latitude", "population": "population",
                "households": "households", "responsible_name": "responsible_name",
                "responsible_phone": "responsible_phone", "control_measures": "control_measures", "note": "note"}


def _header_key(text: str) -> str:
    return "".join(str(text).split()).lower().replace("*", "").replace("_", "")


# Columns of the export (and of numbered sheets) that the import reads past in silence.
IGNORED = {_header_key(h) for h in ("序号", "编号", "no", "no.", REASON_HEADER, "所在区划", "临界雨量（毫米）")}
HEADER_INDEX = {_header_key(n): c.key for c in COLUMNS for n in (c.header, c.key, c.english, *c.aliases)}


@dataclass(frozen=True)
class RowError:
    row: int
    field: str  # the column header, "" for the row as a whole
    message: str  # "中文 / English"


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


class _RowRejected(Exception):
    def __init__(self, key: str, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.key, self.message = key, f"{zh} / {en}"


def import_risk_points(*, by, content: bytes, filename: str) -> RiskPointImportReport:
    """Upsert the risk points of a spreadsheet as `by`. Raises Forbidden for callers
    who may not register risk points and FileRejected for a file that cannot be read;
    every other problem is a row error in the report."""
    scope = Scope.for_user(by)
    scope.require_officer()
    table = tabular.read_table(content, filename)
    if not table.rows:
        raise tabular.FileRejected("文件中没有内容", "The file has no content")
    mapping, unknown = _map_header(table.rows[0][1])
    missing = [COLUMN[k] for k in REQUIRED if k not in mapping]
    if missing:
        raise tabular.FileRejected(f"缺少必需的列：{'、'.join(c.header for c in missing)}（表头须在第 1 行）",
                                   f"Required columns are missing: {', '.join(c.english for c in missing)} "
                                   f"(the header must be row 1)")
    report = RiskPointImportReport(warnings=list(table.warnings))
    if unknown:
        report.warnings.append(f"未识别的列已忽略：{'、'.join(unknown)} / "
                               f"Unrecognised columns were ignored: {', '.join(unknown)}")
    kinds = _kinds()
    rows = table.rows[1:]
    position = 0
    try:
        for position, (number, cells) in enumerate(rows):  # noqa: B007 - read after the loop
            values = {key: _text(cells[i]) if i < len(cells) else "" for key, i in mapping.items()}
            if not any(values.values()):
                continue
            _import_row(report, number, values, by=by, scope=scope, kinds=kinds)
    except DatabaseError as exc:
        first = rows[position][0]
        report.interrupted = (f"数据库错误，导入在第 {first} 行中断；此前的行已保存，请稍后重新导入本文件 / "
                              f"Database error: the import stopped at row {first}; the rows before it were "
                              f"saved; import the same file again later ({type(exc).__name__})")
    return report


def _map_header(cells: tuple) -> tuple[dict[str, int], list[str]]:
    mapping, unknown = {}, []
    for index, cell in enumerate(cells):
        text = _text(cell)
        if not text:
            continue
        key = HEADER_INDEX.get(_header_key(text))
        if key is None:
            if _header_key(text) not in IGNORED:
                unknown.append(text)
        else:
            mapping.setdefault(key, index)
    return mapping, unknown


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return tabular.unquote(str(value).strip())


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
    except _RowRejected as exc:
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
            raise _RowRejected(key, f"{column.header}不能为空", f"{column.english.capitalize()} is required")
    kind = kinds.get(values["kind"].lower()) or kinds.get(values["kind"])
    if kind is None:
        raise _RowRejected("kind", f"类别不存在：{values['kind'][:40]}", f"Unknown kind: {values['kind'][:40]}")
    wanted = {"kind_id": kind, "name": values["name"], "region_id": values["region"]}
    for key, limit in TEXT_LIMITS.items():
        if values.get(key):
            if len(values[key]) > limit:
                raise _RowRejected(key, f"{COLUMN[key].header}不能超过 {limit} 个字",
                                   f"{COLUMN[key].english.capitalize()} may have at most {limit} characters")
            wanted[key] = values[key]
    if wanted.get("responsible_phone") and not is_phone(wanted["responsible_phone"]):
        raise _RowRejected("responsible_phone", "电话号码无效（如 13800000000、0576-86000000）",
                           "Invalid phone number (e.g. 13800000000, 0576-86000000)")
    for key, (kind_of, low, high) in NUMBERS.items():
        if values.get(key):
            try:
                number = kind_of(float(values[key])) if kind_of is int else float(values[key])
            except ValueError:
                raise _RowRejected(key, f"{COLUMN[key].header}应为数字", f"{COLUMN[key].english} must be a number") \
                    from None
            if kind_of is int and float(values[key]) != number or not low <= number <= high:
                raise _RowRejected(key, f"{COLUMN[key].header}应在 {low} 至 {high} 之间",
                                   f"{COLUMN[key].english} must be between {low} and {high}")
            wanted[key] = number
    if ("longitude" in wanted) != ("latitude" in wanted):
        raise _RowRejected("latitude", "经度和纬度须同时填写", "Longitude and latitude go together")
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
        report.errors.append(RowError(number, COLUMN[key].header if key in COLUMN else "", message))
    reason = "；".join(reason_zh(m) for _, m in problems)
    report.rejected_rows.append([*(values.get(c.key, "") for c in COLUMNS), reason])


def risk_points_template(fmt: str = "xlsx") -> bytes:
    """An empty risk list with the headers and one example row."""
    from ..core.exports import write

    example = ["geo_hazard", "下洋村后山滑坡", "331081100201", "121.38", "28.37", "45", "12", "张三",
               "13800000000", "雨前巡查，降雨达到准备转移雨量时转移坡下住户", ""]
    return write(fmt, "风险清单", [[c.header for c in COLUMNS], example],
                 widths=[14, 24, 16, 10, 10, 8, 8, 10, 14, 40, 20])
