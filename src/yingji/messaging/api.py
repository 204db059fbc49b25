"""Outbox API: the scoped list and detail of messages, and delivery receipts from
gateways (which are not users: they prove themselves with a shared token)."""

import datetime as dt
import hmac
import json
from typing import Annotated, Literal

from django.conf import settings
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from ..core.errors import DomainError, Forbidden, NotFound
from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from . import inbox, selectors, services
from .choices import AttemptOutcome, Channel, MessageStatus

router = Router(tags=["messaging"])

TOKEN_HEADER = "X-Yingji-Gateway-Token"


class AttemptOut(Schema):
    number: int
    started_at: dt.datetime
    finished_at: dt.datetime
    outcome: AttemptOutcome
    http_status: int | None
    error: str
    duration_ms: int


class MessageOut(Schema):
    id: int
    channel: Channel
    to: str
    person_id: int | None
    person_name: str | None
    subject: str
    text: str
    status: MessageStatus
    attempts: int
    due_at: dt.datetime | None
    provider_message_id: str
    last_error: str
    reply: str
    replied_at: dt.datetime | None
    region_code: str
    context: dict
    created_at: dt.datetime
    sent_at: dt.datetime | None
    delivered_at: dt.datetime | None

    @staticmethod
    def resolve_person_name(obj):
        return obj.person.name if obj.person_id else None


class MessageDetail(MessageOut):
    delivery_attempts: list[AttemptOut]

    @staticmethod
    def resolve_delivery_attempts(obj):
        return list(obj.delivery_attempts.all())


class MessageFilter(Schema):
    status: MessageStatus | None = None
    channel: Channel | None = None
    person: int | None = Field(None, ge=1, le=2**63 - 1, description="person id")
    context: str = Field("", max_length=200, description="`key=value` in the message context, e.g. callup_id=12")


class ReceiptIn(Schema):
    message_id: int = Field(..., ge=1, le=2**63 - 1)
    status: Literal["delivered", "failed"]
    reply: str | None = Field(None, max_length=2000, description="what the person sent back (SMS text, key pressed)")
    error: str = Field("", max_length=500, description="the gateway's reason, for failed")


class ReceiptOut(Schema):
    message_id: int
    status: MessageStatus = Field(..., description="as reported")
    reply: str
    queued: bool = Field(..., description="true: stored, applied by the workers shortly; false: applied")


class ReceiptResult(Schema):
    message_id: int
    status: MessageStatus | None = None
    reply: str | None = None
    queued: bool | None = None
    error: dict | None = Field(None, description="why this receipt was not stored (the others were)")


MAX_RECEIPTS = 1000
ReceiptList = Annotated[list[ReceiptIn], Field(min_length=1, max_length=MAX_RECEIPTS)]
# One receipt or a list of them. The shape of the JSON decides which is validated
# (here, not by ninja: a union would name its branches in every error), so an error
# names the field as the gateway sent it: `status`, or `3.status` in a list.
_ONE, _MANY = TypeAdapter(ReceiptIn), TypeAdapter(ReceiptList)
RECEIPTS_BODY = {"required": True, "content": {"application/json": {"schema": {"oneOf": [
    _ONE.json_schema(), _MANY.json_schema()]}}}}


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


@router.get("/messages", response=Page[MessageOut])
def list_messages(request, filters: Query[MessageFilter], paging: Query[PageQuery]):
    qs = selectors.message_list(scope=Scope.for_user(request.user), status=filters.status or "",
                                channel=filters.channel or "", person=filters.person, context=filters.context)
    return paginate(qs, paging)


@router.get("/messages/{id}", response=MessageDetail)
def get_message(request, id: int):
    return selectors.message_get(scope=Scope.for_user(request.user), id=id)


@router.post("/receipts", response={200: ReceiptOut | list[ReceiptResult]}, auth=None,
             openapi_extra={"requestBody": RECEIPTS_BODY})
def post_receipt(request):
    """For gateways: report a message delivered or failed, with the person's reply.
    Send the shared secret `YINGJI_GATEWAY_TOKEN` in the header X-Yingji-Gateway-Token.

    The receipt is stored before the answer and applied to its message by the
    workers within a second or so (`queued: true`); without workers it is applied
    first (`queued: false`). The answer echoes the receipt as stored.

    Extension: a JSON list of up to 1,000 receipts in one request (far cheaper per
    receipt); the answer is a list in the same order, where a receipt for an
    unknown message carries an `error` and the others are stored all the same."""
    require_gateway_token(request.headers.get(TOKEN_HEADER))
    data = _receipts_body(request.body)
    receipts = [_receipt(r) for r in (data if isinstance(data, list) else [data])]
    stored = inbox.receive(receipts)
    queued = bool(settings.BROKER_URL)
    if isinstance(data, list):
        return [_result(r, ok, queued) for r, ok in zip(data, stored, strict=True)]
    if not stored[0]:
        raise NotFound("消息不存在", "No such message")
    return _result(data, True, queued)


def _receipts_body(raw: bytes) -> ReceiptIn | list[ReceiptIn]:
    try:
        payload = json.loads(raw or b"null")
    except ValueError:
        raise ValidationError([{"loc": ("body",), "type": "json_invalid", "msg": "invalid JSON"}]) from None
    adapter = _MANY if isinstance(payload, list) else _ONE
    try:
        return adapter.validate_python(payload)
    except PydanticValidationError as exc:
        raise ValidationError([{**e, "loc": ("body", "data", *e["loc"])} for e in exc.errors(include_url=False)]
                              ) from None


def _receipt(data: ReceiptIn) -> services.Receipt:
    return services.Receipt(data.message_id, data.status, data.reply, data.error)


def _result(data: ReceiptIn, stored: bool, queued: bool) -> dict:
    if not stored:
        return {"message_id": data.message_id,
                "error": {"code": "not_found", "message": "消息不存在 / No such message"}}
    return {"message_id": data.message_id, "status": data.status, "reply": data.reply or "", "queued": queued}


def require_gateway_token(sent: str | None) -> None:
    expected = settings.YINGJI_GATEWAY_TOKEN or ""
    if not expected:
        raise Forbidden("未配置网关令牌，拒绝所有回执", "YINGJI_GATEWAY_TOKEN is not set: receipts are refused")
    if not sent:
        raise Unauthenticated("缺少网关令牌", f"Missing {TOKEN_HEADER} header")
    # Constant time: the answer's timing must not tell how much of a guess was right.
    if not hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8")):
        raise Forbidden("网关令牌错误", "Wrong gateway token")
