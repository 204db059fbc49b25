"""The demo's enterprises as plain data: deterministic, no database.

`plan_enterprises(today)` returns the same ~500 Taizhou enterprises every time (a
seeded `random.Random`); only licence dates move with `today`, so that a demo always
shows some licences expired and some expiring within 30 days.
"""

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from ..core.services import official_regions
from ..enterprises import uscc
from ..enterprises.choices import Industry, LicenceKind, RiskGrade
from . import data

# GB 11714 organization code (组织机构代码): 8 body characters, then a check character.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Body characters that are also legal in a USCC (GB 32100 drops I, O, S, V, Z).
ORG_CODE_BODY = uscc.ALPHABET
RISK_ORDER = (RiskGrade.RED, RiskGrade.ORANGE, RiskGrade.YELLOW, RiskGrade.BLUE)
LICENCE_YEARS = 3  # safety and trading licences are issued for three years


@dataclass
class LicencePlan:
    kind: str
    number: str
    valid_from: dt.date
    valid_to: dt.date


@dataclass
class EnterprisePlan:
    name: str
    uscc: str
    region_id: str
    industry: str
    scale: str
    risk_grade: str
    employees: int
    address: str
    longitude: float
    latitude: float
    legal_representative: str
    contact_phone: str
    tags: list[str] = field(default_factory=list)
    licences: list[LicencePlan] = field(default_factory=list)

    def fields(self) -> dict:
        """Keyword arguments for `enterprise_create` (tags and licences go separately)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("tags", "licences")}


def org_code_check(body: str) -> str:
    """Check character of an 8-character organization code body (GB 11714-1997):
    c9 = 11 - Σ v_i·w_i mod 11, with 10 written X and 11 written 0."""
    value = {ch: int(ch, 36) for ch in body}  # 0-9, then A=10 ... Z=35
    c = 11 - sum(value[ch] * w for ch, w in zip(body, ORG_CODE_WEIGHTS)) % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def make_uscc(rng: random.Random, county_code: str) -> str:
    """A valid USCC of an enterprise (registration type 91) registered in the county.
    Codes issued since 2015 carry an "MA" organization code, older ones eight digits."""
    if rng.random() < 0.5:
        body = "MA" + "".join(rng.choice(ORG_CODE_BODY) for _ in range(6))
    else:
        body = f"{rng.randint(10_000_000, 99_999_999)}"
    return uscc.make("91", county_code, body + org_code_check(body))


def taizhou_townships() -> dict[str, list[tuple[str, str]]]:
    """County code → [(township code, name)] from the shipped official table."""
    result: dict[str, list[tuple[str, str]]] = {code: [] for code in data.COUNTIES}
    for code, name, _level, parent in official_regions():
        if len(code) == 9 and parent in result:
            result[parent].append((code, name))
    return result


def township_short(name: str) -> str:
    """大溪镇 → 大溪, 太平街道 → 太平; zones (东部新区, 经济开发区…) → "" (the county names them)."""
    for suffix in ("街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return ""


def township_weight(name: str) -> float:
    """Industry gathers in development zones, towns and urban sub-districts; rural
    townships (乡) and farms have little of it."""
    if name.endswith(("开发区", "工业城", "新区")):
        return 4.0
    if name.endswith(("乡", "农场")) or name == "大陈镇":  # 大陈: an island of fishermen
        return 0.7
    return 3.0


def person_name(rng: random.Random) -> str:
    return rng.choice(data.SURNAMES) + rng.choice(data.GIVEN_NAMES)


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}"


def scatter(rng: random.Random, lon: float, lat: float) -> tuple[float, float]:
    """A point near (lon, lat): Gaussian, cut at three standard deviations, with the
    longitude spread widened by 1/cos(lat) so that the spread is round in kilometres."""
    def offset():
        return max(-3.0, min(3.0, rng.gauss(0, 1))) * data.SCATTER_DEG

    return (round(lon + offset() / math.cos(math.radians(lat)), 6), round(lat + offset(), 6))


def _weighted(rng: random.Random, options: dict):
    keys = list(options)
    return rng.choices(keys, weights=[options[k] for k in keys])[0]


def _counts_per_county() -> dict[str, int]:
    """Split ENTERPRISE_COUNT by the counties' shares (largest remainder)."""
    exact = {code: c[3] * data.ENTERPRISE_COUNT for code, c in data.COUNTIES.items()}
    counts = {code: int(x) for code, x in exact.items()}
    for code in sorted(exact, key=lambda c: exact[c] - counts[c], reverse=True):
        if sum(counts.values()) >= data.ENTERPRISE_COUNT:
            break
        counts[code] += 1
    return counts


class _Planner:
    """Draws enterprises one by one, keeping names, codes and licence numbers unique."""

    def __init__(self, today: dt.date):
        self.rng = random.Random(data.SEED)
        self.today = today
        self.townships = taizhou_townships()
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.licence_serial = 0

    def all(self) -> list[EnterprisePlan]:
        plans = [self.showcase()]
        counts = _counts_per_county()
        counts[data.SHOWCASE["township"][:6]] -= 1  # the showcase is one of Wenling's
        for county, n in counts.items():
            plans += [self.one(county) for _ in range(n)]
        return plans

    def showcase(self) -> EnterprisePlan:
        s = data.SHOWCASE
        plan = self.one(s["township"][:6], township=s["township"], product=s["product"], name=s["name"])
        plan.risk_grade, plan.scale, plan.employees = s["risk_grade"], s["scale"], s["employees"]
        plan.tags = sorted(s["tags"])
        return plan

    def one(self, county: str, *, township: str | None = None, product: str | None = None,
            name: str | None = None) -> EnterprisePlan:
        rng = self.rng
        towns = self.townships[county]
        if township is None:
            township = rng.choices([c for c, _ in towns], weights=[township_weight(n) for _, n in towns])[0]
        town_name = dict(towns)[township]
        product = product or _weighted(rng, data.COUNTY_PRODUCTS[county])
        word, industry = data.PRODUCTS[product]
        scale, employees = self.scale(industry)
        lon, lat = scatter(rng, *data.COUNTIES[county][1:3])
        plan = EnterprisePlan(
            name=name or self.company_name(county, town_name, word, scale),
            uscc=self.fresh_uscc(county), region_id=township, industry=industry, scale=scale,
            risk_grade=self.risk_grade(industry), employees=employees,
            address=self.address(county, town_name), longitude=lon, latitude=lat,
            legal_representative=person_name(rng),
            contact_phone=f"{data.AREA_PHONE_CODE}-8{rng.randint(0, 9_999_999):07d}",
            tags=self.tags(industry, product),
        )
        self.names.add(plan.name)
        plan.licences = self.licences(industry, product)
        return plan

    def company_name(self, county: str, town_name: str, word: str, scale: str) -> str:
        county_name = data.COUNTIES[county][0]
        for _ in range(200):
            trade = self.rng.choice(data.TRADE_WORDS)
            if scale == "large":
                name = f"浙江{trade}{word}股份有限公司"
            else:
                name = f"{county_name}{township_short(town_name)}{trade}{word}有限公司"
            if name not in self.names:
                return name
        raise RuntimeError("ran out of company names")  # only if the word lists shrink a lot

    def fresh_uscc(self, county: str) -> str:
        code = make_uscc(self.rng, county)
        while code in self.codes:
            code = make_uscc(self.rng, county)
        self.codes.add(code)
        return code

    def scale(self, industry: str) -> tuple[str, int]:
        if industry == Industry.FIREWORKS:  # wholesale stores, not factories
            return "micro", self.rng.randint(3, 15)
        scale = self.rng.choices([s[0] for s in data.SCALES], weights=[s[1] for s in data.SCALES])[0]
        low, high = next(s[2] for s in data.SCALES if s[0] == scale)
        return scale, self.rng.randint(low, high)

    def risk_grade(self, industry: str) -> str:
        shares = data.RISK_SHARES.get(industry, data.DEFAULT_RISK_SHARES)
        return str(self.rng.choices(RISK_ORDER, weights=shares)[0])

    def address(self, county: str, town_name: str) -> str:
        road = self.rng.choice(data.ROAD_WORDS) + self.rng.choice(data.ROAD_KINDS)
        return f"{data.CITY_NAME}{data.COUNTIES[county][0]}{town_name}{road}{self.rng.randint(1, 888)}号"

    def tags(self, industry: str, product: str) -> list[str]:
        tags = {tag for tag, chances in data.TAG_RULES.items() if self.rng.random() < chances.get(industry, 0)}
        tags.update(data.PRODUCT_TAGS.get(product, []))
        return sorted(tags)

    def licences(self, industry: str, product: str) -> list[LicencePlan]:
        if product == "hazchem_trade":
            kinds = [LicenceKind.HAZCHEM_TRADING]
        elif industry == Industry.CHEMICAL:
            kinds = [LicenceKind.SAFETY_PRODUCTION]
            if self.rng.random() < 0.3:
                kinds.append(LicenceKind.HAZCHEM_USE)
        elif industry == Industry.FIREWORKS:
            kinds = [LicenceKind.FIREWORKS_TRADING]
        elif industry == Industry.MINING:
            kinds = [LicenceKind.SAFETY_PRODUCTION]
        else:
            return []
        return [self.licence(kind, industry) for kind in kinds]

    def licence(self, kind: str, industry: str) -> LicencePlan:
        """About one in eight expired, one in six expiring within 30 days, the rest valid."""
        roll = self.rng.random()
        if roll < 0.12:
            valid_to = self.today - dt.timedelta(days=self.rng.randint(1, 180))
        elif roll < 0.28:
            valid_to = self.today + dt.timedelta(days=self.rng.randint(0, 30))
        else:
            valid_to = self.today + dt.timedelta(days=self.rng.randint(31, 365 * LICENCE_YEARS - 30))
        valid_from = valid_to - dt.timedelta(days=365 * LICENCE_YEARS - 1)
        self.licence_serial += 1
        return LicencePlan(kind, self.licence_number(kind, industry, valid_from.year), valid_from, valid_to)

    def licence_number(self, kind: str, industry: str, year: int) -> str:
        n = self.licence_serial
        # 浙J is Taizhou's prefix; WH (危化), FM (非煤矿山), YH (烟花) as on real certificates.
        if kind == LicenceKind.SAFETY_PRODUCTION:
            return f"（浙J）{'FM' if industry == Industry.MINING else 'WH'}安许证字〔{year}〕{n:04d}"
        if kind == LicenceKind.HAZCHEM_TRADING:
            return f"浙J安经（{year}）{n:04d}"
        if kind == LicenceKind.HAZCHEM_USE:
            return f"浙J危化使字〔{year}〕{n:04d}"
        return f"（浙J）YH经许证字〔{year}〕{n:04d}"


def plan_enterprises(today: dt.date) -> list[EnterprisePlan]:
    """The demo's enterprises, the showcase (the demo-enterprise account's) first."""
    return _Planner(today).all()
