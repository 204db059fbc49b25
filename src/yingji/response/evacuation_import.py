"""Households of the evacuation plans (一户一策) from Excel (.xlsx) or CSV.

Each row is one household and stands alone (its own savepoint): a good row is kept,
a bad one is reported with its row number and the reason, and comes back in the
refused rows' file (core.rejects) to correct and import again."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import override

from ..core import tabular
from ..core.errors import DomainError
from ..core.models import Person
from ..core.rejects import rejects_keep
from ..core.scope import Scope
from .services.evacuation import household_create


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    english: str
    number: bool = False


COLUMNS = (
    Column("region", "村代码", "village code"),
    Column("head", "户主", "head"),
    Column("members", "人数", "members", True),
    Column("elderly", "老人", "elderly", True),
    Column("disabled", "残疾人", "disabled", True),
    Column("children", "儿童", "children", True),
    Column("pregnant", "孕妇", "pregnant", True),
    Column("phone", "联系电话", "phone"),
    Column("address", "地址", "address"),
    Column("route", "转移路线", "route"),
    Column("danger_zone", "危险区", "danger zone"),
    Column("shelter_id", "安置场所编号", "shelter id", True),
    Column("cadre_mobile", "责任干部手机", "cadre mobile"),
)
REQUIRED = ("region", "head", "members")
_INDEX = {"".join(n.split()).lower(): c.key for c in COLUMNS for n in (c.header, c.key, c.english)}
_HEADER = {c.key: c.header for c in COLUMNS}
_HEADER["cadre"] = _HEADER["cadre_mobile"]


@dataclass
class ImportReport:
    created: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejected_rows: list[list] = field(default_factory=list)
    rejects: str | None = None

    def as_dict(self) -> dict:
        return {"created": self.created, "rejected": self.rejected, "errors": self.errors,
                "warnings": self.warnings, "rejects": self.rejects}


class _Bad(Exception):
    def __init__(self, key: str, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.key, self.message = key, f"{zh} / {en}"


def import_households(*, by, content: bytes, filename: str) -> ImportReport:
    scope = Scope.for_user(by)
    scope.require_writer()
    table = tabular.read_table(content, filename)
    if not table.rows:
        raise tabular.FileRejected("文件中没有内容", "The file has no content")
    header = ["".join(str(h or "").split()).lower() for h in table.rows[0][1]]
    mapping = {_INDEX[h]: i for i, h in enumerate(header) if h in _INDEX}
    missing = [k for k in REQUIRED if k not in mapping]
    if missing:
        raise tabular.FileRejected(f"缺少必需的列：{'、'.join(_HEADER[k] for k in missing)}（表头须在第 1 行）",
                                   f"Required columns are missing: {', '.join(missing)} (the header must be row 1)")
    report = ImportReport(warnings=list(table.warnings))
    for number, cells in table.rows[1:]:
        values = {k: str(cells[i]).strip() if i < len(cells) and cells[i] is not None else ""
                  for k, i in mapping.items()}
        _row(report, number, values, by=by, scope=scope)
    kept = rejects_keep(by=by, name="evacuation-households-rejected", title="待修改的行",
                        header=[c.header for c in COLUMNS], rows=report.rejected_rows)
    report.rejects = str(kept.token) if kept else None
    return report


def _row(report: ImportReport, number: int, values: dict, *, by, scope: Scope) -> None:
    try:
        fields = _fields(values, scope)
        with transaction.atomic():
            household_create(by=by, **fields)
    except _Bad as exc:
        _reject(report, number, values, [(exc.key, exc.message)])
    except DomainError as exc:
        problems = list(exc.fields.items()) or [("", f"{exc.zh} / {exc.en}")]
        _reject(report, number, values, [(k, f"{exc.zh} / {exc.en}" if len(problems) == 1 else v)
                                         for k, v in problems])
    except ValidationError as exc:
        _reject(report, number, values, _validation_problems(exc))
    else:
        report.created += 1


def _fields(values: dict, scope: Scope) -> dict:
    fields = {c.key: values.get(c.key, "") for c in COLUMNS if not c.number and c.key != "cadre_mobile"}
    for c in COLUMNS:
        if c.number:
            text = values.get(c.key, "").removesuffix(".0")
            if text == "":
                continue
            if not text.isdigit() or len(text) > 12:
                raise _Bad(c.key, f"{c.header}应为非负整数", f"{c.english} must be a whole number")
            fields[c.key] = int(text)
    if "members" not in fields:
        raise _Bad("members", "人数必填", "members is required")
    mobile = values.get("cadre_mobile", "")
    if mobile:
        cadre = scope.filter(Person.objects.filter(mobile=mobile)).first()
        if cadre is None:
            raise _Bad("cadre_mobile", "找不到该手机号的责任干部", "No cadre with this mobile in your jurisdiction")
        fields["cadre"] = cadre.pk
    return fields


def _reject(report: ImportReport, number: int, values: dict, problems: list[tuple[str, str]]) -> None:
    report.rejected += 1
    reasons = []
    for key, message in problems:
        header = _HEADER.get(key.removesuffix("_id") if key not in _HEADER else key, "")
        report.errors.append({"row": number, "field": header, "message": message})
        reasons.append((f"{header}：" if header else "") + message.split(" / ")[0])
    report.rejected_rows.append([values.get(c.key, "") for c in COLUMNS] + ["；".join(reasons)])


def _validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    def messages():
        if hasattr(exc, "error_dict"):
            return {k: "；".join(v) for k, v in exc.message_dict.items()}
        return {"": "；".join(exc.messages)}

    with override("zh-hans"):
        zh = messages()
    with override("en"):
        en = messages()
    return [(k, v if v == en.get(k) else f"{v} / {en.get(k, '')}") for k, v in zh.items()]


def template(fmt: str) -> bytes:
    """The empty template with one example row."""
    from ..core.exports import write

    example = ["331081001001", "张三", 4, 1, 0, 1, 0, "13800000000", "某村1号", "沿村道至村文化礼堂", "后山滑坡区",
               "", ""]
    return write(fmt, "转移户", [[c.header for c in COLUMNS], example])
