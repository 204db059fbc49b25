"""The device-state listener: on-site devices report on ``yingji/devices/<id>/state``.

The payload is JSON ``{"ack": <message id>, "battery": 0..100, "fault": "..."}`` (each
key optional; a state message without "ack" is a heartbeat). The shape follows
hydromet's MQTT worker: paho's thread only queues messages, this thread records
them; a persistent session (QoS 1) keeps what devices reported while the listener
was down. A bad message is logged and counted, never raised.

Run by ``yingji lastmile-devices`` (settings: YINGJI_DEVICES_MQTT_URL, else MQTT_URL).
"""

import json
import logging
import queue
import time
from dataclasses import dataclass

import paho.mqtt.client as paho
from django.db import close_old_connections, connection

from ..core.errors import DomainError
from ..hydromet.mqtt import Broker
from .services.lastmile import device_report

log = logging.getLogger(__name__)

STATE_TOPIC = "yingji/devices/+/state"
MAX_PAYLOAD_BYTES = 10_000


@dataclass
class Counters:
    messages: int = 0
    recorded: int = 0
    bad: int = 0

    def line(self) -> str:
        return f"messages {self.messages}, recorded {self.recorded}, bad {self.bad}"


def take(topic: str, payload: bytes, counters: Counters) -> None:
    counters.messages += 1
    parts = topic.split("/")
    try:
        if len(parts) != 4 or parts[:2] != ["yingji", "devices"] or parts[3] != "state" or not parts[2]:
            raise ValueError(f"unexpected topic {topic!r}")
        if len(payload) > MAX_PAYLOAD_BYTES:
            raise ValueError("message too large")
        report = json.loads(payload.decode("utf-8")) if payload else {}
        if not isinstance(report, dict):
            raise ValueError("not a JSON object")
        if not connection.in_atomic_block:
            close_old_connections()
        device_report(device_id=parts[2], report=report)
        counters.recorded += 1
    except (ValueError, UnicodeDecodeError, DomainError) as exc:
        counters.bad += 1
        log.warning("bad device state on %s: %s", topic, exc)


def run(*, url: str, client_id: str, clean_session: bool = False, max_seconds: float | None = None,
        max_messages: int | None = None, on_connect=None) -> Counters:
    """Listen and record until stopped, `max_seconds` passed or `max_messages` came."""
    counters, inbox = Counters(), queue.Queue()
    broker = Broker.from_url(url)
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=clean_session)
    if broker.username:
        client.username_pw_set(broker.username, broker.password)
    if broker.tls:
        client.tls_set()

    def connected(c, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.error("MQTT connection refused: %s", reason_code)
            return
        c.subscribe([(STATE_TOPIC, 1)])
        if on_connect:
            on_connect()

    client.on_connect = connected
    client.on_message = lambda c, userdata, msg: inbox.put((msg.topic, msg.payload))
    client.connect_async(broker.host, broker.port, keepalive=60)
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    client.loop_start()
    try:
        while not ((max_messages is not None and counters.messages >= max_messages)
                   or (deadline is not None and time.monotonic() >= deadline)):
            try:
                take(*inbox.get(timeout=0.2), counters)
            except queue.Empty:
                pass
    except KeyboardInterrupt:
        log.info("stopping on Ctrl-C")
    finally:
        while not inbox.empty():
            take(*inbox.get_nowait(), counters)
        client.disconnect()
        client.loop_stop()
    return counters
