"""MQTT ingestion against the real Mosquitto broker (127.0.0.1:1883, or MQTT_URL).

The worker's session is durable (QoS 1, no clean session): the test registers the
session, publishes while the worker is not running, then runs `yingji ingest-mqtt`
for a bounded number of messages and checks what was stored and what was rejected.
That also proves that readings published while the worker is down are not lost.
"""

import io
import json
import threading
import uuid

import paho.mqtt.client as paho
import pytest
from django.conf import settings
from django.core.management import call_command

from yingji.hydromet.models import Observation
from yingji.hydromet.mqtt import TOPICS, BadMessage, Broker, readings_from_message

from .conftest import at


def _client(client_id: str, clean: bool) -> paho.Client:
    broker = Broker.from_url(settings.MQTT_URL)
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=clean)
    if broker.username:
        client.username_pw_set(broker.username, broker.password)
    client.connect(broker.host, broker.port)
    client.loop_start()
    return client


def _register_session(client_id: str) -> None:
    subscribed = threading.Event()
    client = _client(client_id, clean=False)
    client.on_subscribe = lambda *args: subscribed.set()
    result, _ = client.subscribe([(t, 1) for t in TOPICS])
    assert result == paho.MQTT_ERR_SUCCESS
    assert subscribed.wait(timeout=10), "no SUBACK from the broker"
    client.disconnect()
    client.loop_stop()


def _drop_session(client_id: str) -> None:
    client = _client(client_id, clean=True)
    client.disconnect()
    client.loop_stop()


MESSAGES = [
    ("yingji/stations/W1/rain", {"time": at(8).isoformat(), "value": 1.5, "interval_minutes": 60}),
    ("yingji/stations/W2/rain", [{"time": at(8, 5).isoformat(), "value": 0.2, "interval_minutes": 5},
                                 {"time": at(8, 10).isoformat(), "value": 0.4, "interval_minutes": 5}]),
    ("yingji/stations/W2/stage", {"time": at(8).isoformat(), "value": 3.25}),
    ("yingji/stations/W1/rain", b"{not json"),
    ("yingji/stations/W1/rain", {"time": at(9).isoformat(), "value": -1}),
    ("yingji/stations/X9/rain", {"time": at(9).isoformat(), "value": 1}),
    ("yingji/stations/W1/rain", [7, {"time": at(10).isoformat(), "value": 0.0}]),
]


@pytest.mark.services
@pytest.mark.django_db
def test_worker_stores_good_readings_and_rejects_bad_ones(gauges):
    client_id = f"yingji-test-{uuid.uuid4().hex[:12]}"
    _register_session(client_id)
    try:
        publisher = _client(f"{client_id}-pub", clean=True)
        for topic, payload in MESSAGES:
            body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            publisher.publish(topic, body, qos=1).wait_for_publish(timeout=10)
        publisher.disconnect()
        publisher.loop_stop()
        out = io.StringIO()
        call_command("ingest_mqtt", "--client-id", client_id, "--max-messages", str(len(MESSAGES)),
                     "--max-seconds", "30", "--flush-seconds", "0.2", stdout=out)
    finally:
        _drop_session(client_id)
    stored = sorted((o.station.code, o.quantity, o.value) for o in Observation.objects.select_related("station"))
    assert stored == [("W1", 1, 0.0), ("W1", 1, 1.5), ("W2", 1, 0.2), ("W2", 1, 0.4), ("W2", 2, 3.25)]
    summary = out.getvalue()
    assert "messages 7" in summary and "bad_messages 1" in summary
    assert "accepted 5" in summary and "rejected 3" in summary  # negative, unknown station, not an object


def test_station_and_quantity_come_from_the_topic():
    readings = readings_from_message("yingji/stations/58665/rain", b'{"time": "t", "value": 1, "station": "x"}')
    assert readings == [{"time": "t", "value": 1, "station": "58665", "quantity": "rain"}]


@pytest.mark.parametrize("topic, payload", [
    ("yingji/stations/58665/wind", b"{}"),
    ("yingji/stations//rain", b"{}"),
    ("other/58665/rain", b"{}"),
    ("yingji/stations/58665/rain", b"\xff\xfe"),
    ("yingji/stations/58665/rain", b""),
])
def test_bad_messages_are_refused_with_a_reason(topic, payload):
    with pytest.raises(BadMessage):
        readings_from_message(topic, payload)
