"""Spreadsheets and CSV for every import and export: bounded reading
(`reading`) and safe writing (`writing`). Apps keep their columns and rules; the
file handling, its limits and its defences live here once."""

from .reading import (
    UTF8_ONLY,
    FileRejected,
    Limits,
    Table,
    check_size,
    decode,
    read_csv,
    read_table,
    read_xlsx_sheets,
)
from .writing import (
    CONTENT_TYPES,
    FORMULA_STARTS,
    Sheet,
    csv_bytes,
    csv_cell,
    unquote,
    xlsx,
    xlsx_cell,
)

__all__ = [
    "CONTENT_TYPES", "FORMULA_STARTS", "UTF8_ONLY", "FileRejected", "Limits", "Sheet", "Table", "check_size",
    "csv_bytes", "csv_cell", "decode", "read_csv", "read_table", "read_xlsx_sheets", "unquote", "xlsx", "xlsx_cell",
]
