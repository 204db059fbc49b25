"""统一社会信用代码 check character, GB 32100-2015.

Reference codes are published codes of real organisations, checked by hand with the
standard's weights (3^i mod 31) and alphabet.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.enterprises import uscc

# Published codes (a bank, a university, a company), whose check characters are part
# of the code as registered.
KNOWN_VALID = ["91350100M000100Y43", "12100000400000624D", "91330000142916567N"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_published_codes_validate(code):
    assert uscc.validate(code) == code


def test_hand_computed_check_character():
    # 9 1 3 5 0 1 0 0 M 0 0 0 1 0 0 Y 4 with weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28:
    # M=21, Y=30; sum = 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640; 1640 mod 31 = 28; 31-28 = 3.
    assert uscc.check_character("91350100M000100Y4") == "3"


def test_wrong_check_character_says_which_one_is_expected():
    with pytest.raises(uscc.USCCError, match="应为 3"):
        uscc.validate("91350100M000100Y44")


@pytest.mark.parametrize("code,reason", [("9135", "18 位"), ("91350100M000100YI3", "非法字符"),
                                         ("91AB0100M000100Y43", "行政区划")])
def test_malformed_codes_are_rejected_with_a_reason(code, reason):
    with pytest.raises(uscc.USCCError, match=reason):
        uscc.validate(code)


def test_lowercase_and_spaces_are_normalised():
    assert uscc.validate(" 91350100m000100y43 ") == "91350100M000100Y43"


@given(st.text(alphabet=uscc.ALPHABET, min_size=9, max_size=9), st.integers(0, 999999))
def test_made_codes_validate_and_any_single_change_is_caught(org, division):
    code = uscc.make("91", f"{division:06d}", org)
    assert uscc.validate(code) == code
    for i in range(18):
        for ch in "0A":
            if code[i] != ch:
                mutated = code[:i] + ch + code[i + 1:]
                if mutated[2:8].isdigit():
                    with pytest.raises(uscc.USCCError):
                        uscc.validate(mutated)
