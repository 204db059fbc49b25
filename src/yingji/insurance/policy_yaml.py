"""The policy file (保单 YAML): parse and validate into plain dataclasses, no Django.

The form of issue 5, extended with optional keys (all amounts in RMB yuan)::

    name: 台州市巨灾保险 2023
    region: "3310"                      # the insured city (default: none)
    insured: 台州市人民政府              # insured organization
    period: {start: 2023-01-01, end: 2023-12-31}
    premium: {typhoon: 16000000, rain: 5000000}
    lots:                               # 标段: insurer and share of the risk
      - {name: 标段一, insurer: 某财产保险台州分公司, share: 0.6,
         contacts: [{channel: email, to: claims@insurer.example}]}
    contacts: [{channel: email, to: duty@city.example}]   # the insured's contacts
    typhoon:
      center: [121.1167, 28.65]         # lon, lat
      radius_km: 85
      min_force: 12
      interpolate: false
      force_rule: max                   # max | entry | closest
      distance: sphere                  # sphere | wgs84
      payouts: {12: 10000000, ..., 17: 175000000}
    rain:
      window_hours: 72
      threshold_mm: 140
      stations: {"331081": ["58665", "W1", "W2"]}
      payout_per_county: 3000000        # or payout_table: {140: 1000000, 200: 3000000}
    allocation:                         # typhoon premium shares by weighted indicators
      weights: {gdp: 0.3, typhoon_history: 0.3, location: 0.2, area: 0.1, population: 0.1}
      counties: {"331081": {gdp: 1200, typhoon_history: 12, location: 3, area: 926, population: 141}}

Every problem is reported at once, each naming its key (``rain.threshold_mm``) and the
reason in Chinese and English, so a file is fixed in one pass.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import yaml

FORCE_RULES = ("max", "entry", "closest")
DISTANCE_METHODS = ("sphere", "wgs84")
INDICATORS = ("gdp", "typhoon_history", "location", "area", "population")
TOP_KEYS = {"name", "region", "insured", "period", "premium", "lots", "contacts", "typhoon", "rain", "allocation"}


@dataclass(frozen=True)
class Problem:
    key: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.key}: {self.zh} / {self.en}"


class PolicyFileError(ValueError):
    """The file is not a valid policy; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("保单文件有误 / Invalid policy file:\n" + "\n".join(f"  {p}" for p in problems))


@dataclass(frozen=True)
class Contact:
    channel: str
    to: str


@dataclass(frozen=True)
class LotSpec:
    name: str
    insurer: str
    share: float
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True)
class TyphoonSpec:
    lon: float
    lat: float
    radius_km: float
    payouts: dict[int, float]
    min_force: int = 12
    interpolate: bool = False
    force_rule: str = "max"
    distance: str = "sphere"


@dataclass(frozen=True)
class RainSpec:
    stations: dict[str, tuple[str, ...]]  # county code -> station codes
    window_hours: float = 72.0
    threshold_mm: float = 140.0
    payout_per_county: float | None = None
    payout_table: dict[float, float] | None = None  # total mm reached -> amount

    def payout_for_total(self, total_mm: float) -> float:
        """A fixed amount, or the table entry of the largest rainfall not above the total."""
        if self.payout_table is None:
            return float(self.payout_per_county or 0.0)
        eligible = [mm for mm in self.payout_table if mm <= total_mm + 0.005]  # same tolerance as the trigger
        return float(self.payout_table[max(eligible)]) if eligible else 0.0


@dataclass(frozen=True)
class AllocationSpec:
    weights: dict[str, float]
    counties: dict[str, dict[str, float]]


@dataclass(frozen=True)
class PolicySpec:
    name: str
    start: dt.date
    end: dt.date
    region: str = ""
    insured: str = ""
    premium_typhoon: float = 0.0
    premium_rain: float = 0.0
    lots: tuple[LotSpec, ...] = ()
    contacts: tuple[Contact, ...] = ()
    typhoon: TyphoonSpec | None = None
    rain: RainSpec | None = None
    allocation: AllocationSpec | None = None
    source: str = field(default="", repr=False, compare=False)


class _Reader:
    """Collects problems while reading values out of nested mappings."""

    def __init__(self):
        self.problems: list[Problem] = []

    def fail(self, key: str, zh: str, en: str) -> None:
        self.problems.append(Problem(key, zh, en))

    def mapping(self, value, key: str) -> dict:
        if not isinstance(value, dict):
            self.fail(key, "应为映射（键: 值）", "must be a mapping (key: value)")
            return {}
        return value

    def unknown(self, data: dict, allowed: set[str], prefix: str) -> None:
        for k in sorted(set(map(str, data)) - allowed):
            self.fail(f"{prefix}{k}", "未知的键", "unknown key")

    def number(self, data: dict, key: str, path: str, *, default=None, positive=False, minimum=None):
        if key not in data:
            if default is None:
                self.fail(path, "必填", "required")
            return default
        v = data[key]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            self.fail(path, "应为数字", "must be a number")
            return default
        if positive and v <= 0:
            self.fail(path, "应为正数", "must be positive")
        if minimum is not None and v < minimum:
            self.fail(path, f"不能小于 {minimum}", f"must be at least {minimum}")
        return float(v)

    def text(self, data: dict, key: str, path: str, *, required=True, default="") -> str:
        v = data.get(key)
        if v is None:
            if required:
                self.fail(path, "必填", "required")
            return default
        if isinstance(v, bool) or not isinstance(v, (str, int)):
            self.fail(path, "应为文本", "must be text")
            return default
        text = str(v).strip()
        if required and not text:
            self.fail(path, "不能为空", "must not be empty")
        return text

    def boolean(self, data: dict, key: str, path: str, default: bool) -> bool:
        v = data.get(key, default)
        if not isinstance(v, bool):
            self.fail(path, "应为 true 或 false", "must be true or false")
            return default
        return v

    def choice(self, data: dict, key: str, path: str, options: tuple[str, ...], default: str) -> str:
        v = data.get(key, default)
        if v not in options:
            self.fail(path, f"应为 {'、'.join(options)} 之一", f"must be one of {', '.join(options)}")
            return default
        return v

    def date(self, data: dict, key: str, path: str) -> dt.date | None:
        v = data.get(key)
        if isinstance(v, dt.datetime):
            v = v.date()
        if isinstance(v, str):
            try:
                v = dt.date.fromisoformat(v)
            except ValueError:
                pass
        if not isinstance(v, dt.date):
            self.fail(path, "应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD")
            return None
        return v

    def region_code(self, value, path: str, length: int | None = None) -> str | None:
        code = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
        if not code.isdigit() or (length and len(code) != length):
            need = f"{length} 位" if length else ""
            self.fail(path, f"应为{need}数字区划代码", f"must be a{f' {length}-digit' if length else ''} region code")
            return None
        return code


def _contacts(r: _Reader, value, path: str) -> tuple[Contact, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        r.fail(path, "应为列表", "must be a list")
        return ()
    out = []
    for i, item in enumerate(value):
        item = r.mapping(item, f"{path}[{i}]")
        channel = r.text(item, "channel", f"{path}[{i}].channel")
        to = r.text(item, "to", f"{path}[{i}].to")
        if channel and to:
            out.append(Contact(channel, to))
    return tuple(out)


def _lots(r: _Reader, value) -> tuple[LotSpec, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        r.fail("lots", "应为列表", "must be a list")
        return ()
    lots = []
    for i, item in enumerate(value):
        p = f"lots[{i}]"
        item = r.mapping(item, p)
        r.unknown(item, {"name", "insurer", "share", "contacts"}, f"{p}.")
        share = r.number(item, "share", f"{p}.share", positive=True)
        if share is not None and share > 1:
            r.fail(f"{p}.share", "份额应在 0 到 1 之间", "share must be between 0 and 1")
        lots.append(LotSpec(r.text(item, "name", f"{p}.name", required=False, default=f"标段{i + 1}"),
                            r.text(item, "insurer", f"{p}.insurer"), share or 0.0,
                            _contacts(r, item.get("contacts"), f"{p}.contacts")))
    total = sum(lot.share for lot in lots)
    if lots and abs(total - 1.0) > 1e-6:
        r.fail("lots", f"各标段份额之和应为 1（现为 {total:g}）",
               f"lot shares must add up to 1 (they add up to {total:g})")
    return tuple(lots)


def _amount_table(r: _Reader, value, path: str, key_kind: str) -> dict:
    table = {}
    for k, v in r.mapping(value, path).items():
        kp = f"{path}.{k}"
        try:
            key = int(k) if key_kind == "force" else float(k)
        except (TypeError, ValueError):
            r.fail(kp, "键应为风力等级（整数）" if key_kind == "force" else "键应为雨量（毫米）",
                   "key must be a wind force (integer)" if key_kind == "force" else "key must be a rainfall in mm")
            continue
        if key_kind == "force" and not 0 <= key <= 18:
            r.fail(kp, "风力等级应在 0 到 18 之间", "wind force must be between 0 and 18")
        amount = r.number({"v": v}, "v", kp, minimum=0)
        if amount is not None:
            table[key] = amount
    if isinstance(value, dict) and not value:
        r.fail(path, "赔付表不能为空", "the payout table must not be empty")
    return table


def _typhoon(r: _Reader, value) -> TyphoonSpec | None:
    if value is None:
        return None
    d = r.mapping(value, "typhoon")
    r.unknown(d, {"center", "radius_km", "min_force", "interpolate", "force_rule", "distance", "payouts"}, "typhoon.")
    center = d.get("center")
    lon = lat = 0.0
    if (not isinstance(center, list) or len(center) != 2
            or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in center)):
        r.fail("typhoon.center", "应为 [经度, 纬度]", "must be [lon, lat]")
    else:
        lon, lat = float(center[0]), float(center[1])
        if not (-180 <= lon <= 360 and -90 <= lat <= 90):
            r.fail("typhoon.center", "经纬度超出范围", "lon/lat out of range")
    radius = r.number(d, "radius_km", "typhoon.radius_km", positive=True)
    min_force = d.get("min_force", 12)
    if isinstance(min_force, bool) or not isinstance(min_force, int) or not 0 <= min_force <= 18:
        r.fail("typhoon.min_force", "应为 0 到 18 的整数", "must be an integer 0-18")
        min_force = 12
    if "payouts" not in d:
        r.fail("typhoon.payouts", "必填", "required")
    payouts = _amount_table(r, d.get("payouts", {}), "typhoon.payouts", "force")
    return TyphoonSpec(lon, lat, radius or 0.0, payouts, min_force,
                       r.boolean(d, "interpolate", "typhoon.interpolate", False),
                       r.choice(d, "force_rule", "typhoon.force_rule", FORCE_RULES, "max"),
                       r.choice(d, "distance", "typhoon.distance", DISTANCE_METHODS, "sphere"))


def _stations(r: _Reader, value) -> dict[str, tuple[str, ...]]:
    out = {}
    for county, codes in r.mapping(value, "rain.stations").items():
        p = f"rain.stations.{county}"
        code = r.region_code(county, p, 6)
        if not isinstance(codes, list) or not codes:
            r.fail(p, "应为站号列表", "must be a list of station codes")
            continue
        names = [str(c).strip() for c in codes if isinstance(c, (str, int)) and not isinstance(c, bool)]
        if len(names) != len(codes) or not all(names):
            r.fail(p, "站号应为文本", "station codes must be text")
        if code:
            out[code] = tuple(names)
    if isinstance(value, dict) and not value:
        r.fail("rain.stations", "至少指定一个县的站点", "name the stations of at least one county")
    seen: dict[str, str] = {}
    for county, codes in out.items():
        for c in codes:
            if c in seen and seen[c] != county:
                r.fail(f"rain.stations.{county}", f"站点 {c} 同时属于 {seen[c]}",
                       f"station {c} also belongs to {seen[c]}")
            seen[c] = county
    return out


def _rain(r: _Reader, value) -> RainSpec | None:
    if value is None:
        return None
    d = r.mapping(value, "rain")
    r.unknown(d, {"window_hours", "threshold_mm", "stations", "payout_per_county", "payout_table"}, "rain.")
    if "stations" not in d:
        r.fail("rain.stations", "必填", "required")
    stations = _stations(r, d.get("stations", {}))
    fixed = table = None
    if ("payout_per_county" in d) == ("payout_table" in d):
        r.fail("rain.payout_per_county", "应指定 payout_per_county 或 payout_table 之一",
               "give exactly one of payout_per_county or payout_table")
    elif "payout_per_county" in d:
        fixed = r.number(d, "payout_per_county", "rain.payout_per_county", minimum=0)
    else:
        table = _amount_table(r, d["payout_table"], "rain.payout_table", "mm")
    return RainSpec(stations, r.number(d, "window_hours", "rain.window_hours", default=72.0, positive=True),
                    r.number(d, "threshold_mm", "rain.threshold_mm", default=140.0, positive=True),
                    fixed, table)


def _allocation(r: _Reader, value) -> AllocationSpec | None:
    if value is None:
        return None
    d = r.mapping(value, "allocation")
    r.unknown(d, {"weights", "counties"}, "allocation.")
    weights = {}
    for k, v in r.mapping(d.get("weights", {}), "allocation.weights").items():
        if k not in INDICATORS:
            r.fail(f"allocation.weights.{k}", f"应为 {'、'.join(INDICATORS)} 之一",
                   f"must be one of {', '.join(INDICATORS)}")
            continue
        w = r.number({"v": v}, "v", f"allocation.weights.{k}", minimum=0)
        weights[k] = w or 0.0
    if weights and abs(sum(weights.values()) - 1.0) > 1e-6:
        r.fail("allocation.weights", "权重之和应为 1", "weights must add up to 1")
    counties = {}
    for county, ind in r.mapping(d.get("counties", {}), "allocation.counties").items():
        p = f"allocation.counties.{county}"
        code = r.region_code(county, p, 6)
        ind = r.mapping(ind, p)
        r.unknown(ind, set(INDICATORS), f"{p}.")
        values = {k: r.number(ind, k, f"{p}.{k}", minimum=0) or 0.0 for k in weights}
        if code:
            counties[code] = values
    if not counties:
        r.fail("allocation.counties", "至少列出一个县", "list at least one county")
    for k, w in weights.items():
        if w > 0 and counties and sum(c[k] for c in counties.values()) <= 0:
            r.fail(f"allocation.weights.{k}", "该指标在各县之和为 0", "this indicator is zero in every county")
    return AllocationSpec(weights, counties)


def _premium(r: _Reader, value) -> tuple[float, float]:
    d = r.mapping(value, "premium") if value is not None else {}
    r.unknown(d, {"typhoon", "rain"}, "premium.")
    return (r.number(d, "typhoon", "premium.typhoon", default=0.0, minimum=0),
            r.number(d, "rain", "premium.rain", default=0.0, minimum=0))


def parse_policy(text: str) -> PolicySpec:
    """Parse a policy from YAML text; raises :class:`PolicyFileError` listing every problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        raise PolicyFileError(
            [Problem(where, "YAML 语法错误", f"YAML syntax error: {getattr(exc, 'problem', exc)}")]) from None
    r = _Reader()
    d = r.mapping(data, "(file)")
    r.unknown(d, TOP_KEYS, "")
    period = r.mapping(d.get("period"), "period")
    start, end = r.date(period, "start", "period.start"), r.date(period, "end", "period.end")
    if start and end and end < start:
        r.fail("period.end", "结束日期早于开始日期", "end is before start")
    region = r.region_code(d["region"], "region") if "region" in d else ""
    typhoon, rain = _typhoon(r, d.get("typhoon")), _rain(r, d.get("rain"))
    if typhoon is None and rain is None:
        r.fail("typhoon", "至少需要台风或降雨触发条件之一", "a policy needs a typhoon or a rain trigger")
    premium_typhoon, premium_rain = _premium(r, d.get("premium"))
    spec = PolicySpec(
        name=r.text(d, "name", "name"), start=start, end=end, region=region or "",
        insured=r.text(d, "insured", "insured", required=False), premium_typhoon=premium_typhoon,
        premium_rain=premium_rain, lots=_lots(r, d.get("lots")), contacts=_contacts(r, d.get("contacts"), "contacts"),
        typhoon=typhoon, rain=rain, allocation=_allocation(r, d.get("allocation")), source=text,
    )
    if r.problems:
        raise PolicyFileError(r.problems)
    return spec


def load_policy_file(path: str | Path) -> PolicySpec:
    """Read and parse a policy file (UTF-8, a BOM tolerated)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise PolicyFileError([Problem(str(path), "无法读取文件", f"cannot read the file: {exc.strerror}")]) from exc
    except UnicodeDecodeError as exc:
        raise PolicyFileError([Problem(str(path), "文件不是 UTF-8 编码", "the file is not UTF-8")]) from exc
    return parse_policy(text)


def premium_shares(allocation: AllocationSpec) -> dict[str, float]:
    """Each county's share of the typhoon premium (保费分摊).

    Every indicator is first turned into the county's share of the indicator's total
    over all counties; the county's premium share is the weighted sum of those shares.
    With weights adding up to 1, the shares add up to 1.
    """
    totals = {k: sum(c[k] for c in allocation.counties.values()) for k in allocation.weights}
    return {
        code: sum(w * (ind[k] / totals[k]) for k, w in allocation.weights.items() if totals[k] > 0)
        for code, ind in allocation.counties.items()
    }
