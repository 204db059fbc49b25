"""Request guards that apply to every endpoint."""

from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware

from .errors import bilingual

_TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded", "text/")


class RejectNulMiddleware:
    """Refuse NUL characters in query strings and text bodies with a clear 400.

    PostgreSQL text columns cannot hold NUL (it raises DataError, i.e. a 500), and no
    legitimate name, code or address contains one. Binary uploads (multipart) are not
    inspected: a spreadsheet legitimately contains zero bytes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return JsonResponse({"error": {
                "code": "invalid",
                "message": bilingual("输入含有非法的空字符", "Input contains a NUL character"),
                "fields": {},
            }}, status=400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        query = request.META.get("QUERY_STRING", "").lower()
        if "%00" in query or "\x00" in query or "\x00" in request.path:
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith(_TEXT_BODIES):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body
        return False


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """zh-hans for everyone until they pick another language (the language cookie).

    Django would otherwise follow the browser's Accept-Language, and an office PC or a
    borrowed laptop set to English would greet a township officer in English."""

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
