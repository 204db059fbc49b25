"""One cell's text to one value (numbers, choices, tags, dates), with a bilingual
error naming what was wrong."""

import datetime as dt

import openpyxl
from django.utils.translation import override

from ...core.tabular import unquote
from .. import uscc
from ..choices import Industry, LicenceKind, RiskGrade, Scale
from .columns import TAG_SEPARATORS, _header_key
from .report import _CellError


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel holds phone numbers and codes typed as numbers as floats
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unquote(str(value).strip())  # our CSV export's guard against formula injection


def _parse_uscc(text: str) -> str:
    try:
        return uscc.validate(text)
    except uscc.USCCError as exc:
        raise _CellError(exc.zh, exc.en) from exc


def _parse_number(text: str, low: float, high: float, zh: str, en: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise _CellError(f"{zh}应为数字，实际为“{text}”", f"{en} must be a number, got '{text}'") from None
    if not low <= number <= high:
        raise _CellError(f"{zh}应在 {low:g}–{high:g} 之间，实际为 {number:g}",
                         f"{en} must be between {low:g} and {high:g}, got {number:g}")
    return number


def _parse_longitude(text: str) -> float:
    return _parse_number(text, 73, 136, "经度", "Longitude")


def _parse_latitude(text: str) -> float:
    return _parse_number(text, 3, 54, "纬度", "Latitude")


def _parse_employees(text: str) -> int:
    number = _parse_number(text, 0, 10_000_000, "从业人数", "Employees")
    if not number.is_integer():
        raise _CellError(f"从业人数应为整数，实际为 {text}", f"Employees must be a whole number, got {text}")
    return int(number)


def _choice_index(choices) -> dict[str, str]:
    """Every way people write a choice → its value: the value, the label, the label's
    head and the words in its brackets (红（重大风险）→ 红, 重大风险), and 红色."""
    index = {}
    with override("zh-hans"):
        for value, label in choices.choices:
            label = str(label)
            head, _, rest = label.partition("（")
            names = {value, label, head, rest.rstrip("）")}
            if len(head) == 1:
                names.add(head + "色")
            index.update({_header_key(n): value for n in names if n})
    return index


CHOICES = {
    "industry": (Industry, _choice_index(Industry), "行业", "industry"),
    "scale": (Scale, _choice_index(Scale), "规模", "scale"),
    "risk_grade": (RiskGrade, _choice_index(RiskGrade), "风险等级", "risk grade"),
    "licence_kind": (LicenceKind, _choice_index(LicenceKind), "许可证类型", "licence kind"),
}


def _parse_choice(key: str, text: str) -> str:
    choices, index, zh, en = CHOICES[key]
    value = index.get(_header_key(text))
    if value is None:
        with override("zh-hans"):
            allowed = "、".join(str(label) for label in choices.labels)
        raise _CellError(f"{zh}“{text}”无效，可选：{allowed}",
                         f"Unknown {en} '{text}'; allowed: {', '.join(choices.values)}")
    return value


def _parse_tags(text: str) -> list[str]:
    for sep in TAG_SEPARATORS[1:]:
        text = text.replace(sep, TAG_SEPARATORS[0])
    return sorted({t.strip() for t in text.split(TAG_SEPARATORS[0]) if t.strip()})


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def _parse_date(value, zh: str, en: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2_958_466:
        # An Excel serial day number in a cell whose date format was lost.
        return openpyxl.utils.datetime.from_excel(value).date()
    text = _text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.split(" ")[0], fmt).date()
        except ValueError:
            continue
    raise _CellError(f"{zh}日期格式应为 YYYY-MM-DD，实际为“{text}”", f"{en} must be a date YYYY-MM-DD, got '{text}'")

