"""Import: read the file within the shared limits, find the header, and upsert
each row through the services in its own savepoint."""

import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import override

from ...core.errors import DomainError
from ...core.scope import Scope
from ...core.tabular import FileRejected, Limits, Table, read_table
from .. import services, uscc
from ..models import Enterprise, Licence
from .cells import _text
from .columns import (
    COLUMN,
    FIELD_COLUMN,
    HEADER_SEARCH_ROWS,
    REQUIRED_KEYS,
    _find_header,
    _map_header,
    _missing_columns,
)
from .report import ImportReport, RowError, _RowRejected
from .rows import _parse_row, _Regions, _Row

log = logging.getLogger(__name__)

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


def import_enterprises(*, by, content: bytes, filename: str) -> ImportReport:
    """Upsert the enterprises of a spreadsheet by USCC, as `by`. Raises Forbidden for
    callers who may not register enterprises, FileRejected for a file that cannot be
    read; every other problem is a row error in the report."""
    scope = Scope.for_user(by)
    scope.require_officer()
    limits = Limits.from_settings()
    table = _read_register(content, filename, limits)
    header_at = _header_position(table)
    mapping, unknown = _map_header(table.rows[header_at][1])
    report = ImportReport(warnings=_header_warnings(unknown, mapping) + table.warnings)
    data = table.rows[header_at + 1:]
    if len(data) > limits.max_rows:
        raise FileRejected(f"文件超过 {limits.max_rows} 行，请分批导入",
                           f"The file has more than {limits.max_rows} rows; import it in parts")
    if not data:
        report.warnings.append("文件中没有数据行 / The file has no data rows")
    rows = [(number, {key: cells[i] if i < len(cells) else None for key, i in mapping.items()})
            for number, cells in data]
    regions = _Regions(scope)
    position = 0
    try:
        known = _known_from(rows)
        for position, (number, values) in enumerate(rows):  # noqa: B007 - read after the loop
            _import_row(report, number, values, by=by, scope=scope, regions=regions, known=known)
    except DatabaseError as exc:  # not the row's fault: stop, and say what was kept
        _interrupt(report, exc, [n for n, _ in rows[position:]])
    left = {e.row for e in report.errors} | set(report.not_imported)
    report.cells = {number: values for number, values in rows if number in left}
    return report


def _read_register(content: bytes, filename: str, limits: Limits) -> Table:
    """The table of the first sheet with our header (a template's notes sheet has
    none), else of the first sheet; title rows above the header do not count as rows."""
    limits = replace(limits, max_rows=limits.max_rows + HEADER_SEARCH_ROWS)
    return read_table(content, filename, limits=limits, pick=_register_sheet)


def _register_sheet(tables) -> Table:
    for i in range(len(tables)):
        if _find_header(tables[i].rows) is not None:
            return tables[i]
    return tables[0]


def _interrupt(report: ImportReport, exc: Exception, rows: list[int]) -> None:
    """Each row commits on its own, so what came before the failure is kept."""
    log.warning("enterprise import interrupted at row %s: %s", rows[0], exc)
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    report.interrupted = (f"数据库错误，导入在第 {rows[0]} 行中断（{reason}）；此前的行已保存，请稍后重新导入本文件 / "
                          f"Database error: the import stopped at row {rows[0]} ({reason}); the rows before it "
                          f"were saved; import the same file again later")
    report.not_imported = rows


def _known_from(rows: list[tuple[int, dict]]) -> _Known:
    usccs = {uscc.normalise(_text(values.get("uscc"))) for _, values in rows}
    numbers = {_text(values.get("licence_number")) for _, values in rows}
    return _Known(usccs - {""}, numbers - {""})


def _header_position(table: Table) -> int:
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

