"""The MQTT intake of off-site detections: cameras, IoT devices and drones publish on
``yingji/offsite/<source>/detections`` (source: camera, iot or drone).

The payload is one JSON object::

    {"id": "CAM-7-20261130-0001", "type": "confined_space_entry",
     "time": "2026-11-30T10:00:00+08:00", "place": "污水池", "lat": 28.37, "lon": 121.38,
     "region": "331081001", "party_uscc": "...", "confidence": 0.93,
     "media_url": "https://...", "media_sha256": "<64 hex>", "device_id": "CAM-7"}

(`kind`, `detected_at` and `detection_id` are accepted for `type`, `time` and `id`:
the names of the HTTP endpoint; `lat`/`lon` are the detection's coordinates, as
there.) Each payload is checked by the HTTP endpoint's schema
and passed to the same service, `offsite.detection_receive`, so both intakes apply the
same rules; with an `id`, a detection delivered twice (QoS 1 redelivers) is recorded
once. The shape follows hydromet's worker: paho's thread only queues messages, this
thread records them; the session is persistent (QoS 1, clean_session off), so what is
published while the worker is down waits in the broker. A bad payload is logged with
its reason and counted, never raised; a database error is retried a few times.

Run by ``yingji offsite-mqtt`` (settings: MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD).
"""

import json
import logging
import queue
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError as RowError
from django.db import close_old_connections, connection
from pydantic import ValidationError

from ..core.errors import DomainError
from ..hydromet.mqtt import Broker, subscriber
from . import offsite
from .choices import DetectionSource
from .schemas import DetectionIn

log = logging.getLogger(__name__)

TOPIC = "yingji/offsite/+/detections"
MAX_PAYLOAD_BYTES = 100_000
ATTEMPTS = 3  # a message whose storing fails (database down) is tried this often
ALIASES = {"type": "kind", "time": "detected_at", "id": "detection_id"}


class BadDetection(Exception):
    pass


def detection_from_message(topic: str, payload: bytes) -> dict:
    """The service's arguments (`offsite.detection_receive`) from one message."""
    parts = topic.split("/")
    if len(parts) != 4 or parts[:2] != ["yingji", "offsite"] or parts[3] != "detections" \
            or parts[2] not in DetectionSource.values:
        raise BadDetection(f"主题无效 / unexpected topic {topic!r}")
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise BadDetection(f"消息过大 / message larger than {MAX_PAYLOAD_BYTES} bytes")
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadDetection(f"不是有效的 JSON / not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadDetection("不是 JSON 对象 / not a JSON object")
    data = {ALIASES.get(key, key): value for key, value in data.items()}
    if data.setdefault("source", parts[2]) != parts[2]:
        raise BadDetection(f"来源与主题不符 / source {data['source']!r} is not the topic's {parts[2]!r}")
    try:
        return offsite.detection_fields(DetectionIn.model_validate(data))
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc'])) or '-'}: {e['msg']}" for e in exc.errors())
        raise BadDetection(f"字段无效 / invalid fields: {reasons}") from None


@dataclass
class Counters:
    messages: int = 0
    recorded: int = 0
    duplicates: int = 0
    bad: int = 0
    failed: int = 0

    def line(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.__dict__.items())


def take(topic: str, payload: bytes, counters: Counters, attempt: int = 1) -> bool:
    """Record one message; False when it should be tried again (database error)."""
    if attempt == 1:
        counters.messages += 1
    try:
        fields = detection_from_message(topic, payload)
        if not connection.in_atomic_block:  # (inside one, e.g. a test's, closing would break it)
            close_old_connections()  # a worker lives for months: drop connections the database closed
        row = offsite.detection_receive(by=None, **fields)
    except (BadDetection, DomainError, RowError) as exc:
        counters.bad += 1
        log.warning("bad off-site detection on %s: %s", topic, exc)
        return True
    except Exception:  # e.g. the database is down
        log.exception("storing the off-site detection on %s failed (attempt %d)", topic, attempt)
        if attempt >= ATTEMPTS:
            counters.failed += 1
            return True
        return False
    if row.duplicate:
        counters.duplicates += 1
    else:
        counters.recorded += 1
    return True


def run(*, url: str, client_id: str, clean_session: bool = False, max_seconds: float | None = None,
        max_messages: int | None = None, on_connect=None) -> Counters:
    """Listen and record until stopped (Ctrl-C), `max_seconds` passed or
    `max_messages` came; what arrived before the stop is recorded."""
    counters, inbox = Counters(), queue.Queue()
    client = subscriber(Broker.from_url(url), client_id=client_id, clean_session=clean_session, topics=[TOPIC],
                        on_message=lambda topic, payload: inbox.put((topic, payload, 1)), on_connect=on_connect)
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    client.loop_start()
    try:
        while not ((max_messages is not None and counters.messages >= max_messages)
                   or (deadline is not None and time.monotonic() >= deadline)):
            try:
                _take_queued(inbox, counters, timeout=0.2)
            except queue.Empty:
                pass
    except KeyboardInterrupt:
        log.info("stopping on Ctrl-C")
    finally:
        client.disconnect()
        client.loop_stop()
        while not inbox.empty():
            _take_queued(inbox, counters, timeout=0)
    return counters


def _take_queued(inbox: queue.Queue, counters: Counters, timeout: float) -> None:
    topic, payload, attempt = inbox.get(timeout=timeout) if timeout else inbox.get_nowait()
    if not take(topic, payload, counters, attempt):
        time.sleep(min(2 ** attempt, 10))
        inbox.put((topic, payload, attempt + 1))
