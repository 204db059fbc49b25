"""The MQTT ingestion worker: readings published by gauges and gateways.

Topics ``yingji/stations/{code}/rain`` and ``yingji/stations/{code}/stage``; the
payload is one JSON reading ``{"time": ..., "value": ...[, "interval_minutes": ...]}``
or a JSON list of them. The topic names the station and the quantity.

paho's network thread only parses messages and queues readings; the worker's own
thread stores them in small batches (every `flush_seconds` or `flush_size` readings),
not one transaction per message. A bad message is logged with its reason and counted,
never raised: one broken gauge must not stop the ingestion of all the others. The
session is persistent (QoS 1, clean_session off) unless asked otherwise, so readings
published while the worker is down wait in the broker; paho reconnects on its own
and the subscriptions are renewed on every connect.

Settings (environment): ``MQTT_URL`` (settings.MQTT_URL, ``mqtt://host:port``, or
``mqtts://`` for TLS), ``MQTT_USERNAME``, ``MQTT_PASSWORD``, ``MQTT_CLIENT_ID``.
"""

import json
import logging
import queue
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import paho.mqtt.client as paho
from django.conf import settings
from django.db import close_old_connections, connection

from .services import ingest

log = logging.getLogger(__name__)

TOPICS = ("yingji/stations/+/rain", "yingji/stations/+/stage")
QUANTITIES = {"rain", "stage"}
MAX_PAYLOAD_BYTES = 1_000_000
MAX_PENDING = 1_000_000  # readings held while the database is unreachable (~ hours of a province)


class BadMessage(Exception):
    pass


def readings_from_message(topic: str, payload: bytes) -> list[dict]:
    """The readings of one message, station and quantity taken from the topic."""
    parts = topic.split("/")
    if len(parts) != 4 or parts[:2] != ["yingji", "stations"] or parts[3] not in QUANTITIES or not parts[2]:
        raise BadMessage(f"主题无效 / unexpected topic {topic!r}")
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise BadMessage(f"消息过大 / message larger than {MAX_PAYLOAD_BYTES} bytes")
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadMessage(f"不是有效的 JSON / not valid JSON: {exc}") from None
    items = data if isinstance(data, list) else [data]
    return [{**item, "station": parts[2], "quantity": parts[3]} if isinstance(item, dict) else item
            for item in items]


@dataclass
class Counters:
    messages: int = 0
    bad_messages: int = 0
    readings: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    flagged: int = 0
    batches: int = 0

    def line(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.__dict__.items())


@dataclass
class Ingestor:
    """Collects readings from messages and stores them in batches."""

    flush_seconds: float = 1.0
    flush_size: int = 500
    counters: Counters = field(default_factory=Counters)
    pending: list = field(default_factory=list)
    last_flush: float = field(default_factory=time.monotonic)

    def take(self, topic: str, payload: bytes) -> None:
        self.counters.messages += 1
        try:
            readings = readings_from_message(topic, payload)
        except BadMessage as exc:
            self.counters.bad_messages += 1
            log.warning("bad MQTT message on %s: %s", topic, exc)
            return
        self.pending.extend(readings)
        self.counters.readings += len(readings)

    def due(self) -> bool:
        return len(self.pending) >= self.flush_size or (
            bool(self.pending) and time.monotonic() - self.last_flush >= self.flush_seconds)

    def flush(self) -> None:
        batch, self.pending, self.last_flush = self.pending, [], time.monotonic()
        if not batch:
            return
        if not connection.in_atomic_block:  # (inside one, e.g. a test's, closing would break it)
            close_old_connections()  # a worker lives for months: drop connections the database closed
        try:
            report = ingest(by=None, readings=batch, source="mqtt")
        except Exception:  # e.g. the database is down: keep the batch, retry later
            log.exception("storing %d MQTT readings failed; will retry", len(batch))
            self.pending = (batch + self.pending)[-MAX_PENDING:]
            return
        c = self.counters
        c.batches += 1
        c.accepted += report.accepted
        c.duplicates += report.duplicates
        c.rejected += len(report.rejected)
        c.flagged += len(report.flagged)
        for p in report.rejected:
            log.warning("MQTT reading rejected (station %s): %s | %r", p.station, p.reason, batch[p.index])
        for p in report.flagged:
            log.warning("MQTT reading stored as suspect (station %s): %s", p.station, p.reason)


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> "Broker":
        parts = urlsplit(url)
        tls = parts.scheme in ("mqtts", "ssl")
        return cls(parts.hostname or "127.0.0.1", parts.port or (8883 if tls else 1883), tls,
                   settings.MQTT_USERNAME or parts.username,
                   settings.MQTT_PASSWORD or parts.password)


def run(*, url: str, client_id: str, clean_session: bool = False, max_seconds: float | None = None,
        max_messages: int | None = None, ingestor: Ingestor | None = None, on_connect=None) -> Counters:
    """Subscribe and ingest until stopped (Ctrl-C), `max_seconds` passed or
    `max_messages` were received; always flushes what it holds before returning."""
    ingestor = ingestor or Ingestor()
    inbox: queue.Queue = queue.Queue()
    client = subscriber(Broker.from_url(url), client_id=client_id, clean_session=clean_session, topics=TOPICS,
                        on_message=lambda topic, payload: inbox.put((topic, payload)), on_connect=on_connect)
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    client.loop_start()
    try:
        while not _finished(ingestor, deadline, max_messages):
            try:
                topic, payload = inbox.get(timeout=0.2)
                ingestor.take(topic, payload)
            except queue.Empty:
                pass
            if ingestor.due():
                ingestor.flush()
    except KeyboardInterrupt:
        log.info("stopping on Ctrl-C")
    finally:
        while not inbox.empty():  # what arrived before the stop is stored, not lost
            ingestor.take(*inbox.get_nowait())
        ingestor.flush()
        client.disconnect()
        client.loop_stop()
    return ingestor.counters


def _finished(ingestor: Ingestor, deadline, max_messages) -> bool:
    if max_messages is not None and ingestor.counters.messages >= max_messages:
        return True
    return deadline is not None and time.monotonic() >= deadline


def subscriber(broker: Broker, *, client_id: str, clean_session: bool, topics, on_message, on_connect=None):
    """A paho client that subscribes to `topics` (QoS 1) on every (re)connect and hands
    each message to `on_message(topic, payload)` on paho's thread; the workers that read
    MQTT (stations here, off-site detections in enforcement) share it."""
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=clean_session)
    if broker.username:
        client.username_pw_set(broker.username, broker.password)
    if broker.tls:
        client.tls_set()
    client.reconnect_delay_set(min_delay=1, max_delay=60)

    def connected(c, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.error("MQTT connection refused: %s", reason_code)
            return
        log.info("MQTT connected to %s:%s", broker.host, broker.port)
        c.subscribe([(topic, 1) for topic in topics])  # renewed on every (re)connect
        if on_connect:
            on_connect()

    client.on_connect = connected
    client.on_message = lambda c, userdata, msg: on_message(msg.topic, msg.payload)
    client.on_disconnect = lambda c, u, flags, rc, props: log.warning("MQTT disconnected: %s", rc)
    client.connect_async(broker.host, broker.port, keepalive=60)  # a broker that is down is retried
    return client
