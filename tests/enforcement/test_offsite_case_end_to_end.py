"""A Xiaoshan-like off-site case (非现场执法) end to end on the demo data.

Xiaoshan's bureau found workers in a confined space (有限空间) on a road through a
camera and the gas sensor beside it, and handled the case entirely off-site: evidence
collected remotely, legal review, decision, rectification closed. Here, in the Taizhou
demo: a Wenling enterprise's confined-space entry on a road, seen by a camera (video
clip, its SHA-256) and by an IoT gas detector (a series of readings, its SHA-256), both
posted through the API → the Wenling officer's review queue → accepted into one case
with both detections as evidence (the clip and the series added with the hashes the
devices declared, the evidence verifying intact) → investigation, legal review, prior
notice, decision under Work Safety Law Art. 101 item 3 → service → execution
(rectification done) → closed. Every step audited; the case is the Wenling officer's,
the province's, and not Linhai's.

The expected fine by hand from rule data (discretion/rules/work_safety_dangerous_operation.yaml)
and the general rule (administrative_penalty_law.yaml): a first finding, ordered to
correct → tier `ordered-to-correct`, "处十万元以下的罚款" → RMB 0–100,000; ordinary
circumstances place the fine in the middle (position 0.5): 0 + 100,000 × 0.5 = 50,000.
"""

import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.test.client import MULTIPART_CONTENT
from django.utils import timezone

from yingji.core import audit
from yingji.core.models import AuditRecord
from yingji.core.scope import SYSTEM
from yingji.demo.seed import seed_demo
from yingji.enforcement.demo import seed_enforcement_demo
from yingji.enterprises.selectors import enterprises_in_region

from ..conftest import WENLING, WENLING_TOWN
from ..web.demo_data import FAST_HASHER

pytestmark = pytest.mark.django_db

CLIP = b"\x00\x00\x00\x18ftypmp42 demo clip: two workers climb into the inspection well, no watcher"
SERIES = (b"ts,o2_percent,h2s_ppm,co_ppm\n"
          b"2026-12-07T08:50:00+08:00,20.9,0,2\n"
          b"2026-12-07T09:00:00+08:00,18.4,12,9\n"
          b"2026-12-07T09:10:00+08:00,17.6,21,14\n")
ROAD = {"lat": 28.3712, "lon": 121.3823}  # a road in Wenling (Taizhou's outline)
DECISION = {"provision": "work-safety-dangerous-operation", "party": "enterprise", "circumstance": "ordinary"}


def _demo_people():
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        seed_demo()
    seed_enforcement_demo()
    users = get_user_model().objects.select_related("person")
    return (users.get(username="demo-wenling").person, users.get(username="demo-linhai").person,
            users.get(username="demo-province").person)


def _post_detections(client, enterprise, detected_at: str):
    camera = client.post("/api/offsite/detections", {
        "source": "camera", "kind": "confined_space_entry", "detected_at": detected_at, "confidence": 0.92,
        "party_uscc": enterprise.uscc, "place": "温岭市太平街道某路 污水检查井（有限空间）", **ROAD,
        "media_url": "https://video.example/wl/CAM-WL-031/20261207-0905.mp4",
        "media_sha256": hashlib.sha256(CLIP).hexdigest(), "device_id": "CAM-WL-031",
        "detection_id": "CAM-WL-031-20261207-0905"})
    sensor = client.post("/api/offsite/detections", {
        "source": "iot", "kind": "gas_over_limit", "detected_at": detected_at, "region": WENLING_TOWN,
        "place": "同一污水检查井 四合一气体检测仪", **ROAD,
        "media_url": "https://iot.example/wl/GAS-WL-007/20261207.csv",
        "media_sha256": hashlib.sha256(SERIES).hexdigest(), "device_id": "GAS-WL-007",
        "detection_id": "GAS-WL-007-20261207-0910"})
    assert (camera.status_code, sensor.status_code) == (201, 201), (camera.content, sensor.content)
    return camera.json(), sensor.json()


def _upload(client, case_id, content, kind, name):
    return client.post(f"/api/cases/{case_id}/evidence", {
        "kind": kind, "captured_at": "2026-12-07T09:05:00+08:00", "place": "污水检查井",
        "description": "自设备存储调取的原始文件", "file": SimpleUploadedFile(name, content)},
        content_type=MULTIPART_CONTENT)


def test_xiaoshan_like_confined_space_case_off_site_end_to_end(regions, api_as, client):
    wenling, linhai, province = _demo_people()
    enterprise = enterprises_in_region(scope=SYSTEM, region=WENLING).order_by("id").first()
    officer = api_as(wenling)
    started = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    seen = (timezone.localtime() - dt.timedelta(hours=2)).replace(microsecond=0).isoformat()

    # 1. The camera and the gas detector post; both wait in the Wenling officer's queue.
    camera, sensor = _post_detections(officer, enterprise, seen)
    assert (camera["state"], sensor["state"]) == ("pending", "pending")
    assert camera["region"] == enterprise.region_id and sensor["region"] == WENLING_TOWN
    assert (camera["lat"], camera["lon"]) == (28.3712, 121.3823)
    queue = {d["id"] for d in officer.get("/api/offsite/detections", {"state": "pending"}).json()["items"]}
    assert {camera["id"], sensor["id"]} <= queue
    assert not {camera["id"], sensor["id"]} & {
        d["id"] for d in api_as(linhai).get("/api/offsite/detections").json()["items"]}
    client.force_login(wenling.user)
    page = client.get("/cases/offsite/").content.decode()
    assert "污水检查井（有限空间）" in page and "28.371200, 121.382300" in page

    # 2. Accepted: the camera's detection opens the case, the sensor's joins it.
    accepted = officer.post(f"/api/offsite/detections/{camera['id']}/accept", {})
    assert accepted.status_code == 200, accepted.content
    case_id = accepted.json()["case_id"]
    joined = officer.post(f"/api/offsite/detections/{sensor['id']}/accept", {"case_id": case_id})
    assert joined.status_code == 200, joined.content
    assert (joined.json()["state"], joined.json()["case_id"]) == ("accepted", case_id)
    case = officer.get(f"/api/cases/{case_id}").json()
    assert (case["source_kind"], case["source_id"], case["party_uscc"]) == ("offsite", camera["id"], enterprise.uscc)
    assert case["state"] == "investigation" and "有限空间" in case["summary"]

    # 3. The detections are the case's evidence, each record naming its media's hash;
    # the clip and the series fetched from the devices' stores hash to what they declared.
    records = {}
    for item in case["evidence"]:
        assert item["kind"] == "platform"
        body = officer.get(f"/api/cases/{case_id}/evidence/{item['id']}/file")
        assert hashlib.sha256(body.content).hexdigest() == item["sha256"] == body["X-Content-SHA256"]
        record = json.loads(body.content)
        records[record["detection"]] = record
    assert set(records) == {camera["id"], sensor["id"]}
    assert records[camera["id"]]["media_sha256"] == hashlib.sha256(CLIP).hexdigest()
    assert records[sensor["id"]]["media_sha256"] == hashlib.sha256(SERIES).hexdigest()
    assert (records[sensor["id"]]["lat"], records[sensor["id"]]["lon"]) == (28.3712, 121.3823)
    clip = _upload(officer, case_id, CLIP, "video", "CAM-WL-031-0905.mp4")
    series = _upload(officer, case_id, SERIES, "sensor", "GAS-WL-007-20261207.csv")
    assert (clip.status_code, series.status_code) == (201, 201)
    assert clip.json()["sha256"] == camera["media_sha256"] and series.json()["sha256"] == sensor["media_sha256"]
    verify = officer.get(f"/api/cases/{case_id}/evidence/verify").json()
    assert verify["intact"] is True and len(verify["items"]) == 4

    # 4. Investigation done, legal review, prior notice; the decision previewed, then made.
    for action in ("review", "notify"):
        r = officer.post(f"/api/cases/{case_id}/actions/{action}", {"note": "非现场取证完毕" if action == "review"
                                                                     else "已送达告知书，当事人未申辩"})
        assert r.status_code == 200, r.content
    assert r.json()["state"] == "prior_notice"
    today = timezone.localdate().isoformat()
    (preview,) = officer.post(f"/api/cases/{case_id}/decision/preview",
                              {"decided_on": today, "decisions": [DECISION]}).json()
    assert (preview["tier"], Decimal(preview["fine_min"]), Decimal(preview["fine_max"])) == (
        "ordered-to-correct", Decimal("0"), Decimal("100000"))
    assert Decimal(preview["fine"]) == Decimal("50000") and preview["measures"] == ["order_correction"]
    decided = officer.post(f"/api/cases/{case_id}/actions/decide", {"decided_on": today, "decisions": [DECISION]})
    assert decided.status_code == 200, decided.content
    (decision,) = decided.json()["decisions"]
    assert (decision["tier"], Decimal(decision["fine"]), decision["party_name"]) == (
        "ordered-to-correct", Decimal("50000"), enterprise.name)
    assert decided.json()["stop_orders"] == []

    # 5. Served, executed, closed. An action's note is the step it completes: `close`
    # completes execution (the fine paid, the rectification checked remotely).
    for action, note in (("serve", "决定书已作出"), ("execute", "电子送达，当事人已签收"),
                         ("close", "罚款已缴纳；已整改：有限空间作业审批、气体检测、专人监护已落实（视频复核）")):
        r = officer.post(f"/api/cases/{case_id}/actions/{action}", {"note": note})
        assert r.status_code == 200, r.content
    closed = r.json()
    assert closed["state"] == "closed" and closed["allowed_actions"] == []
    steps = [(s["step"], s["completed_at"] is not None) for s in closed["steps"]]
    assert steps == [(s, True) for s in ("filing", "investigation", "legal_review", "prior_notice", "decision",
                                         "service", "execution")]
    assert closed["steps"][-1]["step"] == "execution" and "已整改" in closed["steps"][-1]["note"]

    # 6. Every step audited, in order, by the Wenling officer, in the case's region.
    trail = list(AuditRecord.objects.filter(seq__gt=started).order_by("seq").values_list(
        "action", "actor_name", "object_type", "object_id"))
    actions = [a for a, *_ in trail]
    assert all(code.startswith(WENLING) for code in AuditRecord.objects.filter(seq__gt=started).values_list(
        "region_code", flat=True))
    assert audit.verify().ok
    assert actions == ["detection.receive", "detection.receive",
                       "case.open", "evidence.add", "detection.accept",
                       "evidence.add", "detection.accept",
                       "evidence.add", "evidence.add",
                       "case.review", "case.notify", "decision.create", "case.decide",
                       "case.serve", "case.execute", "case.close"]
    assert {who for _, who, *_ in trail} == {"demo-wenling"}
    assert ("enforcement.case", str(case_id)) in {(t, i) for *_, t, i in trail}

    # 7. The Wenling officer and the province see the case; Linhai's officer does not.
    assert api_as(province).get(f"/api/cases/{case_id}").status_code == 200
    assert case_id in {c["id"] for c in api_as(province).get("/api/cases", {"state": "closed"}).json()["items"]}
    assert api_as(linhai).get(f"/api/cases/{case_id}").status_code == 404
    assert case_id not in {c["id"] for c in api_as(linhai).get("/api/cases").json()["items"]}
    assert api_as(linhai).get(f"/api/cases/{case_id}/evidence/verify").status_code == 404
