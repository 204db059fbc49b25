"""Evaluate one provision's discretion rules against the facts of a case.

`evaluate(facts)` picks the provision's version and the Administrative Penalty Law's
version in force on `facts.decided_on`, finds the tier, applies no-penalty (Art. 33)
and mitigation (Art. 32), places the fine inside the tier and says why, in Chinese and
English. Pure: the same facts and rule files give the same answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

import yaml

RULES = Path(__file__).with_name("rules")
GENERAL = "administrative-penalty-law"
PARTIES = ("enterprise", "principal", "manager")
CIRCUMSTANCES = ("lighter", "ordinary", "heavier")
# Art. 32 (2021) items (一)–(五): removed or lessened the harm on its own; coerced or
# deceived; confessed violations the authority did not know of; helped the investigation
# with meritorious conduct; another law says so.
MITIGATIONS = {
    "removed_harm": ("主动消除或者减轻违法行为危害后果", "removed or lessened the harm on its own"),
    "coerced": ("受他人胁迫或者诱骗实施违法行为", "was coerced or deceived into the violation"),
    "confessed": ("主动供述行政机关尚未掌握的违法行为", "confessed violations the authority did not know of"),
    "meritorious": ("配合行政机关查处违法行为有立功表现", "helped the investigation with meritorious conduct"),
    "other_law": ("法律、法规、规章规定其他应当从轻或者减轻行政处罚的",
                  "another law requires a lighter or reduced penalty"),
}
MEASURES = {
    "stop_trading": ("责令停止经营活动", "ordered to stop trading"),
    "confiscate_chemicals": ("没收违法经营的危险化学品", "the chemicals traded illegally confiscated"),
    "confiscate_gains": ("没收违法所得", "the illegal gains confiscated"),
    "order_removal": ("责令立即消除或者限期消除事故隐患", "ordered to remove the hazard at once or by a deadline"),
    "stop_production": ("责令停产停业整顿", "ordered to stop production or business for rectification"),
    "order_correction": ("责令限期改正", "ordered to correct the violation by a deadline"),
}
YUAN = Decimal("1")
CENT = Decimal("0.01")


class RuleError(ValueError):
    """Facts the rules cannot decide (no such provision, no version in force that day,
    no tier that fits), with the reason in Chinese and English."""

    def __init__(self, zh: str, en: str, *, field: str = ""):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en, self.field = zh, en, field


@dataclass(frozen=True)
class Reason:
    zh: str
    en: str


@dataclass(frozen=True)
class Facts:
    """What the officer found. Money in RMB; `illegal_gains` None means "take the sales
    revenue" where the provision counts revenue as gains."""

    provision: str
    decided_on: dt.date
    party: str = "enterprise"
    illegal_gains: Decimal | None = None
    sales_revenue: Decimal | None = None
    refused: bool = False
    mitigations: tuple[str, ...] = ()
    mitigation: str = "lighter"  # Art. 32 lets the authority choose: "lighter" (从轻) or "reduced" (减轻)
    circumstance: str = "ordinary"
    minor: bool = False
    corrected: bool = False
    harmless: bool = False
    first_violation: bool = False
    slight_harm: bool = False
    waive_first_violation: bool = False


@dataclass
class Evaluation:
    provision: str
    title_zh: str
    rule_version: str
    general_version: str
    source_zh: str
    tier: str
    tier_label_zh: str
    fine_min: Decimal
    fine_max: Decimal
    fine: Decimal
    confiscated: Decimal
    measures: list[str]
    no_penalty: bool
    mitigated: str  # "", "lighter", "reduced"
    reasons: list[Reason] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def provisions(directory: Path = RULES) -> list[str]:
    """The provisions that have rules (the general law excluded)."""
    return sorted(p for p in _all(directory) if p != GENERAL)


@lru_cache(maxsize=8)
def _all(directory: Path) -> dict[str, dict]:
    found = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        _check(data, path)
        found[data["provision"]] = data
    return found


def _check(data: dict, path: Path) -> None:
    """Versions in order, without gaps or overlaps: a date never has two rules."""
    versions = data["versions"]
    for earlier, later in zip(versions, versions[1:], strict=False):
        if earlier["valid_to"] is None or earlier["valid_to"] + dt.timedelta(days=1) != later["valid_from"]:
            raise ValueError(f"{path.name}: version {later['version']} does not follow {earlier['version']}")


def load_provision(code: str, directory: Path = RULES) -> dict:
    try:
        return _all(directory)[code]
    except KeyError:
        raise RuleError("没有该条款的裁量规则", f"No discretion rules for provision {code!r}",
                        field="provision") from None


def version_in_force(rule: dict, day: dt.date) -> dict:
    for version in rule["versions"]:
        if version["valid_from"] <= day and (version["valid_to"] is None or day <= version["valid_to"]):
            return version
    raise RuleError(f"{day.isoformat()} 没有施行中的规则版本", f"No rule version in force on {day.isoformat()}",
                    field="decided_on")


def evaluate(facts: Facts, directory: Path = RULES) -> Evaluation:
    _validate(facts)
    rule = load_provision(facts.provision, directory)
    version = version_in_force(rule, facts.decided_on)
    general = version_in_force(load_provision(GENERAL, directory), facts.decided_on)
    reasons = [Reason(f"适用{version['source_zh']}（规则版本 {version['version']}）",
                      f"Applies {version['source_en']} (rule version {version['version']})")]
    gains = _gains(facts, version, reasons)
    tier = _tier(version, facts, gains)
    measures = list(version.get("measures", [])) + list(tier.get("measures", []))
    low, high = (_money(v) for v in tier["fine"])
    reasons.append(Reason(f"裁量阶次：{tier['label_zh']}，罚款 {_yuan(low)}–{_yuan(high)} 元",
                          f"Tier: {tier['label_en']}, fine RMB {_yuan(low)}–{_yuan(high)}"))
    result = Evaluation(
        provision=facts.provision, title_zh=rule["title_zh"], rule_version=version["version"],
        general_version=general["version"], source_zh=version["source_zh"], tier=tier["code"],
        tier_label_zh=tier["label_zh"], fine_min=low, fine_max=high, fine=low,
        confiscated=gains if "confiscate_gains" in measures else Decimal("0.00"),
        measures=measures, no_penalty=False, mitigated="", reasons=reasons)
    if _no_penalty(facts, general, reasons):
        result.no_penalty, result.fine, result.confiscated, result.measures = True, Decimal("0"), Decimal("0.00"), []
        return result
    result.fine = _fine(facts, version, general, tier, result)
    for code in measures:
        reasons.append(Reason(MEASURES[code][0], MEASURES[code][1].capitalize()))
    return result


def _validate(facts: Facts) -> None:
    if facts.party not in PARTIES:
        raise RuleError("当事人类别无效", "Unknown kind of party", field="party")
    if facts.circumstance not in CIRCUMSTANCES:
        raise RuleError("情节无效", "Unknown circumstance", field="circumstance")
    if facts.mitigation not in ("lighter", "reduced"):
        raise RuleError("从轻或减轻的选择无效", "Mitigation must be lighter or reduced", field="mitigation")
    unknown = [m for m in facts.mitigations if m not in MITIGATIONS]
    if unknown:
        raise RuleError("未知的从轻减轻情形", f"Unknown mitigations: {', '.join(unknown)}", field="mitigations")
    for name in ("illegal_gains", "sales_revenue"):
        value = getattr(facts, name)
        if value is not None and value < 0:
            raise RuleError("金额不能为负数", "Amounts cannot be negative", field=name)


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def _gains(facts: Facts, version: dict, reasons: list[Reason]) -> Decimal:
    if facts.illegal_gains is not None:
        return _money(facts.illegal_gains)
    if version.get("gains_from_sales_revenue") and facts.sales_revenue is not None:
        gains = _money(facts.sales_revenue)
        reasons.append(Reason(f"销售收入 {_yuan(gains)} 元计为违法所得",
                              f"Sales revenue of RMB {_yuan(gains)} counts as the illegal gains"))
        return gains
    return Decimal("0.00")


def _tier(version: dict, facts: Facts, gains: Decimal) -> dict:
    for tier in version["tiers"]:
        if "gains_max" in tier and gains > tier["gains_max"]:
            continue
        if "gains_above" in tier and gains <= tier["gains_above"]:
            continue
        if "parties" in tier and facts.party not in tier["parties"]:
            continue
        if "refused" in tier and bool(tier["refused"]) != facts.refused:
            continue
        return tier
    raise RuleError("没有适用于这些事实的裁量阶次", "No tier of the provision fits these facts", field="party")


def _no_penalty(facts: Facts, general: dict, reasons: list[Reason]) -> bool:
    if facts.minor and facts.corrected and facts.harmless:
        reasons.append(Reason(f"违法行为轻微并及时改正，没有造成危害后果，不予行政处罚（{general['no_penalty_source_zh']}）",
                              "Minor, promptly corrected and harmless: no penalty "
                              f"({general['no_penalty_source_en']})"))
        return True
    slight = facts.slight_harm or facts.harmless
    if facts.waive_first_violation and facts.first_violation and facts.corrected and slight:
        if general["first_violation_may_go_unpunished"]:
            reasons.append(Reason(f"初次违法且危害后果轻微并及时改正，决定不予行政处罚（{general['no_penalty_source_zh']}）",
                                  "First violation, slight harm, promptly corrected: the authority decides on "
                                  f"no penalty ({general['no_penalty_source_en']})"))
            return True
        reasons.append(Reason("决定日期施行的《行政处罚法》尚无首违可不罚的规定",
                              "The Administrative Penalty Law in force on the decision date has no "
                              "first-violation waiver"))
    return False


def _fine(facts: Facts, version: dict, general: dict, tier: dict, result: Evaluation) -> Decimal:
    low, high = result.fine_min, result.fine_max
    if facts.mitigations:
        grounds = "；".join(MITIGATIONS[m][0] for m in facts.mitigations)
        grounds_en = "; ".join(MITIGATIONS[m][1] for m in facts.mitigations)
        if facts.mitigation == "reduced":
            minimum = _money((version.get("statutory_fine") or tier["fine"])[0])
            share = Decimal(str(general["reduced_fine_of_minimum"]))
            fine = (minimum * share).quantize(YUAN, ROUND_HALF_UP)
            result.mitigated = "reduced"
            result.reasons.append(Reason(
                f"{grounds}，依{general['mitigation_source_zh']}减轻处罚：罚款低于法定最低额 {_yuan(minimum)} 元，"
                f"按最低额的 {share:%} 计 {_yuan(fine)} 元",
                f"{grounds_en}: reduced penalty under {general['mitigation_source_en']}, below the statutory "
                f"minimum of RMB {_yuan(minimum)}, at {share:%} of it: RMB {_yuan(fine)}"))
            return _money(fine)
        result.mitigated = "lighter"
        result.reasons.append(Reason(f"{grounds}，依{general['mitigation_source_zh']}从轻处罚："
                                     f"取本阶次最低额 {_yuan(low)} 元",
                                     f"{grounds_en}: lighter penalty under {general['mitigation_source_en']}, "
                                     f"the tier's minimum of RMB {_yuan(low)}"))
        return low
    share = Decimal(str(general["position"][facts.circumstance]))
    fine = _money((low + (high - low) * share).quantize(YUAN, ROUND_HALF_UP))
    names = {"lighter": ("从轻", "lighter"), "ordinary": ("一般", "ordinary"), "heavier": ("从重", "heavier")}
    zh, en = names[facts.circumstance]
    result.reasons.append(Reason(f"情节{zh}：罚款 {_yuan(fine)} 元", f"Circumstances {en}: fine RMB {_yuan(fine)}"))
    return fine


def describe(provision: str, rule_version: str, tier: str, directory: Path = RULES) -> dict:
    """The Chinese names of a recorded decision's provision, source and tier (for pages
    and documents); empty strings where the rule files no longer hold them."""
    rule = _all(directory).get(provision, {})
    version = next((v for v in rule.get("versions", []) if v["version"] == rule_version), {})
    found = next((t for t in version.get("tiers", []) if t["code"] == tier), {})
    return {"title_zh": rule.get("title_zh", ""), "source_zh": version.get("source_zh", ""),
            "tier_label_zh": found.get("label_zh", "")}
