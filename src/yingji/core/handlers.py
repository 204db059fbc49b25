"""Django's last-resort error views (urls.handler400/403/404/500).

Under /api/ they answer the API's JSON error shape, so that a client never has to
parse an HTML page: an unknown path, a CSRF refusal, a body Django itself rejected, or
an error that escaped every handler. Elsewhere, Django's own views with our templates.
"""

from django.views import defaults

from .errors import bilingual, error_json


def _api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _api(request):
        return error_json(400, "bad_request", bilingual("请求无效", "Bad request"))
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _api(request):
        return error_json(403, "forbidden", bilingual("无权执行此操作", "Not allowed"))
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _api(request):
        return error_json(404, "not_found", bilingual("接口或记录不存在", "Not found"))
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _api(request):
        return error_json(500, "server_error", bilingual("服务器内部错误，已记录", "Server error; it has been logged"))
    return defaults.server_error(request)
