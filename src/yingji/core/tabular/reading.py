"""Reading an uploaded spreadsheet (.xlsx) or CSV within bounds, for every import.

A 10 MB upload can unpack to gigabytes: one shared string of 200 MB, millions of
blank rows, or a lone `<row r="1048576">` that openpyxl pads with a million empty
rows. So the file is judged before openpyxl parses it (the zip entries' declared
sizes and compression ratios; zipfile itself refuses an entry that unpacks to more
than it declared), and rows are then read one at a time from the sheet's XML as
they are, never from its claimed dimensions: a gap in row numbers is counted, not
iterated, and every row, column and cell is counted against a limit. Past a limit
the whole file is refused (400) with a message naming the limit; a long run of
blank rows ends the table with a warning instead, since formatted but empty rows
to Excel's last row are common in real 台账.
"""

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from django.conf import settings

from ..errors import DomainError

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
# Entries smaller than this may compress well for honest reasons (styles, one
# repeated row): only larger ones are held to the ratio.
RATIO_FLOOR = 1024 * 1024


class FileRejected(DomainError):
    """The file as a whole cannot be read: nothing was imported."""

    code = "bad_file"


@dataclass(frozen=True)
class Limits:
    """What one import may read; the defaults come from settings (YINGJI_IMPORT_*)."""

    max_bytes: int
    max_unzipped_bytes: int
    max_ratio: int
    max_cell_chars: int
    max_line_chars: int
    max_rows: int
    max_columns: int
    max_blank_run: int

    @classmethod
    def from_settings(cls, **overrides) -> "Limits":
        return replace(cls(
            max_bytes=settings.YINGJI_IMPORT_MAX_BYTES,
            max_unzipped_bytes=settings.YINGJI_IMPORT_MAX_UNZIPPED_BYTES,
            max_ratio=settings.YINGJI_IMPORT_MAX_ZIP_RATIO,
            max_cell_chars=settings.YINGJI_IMPORT_MAX_CELL_CHARS,
            max_line_chars=settings.YINGJI_IMPORT_MAX_LINE_CHARS,
            max_rows=settings.YINGJI_IMPORT_MAX_ROWS,
            max_columns=settings.YINGJI_IMPORT_MAX_COLUMNS,
            max_blank_run=settings.YINGJI_IMPORT_MAX_BLANK_ROWS,
        ), **overrides)


@dataclass
class Table:
    """The non-blank rows of a file as (row number as Excel or an editor shows it,
    cells without trailing blanks), and warnings about what was not read."""

    rows: list[tuple[int, tuple]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_read: int = 0  # rows looked at, blank ones included: what the limits bound

    def records(self) -> Iterator[tuple[int, dict]]:
        """The rows after the first as {header (stripped, lower case): text}, like csv.DictReader."""
        if not self.rows:
            return
        header = [str(h).strip().lower() if h is not None else "" for h in self.rows[0][1]]
        for number, cells in self.rows[1:]:
            yield number, {h: _as_text(cells[i]) if i < len(cells) else "" for i, h in enumerate(header) if h}


def check_size(size: int | None, limits: Limits) -> None:
    """Refuse an upload by its size before reading it into memory."""
    if size and size > limits.max_bytes:
        raise FileRejected(f"文件超过 {_mb(limits.max_bytes)}，请分批导入",
                           f"The file is larger than {_mb(limits.max_bytes)}; import it in parts")


def read_table(content: bytes, filename: str = "", *, limits: Limits | None = None,
               formats: Iterable[str] = ("xlsx", "csv"), pick=None) -> Table:
    """The CSV, or a worksheet, of `content`: the first, or the one `pick(tables)`
    chooses (tables[i] reads sheet i when first asked for). `formats` says which kinds
    the caller accepts. Raises FileRejected for a file that cannot or may not be read."""
    limits = limits or Limits.from_settings()
    if not content:
        raise FileRejected("文件是空的", "The file is empty")
    check_size(len(content), limits)
    name = filename.lower()
    if name.endswith(".xls") or content.startswith(XLS_MAGIC):
        raise FileRejected("不支持旧版 Excel (.xls) 文件，请另存为 .xlsx 或 CSV",
                           "Old Excel (.xls) files are not supported; save as .xlsx or CSV")
    if name.endswith((".xlsx", ".xlsm")) or content.startswith(XLSX_MAGIC):
        if "xlsx" not in formats:
            raise FileRejected("请上传 CSV 文件", "Upload a CSV file")
        return read_xlsx_sheets(content, limits=limits, pick=pick or (lambda tables: tables[0]))
    return read_csv(content, limits=limits)


# CSV ---------------------------------------------------------------------------

UTF8_ONLY = ("utf-8-sig",)


def decode(content: bytes, encodings: tuple[str, ...] | None = None) -> str:
    """By default UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 — the
    superset of the GBK that Excel on Chinese Windows writes; files that machines
    write may be held to UTF8_ONLY."""
    if encodings == UTF8_ONLY:
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FileRejected(f"文件不是 UTF-8 编码（第 {exc.start} 字节）",
                               f"The file is not UTF-8 encoded (byte {exc.start})") from None
    encodings = ["utf-16"] if content.startswith((b"\xff\xfe", b"\xfe\xff")) else ["utf-8-sig", "gb18030"]
    for encoding in encodings:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected("无法识别文件编码（支持 UTF-8、GBK/GB18030）或不是 CSV/Excel 文件",
                       "Unknown text encoding (UTF-8 and GBK/GB18030 are supported), or not a CSV/Excel file")


def read_csv(content: bytes, *, limits: Limits | None = None, encodings: tuple[str, ...] | None = None) -> Table:
    """The records of a CSV (comma- or tab-separated), numbered by the line each starts on."""
    limits = limits or Limits.from_settings()
    check_size(len(content), limits)
    text = decode(content, encodings)
    if "\x00" in text:
        raise FileRejected("不是 CSV 或 Excel 文件", "Not a CSV or Excel file")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(_bounded_lines(text, limits), delimiter=delimiter)
    try:
        return _collect(_numbered_records(reader), limits)
    except csv.Error as exc:
        raise FileRejected(f"CSV 格式错误：{exc}", f"Malformed CSV: {exc}") from exc


def _bounded_lines(text: str, limits: Limits) -> Iterator[str]:
    for number, line in enumerate(io.StringIO(text, newline=""), 1):
        if len(line) > limits.max_line_chars:
            raise FileRejected(f"第 {number} 行超过 {limits.max_line_chars} 个字符",
                               f"Line {number} is longer than {limits.max_line_chars} characters")
        yield line


def _numbered_records(reader) -> Iterator[tuple[int, list]]:
    """Each record with the line it starts on (records may span lines inside quotes)."""
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


# XLSX --------------------------------------------------------------------------

def read_xlsx_sheets(content: bytes, *, limits: Limits, pick) -> Table:
    """Open the workbook once its zip passed the checks; `pick(tables)` chooses among
    the worksheets' tables, read lazily one by one (a list-like of Table)."""
    import openpyxl

    check_zip(content, limits)
    # A damaged or foreign file fails in many library-internal ways (BadZipFile,
    # KeyError for a zip that is not a workbook, XML errors): all mean "not readable".
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise FileRejected("不是有效的 Excel (.xlsx) 文件", "Not a valid Excel (.xlsx) file") from exc
    try:
        if not book.worksheets:
            raise FileRejected("Excel 文件中没有工作表", "The workbook has no worksheet")
        return pick(_LazySheets(book.worksheets, limits))
    except FileRejected:
        raise
    except Exception as exc:
        raise FileRejected("Excel 文件已损坏，无法读取", "The Excel file is damaged and cannot be read") from exc
    finally:
        book.close()


class _LazySheets:
    """Worksheets as tables, each read only when asked for."""

    def __init__(self, sheets, limits: Limits):
        self.sheets, self.limits, self.cache = sheets, limits, {}

    def __len__(self):
        return len(self.sheets)

    def __getitem__(self, index: int) -> Table:
        if index not in self.cache:
            self.cache[index] = _collect(_sheet_rows(self.sheets[index], self.limits), self.limits)
        return self.cache[index]


def check_zip(content: bytes, limits: Limits) -> None:
    """Refuse a zip whose entries would unpack past the limits, before anything unpacks."""
    try:
        entries = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected("不是有效的 Excel (.xlsx) 文件", "Not a valid Excel (.xlsx) file") from exc
    total = sum(e.file_size for e in entries)
    if total > limits.max_unzipped_bytes:
        raise FileRejected(f"Excel 文件解压后超过 {_mb(limits.max_unzipped_bytes)}，请分批导入",
                           f"The workbook unpacks to more than {_mb(limits.max_unzipped_bytes)}; "
                           f"import it in parts")
    for e in entries:
        if e.file_size > RATIO_FLOOR and e.file_size > limits.max_ratio * max(e.compress_size, 1):
            raise FileRejected(f"Excel 文件压缩比超过 {limits.max_ratio}:1（{e.filename}），疑为恶意文件",
                               f"The workbook's compression ratio exceeds {limits.max_ratio}:1 ({e.filename}); "
                               f"refused as a possible zip bomb")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for e in entries:
            if e.filename.startswith("xl/worksheets/") and e.filename.endswith(".xml"):
                _check_row_widths(archive, e, limits)


# A cell or row start tag, with the namespace prefix some producers write (<x:c>).
_CELL_OR_ROW = re.compile(rb"<(?:\w{1,16}:)?(c|row)[\s/>]")
_TAG_MAX = 24  # bytes a start tag above can span: kept for the next chunk


def _check_row_widths(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: Limits) -> None:
    """openpyxl builds a whole row in memory before we see it: scan the sheet's XML,
    streamed, for a row with more cells than any honest register has (formatted
    blanks included), before the parser does."""
    most, cells, tail = limits.max_columns * 10, 0, b""
    try:
        with archive.open(entry) as source:
            while True:
                chunk = source.read(1 << 20)
                data = tail + chunk
                cut = len(data) - _TAG_MAX if chunk else len(data)
                for match in _CELL_OR_ROW.finditer(data):
                    if match.start() >= cut:
                        break
                    cells = 0 if match.group(1) == b"row" else cells + 1
                    if cells > most:
                        raise FileRejected(f"工作表中有一行超过 {most} 个单元格",
                                           f"A row of the worksheet holds more than {most} cells")
                if not chunk:
                    return
                tail = data[max(cut, 0):]
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise FileRejected("Excel 文件已损坏，无法读取", "The Excel file is damaged and cannot be read") from exc


def _sheet_rows(ws, limits: Limits) -> Iterator[tuple[int, tuple]]:
    """(row number, values) of the rows the sheet's XML holds, as it holds them.

    openpyxl's own iteration fills gaps in row numbers and pads rows to the claimed
    dimension; this reads its parser directly, so a sheet that jumps to row 1,048,576
    costs one row, not a million."""
    from openpyxl.worksheet._reader import WorkSheetParser

    with ws._get_source() as source:
        parser = WorkSheetParser(source, ws._shared_strings, data_only=True, epoch=ws.parent.epoch,
                                 date_formats=ws.parent._date_formats,
                                 timedelta_formats=ws.parent._timedelta_formats)
        for number, cells in parser.parse():
            values = {}
            for cell in cells:
                if cell["value"] is None:
                    continue
                if cell["column"] > limits.max_columns:
                    raise FileRejected(f"第 {number} 行超过 {limits.max_columns} 列",
                                       f"Row {number} has more than {limits.max_columns} columns")
                values[cell["column"]] = cell["value"]
            width = max(values, default=0)
            yield number, tuple(values.get(c) for c in range(1, width + 1))


# Both --------------------------------------------------------------------------

def _collect(numbered: Iterable[tuple[int, Iterable]], limits: Limits) -> Table:
    """Keep the non-blank rows within the limits; a gap in row numbers counts as
    blank rows without being iterated."""
    table, blank_run, previous = Table(), 0, 0
    for number, cells in numbered:
        blank_run += max(number - previous - 1, 0)
        previous = number
        if blank_run >= limits.max_blank_run:
            table.warnings.append(_blank_warning(number - blank_run, limits))
            break
        cells = _trimmed(tuple(cells), number, limits)
        table.rows_read += 1
        if not cells:
            blank_run += 1
            continue
        blank_run = 0
        if len(table.rows) >= limits.max_rows:
            raise FileRejected(f"文件超过 {limits.max_rows} 行，请分批导入",
                               f"The file has more than {limits.max_rows} rows; import it in parts")
        table.rows.append((number, cells))
    return table


def _blank_warning(start: int, limits: Limits) -> str:
    return (f"第 {start} 行起连续 {limits.max_blank_run} 行以上为空，其后内容未读取 / "
            f"{limits.max_blank_run} or more blank rows from row {start}: nothing after them was read")


def _trimmed(cells: tuple, number: int, limits: Limits) -> tuple:
    while cells and _is_blank(cells[-1]):
        cells = cells[:-1]
    if len(cells) > limits.max_columns:
        raise FileRejected(f"第 {number} 行超过 {limits.max_columns} 列",
                           f"Row {number} has more than {limits.max_columns} columns")
    for value in cells:
        if isinstance(value, str) and len(value) > limits.max_cell_chars:
            raise FileRejected(f"第 {number} 行有单元格超过 {limits.max_cell_chars} 个字符",
                               f"A cell in row {number} is longer than {limits.max_cell_chars} characters")
    return cells


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value) -> str:
    return "" if value is None else str(value).strip()


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"
