"""CAP 1.2 (OASIS Common Alerting Protocol) in and out.

Colour level ↔ CAP (our mapping; CAP has no colours, so the level also travels as
a `<parameter>` named `yingji:level` and in an `<eventCode>`):

| level  | severity | urgency   | certainty | responseType |
|--------|----------|-----------|-----------|--------------|
| red    | Extreme  | Immediate | Likely    | Execute      |
| orange | Severe   | Immediate | Likely    | Prepare      |
| yellow | Moderate | Expected  | Likely    | Prepare      |
| blue   | Minor    | Expected  | Likely    | Monitor      |

Signals are forecasts of a hazard more likely than not (Likely); red and orange ask
for action now (Immediate). On import the level is read from `yingji:level`, else a
colour word in the event or headline (红色/橙色/黄色/蓝色), else from severity by the
table. The type comes from the eventCode `yingji:type`, else the event's name
(暴雨, "rainstorm"). The area is each `<geocode>` value (a region code; any
valueName) and/or the first `<polygon>` ("lat,lon" pairs, stored as WKT lon lat).
`status` Exercise is a drill (演练); Test, System and Draft are refused.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from lxml import etree

from ..core.errors import DomainError
from ..core.limits import YEARS, plausible_year
from .choices import CAP_CATEGORY, WarningLevel, WarningStatus, WarningType

NS = "urn:oasis:names:tc:emergency:cap:1.2"
XSD = Path(__file__).resolve().parent / "data" / "CAP-v1.2.xsd"
TYPE_CODE, LEVEL_CODE, REGION_CODE = "yingji:type", "yingji:level", "GB/T 2260"

CAP_BY_LEVEL = {
    WarningLevel.RED: ("Extreme", "Immediate", "Likely", "Execute"),
    WarningLevel.ORANGE: ("Severe", "Immediate", "Likely", "Prepare"),
    WarningLevel.YELLOW: ("Moderate", "Expected", "Likely", "Prepare"),
    WarningLevel.BLUE: ("Minor", "Expected", "Likely", "Monitor"),
}
LEVEL_BY_SEVERITY = {v[0]: k for k, v in CAP_BY_LEVEL.items()}
LEVEL_WORDS = {"红色": "red", "橙色": "orange", "黄色": "yellow", "蓝色": "blue"}
MSG_TYPE = {WarningStatus.ACTIVE: "Alert", WarningStatus.UPDATED: "Update", WarningStatus.CANCELLED: "Cancel"}

_schema = None


def schema() -> etree.XMLSchema:
    global _schema
    if _schema is None:
        _schema = etree.XMLSchema(etree.parse(str(XSD), _parser()))
    return _schema


def _parser() -> etree.XMLParser:
    # Untrusted input: no entity expansion, no network, no DTD loading.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def cap_time(value: dt.datetime) -> str:
    """CAP's dateTime: seconds and a numeric offset, no "Z" and no fraction."""
    local = value.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(microsecond=0)
    return local.isoformat()


# Export ---------------------------------------------------------------------------

def _sub(parent, tag: str, text=None):
    el = etree.SubElement(parent, f"{{{NS}}}{tag}")
    if text is not None:
        el.text = str(text)
    return el


def _pair(parent, tag: str, name: str, value: str) -> None:
    el = _sub(parent, tag)
    _sub(el, "valueName", name)
    _sub(el, "value", value)


def to_cap(warning) -> bytes:
    """The warning as a CAP 1.2 alert (one info block, zh-CN)."""
    alert = etree.Element(f"{{{NS}}}alert", nsmap={None: NS})
    first = warning.version == 1 and warning.status == WarningStatus.ACTIVE
    _sub(alert, "identifier", warning.cap_identifier if first else f"{warning.cap_identifier}.v{warning.version}")
    _sub(alert, "sender", warning.cap_sender)
    _sub(alert, "sent", cap_time(warning.cancelled_at or warning.updated_at if not first else warning.cap_sent))
    _sub(alert, "status", "Exercise" if warning.drill else "Actual")
    _sub(alert, "msgType", MSG_TYPE[warning.status])
    _sub(alert, "scope", "Public")
    if not first:
        _sub(alert, "references", f"{warning.cap_sender},{warning.cap_identifier},{cap_time(warning.cap_sent)}")
    _info(alert, warning)
    return etree.tostring(alert, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _info(alert, warning) -> None:
    severity, urgency, certainty, response = CAP_BY_LEVEL[warning.level]
    info = _sub(alert, "info")
    _sub(info, "language", "zh-CN")
    _sub(info, "category", CAP_CATEGORY.get(warning.type, "Met"))
    _sub(info, "event", f"{warning.get_type_display()}{warning.get_level_display()}预警")
    _sub(info, "responseType", "AllClear" if warning.status == WarningStatus.CANCELLED else response)
    _sub(info, "urgency", urgency)
    _sub(info, "severity", severity)
    _sub(info, "certainty", certainty)
    _pair(info, "eventCode", TYPE_CODE, warning.type)
    _pair(info, "eventCode", LEVEL_CODE, warning.level)
    _sub(info, "effective", cap_time(warning.effective))
    if warning.expires:
        _sub(info, "expires", cap_time(warning.expires))
    if warning.issuer_name:
        _sub(info, "senderName", warning.issuer_name)
    _sub(info, "headline", warning.headline)
    if warning.description:
        _sub(info, "description", warning.description)
    _pair(info, "parameter", LEVEL_CODE, warning.level)
    area = _sub(info, "area")
    _sub(area, "areaDesc", "、".join(a.region.full_name for a in warning.areas.select_related("region")))
    if warning.polygon:
        _sub(area, "polygon", wkt_to_cap(warning.polygon))
    for code in warning.region_codes:
        _pair(area, "geocode", REGION_CODE, code)


def wkt_to_cap(wkt_text: str) -> str:
    from shapely import wkt

    return " ".join(f"{lat:.6f},{lon:.6f}" for lon, lat in wkt.loads(wkt_text).exterior.coords)


def cap_to_wkt(text: str) -> str:
    try:
        pairs = [tuple(float(v) for v in p.split(",")) for p in text.split()]
        coords = ", ".join(f"{lon} {lat}" for lat, lon in pairs)
    except ValueError as exc:
        raise _invalid("polygon", "多边形坐标应为“纬度,经度”对", "polygon must be 'lat,lon' pairs") from exc
    return f"POLYGON (({coords}))"


# Import ---------------------------------------------------------------------------

@dataclass
class CapWarning:
    identifier: str
    sender: str
    sent: dt.datetime
    msg_type: str
    drill: bool
    references: list[str] = field(default_factory=list)
    type: str = WarningType.OTHER
    level: str = ""
    region_codes: list[str] = field(default_factory=list)
    polygon: str = ""
    headline: str = ""
    description: str = ""
    sender_name: str = ""
    effective: dt.datetime | None = None
    expires: dt.datetime | None = None


def _invalid(where: str, zh: str, en: str) -> DomainError:
    return DomainError(f"CAP 文档无效：{zh}", f"Invalid CAP document: {en}", fields={where: f"{zh} / {en}"},
                       code="invalid_cap")


def parse_cap(data: bytes) -> CapWarning:
    """Parse and validate a CAP 1.2 alert; DomainError (400) naming the first
    problems (line and reason) when it is not well-formed or not valid."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise _invalid("cap", f"不是合法的 XML（第 {exc.lineno} 行）", f"not well-formed XML: {exc.msg}") from exc
    if root.tag != f"{{{NS}}}alert":
        raise _invalid("cap", "根元素应为 CAP 1.2 命名空间的 <alert>",
                       f"root must be <alert> in namespace {NS}, not {root.tag}")
    if root.getroottree().docinfo.doctype:
        # CAP has no DTD; one here only declares entities (XXE, "billion laughs").
        raise _invalid("cap", "不接受 DOCTYPE 与实体声明", "a DOCTYPE (entity declarations) is not accepted")
    validator = schema()
    try:
        valid = validator.validate(root)
    except etree.Error as exc:  # libxml2 gives up on some inputs instead of reporting them
        raise _invalid("cap", "不符合 CAP 1.2 模式", str(exc)) from exc
    if not valid:
        problems = "; ".join(f"line {e.line}: {e.message}" for e in list(validator.error_log)[:3])
        raise _invalid("cap", "不符合 CAP 1.2 模式", problems)
    return _read(root)


def _text(el, path: str) -> str:
    found = el.find(path, {"c": NS})
    return (found.text or "").strip() if found is not None else ""


def _pairs(el, tag: str) -> list[tuple[str, str]]:
    return [(_text(p, "c:valueName"), _text(p, "c:value")) for p in el.findall(f"c:{tag}", {"c": NS})]


def _read(root) -> CapWarning:
    status = _text(root, "c:status")
    if status not in ("Actual", "Exercise"):
        raise _invalid("status", f"不处理状态为 {status} 的消息",
                       f"status {status} is not handled (Actual or Exercise)")
    warning = CapWarning(
        identifier=_text(root, "c:identifier"), sender=_text(root, "c:sender"),
        sent=_time(_text(root, "c:sent"), "sent"), msg_type=_text(root, "c:msgType"),
        drill=status == "Exercise", references=_text(root, "c:references").split(),
    )
    if warning.msg_type in ("Ack", "Error"):
        raise _invalid("msgType", f"不处理 {warning.msg_type} 消息", f"msgType {warning.msg_type} is not handled")
    info = root.find("c:info", {"c": NS})
    if info is None:
        if warning.msg_type == "Cancel":
            return warning
        raise _invalid("info", "缺少 <info>", "an Alert or Update needs an <info> block")
    _read_info(info, warning)
    return warning


def _read_info(info, warning: CapWarning) -> None:
    codes = dict(_pairs(info, "eventCode")) | dict(_pairs(info, "parameter"))
    event, warning.headline = _text(info, "c:event"), _text(info, "c:headline") or _text(info, "c:event")
    warning.description, warning.sender_name = _text(info, "c:description"), _text(info, "c:senderName")
    warning.type = codes.get(TYPE_CODE) or _type_from(event)
    if warning.type not in WarningType.values:
        raise _invalid("eventCode", f"未知的预警类型 {warning.type}", f"unknown warning type {warning.type}")
    warning.level = codes.get(LEVEL_CODE) or _level_from(event + warning.headline) or LEVEL_BY_SEVERITY.get(
        _text(info, "c:severity"), "")
    if warning.level not in WarningLevel.values:
        raise _invalid("severity", "无法确定预警级别（颜色）",
                       "cannot tell the colour level: give yingji:level, a colour in the event, or a severity")
    for name in ("effective", "expires"):
        value = _text(info, f"c:{name}")
        setattr(warning, name, _time(value, name) if value else None)
    for area in info.findall("c:area", {"c": NS}):
        warning.region_codes += [v for _, v in _pairs(area, "geocode") if v]
        polygon = _text(area, "c:polygon")
        if polygon and not warning.polygon:
            warning.polygon = cap_to_wkt(polygon)
    if not warning.region_codes:
        raise _invalid("area", "缺少 <geocode> 区划代码", "an <area> needs a <geocode> with a region code")


def _time(value: str, where: str) -> dt.datetime:
    """A CAP dateTime (the schema checks its pattern, not that it is a real time)."""
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError as exc:  # T24:00:00, 2026-02-30
        raise _invalid(where, f"时间无效：{value}", f"invalid time {value}") from exc
    if not plausible_year(when) or when.tzinfo is None:
        raise _invalid(where, f"时间超出范围或缺少时区：{value}",
                       f"time out of range {YEARS[0]}-{YEARS[1]} or without offset: {value}")
    return when


def _type_from(event: str) -> str:
    for value, label in WarningType.choices:
        if str(label) in event or value.replace("_", " ") in event.lower():
            return value
    return WarningType.OTHER


def _level_from(text: str) -> str:
    for word, level in LEVEL_WORDS.items():
        if word in text:
            return level
    lowered = text.lower()
    return next((v for v in WarningLevel.values if v in lowered), "")
