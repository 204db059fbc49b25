"""The policy file: the issue's example loads; every mistake is named by key and reason."""

import datetime as dt
import math

import pytest

from yingji.insurance.policy_yaml import PolicyFileError, parse_policy, premium_shares

ISSUE_EXAMPLE = """\
name: 台州市巨灾保险 2023
period: {start: 2023-01-01, end: 2023-12-31}
typhoon:
  center: [121.1167, 28.65]    # lon, lat: 121°07'E 28°39'N
  radius_km: 85
  min_force: 12
  interpolate: false
  payouts: {12: 10000000, 13: 20000000, 14: 40000000, 15: 70000000, 16: 110000000, 17: 175000000}
rain:
  window_hours: 72
  threshold_mm: 140
  stations: {"331081": ["58665", "W1", "W2"], "331082": ["58660", "L1", "L2"]}
  payout_per_county: 3000000
"""


def _problems(text: str) -> dict[str, str]:
    with pytest.raises(PolicyFileError) as info:
        parse_policy(text)
    return {p.key: f"{p.zh} / {p.en}" for p in info.value.problems}


def test_the_issue_example_loads_as_written():
    spec = parse_policy(ISSUE_EXAMPLE)
    assert spec.name == "台州市巨灾保险 2023"
    assert (spec.start, spec.end) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert (spec.typhoon.lon, spec.typhoon.lat, spec.typhoon.radius_km) == (121.1167, 28.65, 85.0)
    assert spec.typhoon.payouts[16] == 110_000_000 and spec.typhoon.force_rule == "max"
    assert spec.typhoon.interpolate is False
    assert spec.rain.stations["331082"] == ("58660", "L1", "L2")
    assert spec.rain.payout_for_total(140.0) == 3_000_000
    assert spec.source == ISSUE_EXAMPLE


def test_the_test_policy_file_loads(policy_spec):
    assert [lot.share for lot in policy_spec.lots] == [0.6, 0.4]
    assert policy_spec.premium_typhoon == 16_000_000 and policy_spec.region == "3310"


def test_mistakes_are_each_named_by_key_with_a_bilingual_reason():
    text = ISSUE_EXAMPLE.replace("radius_km: 85", "radius_km: -5").replace("threshold_mm: 140", "threshold_mm: many")
    text = text.replace("end: 2023-12-31", "end: 2022-12-31") + "colour: red\n"
    problems = _problems(text)
    assert problems["typhoon.radius_km"] == "应为正数 / must be positive"
    assert problems["rain.threshold_mm"] == "应为数字 / must be a number"
    assert problems["period.end"] == "结束日期早于开始日期 / end is before start"
    assert problems["colour"] == "未知的键 / unknown key"


def test_missing_required_keys_are_reported():
    problems = _problems("period: {start: 2023-01-01}\ntyphoon: {center: [121, 28]}\n")
    assert {"name", "period.end", "typhoon.radius_km", "typhoon.payouts"} <= set(problems)


def test_lot_shares_must_add_up_to_one():
    text = ISSUE_EXAMPLE + "lots: [{insurer: 甲, share: 0.6}, {insurer: 乙, share: 0.3}]\n"
    assert "lots" in _problems(text)


def test_rain_needs_exactly_one_kind_of_payout():
    text = ISSUE_EXAMPLE.replace("  payout_per_county: 3000000\n", "")
    assert "rain.payout_per_county" in _problems(text)


def test_a_bad_county_code_and_a_bad_force_are_named():
    text = ISSUE_EXAMPLE.replace('"331081": ["58665"', '"3310x": ["58665"').replace("17: 175000000", "twelve: 1")
    problems = _problems(text)
    assert "rain.stations.3310x" in problems and "typhoon.payouts.twelve" in problems


def test_yaml_syntax_errors_name_the_line():
    problems = _problems("name: [unclosed\nperiod: x\n")
    assert any(k.startswith("line ") for k in problems)


def test_rain_payout_table_pays_the_largest_step_reached():
    text = ISSUE_EXAMPLE.replace("payout_per_county: 3000000", "payout_table: {140: 1000000, 200: 3000000}")
    rain = parse_policy(text).rain
    assert [rain.payout_for_total(mm) for mm in (139.9, 140.0, 199.9, 200.0, 500.0)] == [0, 1e6, 1e6, 3e6, 3e6]


def test_premium_shares_are_weighted_shares_of_each_indicator(policy_spec):
    """By hand: GDP 3:1 gives 0.75/0.25, population 1:1 gives 0.5/0.5; weights 0.4/0.6:
    Wenling 0.4*0.75 + 0.6*0.5 = 0.6, Linhai 0.4*0.25 + 0.6*0.5 = 0.4."""
    shares = premium_shares(policy_spec.allocation)
    assert math.isclose(shares["331081"], 0.6) and math.isclose(shares["331082"], 0.4)
