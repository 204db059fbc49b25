"""The register's columns: the headers we write, every alias we read, and finding
the header row in a file whose first rows may be a title."""

from dataclasses import dataclass

HEADER_SEARCH_ROWS = 10  # 台账 often carry a title row or two above the header
TAG_SEPARATORS = "、,;，；"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # what we write, and the name errors use
    english: str
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column("name", "企业名称", "name", ("名称", "单位名称", "企业名称（全称）", "enterprise", "enterprise name")),
    Column("uscc", "统一社会信用代码", "USCC", ("社会信用代码", "信用代码", "credit code",
                                                 "unified social credit code")),
    Column("region", "所属乡镇代码", "township code", ("乡镇代码", "乡镇（街道）代码", "区划代码", "region",
                                                "region code", "township code")),
    Column("region_name", "所属乡镇", "township", ("所属乡镇（街道）", "乡镇（街道）", "乡镇", "所属街道", "township",
                                               "region name")),
    Column("address", "地址", "address", ("企业地址", "注册地址", "经营地址")),
    Column("longitude", "经度", "longitude", ("lng", "lon")),
    Column("latitude", "纬度", "latitude", ("lat",)),
    Column("industry", "行业", "industry", ("行业类别", "所属行业", "行业分类")),
    Column("scale", "规模", "scale", ("企业规模",)),
    Column("risk_grade", "风险等级", "risk grade", ("风险四色", "风险颜色", "安全风险等级", "risk")),
    Column("tags", "标签", "tags", ("tag",)),
    Column("legal_representative", "法定代表人", "legal representative", ("法人代表", "法人", "legal rep")),
    Column("contact_phone", "联系电话", "contact phone", ("电话", "手机", "phone", "telephone")),
    Column("employees", "从业人数", "employees", ("员工人数", "职工人数", "从业人员数")),
    Column("licence_kind", "许可证类型", "licence kind", ("许可证种类", "license kind")),
    Column("licence_number", "许可证编号", "licence number", ("许可证号", "license number")),
    Column("valid_from", "有效期起", "valid from", ("有效期开始", "发证日期")),
    Column("valid_to", "有效期至", "valid to", ("有效期止", "有效期截止", "有效期结束")),
)
COLUMN = {c.key: c for c in COLUMNS}
REQUIRED_KEYS = ("name", "uscc")  # and one of region / region_name
LICENCE_KEYS = ("licence_kind", "licence_number", "valid_from", "valid_to")
# Columns that carry no data of ours but appear in most 台账; not worth a warning.
# 错误原因: the reason column of a file of rejected rows (core.rejects), imported again.
IGNORED_HEADERS = {"序号", "编号", "no", "no.", "#", "错误原因"}
# Service and model errors name model fields; people know the column headers.
FIELD_COLUMN = {
    "region_id": "region", "tags": "tags", "kind": "licence_kind", "number": "licence_number",
    **{c.key: c.key for c in COLUMNS},
}


def _header_key(text: str) -> str:
    """Compare headers ignoring case, spaces, '_' and the '*' that marks required columns."""
    text = "".join(str(text).split()).lower().replace("_", "").replace("-", "").replace("*", "")
    return text.replace("(", "（").replace(")", "）")


HEADER_INDEX = {
    _header_key(name): c.key
    for c in COLUMNS for name in (c.header, c.key, c.english, *c.aliases)
}


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _map_header(cells: tuple) -> tuple[dict[str, int], list[str]]:
    """Column key → index, and the headers we do not know."""
    mapping, unknown = {}, []
    for index, cell in enumerate(cells):
        if _is_blank(cell):
            continue
        key = HEADER_INDEX.get(_header_key(cell))
        if key is None:
            if _header_key(cell) not in IGNORED_HEADERS:
                unknown.append(str(cell).strip())
        else:
            mapping.setdefault(key, index)
    return mapping, unknown


def _find_header(rows: list[tuple[int, tuple]]) -> int | None:
    """Position in `rows` of the header: the first row naming both name and USCC."""
    for position, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping, _ = _map_header(cells)
        if all(k in mapping for k in REQUIRED_KEYS):
            return position
    return None


def _missing_columns(mapping: dict) -> list[Column]:
    missing = [COLUMN[k] for k in REQUIRED_KEYS if k not in mapping]
    if "region" not in mapping and "region_name" not in mapping:
        missing.append(COLUMN["region"])
    return missing

