"""Each channel's transport against a real local server: the request it makes, and
how it reads the answer."""

import base64
import hashlib
import hmac
import socket
import urllib.parse

import pytest
from django.core import mail

from yingji.messaging import services
from yingji.messaging.choices import MessageStatus
from yingji.messaging.models import DeliveryAttempt
from yingji.messaging.services import RetryPolicy
from yingji.messaging.transports import dingtalk_sign, dingtalk_signed_url

from .conftest import Answer

pytestmark = pytest.mark.django_db
POLICY = RetryPolicy()


def deliver(channel, to, text="红色暴雨预警", subject="", key="k"):
    message = services.send(channel=channel, to=to, text=text, subject=subject, idempotency_key=key)
    services.deliver_due(policy=POLICY)
    message.refresh_from_db()
    return message


# DingTalk -------------------------------------------------------------------------

def test_dingtalk_signature_is_the_documented_hmac():
    """Reference from an independent implementation:
    printf '1700000000000\\nSECdemo-secret-0123' | openssl dgst -sha256 -hmac 'SECdemo-secret-0123' -binary | base64
    """
    assert dingtalk_sign("SECdemo-secret-0123", 1700000000000) == "PooNMEWgTNG3pg0BpxB+ipdDKqO2V5Hy0xL83r7qrA0="
    url = dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=t", "SECdemo-secret-0123",
                              1700000000000)
    assert url == ("https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000"
                   "&sign=PooNMEWgTNG3pg0BpxB%2BipdDKqO2V5Hy0xL83r7qrA0%3D")


def test_dingtalk_robot_mentions_the_person_and_signs_the_request(gateway, settings):
    secret = "SECtest-secret"
    settings.YINGJI_DINGTALK_SECRET = secret
    message = deliver("dingtalk", "13800000001", text="请回复1确认", subject="红色暴雨预警")
    assert message.status == MessageStatus.SENT
    request = gateway.received[0]
    assert request.path == "/robot/send" and request.query["access_token"] == "dt-token"
    assert request.body == {"msgtype": "text", "text": {"content": "红色暴雨预警\n请回复1确认 @13800000001"},
                            "at": {"atMobiles": ["13800000001"], "isAtAll": False}}
    # What DingTalk's server does: recompute the HMAC of "timestamp\nsecret".
    expected = hmac.new(secret.encode(), f"{request.query['timestamp']}\n{secret}".encode(), hashlib.sha256)
    assert request.query["sign"] == base64.b64encode(expected.digest()).decode()


@pytest.mark.parametrize("errcode, status", [(310000, MessageStatus.FAILED), (130101, MessageStatus.QUEUED)])
def test_dingtalk_nonzero_errcode_is_an_error(errcode, status, gateway):
    gateway.answer(Answer(200, {"errcode": errcode, "errmsg": "sign not match"}))
    message = deliver("dingtalk", "13800000001")
    assert message.status == status and f"error {errcode}" in message.last_error


def test_dingtalk_answer_without_errcode_is_temporary(gateway):
    gateway.answer(Answer(200, "<html>proxy</html>"))
    assert deliver("dingtalk", "13800000001").status == MessageStatus.QUEUED


def test_robot_recipient_may_be_another_groups_webhook(gateway):
    deliver("dingtalk", gateway.url + "/other-group?access_token=x")
    assert gateway.received[0].path == "/other-group" and "at" not in gateway.received[0].body


# WeCom ----------------------------------------------------------------------------

def test_wecom_robot_posts_text_with_the_mention(gateway):
    message = deliver("wecom", "13800000002", text="请回复1确认")
    assert message.status == MessageStatus.SENT
    request = gateway.received[0]
    assert (request.path, request.query) == ("/cgi-bin/webhook/send", {"key": "wc-key"})
    assert request.body == {"msgtype": "text",
                            "text": {"content": "请回复1确认", "mentioned_mobile_list": ["13800000002"]}}


@pytest.mark.parametrize("errcode, status", [(93000, MessageStatus.FAILED), (45009, MessageStatus.QUEUED)])
def test_wecom_nonzero_errcode_is_an_error(errcode, status, gateway):
    gateway.answer(Answer(200, {"errcode": errcode, "errmsg": "invalid webhook url"}))
    assert deliver("wecom", "13800000002").status == status


# Voice and webhook ----------------------------------------------------------------

def test_voice_call_goes_to_the_voice_gateway(gateway):
    message = deliver("voice", "13800000003", text="这是应急叫应电话，确认请按1")
    assert gateway.received[0].path == "/voice"
    assert gateway.bodies() == [{"message_id": message.pk, "to": "13800000003", "text": "这是应急叫应电话，确认请按1"}]


def test_webhook_posts_the_whole_message_to_its_address(gateway):
    message = services.send(channel="webhook", to=gateway.url + "/hook", text="t", subject="s",
                            idempotency_key="k", region_code="331081", context={"callup_id": 3})
    services.deliver_due(policy=POLICY)
    body = gateway.received[0].body
    assert gateway.received[0].path == "/hook"
    assert {k: body[k] for k in ("message_id", "channel", "subject", "text", "region_code", "context")} == {
        "message_id": message.pk, "channel": "webhook", "subject": "s", "text": "t",
        "region_code": "331081", "context": {"callup_id": 3}}


@pytest.mark.parametrize("to", ["file:///etc/passwd", "ftp://example.org/x", "not a url", ""])
def test_webhook_to_anything_but_http_fails_permanently(to, gateway):
    message = deliver("webhook", to)
    assert message.status == MessageStatus.FAILED and gateway.received == []


def test_redirect_is_not_followed(gateway):
    gateway.answer(Answer(302, {}))
    message = deliver("sms", "13800000001")
    assert message.status == MessageStatus.FAILED and "HTTP 302" in message.last_error
    assert len(gateway.received) == 1


# Unconfigured channels --------------------------------------------------------------

@pytest.mark.parametrize("channel, to, reason", [
    ("sms", "13800000001", "短信网关未配置 / SMS gateway not configured (set YINGJI_SMS_URL)"),
    ("voice", "13800000001", "语音网关未配置 / voice gateway not configured (set YINGJI_VOICE_URL)"),
    ("dingtalk", "13800000001", "钉钉机器人未配置 / DingTalk robot not configured (set YINGJI_DINGTALK_WEBHOOK)"),
    ("wecom", "13800000001", "企业微信机器人未配置 / WeCom robot not configured (set YINGJI_WECOM_WEBHOOK)"),
])
def test_unconfigured_channel_fails_permanently_with_a_clear_reason(channel, to, reason, unconfigured):
    message = deliver(channel, to)
    assert (message.status, message.last_error) == (MessageStatus.FAILED, reason)
    assert DeliveryAttempt.objects.get(message=message).outcome == "permanent_error"


def test_sms_without_a_number_fails_permanently(gateway):
    message = deliver("sms", "")
    assert message.status == MessageStatus.FAILED and "no recipient" in message.last_error
    assert gateway.received == []


# E-mail ---------------------------------------------------------------------------

class Inbox:
    """An aiosmtpd handler: refuses nobody@ (550) and busy@ (451), keeps the rest."""

    def __init__(self):
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 no such user"
        if address.startswith("busy@"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    controller_module = pytest.importorskip("aiosmtpd.controller")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    inbox = Inbox()
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.DEFAULT_FROM_EMAIL = "yingji@yjj.example.cn"
    yield inbox
    controller.stop()


def test_email_goes_through_smtp_with_our_message_id(smtp_server):
    message = deliver("email", "duty@yjj.example.cn", text="请确认收到", subject="红色暴雨预警")
    assert message.status == MessageStatus.SENT
    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == ["duty@yjj.example.cn"] and envelope.mail_from == "yingji@yjj.example.cn"
    content = envelope.content.decode()
    assert f"Message-ID: <yingji-message-{message.pk}@yjj.example.cn>" in content
    assert message.provider_message_id == f"<yingji-message-{message.pk}@yjj.example.cn>"


@pytest.mark.parametrize("to, status", [("nobody@yjj.example.cn", MessageStatus.FAILED),
                                        ("busy@yjj.example.cn", MessageStatus.QUEUED)])
def test_smtp_refusals_are_permanent_for_5xx_and_temporary_for_4xx(to, status, smtp_server):
    message = deliver("email", to)
    assert message.status == status and smtp_server.envelopes == []


def test_invalid_email_address_fails_permanently(smtp_server):
    assert deliver("email", "not-an-address").status == MessageStatus.FAILED


def test_email_without_a_server_fails_permanently(settings, unconfigured):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    message = deliver("email", "duty@yjj.example.cn")
    assert message.status == MessageStatus.FAILED and "set EMAIL_HOST" in message.last_error


def test_a_configured_non_smtp_backend_is_used(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = deliver("email", "duty@yjj.example.cn", text="第一行\n第二行")
    assert message.status == MessageStatus.SENT
    assert [(m.subject, m.to) for m in mail.outbox] == [("第一行", ["duty@yjj.example.cn"])]


def test_signed_url_keeps_the_webhook_query():
    url = urllib.parse.urlsplit(dingtalk_signed_url("https://h/robot/send?access_token=t", "s", 1))
    assert urllib.parse.parse_qs(url.query).keys() == {"access_token", "timestamp", "sign"}
