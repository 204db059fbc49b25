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

Each row commits on its own: when the database fails midway, the rows before are
kept and the report lists the rows that were not imported (`ImportReport.interrupted`).

Licences come one per row (许可证类型/编号/有效期起/有效期至); an enterprise with
several licences is exported as several rows that repeat its other columns, and
importing such rows upserts each licence by (type, number).

The file itself is read and written by the shared core.tabular (limits, formula
and character safety); the modules here hold the register's own rules:
`columns` (headers), `cells` (values), `rows` (one row), `importing`, `exporting`,
`report`.
"""

from .exporting import CONTENT_TYPES, EXPORT_HEADERS, export_enterprises, export_template, rejected_rows
from .importing import import_enterprises
from .report import FileRejected, ImportReport, RowError

__all__ = [
    "CONTENT_TYPES", "EXPORT_HEADERS", "FileRejected", "ImportReport", "RowError", "export_enterprises",
    "export_template", "import_enterprises", "rejected_rows",
]
