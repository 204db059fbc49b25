"""Domain errors that every layer understands.

A service raises these; the API turns them into `{"error": {...}}` JSON with the
matching 4xx status, the UI into a message. Each carries Chinese and English text so
that the person who hit it, and the engineer who reads the log, both understand.
"""


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, zh: str, en: str, *, fields: dict | None = None, code: str | None = None):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en
        self.fields = fields or {}
        if code:
            self.code = code


class NotFound(DomainError):
    """Raised both for rows that do not exist and for rows outside the caller's scope:
    guessing ids must not reveal that a record exists elsewhere."""

    status = 404
    code = "not_found"

    def __init__(self, zh: str = "记录不存在", en: str = "Not found", **kw):
        super().__init__(zh, en, **kw)


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


def bilingual(zh: str, en: str) -> str:
    return f"{zh} / {en}"


def error_json(status: int, code: str, message: str, fields: dict | None = None):
    """The API's error shape as a plain Django response, for the layers that answer
    before (middleware) or after (Django's error handlers) django-ninja."""
    from django.http import JsonResponse

    return JsonResponse({"error": {"code": code, "message": message, "fields": fields or {}}}, status=status)
