"""Penalty discretion as code: each rule, each tier, each version boundary, and the
Longyou caustic-soda case worked by hand from the rule data."""

import datetime as dt
import textwrap
from decimal import Decimal

import pytest

from yingji.enforcement.discretion import Facts, RuleError, evaluate, load_provision, provisions, version_in_force

HAZCHEM = "hazchem-unlicensed-trading"
HAZARD = "work-safety-hazard-not-removed"
D = Decimal


def test_longyou_caustic_soda_worked_example():
    """A paper mill bought 70.75 t of caustic soda (片碱) over three years, RMB 244,048.66,
    from a supplier without a trading licence. By hand from the rule files: revenue
    244,048.66 counts as the gains (gains_from_sales_revenue) and is confiscated; gains
    above 100,000 → tier 150,000–200,000; Art. 32 reduced penalty → below the statutory
    minimum 100,000, at reduced_fine_of_minimum 0.5 → 50,000."""
    result = evaluate(Facts(provision=HAZCHEM, decided_on=dt.date(2024, 6, 1), sales_revenue=D("244048.66"),
                            mitigations=("removed_harm",), mitigation="reduced"))
    assert result.rule_version == "2013-12-07" and result.general_version == "2021-07-15"
    assert result.tier == "gains-above-100k"
    assert (result.fine_min, result.fine_max) == (D("150000.00"), D("200000.00"))
    assert result.confiscated == D("244048.66")
    assert result.fine == D("50000.00") < D("100000")
    assert result.mitigated == "reduced"
    assert set(result.measures) == {"stop_trading", "confiscate_chemicals", "confiscate_gains"}
    zh = "\n".join(r.zh for r in result.reasons)
    en = "\n".join(r.en for r in result.reasons)
    assert "销售收入 244,048.66 元计为违法所得" in zh
    assert "第三十二条减轻处罚" in zh and "法定最低额 100,000.00 元" in zh and "50,000.00 元" in zh
    assert "Sales revenue of RMB 244,048.66 counts as the illegal gains" in en
    assert "below the statutory minimum of RMB 100,000.00" in en


@pytest.mark.parametrize(("gains", "tier", "low", "high"), [
    ("0", "gains-up-to-100k", "100000", "150000"),
    ("100000", "gains-up-to-100k", "100000", "150000"),
    ("100000.01", "gains-above-100k", "150000", "200000"),
])
def test_unlicensed_trading_tiers_by_gains(gains, tier, low, high):
    result = evaluate(Facts(provision=HAZCHEM, decided_on=dt.date(2023, 3, 1), illegal_gains=D(gains)))
    assert (result.tier, result.fine_min, result.fine_max) == (tier, D(low), D(high))
    assert result.fine == (D(low) + D(high)) / 2  # ordinary circumstances: the middle
    assert result.confiscated == D(gains)


@pytest.mark.parametrize(("circumstance", "fine"), [("lighter", "150000"), ("ordinary", "175000"),
                                                     ("heavier", "200000")])
def test_circumstances_place_the_fine_in_the_tier(circumstance, fine):
    result = evaluate(Facts(provision=HAZCHEM, decided_on=dt.date(2023, 3, 1), illegal_gains=D("200000"),
                            circumstance=circumstance))
    assert result.fine == D(fine)


def test_art32_lighter_stays_in_the_tier():
    result = evaluate(Facts(provision=HAZCHEM, decided_on=dt.date(2023, 3, 1), illegal_gains=D("5000"),
                            mitigations=("confessed", "meritorious"), mitigation="lighter"))
    assert result.fine == D("100000.00") and result.mitigated == "lighter"
    assert "从轻处罚" in result.reasons[-2].zh or any("从轻处罚" in r.zh for r in result.reasons)


def test_art33_minor_corrected_harmless_means_no_penalty():
    result = evaluate(Facts(provision=HAZCHEM, decided_on=dt.date(2023, 3, 1), illegal_gains=D("800"),
                            minor=True, corrected=True, harmless=True))
    assert result.no_penalty and result.fine == 0 and result.confiscated == 0 and result.measures == []
    assert any("不予行政处罚" in r.zh and "第三十三条" in r.zh for r in result.reasons)


def test_first_violation_waiver_exists_only_from_the_2021_revision():
    facts = dict(provision=HAZARD, first_violation=True, slight_harm=True, corrected=True, waive_first_violation=True)
    before = evaluate(Facts(decided_on=dt.date(2021, 7, 14), **facts))
    after = evaluate(Facts(decided_on=dt.date(2021, 7, 15), **facts))
    assert not before.no_penalty and before.general_version == "2017-09-01"
    assert any("尚无首违可不罚" in r.zh for r in before.reasons)
    assert after.no_penalty and after.general_version == "2021-07-15"


def test_work_safety_law_2021_amendment_boundary():
    """Art. 99 (2014) to Art. 102 (2021, in force 2021-09-01): not removing a hazard is
    fined up to 50,000 only from 2021-09-01; a refusing enterprise's fine of
    100,000–500,000 ends; responsible persons' fine rises from 20,000–50,000 to 50,000–100,000."""
    day_before, day_of = dt.date(2021, 8, 31), dt.date(2021, 9, 1)
    old = evaluate(Facts(provision=HAZARD, decided_on=day_before))
    new = evaluate(Facts(provision=HAZARD, decided_on=day_of))
    assert (old.rule_version, old.fine_max, old.fine) == ("2014-12-01", 0, 0)
    assert (new.rule_version, new.fine_max, new.fine) == ("2021-09-01", D("50000"), D("25000"))
    old_ent = evaluate(Facts(provision=HAZARD, decided_on=day_before, refused=True))
    new_ent = evaluate(Facts(provision=HAZARD, decided_on=day_of, refused=True))
    assert (old_ent.fine_min, old_ent.fine_max) == (D("100000"), D("500000"))
    assert new_ent.fine == 0 and "stop_production" in new_ent.measures
    old_person = evaluate(Facts(provision=HAZARD, decided_on=day_before, refused=True, party="principal"))
    new_person = evaluate(Facts(provision=HAZARD, decided_on=day_of, refused=True, party="manager"))
    assert (old_person.fine_min, old_person.fine_max) == (D("20000"), D("50000"))
    assert (new_person.fine_min, new_person.fine_max) == (D("50000"), D("100000"))


def test_a_rule_changed_in_2024_does_not_change_a_2023_decision(tmp_path):
    """A new version of the benchmark from 2024 (made-up figures in a scratch rule
    directory): a decision dated 2023 keeps the old tier and fine."""
    (tmp_path / "general.yaml").write_text((load_provision_path("administrative_penalty_law.yaml")),
                                           encoding="utf-8")
    (tmp_path / "x.yaml").write_text(textwrap.dedent("""
        provision: x
        title_zh: 测试条款
        versions:
          - {version: v2019, valid_from: 2019-01-01, valid_to: 2023-12-31, source_zh: 旧, source_en: old,
             tiers: [{code: t, label_zh: 旧, label_en: old, fine: [1000, 3000]}]}
          - {version: v2024, valid_from: 2024-01-01, valid_to: null, source_zh: 新, source_en: new,
             tiers: [{code: t, label_zh: 新, label_en: new, fine: [5000, 9000]}]}
        """), encoding="utf-8")
    in_2023 = evaluate(Facts(provision="x", decided_on=dt.date(2023, 12, 31)), tmp_path)
    in_2024 = evaluate(Facts(provision="x", decided_on=dt.date(2024, 1, 1)), tmp_path)
    assert (in_2023.rule_version, in_2023.fine) == ("v2019", D("2000"))
    assert (in_2024.rule_version, in_2024.fine) == ("v2024", D("7000"))


def load_provision_path(name):
    from yingji.enforcement.discretion.engine import RULES
    return (RULES / name).read_text(encoding="utf-8")


def test_no_version_before_the_first_is_a_clear_error():
    with pytest.raises(RuleError) as err:
        evaluate(Facts(provision=HAZCHEM, decided_on=dt.date(2010, 1, 1)))
    assert err.value.field == "decided_on" and "没有施行中的规则版本" in err.value.zh


@pytest.mark.parametrize(("facts", "field"), [
    (dict(provision="nope"), "provision"),
    (dict(provision=HAZCHEM, party="dog"), "party"),
    (dict(provision=HAZCHEM, mitigations=("bribed",)), "mitigations"),
    (dict(provision=HAZCHEM, illegal_gains=D("-1")), "illegal_gains"),
])
def test_bad_facts_are_refused_with_the_field(facts, field):
    with pytest.raises(RuleError) as err:
        evaluate(Facts(decided_on=dt.date(2024, 1, 1), **facts))
    assert err.value.field == field


def test_rule_files_have_contiguous_versions():
    for code in provisions():
        versions = load_provision(code)["versions"]
        assert versions[-1]["valid_to"] is None
        assert version_in_force(load_provision(code), versions[0]["valid_from"]) is versions[0]


def test_the_form_offers_every_provision_with_rules():
    from yingji.enforcement.forms import PROVISIONS

    assert {code for code, _label in PROVISIONS} == set(provisions())


# Confined-space and other dangerous operations (Work Safety Law 2021, Art. 101 item 3):
# "责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿，并处十万元以上二十万元
# 以下的罚款，对其直接负责的主管人员和其他直接责任人员处二万元以上五万元以下的罚款".
OPERATION = "work-safety-dangerous-operation"
IN_FORCE = dt.date(2026, 12, 1)


@pytest.mark.parametrize(("circumstance", "fine"), [("lighter", "0"), ("ordinary", "50000"),
                                                     ("heavier", "100000")])
def test_dangerous_operation_ordered_to_correct(circumstance, fine):
    """Up to 100,000: lighter at 0, ordinary in the middle (50,000), heavier at 100,000."""
    result = evaluate(Facts(provision=OPERATION, decided_on=IN_FORCE, circumstance=circumstance))
    assert (result.tier, result.fine_min, result.fine_max) == ("ordered-to-correct", D("0"), D("100000"))
    assert result.fine == D(fine) and result.measures == ["order_correction"]
    assert result.source_zh.endswith("第一百零一条第（三）项") and result.confiscated == 0
    assert any("责令限期改正" in r.zh for r in result.reasons)


def test_dangerous_operation_not_corrected_enterprise():
    """Not corrected by the deadline: 100,000–200,000 (ordinary 150,000) and stop production;
    Art. 32 reduced: half the tier's minimum 100,000 → 50,000."""
    result = evaluate(Facts(provision=OPERATION, decided_on=IN_FORCE, refused=True))
    assert (result.tier, result.fine_min, result.fine_max, result.fine) == (
        "overdue-enterprise", D("100000"), D("200000"), D("150000"))
    assert result.measures == ["stop_production"]
    reduced = evaluate(Facts(provision=OPERATION, decided_on=IN_FORCE, refused=True,
                             mitigations=("removed_harm",), mitigation="reduced"))
    assert reduced.fine == D("50000") and reduced.mitigated == "reduced"


@pytest.mark.parametrize(("party", "circumstance", "fine"), [("principal", "ordinary", "35000"),
                                                              ("manager", "heavier", "50000")])
def test_dangerous_operation_not_corrected_persons(party, circumstance, fine):
    result = evaluate(Facts(provision=OPERATION, decided_on=IN_FORCE, refused=True, party=party,
                            circumstance=circumstance))
    assert (result.tier, result.fine_min, result.fine_max, result.fine) == (
        "overdue-person", D("20000"), D("50000"), D(fine))
    assert result.measures == []


def test_dangerous_operation_persons_are_fined_only_once_overdue_and_only_from_2021_09_01():
    with pytest.raises(RuleError) as err:
        evaluate(Facts(provision=OPERATION, decided_on=IN_FORCE, party="principal"))
    assert err.value.field == "party"
    with pytest.raises(RuleError) as err:
        evaluate(Facts(provision=OPERATION, decided_on=dt.date(2021, 8, 31)))
    assert err.value.field == "decided_on"
