"""Writing every export (.xlsx and CSV) the same safe way.

Two things go wrong with cells that come from people's data:

- an .xlsx cannot hold some characters at all (control characters, U+FFFE/U+FFFF):
  one such character in one contact phone made every export of the register a 500.
  They are stripped here (`core.text.xml_safe`).
- a spreadsheet program runs text that starts with = + - @ (and, in some, tab or
  CR) as a formula: `=HYPERLINK(...)` in a warning headline became a live link.
  In .xlsx every string is written with the cell type "s" (text), never as a formula;
  in CSV, which has no types, such text gets a leading apostrophe (OWASP "CSV
  injection"), which imports drop again (`unquote`).
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from ..text import xml_safe

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@dataclass
class Sheet:
    """One worksheet: a title, rows of plain values, optional column widths (by
    position, in characters) and a frozen header row."""

    title: str
    rows: Iterable[list]
    widths: list[int] = field(default_factory=list)
    freeze_header: bool = False


def xlsx(sheets: Iterable[Sheet]) -> bytes:
    """A workbook of `sheets`, streamed row by row (write-only mode)."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook(write_only=True)
    for spec in sheets:
        sheet = book.create_sheet(xml_safe(spec.title)[:31] or "Sheet")
        for i, width in enumerate(spec.widths, 1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        if spec.freeze_header:
            sheet.freeze_panes = "A2"
        for row in spec.rows:
            sheet.append([xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_cell(sheet, value):
    """A write-only cell for `value`: text always as text, dates formatted."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)  # .xlsx has no time zones
    if isinstance(value, str):
        value = xml_safe(value)
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    elif isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def csv_bytes(rows: Iterable[list]) -> bytes:
    """Rows as UTF-8 CSV with a BOM, which tells Excel the file is UTF-8."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return str(value)  # str(float) is the shortest text that reads back as the same float
    text = xml_safe(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unquote(text: str) -> str:
    """Undo `csv_cell`'s apostrophe, for imports of our own exports."""
    return text[1:] if text.startswith("'") and text[1:2] and text[1] in FORMULA_STARTS else text
