"""Characters that text typed by people never means, in one place.

Two sets, for two jobs:

- `XML_ILLEGAL`: what an .xlsx (XML 1.0) cannot hold at all — C0 control characters
  but tab, line feed and carriage return, lone surrogates, and U+FFFE/U+FFFF. openpyxl
  or lxml raise on them, so one such character in one cell made a whole export a 500.
  Writers strip them (`xml_safe`).
- `FORBIDDEN_INPUT`: what we refuse on input (`check_text_fields`): the above plus
  DEL and the noncharacters U+FDD0–U+FDEF. No keyboard, form or spreadsheet that a
  person fills in produces them; when they arrive, they are an attack or a broken file.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from pypinyin import Style, lazy_pinyin

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FORBIDDEN_INPUT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters an .xlsx cannot store."""
    return XML_ILLEGAL.sub("", text)


def forbidden_character(text: str) -> str | None:
    """The first character of `text` that input must not carry, as U+XXXX, or None."""
    found = FORBIDDEN_INPUT.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def reason(code_point: str) -> str:
    return f"含有不允许的控制字符或非字符 {code_point} / contains the control character or noncharacter {code_point}"


def check_text_fields(obj: models.Model) -> None:
    """Raise ValidationError naming every text field of `obj` that holds a forbidden
    character. save_audited calls it, so every audited write refuses them."""
    errors = {}
    for f in obj._meta.concrete_fields:
        if isinstance(f, models.CharField | models.TextField):
            value = getattr(obj, f.attname)
            if isinstance(value, str) and (found := forbidden_character(value)):
                errors[f.name] = reason(found)
    if errors:
        raise ValidationError(errors)


def pinyin_initials(name: str) -> str:
    """The first letters of the pinyin of each character, lower case ("乐清市" → "yqs");
    letters and digits stay as they are, anything else is left out."""
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return "".join(c for c in "".join(letters).lower() if c.isascii() and c.isalnum())
