"""An import's rows read by their headers, the same way in every import (people, risk
points, rosters, …): the columns an import declares with their aliases, the header
row mapped onto them (spacing, case, a trailing * ignored), the required ones checked,
and the rows handed one by one to the import's own rule until the end, or until the
database fails: that stops the import and says at which row, the rows before it kept
(each row commits on its own). What a row means stays with each import."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import DatabaseError

from ..rejects import REASON_HEADER
from .reading import FileRejected, Table
from .writing import unquote

# Header cells a filled-in sheet often carries that no import reads.
NUMBERING = ("序号", "编号", "no", "no.")


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's Chinese header
    english: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel shows it: the header is row 1
    field: str  # the column header, "" for the row as a whole
    message: str  # "中文 / English"


class RowRejected(Exception):
    """A row's problem, named by its column key; the import reports it and goes on."""

    def __init__(self, key: str, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.key, self.message = key, f"{zh} / {en}"


def header_key(text: str) -> str:
    return "".join(str(text).split()).lower().replace("*", "").replace("_", "")


def cell_text(value) -> str:
    """A cell as the text a person typed (a mobile in a number cell has no ".0"),
    with a protective leading quote of our own exports removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unquote(str(value).strip())


class Columns:
    """The columns of one import: each by key, and the header names that find them."""

    def __init__(self, columns: Iterable[Column], *, required: Iterable[str], ignored: Iterable[str] = ()):
        self.columns = tuple(columns)
        self.by_key = {c.key: c for c in self.columns}
        self.required = tuple(required)
        self.index = {header_key(n): c.key for c in self.columns for n in (c.header, c.key, c.english, *c.aliases)}
        self.ignored = {header_key(h) for h in (*NUMBERING, REASON_HEADER, *ignored)}

    def __getitem__(self, key: str) -> Column:
        return self.by_key[key]

    def get(self, key: str) -> Column | None:
        return self.by_key.get(key)

    def map_header(self, cells: tuple) -> tuple[dict[str, int], list[str]]:
        """Column key → cell index, and the header texts nobody reads (to warn about)."""
        mapping, unknown = {}, []
        for index, cell in enumerate(cells):
            text = cell_text(cell)
            if not text:
                continue
            key = self.index.get(header_key(text))
            if key is None:
                if header_key(text) not in self.ignored:
                    unknown.append(text)
            else:
                mapping.setdefault(key, index)
        return mapping, unknown

    def read_header(self, table: Table) -> tuple[dict[str, int], list[str]]:
        """The header row (row 1) mapped; FileRejected for an empty file or missing
        required columns. Returns the mapping and the table's warnings with one more
        for unrecognised columns."""
        if not table.rows:
            raise FileRejected("文件中没有内容", "The file has no content")
        mapping, unknown = self.map_header(table.rows[0][1])
        missing = [self[k] for k in self.required if k not in mapping]
        if missing:
            raise FileRejected(f"缺少必需的列：{'、'.join(c.header for c in missing)}（表头须在第 1 行）",
                               f"Required columns are missing: {', '.join(c.english for c in missing)} "
                               f"(the header must be row 1)")
        warnings = list(table.warnings)
        if unknown:
            warnings.append(f"未识别的列已忽略：{'、'.join(unknown)} / "
                            f"Unrecognised columns were ignored: {', '.join(unknown)}")
        return mapping, warnings


def run_rows(rows: list[tuple[int, tuple]], each: Callable[[int, tuple], None]) -> str:
    """Call `each(number, cells)` for every data row; "" when all ran, else the
    message of the database failure that stopped the import (not the row's fault)."""
    number = rows[0][0] if rows else 0
    try:
        for number, cells in rows:  # noqa: B007 - read after the loop
            each(number, cells)
    except DatabaseError as exc:
        return (f"数据库错误，导入在第 {number} 行中断；此前的行已保存，请稍后重新导入本文件 / "
                f"Database error: the import stopped at row {number}; the rows before it were "
                f"saved; import the same file again later ({type(exc).__name__})")
    return ""
