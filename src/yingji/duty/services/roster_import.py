"""The roster from a spreadsheet (值班表导入): one row per shift, read by the shared
bounded reader (core.tabular), written through `shift_create` (scope, overlap check
and audit apply unchanged), each row in its own savepoint: a bad row is reported
with its number, column and reason (中文 / English) and never costs the good ones;
the refused rows come back as a file to correct (core.rejects).

Columns: 日期, 开始, 结束, 岗位 (值班员 / 带班领导 / 备班), 姓名, 手机, 区划, 备注.
The person is found by mobile, else by name, among the active people of the region
(and the regions below it) that the importer can see; someone unknown is a bad row
(the roster does not register people: the register of people does). A row equal to a
stored shift is counted unchanged, so importing the same file twice adds nothing.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ...core import tabular
from ...core.choices import ShiftRole
from ...core.errors import DomainError
from ...core.models import Person, Region, RosterShift
from ...core.rejects import reason_zh
from ...core.scope import Scope
from ...core.tabular.columns import Column, Columns, RowError, RowRejected, cell_text, run_rows
from .roster import SHIFT_CHANGE, SHIFT_HOURS, shift_create

COLUMNS = (
    Column("date", "日期", "date", ("值班日期", "day")),
    Column("start", "开始", "start", ("开始时间", "上班时间", "starts_at")),
    Column("end", "结束", "end", ("结束时间", "下班时间", "ends_at")),
    Column("role", "岗位", "role", ("值班岗位", "职责", "类别")),
    Column("name", "姓名", "name", ("值班人", "人员")),
    Column("mobile", "手机", "mobile", ("手机号", "手机号码", "联系电话", "电话", "phone")),
    Column("region", "区划", "region", ("区划代码", "所属区划", "region code")),
    Column("note", "备注", "note", ("说明",)),
)
COLUMN = Columns(COLUMNS, required=("date", "name"), ignored=("星期",))
ROLE_NAMES = {"值班员": ShiftRole.OFFICER, "值班": ShiftRole.OFFICER, "值班人员": ShiftRole.OFFICER,
              "officer": ShiftRole.OFFICER, "带班领导": ShiftRole.LEADER, "带班": ShiftRole.LEADER,
              "领导": ShiftRole.LEADER, "leader": ShiftRole.LEADER, "备班": ShiftRole.BACKUP,
              "备班人员": ShiftRole.BACKUP, "backup": ShiftRole.BACKUP}
FIELD_COLUMN = {"person": "name", "starts_at": "start", "ends_at": "end", "role": "role", "region": "region",
                "note": "note"}


@dataclass
class RosterImportReport:
    created: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    interrupted: str = ""
    rejected_rows: list[list] = field(default_factory=list)


def import_roster(*, by, content: bytes, filename: str, region_code: str = "") -> RosterImportReport:
    """Shifts of a spreadsheet, as `by`; `region_code` is the region of rows without one.
    Raises Forbidden for callers who may not edit rosters and FileRejected for a file that
    cannot be read; every other problem is a row error in the report."""
    scope = Scope.for_user(by)
    scope.require_officer()
    table = tabular.read_table(content, filename)
    mapping, warnings = COLUMN.read_header(table)
    report = RosterImportReport(warnings=warnings)

    def each(number: int, cells: tuple) -> None:
        raw = {key: cells[i] if i < len(cells) else None for key, i in mapping.items()}
        _import_row(report, number, raw, by=by, scope=scope, default_region=region_code or scope.region_code)

    report.interrupted = run_rows(table.rows[1:], each)
    return report


def _import_row(report, number: int, raw: dict, *, by, scope: Scope, default_region: str) -> None:
    try:
        with transaction.atomic():
            outcome = _apply_row(raw, by=by, scope=scope, default_region=default_region)
    except RowRejected as exc:
        _reject(report, number, raw, [(exc.key, exc.message)])
    except DomainError as exc:
        keys = [k for k in exc.fields if k in FIELD_COLUMN] or [""]
        _reject(report, number, raw, [(FIELD_COLUMN.get(keys[0], ""), f"{exc.zh} / {exc.en}")])
    except ValidationError as exc:
        _reject(report, number, raw, [("", "；".join(exc.messages))])
    except IntegrityError:
        _reject(report, number, raw, [("", "与已有班次冲突 / Conflicts with an existing shift")])
    else:
        setattr(report, outcome, getattr(report, outcome) + 1)


def _apply_row(raw: dict, *, by, scope: Scope, default_region: str) -> str:
    region = cell_text(raw.get("region")) or default_region
    region = _region(scope, region)
    day = _date(raw.get("date"))
    start_time = _time(raw.get("start"), "start") or SHIFT_CHANGE
    starts_at = timezone.make_aware(dt.datetime.combine(day, start_time)).astimezone(dt.UTC)
    end_time = _time(raw.get("end"), "end")
    if end_time is None:
        ends_at = starts_at + dt.timedelta(hours=SHIFT_HOURS)
    else:
        ends_at = timezone.make_aware(dt.datetime.combine(day, end_time)).astimezone(dt.UTC)
        if ends_at <= starts_at:  # 08:30 → 08:30, or 18:00 → 08:00: the next day
            ends_at += dt.timedelta(days=1)
    role = _role(cell_text(raw.get("role")))
    person = _person(scope, region, cell_text(raw.get("name")), cell_text(raw.get("mobile")))
    note = cell_text(raw.get("note"))
    same = RosterShift.objects.filter(region_id=region, person=person, role=role, starts_at=starts_at).first()
    if same is not None and same.ends_at == ends_at:
        return "unchanged"
    shift_create(by=by, region_code=region, person_id=person.pk, role=role, starts_at=starts_at, ends_at=ends_at,
                 note=note)
    return "created"


def _region(scope: Scope, text: str) -> str:
    if not text:
        raise RowRejected("region", "请填写区划代码", "A region code is required")
    if Region.objects.filter(pk=text).exists():
        if not scope.covers_region(text):
            raise RowRejected("region", f"区划不在您的管辖范围内：{text}", f"Region outside your jurisdiction: {text}")
        return text
    named = list(Region.objects.filter(name=text).values_list("code", flat=True)[:2])
    named = [c for c in named if scope.covers_region(c)]
    if len(named) == 1:
        return named[0]
    raise RowRejected("region", f"区划不存在：{text}", f"Unknown region: {text}")


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_TIME = re.compile(r"^(\d{1,2})[:：时](\d{2})(?:[:：](\d{2}))?分?$")


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    match = _DATE.match(text)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise RowRejected("date", f"日期格式不正确：{text or '（空）'}（应为 2026-12-07）",
                       f"Not a date: {text or '(blank)'} (use 2026-12-07)")


def _time(value, key: str) -> dt.time | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    if isinstance(value, dt.timedelta):
        value = value.total_seconds() / 86400
    if isinstance(value, float | int) and 0 <= value < 1:  # Excel's fraction of a day
        minutes = round(value * 24 * 60)
        return dt.time(minutes // 60 % 24, minutes % 60)
    text = cell_text(value)
    match = _TIME.match(text)
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return dt.time(int(match.group(1)), int(match.group(2)))
    if text in ("24:00", "24:00:00"):
        return dt.time(0, 0)
    raise RowRejected(key, f"时间格式不正确：{text}（应为 08:30）", f"Not a time: {text} (use 08:30)")


def _role(text: str) -> str:
    if not text:
        return ShiftRole.OFFICER
    role = ROLE_NAMES.get(text) or ROLE_NAMES.get(text.lower())
    if role is None:
        raise RowRejected("role", f"未知的岗位：{text}（值班员、带班领导、备班）",
                           f"Unknown role: {text} (officer, leader, backup)")
    return role


def _person(scope: Scope, region: str, name: str, mobile: str) -> Person:
    people = scope.filter(Person.objects.filter(region__code__startswith=region, active=True))
    mobile = re.sub(r"[\s-]", "", mobile)
    if mobile:
        found = list(people.filter(mobile=mobile)[:2])
        if len(found) == 1:
            if name and found[0].name != name:
                raise RowRejected("name", f"手机 {mobile} 登记的是 {found[0].name}，不是 {name}",
                                   f"Mobile {mobile} belongs to {found[0].name}, not {name}")
            return found[0]
        if len(found) > 1:
            raise RowRejected("mobile", "本区划有多人使用此手机号", "Several people of the region have this mobile")
    if not name:
        raise RowRejected("name", "请填写姓名", "A name is required")
    found = list(people.filter(name=name)[:2])
    if len(found) == 1 and not mobile:
        return found[0]
    if len(found) > 1 and not mobile:
        raise RowRejected("mobile", f"本区划有多位 {name}，请填写手机号",
                           f"Several people named {name}: add the mobile")
    zh_mobile, en_mobile = (f"（手机 {mobile}）", f" (mobile {mobile})") if mobile else ("", "")
    raise RowRejected("name", f"本区划人员中没有 {name}{zh_mobile}，请先在人员台账中登记",
                       f"No person {name}{en_mobile} in the region; "
                       f"register them in the people register first")


def _reject(report: RosterImportReport, number: int, raw: dict, problems: list[tuple[str, str]]) -> None:
    report.rejected += 1
    reasons = []
    for key, message in problems:
        column = COLUMN.get(key)
        report.errors.append(RowError(row=number, field=column.header if column else "", message=message))
        reasons.append((f"{column.header}：" if column else "") + reason_zh(message))
    report.rejected_rows.append([_cell(raw.get(c.key)) for c in COLUMNS] + ["；".join(reasons)])


def _cell(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return "" if value is None else value


def roster_template() -> bytes:
    header = [c.header for c in COLUMNS]
    examples = [["2026-12-07", "08:30", "08:30", "值班员", "张三", "13800000001", "331081", ""],
                ["2026-12-07", "08:30", "08:30", "带班领导", "李四", "13800000002", "331081", ""],
                ["2026-12-07", "08:30", "08:30", "备班", "王五", "", "331081", "姓名唯一时可不填手机"]]
    notes = [["填写说明 / Notes"],
             ["每行一个班次。必填：日期、姓名。开始默认 08:30；结束早于或等于开始时为次日；不填结束为 24 小时。"],
             ["岗位：值班员、带班领导、备班（默认值班员）。区划：区划代码，不填为导入人所属区划。"],
             ["人员按手机号、其次按姓名在本区划已登记人员中查找；查不到的行不导入，请先登记人员。"],
             ["同一人的班次不能重叠；与已有班次相同的行不重复导入。导入前请删除示例行。"]]
    return tabular.xlsx([tabular.Sheet("值班表", [header, *examples], freeze_header=True,
                                       widths=[12, 8, 8, 10, 10, 14, 12, 20]),
                         tabular.Sheet("填写说明", notes)])
