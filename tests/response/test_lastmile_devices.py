"""On-site devices against the real Mosquitto (127.0.0.1:1883, or MQTT_URL): a
command is published with QoS 1 on the device's topic; a device that acknowledges
on its state topic is recorded (last seen, acknowledged command, battery) and its
message delivered; a silent one is marked and retried once, then left
unacknowledged."""

import datetime as dt
import io
import json
import threading
import uuid

import paho.mqtt.client as paho
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from yingji.hydromet.mqtt import Broker
from yingji.messaging import services as messaging
from yingji.messaging.models import Message
from yingji.response import devices_lastmile
from yingji.response.models import LastMileSend, WarningDevice
from yingji.response.services import lastmile

from .lastmile_helpers import WENLING_VILLAGE, issue, villages  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def client(client_id: str, clean: bool = True) -> paho.Client:
    broker = Broker.from_url(settings.MQTT_URL)
    c = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=clean)
    if broker.username:
        c.username_pw_set(broker.username, broker.password)
    c.connect(broker.host, broker.port)
    c.loop_start()
    return c


class FakeDevice:
    """A device on the broker: records the commands it gets; answers them if `answers`."""

    def __init__(self, device_id: str, answers: bool):
        self.device_id, self.commands, self.got = device_id, [], threading.Event()
        subscribed = threading.Event()
        self.client = client(f"dev-{device_id}")
        self.client.on_subscribe = lambda *a: subscribed.set()

        def on_message(c, userdata, msg):
            command = json.loads(msg.payload)
            self.commands.append(command)
            if answers:
                c.publish(f"yingji/devices/{device_id}/state",
                          json.dumps({"ack": command["message_id"], "battery": 81, "fault": ""}), qos=1)
            self.got.set()

        self.client.on_message = on_message
        self.client.subscribe(f"yingji/devices/{device_id}/cmd", qos=1)
        assert subscribed.wait(10), "no SUBACK"

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def broker(settings):
    settings.YINGJI_DEVICES_MQTT_URL = settings.MQTT_URL
    settings.YINGJI_BROADCAST_URL = settings.YINGJI_CELL_BROADCAST_URL = ""
    settings.YINGJI_FAKE_GATEWAY = "console"  # the terminals and cell broadcast print
    settings.YINGJI_DEVICE_ACK_SECONDS = 60


def listener_session() -> str:
    """A durable session subscribed to the state topic: what devices report before
    the listener runs waits in the broker."""
    client_id = f"yingji-test-lastmile-{uuid.uuid4().hex[:10]}"
    subscribed = threading.Event()
    c = client(client_id, clean=False)
    c.on_subscribe = lambda *a: subscribed.set()
    c.subscribe(devices_lastmile.STATE_TOPIC, qos=1)
    assert subscribed.wait(10), "no SUBACK"
    c.disconnect()
    c.loop_stop()
    return client_id


def drop_session(client_id: str) -> None:
    c = client(client_id, clean=True)
    c.disconnect()
    c.loop_stop()


def only_device(device_id: str) -> None:
    WarningDevice.objects.exclude(device_id=device_id).update(state="retired")
    WarningDevice.objects.create(device_id=device_id, kind="siren", name="测试警报器", region_id=WENLING_VILLAGE,
                                 topic=f"yingji/devices/{device_id}/cmd")


def test_a_device_that_acknowledges_is_recorded_and_its_message_delivered(villages, broker):
    device_id = f"S-{uuid.uuid4().hex[:8]}"
    only_device(device_id)
    session = listener_session()
    device = FakeDevice(device_id, answers=True)
    try:
        issue(level="red", codes=[WENLING_VILLAGE])
        lastmile.lastmile_tick()
        messaging.deliver_due(policy=messaging.RetryPolicy())
        assert device.got.wait(10), "the device got no command"
        out = io.StringIO()
        call_command("lastmile_devices", "--url", settings.MQTT_URL, "--client-id", session, "--max-messages", "1",
                     "--max-seconds", "20", stdout=out)
    finally:
        device.close()
        drop_session(session)
    assert "recorded 1" in out.getvalue()
    message = Message.objects.get(channel="device", to=device_id)
    (command,) = device.commands
    assert command == {"message_id": message.pk, "device_id": device_id, "sound": "alarm", "light": "flash_red",
                       "duration_seconds": 180, "text": message.text}
    row = WarningDevice.objects.get(device_id=device_id)
    assert (row.last_ack_id, row.battery, row.state) == (message.pk, 81, "ok")
    assert row.last_seen_at is not None
    assert LastMileSend.objects.get(target=device_id).state == "acknowledged"
    assert message.status == "delivered"
    # Acknowledged: the tick after the limit retries nothing.
    later = timezone.now() + dt.timedelta(seconds=61)
    assert lastmile.lastmile_tick(now=later)["retried"] == 0


def test_a_silent_device_is_marked_and_retried_once(villages, broker):
    device_id = f"S-{uuid.uuid4().hex[:8]}"
    only_device(device_id)
    device = FakeDevice(device_id, answers=False)
    try:
        issue(level="orange", codes=[WENLING_VILLAGE])
        now = timezone.now()
        lastmile.lastmile_tick(now=now)
        messaging.deliver_due(policy=messaging.RetryPolicy())
        assert device.got.wait(10)
        device.got.clear()
        assert lastmile.lastmile_tick(now=now + dt.timedelta(seconds=30))["retried"] == 0  # not yet
        assert lastmile.lastmile_tick(now=now + dt.timedelta(seconds=61))["retried"] == 1
        assert WarningDevice.objects.get(device_id=device_id).state == "silent"
        messaging.deliver_due(now=now + dt.timedelta(seconds=61), policy=messaging.RetryPolicy())
        assert device.got.wait(10), "the retry was not published"
        # Still silent after the retry's limit: left unacknowledged, never a third command.
        assert lastmile.lastmile_tick(now=now + dt.timedelta(seconds=200))["retried"] == 0
        assert lastmile.lastmile_tick(now=now + dt.timedelta(seconds=400))["retried"] == 0
        messaging.deliver_due(now=now + dt.timedelta(seconds=400), policy=messaging.RetryPolicy())
    finally:
        device.close()
    send = LastMileSend.objects.get(target=device_id)
    assert send.state == "unacknowledged"
    assert [c["message_id"] for c in device.commands] == [send.message_id, send.retry_message_id]
    assert send.message_id != send.retry_message_id
