"""One row of cells to the values of one enterprise and licence, collecting every
problem of the row at once; township codes and names resolved in the caller's scope."""

from dataclasses import dataclass

from ...core.choices import RegionLevel
from ...core.models import Region
from ...core.scope import Scope
from .cells import (
    _parse_choice,
    _parse_date,
    _parse_employees,
    _parse_latitude,
    _parse_longitude,
    _parse_tags,
    _parse_uscc,
    _text,
)
from .columns import COLUMN, LICENCE_KEYS
from .report import _CellError, _RowRejected


@dataclass
class _Row:
    number: int
    uscc: str
    fields: dict  # model field → value, only for the cells that were filled in
    tags: list[str] | None
    licence: dict | None


ENTERPRISE_PARSERS = {
    "name": str, "address": str, "legal_representative": str, "contact_phone": str,
    "longitude": _parse_longitude, "latitude": _parse_latitude, "employees": _parse_employees,
    "industry": lambda t: _parse_choice("industry", t), "scale": lambda t: _parse_choice("scale", t),
    "risk_grade": lambda t: _parse_choice("risk_grade", t),
}


class _Regions:
    """Resolves township codes and names for one caller, once per distinct value."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.by_code: dict[str, Region | None] = {}
        self.by_name: dict[str, str | _CellError] = {}

    def code(self, text: str) -> str:
        if text not in self.by_code:
            self.by_code[text] = Region.objects.filter(pk=text).first()
        region = self.by_code[text]
        if region is None:
            raise _CellError(f"区划代码 {text} 不存在", f"Region code {text} does not exist")
        self._require_township_in_scope(region)
        return region.code

    def name(self, text: str) -> str:
        if text not in self.by_name:
            try:
                self.by_name[text] = self._resolve_name(text)
            except _CellError as exc:
                self.by_name[text] = exc
        found = self.by_name[text]
        if isinstance(found, _CellError):
            raise found
        return found

    def _resolve_name(self, text: str) -> str:
        scoped = self.scope.filter(Region.objects.filter(level__gte=RegionLevel.TOWNSHIP))
        matches = list(scoped.filter(name=text))
        if not matches:  # "温岭市太平街道": a name qualified by its county
            matches = [r for r in scoped.filter(full_name__endswith=text) if len(text) > len(r.name)]
        if not matches:
            raise _CellError(f"在您的管辖范围内找不到乡镇（街道）“{text}”",
                             f"No township named '{text}' in your jurisdiction")
        if len(matches) > 1:
            codes = "、".join(f"{r.full_name} {r.code}" for r in matches[:5])
            raise _CellError(f"乡镇（街道）“{text}”不唯一，请填写所属乡镇代码：{codes}",
                             f"Township '{text}' is ambiguous; give the township code instead")
        return matches[0].code

    def _require_township_in_scope(self, region: Region) -> None:
        if region.level < RegionLevel.TOWNSHIP:
            raise _CellError(f"{region.code} 是{region.get_level_display()}，企业必须登记到乡镇（街道）或以下",
                             f"{region.code} is not a township: enterprises belong to a township or below")
        if not self.scope.covers_region(region.code):
            raise _CellError(f"{region.full_name}（{region.code}）不在您的管辖范围内",
                             f"Region {region.code} is outside your jurisdiction")


def _parse_row(number: int, cells: dict, regions: _Regions) -> _Row:
    """Turn the raw cells of one row into values, collecting every problem at once."""
    problems: list[tuple[str, str]] = []

    def attempt(key, parse, value):
        try:
            return parse(value)
        except _CellError as exc:
            problems.append((key, str(exc)))
            return None

    texts = {key: _text(value) for key, value in cells.items()}
    if not texts.get("name"):
        problems.append(("name", "企业名称必填 / Name is required"))
    code = attempt("uscc", _parse_uscc, texts.get("uscc", ""))
    fields = {key: attempt(key, parse, texts[key])
              for key, parse in ENTERPRISE_PARSERS.items() if texts.get(key)}
    if texts.get("region"):
        fields["region_id"] = attempt("region", regions.code, texts["region"])
    elif texts.get("region_name"):
        fields["region_id"] = attempt("region_name", regions.name, texts["region_name"])
    tags = _parse_tags(texts["tags"]) if texts.get("tags") else None
    licence = _parse_licence(cells, texts, problems)
    if problems:
        raise _RowRejected(problems)
    return _Row(number=number, uscc=code, fields=fields, tags=tags, licence=licence)


def _parse_licence(cells: dict, texts: dict, problems: list) -> dict | None:
    if not any(texts.get(k) for k in LICENCE_KEYS):
        return None
    missing = [COLUMN[k].header for k in LICENCE_KEYS if not texts.get(k)]
    if missing:
        problems.append((LICENCE_KEYS[0], f"许可证信息不完整，缺少：{'、'.join(missing)} / "
                                          f"Licence is incomplete: type, number and both dates are needed"))
        return None
    licence = {}
    for key, name, parse in (("licence_kind", "kind", lambda v: _parse_choice("licence_kind", _text(v))),
                             ("licence_number", "number", _text),
                             ("valid_from", "valid_from", lambda v: _parse_date(v, "有效期起", "Valid from")),
                             ("valid_to", "valid_to", lambda v: _parse_date(v, "有效期至", "Valid to"))):
        try:
            licence[name] = parse(cells[key])
        except _CellError as exc:
            problems.append((key, str(exc)))
    return licence if len(licence) == 4 else None

