"""统一社会信用代码 (Unified Social Credit Code, USCC), GB 32100-2015.

18 characters from a 31-character alphabet (digits and capitals without I, O, S, V, Z);
the last is a check character: weight_i = 3^i mod 31, check = (31 - Σ c_i·w_i mod 31) mod 31.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, ...


class USCCError(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def check_character(first17: str) -> str:
    total = sum(VALUE[ch] * w for ch, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    """Upper-case and strip spaces: people type codes in many ways."""
    return "".join(code.split()).upper()


def validate(code: str) -> str:
    """Return the normalised code, or raise USCCError saying what is wrong."""
    code = normalise(code)
    if len(code) != 18:
        raise USCCError(f"统一社会信用代码应为 18 位，实际 {len(code)} 位",
                        f"USCC must have 18 characters, got {len(code)}")
    bad = sorted({ch for ch in code if ch not in VALUE})
    if bad:
        raise USCCError(f"统一社会信用代码含非法字符：{''.join(bad)}",
                        f"USCC contains characters not allowed: {''.join(bad)}")
    if not code[2:8].isdigit():
        raise USCCError("统一社会信用代码第 3–8 位应为行政区划码（数字）",
                        "USCC characters 3-8 must be the administrative division code (digits)")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise USCCError(f"统一社会信用代码校验位错误（应为 {expected}）",
                        f"USCC check character is wrong (expected {expected})")
    return code


def make(registration: str, division: str, organization: str) -> str:
    """Build a valid code from its parts (2 + 6 + 9 characters); used by the demo."""
    body = (registration + division + organization).upper()
    if len(body) != 17:
        raise ValueError("parts must make 17 characters")
    return body + check_character(body)
