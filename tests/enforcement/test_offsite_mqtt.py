"""Off-site detections over MQTT: the payload checked by the HTTP endpoint's schema and
passed to the same service; bad payloads refused with their reason; the same detection
id recorded once; and the worker against the real Mosquitto (127.0.0.1:1883, or
MQTT_URL), with a durable session so that what is published before it runs is kept."""

import hashlib
import io
import json
import threading
import uuid

import paho.mqtt.client as paho
import pytest
from django.conf import settings
from django.core.management import call_command

from yingji.enforcement import mqtt
from yingji.enforcement.models import Detection
from yingji.hydromet.mqtt import Broker

from ..conftest import WENLING_TOWN

MEDIA = hashlib.sha256(b"frame").hexdigest()
TOPIC = "yingji/offsite/camera/detections"


def _payload(**kw) -> bytes:
    body = {"id": "CAM-1-0001", "type": "confined_space_entry", "time": "2026-11-30T10:00:00+08:00",
            "place": "污水池", "lat": 28.37, "lon": 121.38, "region": WENLING_TOWN, "confidence": 0.93,
            "media_url": "https://cam.example/1.mp4", "media_sha256": MEDIA, "device_id": "CAM-1"} | kw
    return json.dumps({k: v for k, v in body.items() if v is not None}).encode()


def test_a_payload_becomes_the_services_arguments():
    fields = mqtt.detection_from_message(TOPIC, _payload())
    assert fields["source"] == "camera" and fields["kind"] == "confined_space_entry"
    assert fields["detection_id"] == "CAM-1-0001" and fields["region"] == WENLING_TOWN
    assert (fields["place"], fields["lat"], fields["lon"]) == ("污水池", 28.37, 121.38)
    assert fields["detected_at"].isoformat() == "2026-11-30T10:00:00+08:00"


@pytest.mark.parametrize(("topic", "payload", "reason"), [
    ("yingji/offsite/satellite/detections", _payload(), "topic"),
    ("yingji/offsite/camera", _payload(), "topic"),
    (TOPIC, b"{not json", "JSON"),
    (TOPIC, b"\xff\xfe", "JSON"),
    (TOPIC, b"[1, 2]", "object"),
    (TOPIC, b"x" * (mqtt.MAX_PAYLOAD_BYTES + 1), "larger"),
    (TOPIC, _payload(type=None), "kind"),
    (TOPIC, _payload(time="yesterday"), "detected_at"),
    (TOPIC, _payload(confidence=3), "confidence"),
    (TOPIC, _payload(lon="east"), "lon"),
    (TOPIC, _payload(lat=True), "lat"),
    (TOPIC, _payload(lat="28.37"), "lat"),
    (TOPIC, _payload(source="drone"), "source"),
    (TOPIC, _payload(place=["a"]), "place"),
    (TOPIC, _payload(id="x" * 101), "detection_id"),
])
def test_bad_payloads_are_refused_with_their_reason(topic, payload, reason):
    with pytest.raises(mqtt.BadDetection, match=reason):
        mqtt.detection_from_message(topic, payload)


@pytest.mark.django_db
def test_the_same_detection_twice_is_recorded_once_and_bad_ones_are_counted(caplog):
    counters = mqtt.Counters()
    for payload in (_payload(), _payload(), b"{", _payload(id="CAM-1-0002", region="999999"),
                    _payload(id="CAM-1-0003", media_sha256="abc"), _payload(id="CAM-1-0004", lat=91),
                    _payload(id="CAM-1-0005", lon=None)):
        assert mqtt.take(TOPIC, payload, counters)
    assert (counters.messages, counters.recorded, counters.duplicates, counters.bad) == (7, 1, 1, 5)
    (row,) = Detection.objects.all()
    assert (row.external_id, row.state, row.region_id) == ("CAM-1-0001", "pending", WENLING_TOWN)
    assert (row.place, row.lat, row.lon) == ("污水池", 28.37, 121.38)
    assert "media_sha256" in caplog.text and "JSON" in caplog.text
    assert "Coordinates out of range" in caplog.text and "Give lat and lon together" in caplog.text


@pytest.mark.django_db
def test_the_http_endpoint_records_a_detection_id_once(api_as, wenling_officer):
    client = api_as(wenling_officer)
    body = {"source": "iot", "kind": "gas_over_limit", "detected_at": "2026-11-30T10:00:00+08:00",
            "region": WENLING_TOWN, "device_id": "GAS-1", "detection_id": "GAS-1-77"}
    first = client.post("/api/offsite/detections", body)
    again = client.post("/api/offsite/detections", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["detection_id"] == "GAS-1-77"
    # Another device's detection of the same id is another detection.
    assert client.post("/api/offsite/detections", body | {"device_id": "GAS-2"}).status_code == 201
    assert Detection.objects.count() == 2


def _client(client_id: str, clean: bool) -> paho.Client:
    broker = Broker.from_url(settings.MQTT_URL)
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=clean)
    if broker.username:
        client.username_pw_set(broker.username, broker.password)
    client.connect(broker.host, broker.port)
    client.loop_start()
    return client


@pytest.mark.django_db
@pytest.mark.services
def test_the_worker_records_what_was_published_while_it_was_down():
    session = f"yingji-test-offsite-{uuid.uuid4().hex[:10]}"
    device = f"CAM-{uuid.uuid4().hex[:6]}"
    subscribed = threading.Event()
    listener = _client(session, clean=False)  # the worker's durable session, registered before it runs
    listener.on_subscribe = lambda *args: subscribed.set()
    listener.subscribe(mqtt.TOPIC, qos=1)
    assert subscribed.wait(10), "no SUBACK from the broker"
    listener.disconnect()
    listener.loop_stop()
    publisher = _client(f"pub-{session}", clean=True)
    messages = [(TOPIC, _payload(device_id=device)), (TOPIC, _payload(device_id=device)),  # sent twice
                ("yingji/offsite/drone/detections", _payload(id="D-1", device_id=device, type="illegal_storage")),
                (TOPIC, b"{not json"), (TOPIC, _payload(id="CAM-1-0009", device_id=device, region="12"))]
    try:
        for topic, payload in messages:
            publisher.publish(topic, payload, qos=1).wait_for_publish(10)
        out = io.StringIO()
        call_command("offsite_mqtt", "--url", settings.MQTT_URL, "--client-id", session,
                     "--max-messages", str(len(messages)), "--max-seconds", "20", stdout=out)
    finally:
        for client in (publisher, _client(session, clean=True)):  # (the second drops the durable session)
            client.disconnect()
            client.loop_stop()
    assert "messages 5, recorded 2, duplicates 1, bad 2" in out.getvalue()
    rows = Detection.objects.filter(device_id=device).order_by("source")
    assert [(r.source, r.external_id, r.kind) for r in rows] == [
        ("camera", "CAM-1-0001", "confined_space_entry"), ("drone", "D-1", "illegal_storage")]
