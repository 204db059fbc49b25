"""The demo's console gateway: with YINGJI_FAKE_GATEWAY=console and no gateway URL,
SMS and voice messages are printed, one line each, and count as sent."""

import pytest

from yingji.messaging import services
from yingji.messaging.choices import MessageStatus
from yingji.messaging.services import RetryPolicy

pytestmark = pytest.mark.django_db
POLICY = RetryPolicy()


@pytest.fixture
def console(unconfigured, settings):
    settings.YINGJI_FAKE_GATEWAY = "console"


def deliver(channel, to, text, key="k"):
    message = services.send(channel=channel, to=to, text=text, idempotency_key=key)
    services.deliver_due(policy=POLICY)
    message.refresh_from_db()
    return message


@pytest.mark.parametrize("channel, label", [("sms", "短信"), ("voice", "语音")])
def test_console_gateway_prints_one_line_and_accepts(channel, label, console, capsys):
    message = deliver(channel, "13800000000", "【暴雨红色预警】请回复1确认：http://x/ack/t")
    assert capsys.readouterr().out == f"[{label}] 13800000000: 【暴雨红色预警】请回复1确认：http://x/ack/t\n"
    assert message.status == MessageStatus.SENT and message.attempts == 1
    assert message.provider_message_id == f"console-{message.pk}"


def test_a_multiline_text_stays_on_one_console_line(console, capsys):
    deliver("sms", "13800000000", "第一行\n第二行")
    assert capsys.readouterr().out == "[短信] 13800000000: 第一行 第二行\n"


def test_a_configured_gateway_wins_over_the_console(console, gateway, capsys, settings):
    settings.YINGJI_SMS_URL = gateway.url + "/sms"
    message = deliver("sms", "13800000000", "预警")
    assert capsys.readouterr().out == ""
    assert gateway.bodies() == [{"message_id": message.pk, "to": "13800000000", "text": "预警"}]


def test_without_the_console_setting_an_unset_url_still_fails(unconfigured, capsys, settings):
    settings.YINGJI_FAKE_GATEWAY = ""
    message = deliver("sms", "13800000000", "预警")
    assert message.status == MessageStatus.FAILED and "YINGJI_SMS_URL" in message.last_error
    assert capsys.readouterr().out == ""


def test_the_console_refuses_a_message_without_a_number(console, capsys):
    message = deliver("sms", "", "预警")
    assert message.status == MessageStatus.FAILED and "no recipient number" in message.last_error
    assert capsys.readouterr().out == ""


def test_the_console_covers_only_sms_and_voice(console):
    assert deliver("dingtalk", "13800000000", "预警").status == MessageStatus.FAILED
