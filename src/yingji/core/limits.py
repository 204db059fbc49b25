"""Bounds on what an API request body may be, checked once before any parser sees it.

A body that no endpoint could use must not reach one: an oversized body, a body that
is not UTF-8, JSON nested deeper than any of our schemas (5,000 brackets made the JSON
decoder raise RecursionError, i.e. a 500), or a number of thousands of digits. Each
answers 400/413 in the API's error shape, in Chinese and English. Multipart uploads
(their files have their own limits), forms and XML (the CAP parser checks its own
encoding) are left to their parsers. Also here: the years a date may have, and the net
for numbers and dates out of range in pages.
"""

import json
import logging

from django.conf import settings
from django.db import DataError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from .errors import DomainError, bilingual, error_json

log = logging.getLogger(__name__)

# Deeper than any schema of ours (a receipt list is 2 deep, a polygon 3).
MAX_JSON_DEPTH = 32
NOT_JSON = ("multipart/", "application/x-www-form-urlencoded", "application/xml", "text/xml",
            "application/cap+xml")

# Years a date or time typed into Yingji can mean. Python's own range (1-9999) is not
# enough: a window around year 1 or 9999 overflows as soon as a day is added.
YEARS = (1970, 2199)


def plausible_year(value) -> bool:
    return YEARS[0] <= value.year <= YEARS[1]


class BodyTooLarge(DomainError):
    status = 413
    code = "too_large"


def max_body_bytes() -> int:
    """Django's own bound on a non-file body (DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440


def json_depth(value, stop_at: int = MAX_JSON_DEPTH) -> int:
    """How deep lists and objects nest in a decoded JSON value (a scalar is 0);
    stops counting past `stop_at`. Level by level, not recursion: it may be deep."""
    level, depth = ([value] if isinstance(value, dict | list) else []), 0
    while level and depth <= stop_at:
        depth += 1
        level = [child for item in level for child in (item.values() if isinstance(item, dict) else item)
                 if isinstance(child, dict | list)]
    return depth


def check_length(content_length: str, content_type: str) -> None:
    if content_type.startswith("multipart/"):
        return
    try:
        length = int(content_length or 0)
    except ValueError:
        length = 0
    if length > max_body_bytes():
        mb = max_body_bytes() / 1_048_576
        raise BodyTooLarge(f"请求体过大（上限 {mb:.1f} MB）", f"Request body too large (limit {mb:.1f} MB)",
                           fields={"body": bilingual("过大", "too large")})


def check_json(body: bytes) -> None:
    """UTF-8 (RFC 8259 allows nothing else), then what Python's decoder fails on with
    something other than a JSON syntax error: nesting past the recursion limit, and
    numbers of over 4,300 digits; then our own nesting bound. Syntax errors are left to
    the parsers, which answer them with a 400 already (after a 405 for a method that
    is not allowed). The body is decoded twice, the second time by the endpoint: ~5 ms
    for a list of 1,000 receipts, which takes 240 ms to store."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DomainError("请求体不是有效的 UTF-8 编码", f"Request body is not valid UTF-8 (byte {exc.start})",
                          fields={"body": bilingual("编码错误", "bad encoding")}) from exc
    too_deep = DomainError(f"JSON 嵌套超过 {MAX_JSON_DEPTH} 层", f"JSON nested deeper than {MAX_JSON_DEPTH} levels",
                           fields={"body": bilingual("嵌套过深", "nested too deep")})
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return
    except RecursionError as exc:
        raise too_deep from exc
    except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise DomainError("数字位数过多", "A number has too many digits",
                          fields={"body": bilingual("数字过长", "number too long")}) from exc
    if json_depth(value) > MAX_JSON_DEPTH:
        raise too_deep


def check_multipart(request) -> None:
    """Parse a multipart body now (Django keeps the result for the endpoint). Left
    for later, a body that is not multipart failed wherever request.POST was read
    first: in the login throttle, before it counted the failed password."""
    try:
        request.POST  # noqa: B018
    except MultiPartParserError as exc:
        raise DomainError("表单数据格式错误", "Malformed form data",
                          fields={"body": bilingual("不是合法的 multipart 数据", "not valid multipart data")}) from exc


class ApiBodyLimitsMiddleware:
    """Apply the bounds above to every request under /api/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and request.method in ("POST", "PUT", "PATCH", "DELETE"):
            content_type = request.META.get("CONTENT_TYPE", "").lower()
            try:
                check_length(request.META.get("CONTENT_LENGTH", ""), content_type)
                if content_type.startswith("multipart/"):
                    check_multipart(request)
                elif not content_type.startswith(NOT_JSON):
                    check_json(request.body)
            except DomainError as exc:
                return error_json(exc.status, exc.code, bilingual(exc.zh, exc.en), exc.fields)
        return self.get_response(request)


class InputErrorMiddleware:
    """The net under every page: what a client's input breaks deep inside is the
    client's error, a 400, not a 500: a number or date too large for its column or for
    Python's calendar (10^22 people, year 1 minus a day), and a multipart body that is
    not multipart (read by whatever touches request.POST first, e.g. the login
    throttle). Forms bound their fields; this catches what one forgot. (The API has
    the same net as exception handlers in yingji/api.py.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, MultiPartParserError):
            message = bilingual("表单数据格式错误", "Malformed form data")
        elif isinstance(exception, OverflowError | DataError):
            message = bilingual("数值或日期超出允许范围", "A number or date is out of range")
        else:
            return None
        log.warning("bad input on %s: %s", request.path, exception)
        if request.path.startswith("/api/"):
            return error_json(400, "invalid", message)
        return render(request, "web/error.html", {"message": message}, status=400)
