"""The register of responsible persons (责任人台账) as a spreadsheet: people and their
duties (职责), imported in bulk from Excel (.xlsx) or CSV, and the template to fill in.

One row is one person, optionally with one duty; a person holding several duties
comes as several rows that repeat the person's columns (as the enterprise register
repeats an enterprise per licence).

Rows are matched by **mobile number** (手机号), which is required: it is what the
call-up dials, so it is the number a bureau keeps current, and the platform stores
no ID-card number (personal data it does not need). A known mobile in the caller's
jurisdiction updates that person; an unknown one registers a new person; a mobile
already used outside the jurisdiction is refused for the row. Blank cells leave
stored values unchanged; an import never deletes a person or a duty. A row equal
to what is stored calls no service, so importing the same file again changes
nothing and writes no audit record.

Everything is written through the same services as the forms and the API
(`person_create`, `person_update`, `duty_assign`): scope, validation and audit
apply unchanged. Each row runs in its own savepoint: a bad row is reported with its
row number, column and reason (中文 / English) and never costs the good ones. The
file is read by the shared bounded reader (`core.tabular`).
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import override

from . import services, tabular
from .errors import DomainError
from .models import MOBILE_PATTERN, Duty, DutyKind, Organization, Person, Region
from .rejects import reason_zh
from .scope import Scope
from .tabular.columns import Column, Columns, RowError, RowRejected, cell_text, run_rows

COLUMNS = (
    Column("name", "姓名", "name", ("名字", "责任人", "责任人姓名")),
    Column("mobile", "手机号", "mobile", ("手机", "手机号码", "联系电话", "电话", "phone")),
    Column("region", "所属区划代码", "region code", ("区划代码", "所属区划", "region")),
    Column("title", "职务", "title", ("职位",)),
    Column("organization", "单位", "organization", ("所在单位", "工作单位", "单位名称")),
    Column("superior", "上级手机号", "superior mobile", ("上级手机", "上级联系电话")),
    Column("duty", "职责", "duty", ("职责类型", "职责代码", "duty kind")),
    Column("duty_region", "职责区划代码", "duty region code", ("职责区划", "duty region")),
)
COLUMN = Columns(COLUMNS, required=("name", "mobile"))
_MOBILE = re.compile(MOBILE_PATTERN)


# Service errors name model fields; people know the column headers.
FIELD_COLUMN = {"name": "name", "mobile": "mobile", "region": "region", "region_id": "region",
                "title": "title", "organization": "organization", "organization_id": "organization",
                "superior": "superior", "superior_id": "superior", "kind": "duty"}


@dataclass
class PeopleImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    duties_added: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    interrupted: str = ""  # set when the database failed midway (each row commits on its own)
    # The refused rows in the template's layout with the reason (zh) last: the file
    # the page offers to correct and import again (core.rejects).
    rejected_rows: list[list] = field(default_factory=list)


def import_people(*, by, content: bytes, filename: str) -> PeopleImportReport:
    """Upsert the people (by mobile) and add the duties of a spreadsheet, as `by`.
    Raises Forbidden for callers who may not register people and FileRejected for a
    file that cannot be read; every other problem is a row error in the report."""
    scope = Scope.for_user(by)
    scope.require_officer()
    table = tabular.read_table(content, filename)
    mapping, warnings = COLUMN.read_header(table)
    report = PeopleImportReport(warnings=warnings)
    kinds = _duty_kinds()

    def each(number: int, cells: tuple) -> None:
        values = {key: cell_text(cells[i]) if i < len(cells) else "" for key, i in mapping.items()}
        _import_row(report, number, values, by=by, scope=scope, kinds=kinds)

    report.interrupted = run_rows(table.rows[1:], each)
    return report


def _duty_kinds() -> dict[str, DutyKind]:
    """Duty kinds by code and by Chinese name: a sheet may carry either."""
    kinds = {}
    for kind in DutyKind.objects.all():
        kinds[kind.code.lower()] = kind
        kinds.setdefault(kind.name, kind)
    return kinds


def _import_row(report: PeopleImportReport, number: int, values: dict, *, by, scope: Scope,
                kinds: dict) -> None:
    try:
        with transaction.atomic():  # a savepoint: a failure undoes this row only
            outcome, duty_added = _apply_row(values, by=by, scope=scope, kinds=kinds)
    except RowRejected as exc:
        _reject(report, number, values, [(exc.key, exc.message)])
    except DomainError as exc:
        keys = [k for k in exc.fields if k in FIELD_COLUMN] or [""]
        _reject(report, number, values, [(keys[0], f"{exc.zh} / {exc.en}")])
    except ValidationError as exc:
        _reject(report, number, values, _validation_problems(exc))
    except IntegrityError:
        _reject(report, number, values, [("", "与已有记录冲突（可能正被他人同时修改） / "
                                              "Conflicts with an existing record (perhaps changed at the same time)")])
    else:
        setattr(report, outcome, getattr(report, outcome) + 1)
        report.duties_added += duty_added


def _apply_row(values: dict, *, by, scope: Scope, kinds: dict) -> tuple[str, int]:
    name, mobile = values.get("name", ""), _mobile(values.get("mobile", ""))
    if not name:
        raise RowRejected("name", "姓名不能为空", "Name is required")
    person = _person_by_mobile(scope, mobile)
    wanted = {"name": name}
    if values.get("region"):
        wanted["region_id"] = values["region"]
    if values.get("title"):
        wanted["title"] = values["title"]
    if values.get("organization"):
        wanted["organization_id"] = _organization(scope, values["organization"]).pk
    if values.get("superior"):
        wanted["superior_id"] = _superior(scope, _mobile(values["superior"], key="superior"), mobile)
    if person is None:
        if "region_id" not in wanted:
            raise RowRejected("region", "新登记的人员必须填写所属区划代码",
                               "A new person needs a region code")
        person = services.person_create(by=by, mobile=mobile, **wanted)
        outcome = "created"
    else:
        changes = {k: v for k, v in wanted.items() if getattr(person, k) != v}
        if changes:
            services.person_update(by=by, person=person, **changes)
        outcome = "updated" if changes else "unchanged"
    return outcome, _add_duty(values, person, by=by, kinds=kinds)


def _mobile(text: str, key: str = "mobile") -> str:
    mobile = re.sub(r"[\s-]", "", text)
    if not mobile:
        raise RowRejected(key, "手机号不能为空", "A mobile number is required")
    if not _MOBILE.match(mobile) or len(mobile) > 20:
        raise RowRejected(key, f"手机号格式不正确：{text}", f"Not a phone number: {text}")
    return mobile


def _person_by_mobile(scope: Scope, mobile: str, key: str = "mobile") -> Person | None:
    mine = list(scope.filter(Person.objects.filter(mobile=mobile))[:2])
    if len(mine) > 1:
        raise RowRejected(key, "管辖范围内有多人使用此手机号，无法确定更新哪一位",
                           "Several people in your jurisdiction have this mobile number")
    if mine:
        return mine[0]
    if Person.objects.filter(mobile=mobile).exists():
        # The same words wherever the other person is: where is not the caller's to learn.
        raise RowRejected(key, "该手机号已被其他人员使用", "This mobile number is used by another person")
    return None


def _organization(scope: Scope, name: str) -> Organization:
    found = list(scope.filter(Organization.objects.filter(name=name))[:2])
    if len(found) != 1:
        zh, en = ("管辖范围内有多个同名单位", "Several organizations in your jurisdiction have this name") \
            if found else ("管辖范围内没有该单位", "No organization of this name in your jurisdiction")
        raise RowRejected("organization", zh, en)
    return found[0]


def _superior(scope: Scope, mobile: str, own_mobile: str) -> int:
    if mobile == own_mobile:
        raise RowRejected("superior", "上级不能是本人", "A person cannot be their own superior")
    superior = _person_by_mobile(scope, mobile, key="superior")
    if superior is None:
        raise RowRejected("superior", "管辖范围内没有此手机号的人员（上级须先登记，或在文件中排在前面）",
                           "No person with this mobile in your jurisdiction (register the superior "
                           "first, or place them earlier in the file)")
    return superior.pk


def _add_duty(values: dict, person: Person, *, by, kinds: dict) -> int:
    text = values.get("duty", "")
    if not text:
        return 0
    kind = kinds.get(text.lower()) or kinds.get(text)
    if kind is None:
        raise RowRejected("duty", f"未知的职责：{text}", f"Unknown duty: {text}")
    region = values.get("duty_region") or person.region_id
    if not Region.objects.filter(pk=region).exists():
        raise RowRejected("duty_region", f"区划代码不存在：{region}", f"Unknown region code: {region}")
    if Duty.objects.filter(person=person, kind=kind, region_id=region).exists():
        return 0
    services.duty_assign(by=by, person=person, kind_code=kind.code, region_code=region)
    return 1


def _reject(report: PeopleImportReport, number: int, values: dict, problems: list[tuple[str, str]]) -> None:
    report.rejected += 1
    reasons = []
    for key, message in problems:
        column = COLUMN.get(FIELD_COLUMN.get(key, key))
        report.errors.append(RowError(row=number, field=column.header if column else "", message=message))
        reasons.append((f"{column.header}：" if column else "") + reason_zh(message))
    report.rejected_rows.append([values.get(c.key, "") for c in COLUMNS] + ["；".join(reasons)])


def _validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    with override("zh-hans"):
        zh = _messages(exc)
    with override("en"):
        en = _messages(exc)
    return [(k, v if v == en.get(k) else f"{v} / {en.get(k, '')}") for k, v in zh.items()]


def _messages(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {k: "；".join(v) for k, v in exc.message_dict.items()}
    return {"": "；".join(exc.messages)}


# The template -------------------------------------------------------------------

def people_template(fmt: str = "xlsx") -> bytes:
    """The headers, two example rows (a township's flood chief and a grid worker under him)
    and, in .xlsx, a sheet of notes listing the duty kinds."""
    header = [c.header for c in COLUMNS]
    examples = [
        ["张三", "13800000001", "331081001", "镇长", "", "", "township_flood_chief", ""],
        ["李四", "13800000002", "331081001", "", "", "13800000001", "网格员", "331081001"],
    ]
    if fmt == "csv":
        return tabular.csv_bytes([header, *examples])
    if fmt != "xlsx":
        raise DomainError(f"不支持的格式：{fmt}（可选 xlsx、csv）", f"Unsupported format: {fmt} (xlsx or csv)",
                          fields={"format": "xlsx / csv"})
    notes = [
        ["填写说明 / Notes"],
        ["必填列：姓名、手机号；新登记的人员还须填写所属区划代码。导入前请删除示例行。"],
        ["按手机号新增或更新人员：管辖范围内已有此手机号则更新，否则新登记；空白单元格不修改已有数据；导入不删除任何人员或职责。"],
        ["一人多项职责时，每项职责一行，重复填写人员各列。职责区划代码留空时为所属区划。"],
        ["单位填写管辖范围内已登记单位的全称；上级手机号须为已登记人员（或在本文件中排在前面）。"],
        ["职责（可填代码或名称）："],
        *[[f"{k.code}", k.name] for k in DutyKind.objects.all()],
    ]
    return tabular.xlsx([
        tabular.Sheet("责任人台账", [header, *examples], freeze_header=True,
                      widths=[10, 14, 16, 12, 24, 14, 22, 16]),
        tabular.Sheet("填写说明", notes),
    ])
