"""The HTTP API: one NinjaAPI under /api/, its authentication and its error shape.

Every error leaves as `{"error": {"code", "message", "fields"}}` with a 4xx status;
messages carry Chinese and English (`"中文 / English"`). Routers live in each app's
`api.py` and are mounted here.
"""

import logging
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import override
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from .core import tokens
from .core.errors import DomainError, bilingual

log = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        row = tokens.live(token)
        if row is None:
            return None
        request.user, request.api_token = row.user, row
        return row.user


def docs_access(view):
    """The docs and the OpenAPI schema map every endpoint: behind login when
    settings.YINGJI_API_DOCS_LOGIN is on (production's default), read per request."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if settings.YINGJI_API_DOCS_LOGIN and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded


api = NinjaAPI(
    title="Yingji 应急 API",
    version="1",
    description="Emergency-management platform API. Authenticate with `POST /api/auth/token`, "
                "then send `Authorization: Bearer <token>`.",
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=docs_access,
)


def error_response(request, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(
        request, {"error": {"code": code, "message": message, "fields": fields or {}}}, status=status,
    )


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return error_response(request, exc.status, exc.code, bilingual(exc.zh, exc.en), exc.fields)


_PYDANTIC_REASONS = {
    "missing": ("必填", "required"),
    "string_too_long": ("太长", "too long"),
    "string_too_short": ("太短", "too short"),
    "int_parsing": ("应为整数", "must be an integer"),
    "float_parsing": ("应为数字", "must be a number"),
    "date_from_datetime_parsing": ("日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD"),
    "date_parsing": ("日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD"),
    "enum": ("不是允许的取值", "not an allowed value"),
    "literal_error": ("不是允许的取值", "not an allowed value"),
    "json_invalid": ("JSON 格式错误", "invalid JSON"),
}


# Where a value came from, then the name our endpoint gave its schema parameter:
# neither means anything to the client, who only knows the field.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}
_PARAMETER_NAMES = {"data", "filters", "paging", "payload", "query"}


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    fields = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ())]
        if loc and loc[0] in _SOURCES:
            loc.pop(0)
        if len(loc) > 1 and loc[0] in _PARAMETER_NAMES:
            loc.pop(0)
        name = ".".join(loc) or "__all__"
        zh, en = _PYDANTIC_REASONS.get(err.get("type", ""), ("取值无效", err.get("msg", "invalid value")))
        fields[name] = bilingual(zh, en)
    return error_response(request, 422, "invalid", bilingual("输入有误", "Invalid input"), fields)


@api.exception_handler(DjangoValidationError)
def on_model_validation_error(request, exc: DjangoValidationError):
    with override("zh-hans"):
        zh = _messages(exc)
    with override("en"):
        en = _messages(exc)
    fields = {k: v if v == en.get(k) else bilingual(v, en.get(k, "")) for k, v in zh.items()}
    return error_response(request, 400, "invalid", bilingual("输入有误", "Invalid input"), fields)


def _messages(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {k: "；".join(v) for k, v in exc.message_dict.items()}
    return {"__all__": "；".join(exc.messages)}


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error_response(request, 401, "unauthenticated",
                          bilingual("请先登录或提供有效令牌", "Log in or send a valid token"))


# django-ninja's own messages, which have no Chinese.
_NINJA_MESSAGES = {"Cannot parse request body": ("请求体无法解析", "Cannot parse request body")}


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    message = str(exc)
    if message in _NINJA_MESSAGES:
        message = bilingual(*_NINJA_MESSAGES[message])
    return error_response(request, exc.status_code, "http_error", message)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", bilingual("记录不存在", "Not found"))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return error_response(request, 403, "forbidden", bilingual("无权执行此操作", "Not allowed"))


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_out_of_range(request, exc):
    """A number too large for its column (10^22 people moved): SQLite raises
    OverflowError, PostgreSQL DataError. Schemas bound what they can; this is the net."""
    log.warning("value out of range on %s: %s", request.path, exc)
    return error_response(request, 400, "invalid", bilingual("数值超出允许范围", "A value is out of range"))


@api.exception_handler(MultiPartParserError)
def on_malformed_multipart(request, exc):
    """Declared multipart, sent something else; found by whatever reads request.POST
    first (django-ninja, or the login throttle on POST /api/auth/token)."""
    return error_response(request, 400, "invalid", bilingual("表单数据格式错误", "Malformed form data"))


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    """Anything else is our bug: logged with its traceback, answered in the error
    shape (django-ninja would answer an HTML page, or a bare traceback under DEBUG)."""
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(request, 500, "server_error",
                          bilingual("服务器内部错误，已记录", "Server error; it has been logged"))


def _mount_routers():
    from .accidents.api import router as accidents_router
    from .alerts.api import router as alerts_router
    from .command.api_cockpit import router as cockpit_router
    from .command.api_map import router as map_router
    from .core.api import router as core_router
    from .duty.api_desk import router as duty_desk_router
    from .duty.api_notices import router as duty_notices_router
    from .duty.api_reports import router as info_reports_router
    from .enforcement.api import router as enforcement_router
    from .enterprises.api import router as enterprises_router
    from .floods.api import router as floods_router
    from .hazards.api import router as hazards_router
    from .hazchem.api import router as hazchem_router
    from .hydromet.api import router as hydromet_router
    from .insurance.api import router as insurance_router
    from .messaging.api import router as messaging_router
    from .resources.api_dispatch import router as dispatch_router
    from .resources.api_supplies import router as supplies_router
    from .resources.api_teams import router as teams_router
    from .resources.api_videodrills import router as videodrills_router
    from .response.api_evacuation import router as evacuation_router
    from .response.api_event import router as response_event_router
    from .response.api_lastmile import router as lastmile_router
    from .response.api_levels import router as response_levels_router
    from .response.api_riskcontrol import router as riskcontrol_router

    api.add_router("", core_router)
    api.add_router("/enterprises", enterprises_router)
    api.add_router("/messaging", messaging_router)
    api.add_router("", hydromet_router)
    api.add_router("", insurance_router)
    api.add_router("", alerts_router)
    api.add_router("", hazards_router)
    api.add_router("", floods_router)
    api.add_router("", hazchem_router)
    api.add_router("/duty", duty_desk_router)
    api.add_router("", duty_notices_router)
    api.add_router("", info_reports_router)
    api.add_router("", response_levels_router)
    api.add_router("", response_event_router)
    api.add_router("", riskcontrol_router)
    api.add_router("", supplies_router)
    api.add_router("/response/last-mile", lastmile_router)
    api.add_router("", evacuation_router)
    api.add_router("", accidents_router)
    api.add_router("", map_router)
    api.add_router("", videodrills_router)
    api.add_router("", teams_router)
    api.add_router("", dispatch_router)
    api.add_router("", cockpit_router)
    api.add_router("", enforcement_router)


_mount_routers()
