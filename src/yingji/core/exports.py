"""Every list page's export (导出) to Excel and CSV, in one place.

A list view declares its columns once (an `Export`) and, after building the queryset
its page shows (same scope, same filters), hands it over when the request asks for a
file:

    if exports.requested(request):
        return exports.response(request, HAZARDS, qs)

`?format=xlsx` or `?format=csv` on the page's own URL then answers the file: every
row the filters select (not only the page shown), written by the shared safe writer
(core.tabular: formula-like text stays text, characters an .xlsx cannot hold are
stripped; CSV is UTF-8 with a BOM so that Excel reads the Chinese). An export is
bounded (settings.YINGJI_EXPORT_MAX_ROWS: past it the person is asked to narrow the
filters) and audited (who exported which list, with which filters, how many rows).
The template `_export_links.html` draws the two buttons.
"""

import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from . import audit, tabular
from .errors import DomainError
from .scope import Scope

FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Column:
    """One column: its (Chinese) header and how to get its value from a row, either a
    dotted attribute path ("enterprise.name", "get_state_display") or a function."""

    header: str
    value: str | Callable[[Any], Any]
    width: int = 14

    def of(self, row) -> Any:
        if callable(self.value):
            return self.value(row)
        value = row
        for name in self.value.split("."):
            value = getattr(value, name, None) if value is not None else None
            if callable(value):
                value = value()
        return value


@dataclass(frozen=True)
class Export:
    """What a list exports: the file's name (ASCII, dated on download), the sheet's
    title, and the columns."""

    name: str
    title: str
    columns: tuple[Column, ...]
    widths: list[int] = field(default_factory=list)

    def __post_init__(self):
        _EXPORTS[self.name] = self

    def header(self) -> list[str]:
        return [str(c.header) for c in self.columns]

    def row(self, obj) -> list:
        return [_plain(c.of(obj)) for c in self.columns]


_EXPORTS: dict[str, Export] = {}


def by_name(name: str) -> Export | None:
    """The export declared under this name (the audit log names a record `export.<name>`)."""
    return _EXPORTS.get(name)


def requested(request) -> str:
    """The format the request asks for ("" for the page itself); an unknown one is an error."""
    fmt = request.GET.get("format", "")
    if fmt and fmt not in FORMATS:
        raise DomainError(f"不支持的导出格式：{fmt[:20]}（可选 xlsx、csv）",
                          f"Unsupported export format: {fmt[:20]} (xlsx or csv)", fields={"format": "xlsx / csv"})
    return fmt


def response(request, export: Export, rows: QuerySet | Iterable, *, fmt: str | None = None) -> HttpResponse:
    """The file of `rows` (already scoped and filtered by the caller's selector),
    after checking the bound and writing the audit record."""
    fmt = fmt or requested(request) or "xlsx"
    objects = bounded(rows)
    content = write(fmt, export.title, [export.header(), *(export.row(o) for o in objects)],
                    widths=[c.width for c in export.columns])
    record(request, name=export.name, fmt=fmt, count=len(objects))
    return file_response(content, fmt, export.name)


def bounded(rows: QuerySet | Iterable) -> list:
    """The rows as a list, refused when there are more than the export limit."""
    limit = settings.YINGJI_EXPORT_MAX_ROWS
    objects = list(rows[:limit + 1]) if isinstance(rows, QuerySet) else list(rows)
    check_bound(len(objects))
    return objects


def check_bound(count: int) -> None:
    limit = settings.YINGJI_EXPORT_MAX_ROWS
    if count > limit:
        raise DomainError(f"导出超过 {limit} 行的上限，请缩小筛选范围（如区划、日期、状态）后再导出",
                          f"The export would exceed the limit of {limit} rows; narrow the filters "
                          f"(region, dates, state) and export again", fields={"format": "太多 / too many rows"},
                          code="too_many_rows")


def record(request, *, name: str, fmt: str, count: int) -> None:
    """Who exported which list, with which filters, and how many rows (core.audit)."""
    scope = Scope.for_user(request.user)
    filters = {k: v[:200] for k, v in request.GET.items() if k not in ("format", "page")}
    audit.record(actor=request.user, action="export", object_type=f"export.{name}",
                 region_code=scope.region_code or "",
                 after={"path": request.path[:200], "format": fmt, "rows": count, "filters": filters})


def write(fmt: str, title: str, rows: Iterable[list], *, widths: list[int] | None = None) -> bytes:
    """Rows (the header first) as .xlsx or CSV through the shared safe writer."""
    if fmt == "csv":
        return tabular.csv_bytes(rows)
    if fmt == "xlsx":
        return tabular.xlsx([tabular.Sheet(title, rows, widths=widths or [], freeze_header=True)])
    raise DomainError(f"不支持的导出格式：{fmt[:20]}（可选 xlsx、csv）",
                      f"Unsupported export format: {fmt[:20]} (xlsx or csv)", fields={"format": "xlsx / csv"})


def file_response(content: bytes, fmt: str, name: str) -> HttpResponse:
    reply = HttpResponse(content, content_type=tabular.CONTENT_TYPES[fmt])
    reply["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.{fmt}"'
    return reply


def _plain(value):
    """What a cell holds: numbers, text and dates as they are, booleans as 是/否,
    anything else (choices' labels, lazy strings, regions) as its text."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or isinstance(value, numbers.Number | str) or hasattr(value, "isoformat"):
        return value
    return str(value)
