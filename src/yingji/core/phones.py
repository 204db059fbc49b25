"""Telephone numbers as people type them in China, checked in one place.

Every field where a number is entered (a person's mobile, an organization's or an
enterprise's phone, a public report's contact) uses these validators, so that `abc`
or `1` is refused with the field and the reason instead of becoming a number the
SMS gateway or the duty officer cannot call.

- A mobile number (手机号): 11 digits starting 13–19, optionally after +86 / 86.
- A landline (固定电话): an area code of 3–4 digits starting with 0 (010, 0576),
  a separator (`-`, space) or none, then 7–8 digits, optionally an extension
  (`-123`, `转123`); or the 7–8 digits alone; or +86 and the area code without its 0.
- Service numbers: 400/800 numbers (400-xxx-xxxx) and short public numbers of 3–5
  digits (110, 12345, 95598).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .text import forbidden_character

_SEPARATORS = re.compile(r"[\s\-()（）]")
_MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(?:(?:0|\+?86)(?:10|2\d|[3-9]\d{2})[1-9]\d{6,7}|[2-9]\d{6,7})$")
_EXTENSION = re.compile(r"^(.+?)(?:-|转|ext\.?|#|x)\d{1,6}$", re.IGNORECASE)
_SERVICE = re.compile(r"^(?:[48]00\d{7}|1\d{2,4}|9\d{4})$")


def _digits(text: str) -> str:
    return _SEPARATORS.sub("", text or "")


def is_mobile(text: str) -> bool:
    return bool(_MOBILE.match(_digits(text)))


def is_phone(text: str) -> bool:
    """A mobile, a landline (with or without an extension) or a service number."""
    value = _digits(text)
    if _MOBILE.match(value) or _SERVICE.match(value) or _LANDLINE.match(value):
        return True
    extension = _EXTENSION.match((text or "").strip())
    return bool(extension and _LANDLINE.match(_digits(extension.group(1))))


def validate_mobile(value: str) -> None:
    """Refuse what is not a Chinese mobile number (an empty value is the field's `blank`)."""
    if value and not is_mobile(value):
        raise ValidationError(_("Not a mobile number: 11 digits starting with 1, e.g. 13800000000"),
                              code="mobile")


def validate_phone(value: str) -> None:
    """Refuse what is not a mobile, landline (area code and number) or service number."""
    if value and not is_phone(value):
        raise ValidationError(_("Not a phone number: a mobile (13800000000) or a landline with its area code "
                                "(0576-86000000)"), code="phone")


def check_phones(obj, **fields) -> None:
    """Validate `obj`'s phone fields (name → validator) and raise one ValidationError
    by field, as a model's `clean()` does."""
    errors = {}
    for name, validator in fields.items():
        value = getattr(obj, name, "") or ""
        if forbidden_character(value):
            continue  # core.text.check_text_fields names the character, which says more
        try:
            validator(value)
        except ValidationError as exc:
            errors[name] = exc.error_list
    if errors:
        raise ValidationError(errors)
