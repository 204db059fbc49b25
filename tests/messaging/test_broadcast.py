"""The last mile's transports against a local stand-in server: the emergency-
broadcast platform in its two formats, the cell-broadcast gateway, and what each
makes of temporary and permanent errors; the console stand-in of the demo."""

import pytest

from yingji.messaging import services
from yingji.messaging.models import DeliveryAttempt
from yingji.messaging.services import RetryPolicy

from .conftest import Answer, FakeGateway

pytestmark = pytest.mark.django_db
POLICY = RetryPolicy()
CONTEXT = {"terminal_ids": ["T-1"], "repeat": 2, "priority": 2,
           "alert": {"identifier": "yingji-abc", "msg_type": "Alert", "sender": "台州市气象台",
                     "sent": "2026-08-01T08:00:00+08:00", "event_code": "11B01", "severity": 2,
                     "area_codes": ["331081"], "start": "2026-08-01T08:00:00+08:00", "end": "",
                     "headline": "台风橙色预警"}}
CAP = ('<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><info><area><areaDesc>温岭市</areaDesc>'
       '<geocode><valueName>GB/T 2260</valueName><value>331081</value></geocode></area></info></alert>')


@pytest.fixture
def platform(settings):
    gw = FakeGateway()
    gw.thread.start()
    settings.YINGJI_BROADCAST_URL = gw.url + "/broadcast"
    settings.YINGJI_CELL_BROADCAST_URL = gw.url + "/cbc"
    settings.YINGJI_BROADCAST_FORMAT = "json"
    settings.YINGJI_FAKE_GATEWAY = None
    yield gw
    gw.server.shutdown()
    gw.server.server_close()


def deliver(channel, to="T-1", text="台风橙色预警，请立即转移", context=CONTEXT, key="k"):
    message = services.send(channel=channel, to=to, text=text, context=context, idempotency_key=key)
    services.deliver_due(policy=POLICY)
    message.refresh_from_db()
    return message


def test_the_generic_broadcast_posts_terminals_speech_repeat_and_priority(platform):
    message = deliver("broadcast")
    assert message.status == "sent"
    assert platform.bodies() == [{"message_id": message.pk, "terminal_ids": ["T-1"],
                                  "tts_text": "台风橙色预警，请立即转移", "repeat": 2, "priority": 2}]
    assert platform.received[0].path == "/broadcast"


def test_the_national_format_carries_the_ebm_fields(platform, settings):
    settings.YINGJI_BROADCAST_FORMAT = "gdj082"
    message = deliver("broadcast")
    ebm = platform.bodies()[0]["EBM"]
    assert ebm["EBMID"] == f"yingji-abc-{message.pk}"
    assert ebm["MsgBasicInfo"]["MsgType"] == 1 and ebm["MsgBasicInfo"]["EventType"] == "11B01"
    assert ebm["MsgBasicInfo"]["Severity"] == 2
    assert ebm["MsgContent"] == {"LanguageCode": "zho", "MsgTitle": "台风橙色预警",
                                 "MsgDesc": "台风橙色预警，请立即转移", "AreaCode": ["331081"]}
    assert ebm["Resources"] == [{"ResourceCode": "T-1"}] and ebm["RepeatTimes"] == 2


def test_a_cancel_in_the_national_format_is_message_type_two(platform, settings):
    settings.YINGJI_BROADCAST_FORMAT = "gdj082"
    deliver("broadcast", context=CONTEXT | {"alert": CONTEXT["alert"] | {"msg_type": "Cancel"}})
    assert platform.bodies()[0]["EBM"]["MsgBasicInfo"]["MsgType"] == 2


@pytest.mark.parametrize("status, outcome, final", [
    (503, "temporary_error", "queued"), (429, "temporary_error", "queued"),
    (400, "permanent_error", "failed"), (404, "permanent_error", "failed")])
def test_gateway_errors_are_temporary_or_permanent(platform, status, outcome, final):
    platform.answer(Answer(status=status, body={"error": "x"}))
    message = deliver("broadcast")
    assert message.status == final
    assert DeliveryAttempt.objects.get(message=message).outcome == outcome


def test_a_temporary_error_is_sent_again_with_the_same_message_id(platform):
    platform.answer(Answer(status=503, body={}))
    message = deliver("broadcast")
    message.due_at = message.created_at
    message.save(update_fields=["due_at"])
    services.deliver_due(policy=POLICY)
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2
    assert [b["message_id"] for b in platform.bodies()] == [message.pk, message.pk]


def test_an_unknown_format_is_a_permanent_error(platform, settings):
    settings.YINGJI_BROADCAST_FORMAT = "xml"
    message = deliver("broadcast")
    assert message.status == "failed" and "YINGJI_BROADCAST_FORMAT" in message.last_error
    assert platform.received == []


def test_the_cell_broadcast_posts_the_cap(platform):
    message = deliver("cell_broadcast", to="cell", context={"cap": CAP})
    assert platform.bodies() == [{"message_id": message.pk, "format": "CAP-1.2", "cap": CAP}]
    assert platform.received[0].path == "/cbc"


def test_a_cap_without_an_area_is_refused_before_sending(platform):
    message = deliver("cell_broadcast", to="cell", context={"cap": "<alert/>"})
    assert message.status == "failed" and platform.received == []


@pytest.mark.parametrize("channel, variable", [("broadcast", "YINGJI_BROADCAST_URL"),
                                               ("cell_broadcast", "YINGJI_CELL_BROADCAST_URL"),
                                               ("device", "YINGJI_DEVICES_MQTT_URL")])
def test_unconfigured_channels_fail_permanently_with_the_setting_named(settings, channel, variable):
    for name in ("YINGJI_BROADCAST_URL", "YINGJI_CELL_BROADCAST_URL", "YINGJI_DEVICES_MQTT_URL"):
        setattr(settings, name, "")
    settings.YINGJI_FAKE_GATEWAY = None
    message = deliver(channel, context=CONTEXT | {"cap": CAP})
    assert message.status == "failed" and variable in message.last_error


def test_the_demo_console_prints_broadcasts_and_device_commands(settings, capsys):
    for name in ("YINGJI_BROADCAST_URL", "YINGJI_CELL_BROADCAST_URL", "YINGJI_DEVICES_MQTT_URL"):
        setattr(settings, name, "")
    settings.YINGJI_FAKE_GATEWAY = "console"
    assert deliver("broadcast", key="b").status == "sent"
    assert deliver("device", to="S-1", text="警报", context={"command": {"sound": "alarm"}}, key="d").status == "sent"
    assert deliver("cell_broadcast", to="cell", context={"cap": CAP}, key="c").status == "sent"
    out = capsys.readouterr().out
    assert "[应急广播] T-1: 台风橙色预警，请立即转移" in out
    assert "[预警设备] S-1: 警报" in out
    assert "[区域预警] cell:" in out


def test_a_device_id_that_would_change_the_topic_is_refused(settings):
    settings.YINGJI_DEVICES_MQTT_URL = "mqtt://127.0.0.1:1"
    message = deliver("device", to="a/+/b", context={})
    assert message.status == "failed" and "device id" in message.last_error


def test_a_broker_that_is_down_is_a_temporary_error(settings):
    settings.YINGJI_DEVICES_MQTT_URL = "mqtt://127.0.0.1:1"  # nothing listens on port 1
    message = deliver("device", to="S-1", context={})
    assert message.status == "queued" and message.attempts == 1 and "MQTT" in message.last_error
