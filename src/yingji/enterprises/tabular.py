"""The enterprise register (企业台账) as a spreadsheet: import from, and export to,
Excel (.xlsx) and CSV with the Chinese column headers that bureaus exchange.

Import upserts each row by its 统一社会信用代码 through the services, so scope,
validation and audit apply exactly as for a form, and each row runs in its own
savepoint: a bad row is reported by its Excel row number and never costs the good
ones. Two rules keep re-imports and partial files safe:

- a blank cell leaves the stored value as it is (a file with only some columns, or
  some cells unknown, never wipes data); import never deletes anything;
- a row whose values equal what is stored calls no service at all, so importing
  the same file twice writes no audit record.

Licences come one per row (许可证类型/编号/有效期起/有效期至); an enterprise with
several licences is exported as several rows that repeat its other columns, and
importing such rows upserts each licence by (type, number).
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import override

from ..core.choices import RegionLevel
from ..core.errors import DomainError
from ..core.models import Region
from ..core.scope import Scope
from . import services, uscc
from .choices import Industry, LicenceKind, RiskGrade, Scale
from .models import Enterprise, Licence

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 100
HEADER_SEARCH_ROWS = 10  # 台账 often carry a title row or two above the header
# Formatted but empty rows can run to Excel's last row; stop reading after this many.
MAX_BLANK_RUN = 10_000
TAG_SEPARATORS = "、,;，；"
# Excel runs a cell that starts with one of these as a formula; CSV exports quote
# such text with a leading apostrophe (OWASP "CSV injection"), and import drops it.
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # what we write, and the name errors use
    english: str
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column("name", "企业名称", "name", ("名称", "单位名称", "企业名称（全称）", "enterprise", "enterprise name")),
    Column("uscc", "统一社会信用代码", "USCC", ("社会信用代码", "信用代码", "credit code", "unified social credit code")),
    Column("region", "所属乡镇代码", "township code", ("乡镇代码", "乡镇（街道）代码", "区划代码", "region", "region code",
                                                "township code")),
    Column("region_name", "所属乡镇", "township", ("所属乡镇（街道）", "乡镇（街道）", "乡镇", "所属街道", "township",
                                               "region name")),
    Column("address", "地址", "address", ("企业地址", "注册地址", "经营地址")),
    Column("longitude", "经度", "longitude", ("lng", "lon")),
    Column("latitude", "纬度", "latitude", ("lat",)),
    Column("industry", "行业", "industry", ("行业类别", "所属行业", "行业分类")),
    Column("scale", "规模", "scale", ("企业规模",)),
    Column("risk_grade", "风险等级", "risk grade", ("风险四色", "风险颜色", "安全风险等级", "risk")),
    Column("tags", "标签", "tags", ("tag",)),
    Column("legal_representative", "法定代表人", "legal representative", ("法人代表", "法人", "legal rep")),
    Column("contact_phone", "联系电话", "contact phone", ("电话", "手机", "phone", "telephone")),
    Column("employees", "从业人数", "employees", ("员工人数", "职工人数", "从业人员数")),
    Column("licence_kind", "许可证类型", "licence kind", ("许可证种类", "license kind")),
    Column("licence_number", "许可证编号", "licence number", ("许可证号", "license number")),
    Column("valid_from", "有效期起", "valid from", ("有效期开始", "发证日期")),
    Column("valid_to", "有效期至", "valid to", ("有效期止", "有效期截止", "有效期结束")),
)
COLUMN = {c.key: c for c in COLUMNS}
REQUIRED_KEYS = ("name", "uscc")  # and one of region / region_name
LICENCE_KEYS = ("licence_kind", "licence_number", "valid_from", "valid_to")
# Columns that carry no data of ours but appear in most 台账; not worth a warning.
IGNORED_HEADERS = {"序号", "编号", "no", "no.", "#"}
# Service and model errors name model fields; people know the column headers.
FIELD_COLUMN = {
    "region_id": "region", "tags": "tags", "kind": "licence_kind", "number": "licence_number",
    **{c.key: c.key for c in COLUMNS},
}


def _header_key(text: str) -> str:
    """Compare headers ignoring case, spaces, '_' and the '*' that marks required columns."""
    text = "".join(str(text).split()).lower().replace("_", "").replace("-", "").replace("*", "")
    return text.replace("(", "（").replace(")", "）")


HEADER_INDEX = {
    _header_key(name): c.key
    for c in COLUMNS for name in (c.header, c.key, c.english, *c.aliases)
}


# The report -------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    row: int  # as Excel shows it: the header is row 1 unless title rows sit above it
    field: str  # the column header, "" when the row as a whole is wrong
    message: str  # "中文 / English"

    def __str__(self):
        where = f"第 {self.row} 行" + (f" {self.field}" if self.field else "")
        return f"{where}：{self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "rejected": self.rejected, "warnings": list(self.warnings),
            "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in self.errors],
        }

    def summary(self) -> str:
        return (f"新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}，拒绝 {self.rejected} / "
                f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.rejected} rejected")


class FileRejected(DomainError):
    """The file as a whole cannot be read: nothing was imported."""

    code = "bad_file"


class _RowRejected(Exception):
    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(problems)
        self.problems = problems  # (column key or "", message)


class _CellError(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")


# Reading files -------------------------------------------------------------------

@dataclass
class _Table:
    rows: list[tuple[int, tuple]]  # (Excel row number, cells), header first
    warnings: list[str] = field(default_factory=list)


def _read_table(content: bytes, filename: str) -> _Table:
    if not content:
        raise FileRejected("文件是空的", "The file is empty")
    if len(content) > MAX_BYTES:
        raise FileRejected(f"文件超过 {MAX_BYTES // (1024 * 1024)} MB，请分批导入",
                           f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; import it in parts")
    name = filename.lower()
    if name.endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected("不支持旧版 Excel (.xls) 文件，请另存为 .xlsx 或 CSV",
                           "Old Excel (.xls) files are not supported; save as .xlsx or CSV")
    if name.endswith((".xlsx", ".xlsm")) or content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content)
    return _read_csv(content)


def _read_xlsx(content: bytes) -> _Table:
    # A damaged or foreign file fails in many library-internal ways (BadZipFile,
    # KeyError for a zip that is not a workbook, XML errors): all mean "not readable".
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise FileRejected("不是有效的 Excel (.xlsx) 文件", "Not a valid Excel (.xlsx) file") from exc
    try:
        return _register_sheet(book)
    except FileRejected:
        raise
    except Exception as exc:
        raise FileRejected("Excel 文件已损坏，无法读取", "The Excel file is damaged and cannot be read") from exc
    finally:
        book.close()


def _register_sheet(book) -> _Table:
    """The first sheet with our header (a template's notes sheet has none), else the first."""
    first = None
    for ws in book.worksheets:
        table = _sheet_rows(ws)
        if _find_header(table.rows) is not None:
            return table
        first = first or table
    if first is None:
        raise FileRejected("Excel 文件中没有工作表", "The workbook has no worksheet")
    return first


def _sheet_rows(ws) -> _Table:
    return _collect(enumerate(ws.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True), 1))


def _read_csv(content: bytes) -> _Table:
    text = _decode(content)
    if "\x00" in text:
        raise FileRejected("不是 CSV 或 Excel 文件", "Not a CSV or Excel file")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        return _collect(enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1))
    except csv.Error as exc:
        raise FileRejected(f"CSV 格式错误：{exc}", f"Malformed CSV: {exc}") from exc


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 — the superset of the
    GBK that Excel on Chinese Windows writes."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "gb18030"]
    for encoding in encodings:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected("无法识别文件编码（支持 UTF-8、GBK/GB18030）或不是 CSV/Excel 文件",
                       "Unknown text encoding (UTF-8 and GBK/GB18030 are supported), or not a CSV/Excel file")


def _collect(numbered: Iterable[tuple[int, Iterable]]) -> _Table:
    """Keep the non-blank rows, up to the row cap."""
    table, blank_run, data_rows = _Table(rows=[]), 0, 0
    for number, cells in numbered:
        cells = tuple(cells)
        while cells and _is_blank(cells[-1]):  # read-only sheets pad every row to MAX_COLUMNS
            cells = cells[:-1]
        if not cells:
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN and table.rows:
                table.warnings.append(f"第 {number - blank_run + 1} 行起连续 {MAX_BLANK_RUN} 行为空，其后内容未读取 / "
                                      f"{MAX_BLANK_RUN} blank rows from row {number - blank_run + 1}: "
                                      f"nothing after them was read")
                break
            continue
        blank_run = 0
        data_rows += 1
        if data_rows > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise FileRejected(f"文件超过 {MAX_ROWS} 行，请分批导入",
                               f"The file has more than {MAX_ROWS} rows; import it in parts")
        table.rows.append((number, cells))
    return table


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# Headers -----------------------------------------------------------------------

def _map_header(cells: tuple) -> tuple[dict[str, int], list[str]]:
    """Column key → index, and the headers we do not know."""
    mapping, unknown = {}, []
    for index, cell in enumerate(cells):
        if _is_blank(cell):
            continue
        key = HEADER_INDEX.get(_header_key(cell))
        if key is None:
            if _header_key(cell) not in IGNORED_HEADERS:
                unknown.append(str(cell).strip())
        else:
            mapping.setdefault(key, index)
    return mapping, unknown


def _find_header(rows: list[tuple[int, tuple]]) -> int | None:
    """Position in `rows` of the header: the first row naming both name and USCC."""
    for position, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping, _ = _map_header(cells)
        if all(k in mapping for k in REQUIRED_KEYS):
            return position
    return None


def _missing_columns(mapping: dict) -> list[Column]:
    missing = [COLUMN[k] for k in REQUIRED_KEYS if k not in mapping]
    if "region" not in mapping and "region_name" not in mapping:
        missing.append(COLUMN["region"])
    return missing


# Cell values -------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel holds phone numbers and codes typed as numbers as floats
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if text.startswith("'") and text[1:2] in FORMULA_STARTS:
        text = text[1:]  # our CSV export's guard against formula injection
    return text


def _parse_uscc(text: str) -> str:
    try:
        return uscc.validate(text)
    except uscc.USCCError as exc:
        raise _CellError(exc.zh, exc.en) from exc


def _parse_number(text: str, low: float, high: float, zh: str, en: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise _CellError(f"{zh}应为数字，实际为“{text}”", f"{en} must be a number, got '{text}'") from None
    if not low <= number <= high:
        raise _CellError(f"{zh}应在 {low:g}–{high:g} 之间，实际为 {number:g}",
                         f"{en} must be between {low:g} and {high:g}, got {number:g}")
    return number


def _parse_longitude(text: str) -> float:
    return _parse_number(text, 73, 136, "经度", "Longitude")


def _parse_latitude(text: str) -> float:
    return _parse_number(text, 3, 54, "纬度", "Latitude")


def _parse_employees(text: str) -> int:
    number = _parse_number(text, 0, 10_000_000, "从业人数", "Employees")
    if not number.is_integer():
        raise _CellError(f"从业人数应为整数，实际为 {text}", f"Employees must be a whole number, got {text}")
    return int(number)


def _choice_index(choices) -> dict[str, str]:
    """Every way people write a choice → its value: the value, the label, the label's
    head and the words in its brackets (红（重大风险）→ 红, 重大风险), and 红色."""
    index = {}
    with override("zh-hans"):
        for value, label in choices.choices:
            label = str(label)
            head, _, rest = label.partition("（")
            names = {value, label, head, rest.rstrip("）")}
            if len(head) == 1:
                names.add(head + "色")
            index.update({_header_key(n): value for n in names if n})
    return index


CHOICES = {
    "industry": (Industry, _choice_index(Industry), "行业", "industry"),
    "scale": (Scale, _choice_index(Scale), "规模", "scale"),
    "risk_grade": (RiskGrade, _choice_index(RiskGrade), "风险等级", "risk grade"),
    "licence_kind": (LicenceKind, _choice_index(LicenceKind), "许可证类型", "licence kind"),
}


def _parse_choice(key: str, text: str) -> str:
    choices, index, zh, en = CHOICES[key]
    value = index.get(_header_key(text))
    if value is None:
        with override("zh-hans"):
            allowed = "、".join(str(label) for label in choices.labels)
        raise _CellError(f"{zh}“{text}”无效，可选：{allowed}",
                         f"Unknown {en} '{text}'; allowed: {', '.join(choices.values)}")
    return value


def _parse_tags(text: str) -> list[str]:
    for sep in TAG_SEPARATORS[1:]:
        text = text.replace(sep, TAG_SEPARATORS[0])
    return sorted({t.strip() for t in text.split(TAG_SEPARATORS[0]) if t.strip()})


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def _parse_date(value, zh: str, en: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2_958_466:
        # An Excel serial day number in a cell whose date format was lost.
        return openpyxl.utils.datetime.from_excel(value).date()
    text = _text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.split(" ")[0], fmt).date()
        except ValueError:
            continue
    raise _CellError(f"{zh}日期格式应为 YYYY-MM-DD，实际为“{text}”", f"{en} must be a date YYYY-MM-DD, got '{text}'")


# One row ----------------------------------------------------------------------

@dataclass
class _Row:
    number: int
    uscc: str
    fields: dict  # model field → value, only for the cells that were filled in
    tags: list[str] | None
    licence: dict | None


ENTERPRISE_PARSERS = {
    "name": str, "address": str, "legal_representative": str, "contact_phone": str,
    "longitude": _parse_longitude, "latitude": _parse_latitude, "employees": _parse_employees,
    "industry": lambda t: _parse_choice("industry", t), "scale": lambda t: _parse_choice("scale", t),
    "risk_grade": lambda t: _parse_choice("risk_grade", t),
}


class _Regions:
    """Resolves township codes and names for one caller, once per distinct value."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.by_code: dict[str, Region | None] = {}
        self.by_name: dict[str, str | _CellError] = {}

    def code(self, text: str) -> str:
        if text not in self.by_code:
            self.by_code[text] = Region.objects.filter(pk=text).first()
        region = self.by_code[text]
        if region is None:
            raise _CellError(f"区划代码 {text} 不存在", f"Region code {text} does not exist")
        self._require_township_in_scope(region)
        return region.code

    def name(self, text: str) -> str:
        if text not in self.by_name:
            try:
                self.by_name[text] = self._resolve_name(text)
            except _CellError as exc:
                self.by_name[text] = exc
        found = self.by_name[text]
        if isinstance(found, _CellError):
            raise found
        return found

    def _resolve_name(self, text: str) -> str:
        scoped = self.scope.filter(Region.objects.filter(level__gte=RegionLevel.TOWNSHIP))
        matches = list(scoped.filter(name=text))
        if not matches:  # "温岭市太平街道": a name qualified by its county
            matches = [r for r in scoped.filter(full_name__endswith=text) if len(text) > len(r.name)]
        if not matches:
            raise _CellError(f"在您的管辖范围内找不到乡镇（街道）“{text}”",
                             f"No township named '{text}' in your jurisdiction")
        if len(matches) > 1:
            codes = "、".join(f"{r.full_name} {r.code}" for r in matches[:5])
            raise _CellError(f"乡镇（街道）“{text}”不唯一，请填写所属乡镇代码：{codes}",
                             f"Township '{text}' is ambiguous; give the township code instead")
        return matches[0].code

    def _require_township_in_scope(self, region: Region) -> None:
        if region.level < RegionLevel.TOWNSHIP:
            raise _CellError(f"{region.code} 是{region.get_level_display()}，企业必须登记到乡镇（街道）或以下",
                             f"{region.code} is not a township: enterprises belong to a township or below")
        if not self.scope.covers_region(region.code):
            raise _CellError(f"{region.full_name}（{region.code}）不在您的管辖范围内",
                             f"Region {region.code} is outside your jurisdiction")


def _parse_row(number: int, cells: dict, regions: _Regions) -> _Row:
    """Turn the raw cells of one row into values, collecting every problem at once."""
    problems: list[tuple[str, str]] = []

    def attempt(key, parse, value):
        try:
            return parse(value)
        except _CellError as exc:
            problems.append((key, str(exc)))
            return None

    texts = {key: _text(value) for key, value in cells.items()}
    if not texts.get("name"):
        problems.append(("name", "企业名称必填 / Name is required"))
    code = attempt("uscc", _parse_uscc, texts.get("uscc", ""))
    fields = {key: attempt(key, parse, texts[key])
              for key, parse in ENTERPRISE_PARSERS.items() if texts.get(key)}
    if texts.get("region"):
        fields["region_id"] = attempt("region", regions.code, texts["region"])
    elif texts.get("region_name"):
        fields["region_id"] = attempt("region_name", regions.name, texts["region_name"])
    tags = _parse_tags(texts["tags"]) if texts.get("tags") else None
    licence = _parse_licence(cells, texts, problems)
    if problems:
        raise _RowRejected(problems)
    return _Row(number=number, uscc=code, fields=fields, tags=tags, licence=licence)


def _parse_licence(cells: dict, texts: dict, problems: list) -> dict | None:
    if not any(texts.get(k) for k in LICENCE_KEYS):
        return None
    missing = [COLUMN[k].header for k in LICENCE_KEYS if not texts.get(k)]
    if missing:
        problems.append((LICENCE_KEYS[0], f"许可证信息不完整，缺少：{'、'.join(missing)} / "
                                          f"Licence is incomplete: type, number and both dates are needed"))
        return None
    licence = {}
    for key, name, parse in (("licence_kind", "kind", lambda v: _parse_choice("licence_kind", _text(v))),
                             ("licence_number", "number", _text),
                             ("valid_from", "valid_from", lambda v: _parse_date(v, "有效期起", "Valid from")),
                             ("valid_to", "valid_to", lambda v: _parse_date(v, "有效期至", "Valid to"))):
        try:
            licence[name] = parse(cells[key])
        except _CellError as exc:
            problems.append((key, str(exc)))
    return licence if len(licence) == 4 else None


# Writing one row through the services ---------------------------------------------

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
LOAD_BATCH = 500  # keys per IN (...) query; well under SQLite's parameter limit


class _Known:
    """The stored enterprises and licences that the file names, loaded in a few
    queries up front: re-importing a register of thousands of unchanged rows then
    costs no query per row. Rows written by this import replace their entries; a
    failed row forgets them, since a rolled-back service call may have left its
    instance changed in memory."""

    def __init__(self, usccs: set[str], numbers: set[str]):
        self.enterprises: dict[str, Enterprise | None] = dict.fromkeys(usccs)
        for chunk in _chunks(sorted(usccs)):
            for e in Enterprise.objects.filter(uscc__in=chunk).prefetch_related("tags"):
                self.enterprises[e.uscc] = e
        self.licence_numbers = set(numbers)
        self.licences: dict[tuple[str, str], Licence] = {}
        for chunk in _chunks(sorted(numbers)):
            for lic in Licence.objects.filter(number__in=chunk):
                self.licences[(lic.kind, lic.number)] = lic

    def enterprise(self, code: str) -> Enterprise | None:
        if code not in self.enterprises:
            self.enterprises[code] = Enterprise.objects.filter(uscc=code).prefetch_related("tags").first()
        return self.enterprises[code]

    def licence(self, kind: str, number: str) -> Licence | None:
        if (kind, number) not in self.licences and number not in self.licence_numbers:
            self.licences[(kind, number)] = Licence.objects.filter(kind=kind, number=number).first()
            self.licence_numbers.add(number)
        return self.licences.get((kind, number))

    def forget(self, row: "_Row") -> None:
        self.enterprises.pop(row.uscc, None)
        if row.licence:
            self.licences.pop((row.licence["kind"], row.licence["number"]), None)
            self.licence_numbers.discard(row.licence["number"])


def _chunks(items: list) -> Iterator[list]:
    for i in range(0, len(items), LOAD_BATCH):
        yield items[i:i + LOAD_BATCH]


@dataclass
class _Plan:
    """What one row changes; empty when the row equals what is stored."""

    enterprise: Enterprise | None  # None: create it
    changes: dict
    tags: list[str] | None
    licence: Licence | None
    licence_changes: dict

    @property
    def is_empty(self) -> bool:
        return self.enterprise is not None and not self.changes and self.tags is None and not self.licence_changes


def _plan(row: _Row, *, scope: Scope, known: _Known) -> _Plan:
    enterprise = known.enterprise(row.uscc)
    if enterprise is None:
        if not row.fields.get("region_id"):
            raise _RowRejected([("region", "新企业必须填写所属乡镇代码或所属乡镇 / "
                                           "A new enterprise needs its township code or township")])
        changes, tags = dict(row.fields), row.tags
    elif not scope.covers_region(enterprise.region_id):
        # The same words as a duplicate in the caller's own region: where it is registered is not theirs to learn.
        raise _RowRejected([("uscc", "该统一社会信用代码已登记 / An enterprise with this USCC is already registered")])
    else:
        changes = {k: v for k, v in row.fields.items() if getattr(enterprise, k) != v}
        current_tags = sorted(t.name for t in enterprise.tags.all())
        tags = row.tags if row.tags is not None and row.tags != current_tags else None
    licence, licence_changes = _plan_licence(row, enterprise, known)
    return _Plan(enterprise, changes, tags, licence, licence_changes)


def _plan_licence(row: _Row, enterprise: Enterprise | None, known: _Known) -> tuple[Licence | None, dict]:
    """Licences are keyed by (type, number): a new key adds one, a known key may
    change its dates, and a key held by another enterprise is an error."""
    if not row.licence:
        return None, {}
    licence = known.licence(row.licence["kind"], row.licence["number"])
    if licence is None:
        return None, dict(row.licence)
    if enterprise is None or licence.enterprise_id != enterprise.pk:
        raise _RowRejected([("licence_number", "该许可证编号已登记在其他企业名下 / "
                                               "This licence number is registered to another enterprise")])
    return licence, {k: row.licence[k] for k in ("valid_from", "valid_to") if getattr(licence, k) != row.licence[k]}


def _apply(plan: _Plan, row: _Row, *, by, known: _Known) -> str:
    """Carry out a non-empty plan through the services, inside the caller's savepoint."""
    enterprise, outcome = plan.enterprise, UPDATED
    if enterprise is None:
        enterprise = services.enterprise_create(by=by, tags=plan.tags, uscc=row.uscc, **plan.changes)
        outcome = CREATED
    elif plan.changes or plan.tags is not None:
        services.enterprise_update(by=by, enterprise=enterprise, tags=plan.tags, **plan.changes)
    known.enterprises[row.uscc] = enterprise
    if plan.licence is None and plan.licence_changes:
        licence = services.licence_add(by=by, enterprise=enterprise, **plan.licence_changes)
        known.licences[(licence.kind, licence.number)] = licence
    elif plan.licence_changes:
        services.licence_update(by=by, licence=plan.licence, **plan.licence_changes)
    return outcome


# Import -------------------------------------------------------------------------

def import_enterprises(*, by, content: bytes, filename: str) -> ImportReport:
    """Upsert the enterprises of a spreadsheet by USCC, as `by`. Raises Forbidden for
    callers who may not register enterprises, FileRejected for a file that cannot be
    read; every other problem is a row error in the report."""
    scope = Scope.for_user(by)
    scope.require_officer()
    table = _read_table(content, filename)
    header_at = _header_position(table)
    mapping, unknown = _map_header(table.rows[header_at][1])
    report = ImportReport(warnings=_header_warnings(unknown, mapping) + table.warnings)
    data = table.rows[header_at + 1:]
    if len(data) > MAX_ROWS:
        raise FileRejected(f"文件超过 {MAX_ROWS} 行，请分批导入",
                           f"The file has more than {MAX_ROWS} rows; import it in parts")
    if not data:
        report.warnings.append("文件中没有数据行 / The file has no data rows")
    rows = [(number, {key: cells[i] if i < len(cells) else None for key, i in mapping.items()})
            for number, cells in data]
    regions, known = _Regions(scope), _known_from(rows)
    for number, values in rows:
        _import_row(report, number, values, by=by, scope=scope, regions=regions, known=known)
    return report


def _known_from(rows: list[tuple[int, dict]]) -> _Known:
    usccs = {uscc.normalise(_text(values.get("uscc"))) for _, values in rows}
    numbers = {_text(values.get("licence_number")) for _, values in rows}
    return _Known(usccs - {""}, numbers - {""})


def _header_position(table: _Table) -> int:
    if not table.rows:
        raise FileRejected("文件中没有内容", "The file has no content")
    position = _find_header(table.rows)
    if position is not None:
        return position
    mapping, _ = _map_header(table.rows[0][1])
    missing = _missing_columns(mapping) or [COLUMN[k] for k in REQUIRED_KEYS]
    raise FileRejected(
        f"缺少必需的列：{'、'.join(c.header for c in missing)}（表头须在前 {HEADER_SEARCH_ROWS} 行内）",
        f"Required columns are missing: {', '.join(c.english for c in missing)} "
        f"(the header must be within the first {HEADER_SEARCH_ROWS} rows)",
    )


def _header_warnings(unknown: list[str], mapping: dict) -> list[str]:
    missing = _missing_columns(mapping)
    if missing:
        raise FileRejected(f"缺少必需的列：{'、'.join(c.header for c in missing)}",
                           f"Required columns are missing: {', '.join(c.english for c in missing)}")
    if not unknown:
        return []
    return [f"未识别的列已忽略：{'、'.join(unknown)} / Unrecognised columns were ignored: {', '.join(unknown)}"]


def _import_row(report: ImportReport, number: int, values: dict, *, by, scope: Scope,
                regions: _Regions, known: _Known) -> None:
    row = None
    try:
        row = _parse_row(number, values, regions)
        plan = _plan(row, scope=scope, known=known)
        if plan.is_empty:
            outcome = UNCHANGED  # no service call: nothing saved, nothing audited
        else:
            with transaction.atomic():  # a savepoint: a failure undoes this row only
                outcome = _apply(plan, row, by=by, known=known)
    except _RowRejected as exc:
        _reject(report, number, exc.problems)
    except DomainError as exc:
        _reject(report, number, _domain_problems(exc))
    except ValidationError as exc:
        _reject(report, number, _validation_problems(exc))
    except IntegrityError:
        _reject(report, number, [("", "与已有记录冲突（可能正被他人同时修改） / "
                                      "Conflicts with an existing record (perhaps changed at the same time)")])
    else:
        setattr(report, outcome, getattr(report, outcome) + 1)
        return
    if row is not None:
        known.forget(row)


def _reject(report: ImportReport, number: int, problems: list[tuple[str, str]]) -> None:
    report.rejected += 1
    for key, message in problems:
        column = COLUMN.get(FIELD_COLUMN.get(key, ""))
        report.errors.append(RowError(row=number, field=column.header if column else "", message=message))


def _domain_problems(exc: DomainError) -> list[tuple[str, str]]:
    message = f"{exc.zh} / {exc.en}"
    keys = [k for k in exc.fields if k in FIELD_COLUMN] or [""]
    return [(keys[0], message)]


def _validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    with override("zh-hans"):
        zh = _messages(exc)
    with override("en"):
        en = _messages(exc)
    return [(k if k in FIELD_COLUMN else "", v if v == en.get(k) else f"{v} / {en.get(k, '')}")
            for k, v in zh.items()]


def _messages(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {k: "；".join(v) for k, v in exc.message_dict.items()}
    return {"": "；".join(exc.messages)}


# Export -------------------------------------------------------------------------

EXPORT_KEYS = [c.key for c in COLUMNS]
EXPORT_HEADERS = [c.header for c in COLUMNS]
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


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
        return _write_csv(rows)
    if fmt == "xlsx":
        return _write_xlsx(rows, notes=notes)
    raise DomainError(f"不支持的格式：{fmt}（可选 xlsx、csv）", f"Unsupported format: {fmt} (xlsx or csv)",
                      fields={"format": "xlsx / csv"})


def _write_csv(rows: Iterable[list]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADERS)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM tells Excel the file is UTF-8


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)  # str(float) is the shortest text that reads back as the same float
    return "'" + text if text.startswith(FORMULA_STARTS) else text


COLUMN_WIDTHS = {"name": 32, "uscc": 22, "region": 12, "region_name": 12, "address": 36, "tags": 20,
                 "licence_kind": 24, "licence_number": 24, "valid_from": 12, "valid_to": 12}


def _write_xlsx(rows: Iterable[list], notes: bool = False) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("企业台账")
    for i, key in enumerate(EXPORT_KEYS, 1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width = COLUMN_WIDTHS.get(key, 10)
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, h) for h in EXPORT_HEADERS])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    if notes:
        _write_notes(book.create_sheet("填写说明"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        # Control characters cannot be stored in .xlsx at all; openpyxl would raise.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = openpyxl.cell.WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text: "=..." in a name must not become a formula
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _write_notes(sheet) -> None:
    with override("zh-hans"):
        lines = [
            ["填写说明 / Notes"],
            ["必填列：企业名称、统一社会信用代码、所属乡镇代码（或所属乡镇名称）。导入前请删除示例行。"],
            ["按统一社会信用代码新增或更新；空白单元格不修改已有数据；一行填写一个许可证。"],
            ["日期格式：YYYY-MM-DD 或 YYYY/MM/DD；标签用 、 , ; 分隔。"],
            ["行业：" + "、".join(str(x) for x in Industry.labels)],
            ["规模：" + "、".join(str(x) for x in Scale.labels)],
            ["风险等级：红、橙、黄、蓝（或 " + "、".join(str(x) for x in RiskGrade.labels) + "）"],
            ["许可证类型：" + "、".join(str(x) for x in LicenceKind.labels)],
        ]
    for line in lines:
        sheet.append([_xlsx_cell(sheet, v) for v in line])


__all__ = [
    "CONTENT_TYPES", "FileRejected", "ImportReport", "RowError", "export_enterprises", "export_template",
    "import_enterprises", "MAX_BYTES", "MAX_ROWS",
]
