"""Off-site intake (非现场执法): detections from cameras, IoT devices and drones, the
rules (offsite_rules.yaml) that say which may open a case, and the officer's review
queue: accept (a case from the detection, or the detection added to an open case of
the same event) or dismiss with a reason. Writes here are services like those of
services.py: keyword-only, scoped, audited."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..core import audit, mapshapes, regioncodes
from ..core.errors import DomainError
from ..core.models import LAT_RANGE, LON_RANGE, Region
from ..core.scope import Scope
from ..core.services import save_audited
from ..hydromet.geography import city_code_at
from . import services
from .choices import DetectionSource, DetectionState, EvidenceKind, SourceKind, Step
from .models import Case, Detection
from .schemas import DetectionIn

RULES = Path(__file__).with_name("offsite_rules.yaml")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


@lru_cache(maxsize=1)
def rules() -> dict:
    return yaml.safe_load(RULES.read_text(encoding="utf-8"))["kinds"]


def triage(kind: str, confidence: float) -> tuple[str, str]:
    """(state, reason) for a new detection by the rules: queued for review, or ignored."""
    rule = rules().get(kind)
    if rule is None:
        return DetectionState.IGNORED, f"未配置的类型 {kind} / kind without a rule"
    if not rule["opens_case"]:
        return DetectionState.IGNORED, f"{rule['label_zh']}：规则不立案 / the rules open no case for it"
    if confidence < rule["min_confidence"]:
        return DetectionState.IGNORED, (f"{rule['label_zh']}：置信度 {confidence:.2f} 低于 {rule['min_confidence']}"
                                        f" / confidence below {rule['min_confidence']}")
    return DetectionState.PENDING, f"{rule['label_zh']}：待审核 / for review"


def detection_fields(data: DetectionIn) -> dict:
    """The service's arguments from a checked detection (HTTP body or MQTT payload);
    a time without a zone is local time."""
    given = data.model_dump()
    moment = given["detected_at"]
    given["detected_at"] = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    return given


def detection_receive(*, by, source: str, kind: str, detected_at: dt.datetime, region: str = "",
                      party_uscc: str = "", confidence: float = 1.0, place: str = "", lat: float | None = None,
                      lon: float | None = None, media_url: str = "", media_sha256: str = "", device_id: str = "",
                      detection_id: str = "") -> Detection:
    """Keep one detection, triaged by the rules. With the sender's `detection_id`, the
    same detection received again (MQTT redelivery, HTTP retry) is the row kept the
    first time, marked `duplicate`; it is not recorded twice.

    Its region: the named enterprise's (the case will be filed there, wherever the
    work was seen); else the region given, checked against the coordinates; else the
    city the coordinates lie in (see `region_at`)."""
    scope = Scope.for_user(by)
    scope.require_officer()
    detection_id = detection_id.strip()
    if detection_id and (kept := _kept(source, device_id, detection_id)) is not None:
        scope.require_region(kept.region_id)
        return kept
    check_point(lat, lon)
    enterprise = None
    if party_uscc:
        enterprise = services.registered_party(party_uscc)
        region = enterprise.region_id
    elif lat is not None:
        region = region_at(region.strip(), lat=lat, lon=lon)
    if not region or not Region.objects.filter(pk=region).exists():
        raise DomainError("请给出区划或企业", "Give the region or the enterprise",
                          fields={"region": "必填 / required"})
    scope.require_region(region)
    if media_sha256 and not SHA256.match(media_sha256.lower()):
        raise DomainError("媒体哈希应为 64 位十六进制", "media_sha256 must be 64 hex digits",
                          fields={"media_sha256": "无效 / invalid"})
    if detected_at > timezone.now() + dt.timedelta(minutes=5):
        raise DomainError("发现时间不能晚于现在", "Detection time cannot be in the future",
                          fields={"detected_at": "无效 / invalid"})
    state, reason = triage(kind, confidence)
    row = Detection(region_id=region, enterprise=enterprise, source=source, device_id=device_id, kind=kind,
                    confidence=confidence, detected_at=detected_at, place=place, lat=lat, lon=lon, media_url=media_url,
                    media_sha256=media_sha256.lower(), state=state, rule_reason=reason[:300],
                    external_id=detection_id)
    try:
        with transaction.atomic():
            save_audited(row, by=by, action="detection.receive", before=None, region_code=region)
    except (IntegrityError, ValidationError):  # perhaps the same detection, just kept by another process
        kept = _kept(source, device_id, detection_id) if detection_id else None
        if kept is None:
            raise
        return kept
    row.duplicate = False
    return row


def check_point(lat: float | None, lon: float | None) -> None:
    """Both coordinates or neither, inside China's box (WGS-84): swapped ones are refused."""
    if lat is None and lon is None:
        return
    if lat is None or lon is None:
        raise DomainError("经度和纬度须同时给出", "Give lat and lon together, or neither",
                          fields={"lat" if lat is None else "lon": "必填 / required"})
    bad = {name: f"应在 {low:g} 至 {high:g} 之间 / between {low:g} and {high:g}"
           for name, value, (low, high) in (("lat", lat, LAT_RANGE), ("lon", lon, LON_RANGE))
           if not low <= value <= high}
    if bad:
        raise DomainError("经纬度超出范围", "Coordinates out of range", fields=bad)


def region_at(region: str, *, lat: float, lon: float) -> str:
    """The region of a detection from its coordinates. The only boundaries the platform
    has are the cities' outlines (hydromet.geography, the map's base), so a point is
    located to its city, not to a county or town: with no region given, that city;
    with a region inside a city that has an outline, that region if the point lies in
    its city, else a field error (a device whose position and region disagree); with a
    region above the city (the province), the city."""
    city = city_code_at(lon, lat) or ""
    if not region:
        return city
    if city and city != region and regioncodes.in_subtree(city, region):
        return city
    if len(region) >= 4 and region[:4] in mapshapes.city_outlines() and city != region[:4]:
        raise DomainError("坐标不在所给区划的市内", f"The coordinates lie outside the city of region {region}",
                          fields={"lat": "与区划不符 / not in the region", "lon": "与区划不符 / not in the region"})
    return region


def coordinates_text(detection: Detection) -> str:
    """"28.370000, 121.380000" (lat, lon), or "" without coordinates."""
    return "" if detection.lat is None else f"{detection.lat:.6f}, {detection.lon:.6f}"


def _kept(source: str, device_id: str, detection_id: str) -> Detection | None:
    kept = Detection.objects.filter(source=source, device_id=device_id, external_id=detection_id).first()
    if kept is not None:
        kept.duplicate = True
    return kept


def _pending(detection: Detection, by) -> Scope:
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(detection.region_id)
    if detection.state != DetectionState.PENDING:
        raise services.InvalidTransition("该线索不在待审核状态", "The detection is not waiting for review",
                                         fields={"state": detection.state})
    return scope


def detection_accept(*, by, detection: Detection, summary: str = "", case: Case | None = None) -> Detection:
    """Open a case from the detection (source: off-site, its id), or, with `case`, add
    it to that open case (the same event seen by another device: the gas sensor beside
    the camera). Either way the detection's record — what, when, where, the device,
    the media link and its SHA-256 — is stored as the case's evidence."""
    scope = _pending(detection, by)
    if case is None and detection.enterprise is None:
        raise DomainError("线索未关联企业，不能立案", "The detection names no enterprise; no case can be opened",
                          fields={"party_uscc": "必填 / required"})
    if case is not None:
        _joinable(detection, case, scope)
    before = audit.snapshot(detection)
    label = _label(detection)
    when = timezone.localtime(detection.detected_at)
    text = summary.strip() or f"非现场执法：{label}（{detection.place}，{when:%Y-%m-%d %H:%M}）"
    with transaction.atomic():
        if case is None:
            case = services.case_open(by=by, source_kind=SourceKind.OFFSITE, source_id=detection.pk,
                                      party_uscc=detection.enterprise.uscc, summary=text)
        _as_evidence(detection, case=case, by=by)
        detection.state, detection.case = DetectionState.ACCEPTED, case
        detection.reviewed_at, detection.reviewed_by = timezone.now(), by
        save_audited(detection, by=by, action="detection.accept", before=before, region_code=detection.region_id)
    return detection


def _label(detection: Detection) -> str:
    return rules().get(detection.kind, {}).get("label_zh", detection.kind)


def _joinable(detection: Detection, case: Case, scope: Scope) -> None:
    scope.require_region(case.region_id)
    if case.state in (Step.CLOSED, Step.TRANSFERRED):
        raise services.InvalidTransition("案件已结束，不能再并入线索", "The case has ended; no detection can be added",
                                         fields={"case_id": "案件已结束 / case ended"})
    if detection.enterprise_id is not None and detection.enterprise_id != case.enterprise_id:
        raise DomainError("线索所涉企业不是该案当事单位",
                          "The detection names another enterprise than the case's party",
                          fields={"case_id": "当事单位不符 / another party"})


def _as_evidence(detection: Detection, *, case: Case, by) -> None:
    """The detection as received, a platform record (JSON) stored with its own SHA-256;
    the media stays where the device keeps it, named by its link and SHA-256 here."""
    record = {"detection": detection.pk, "source": detection.source, "device_id": detection.device_id,
              "detection_id": detection.external_id, "kind": detection.kind, "kind_zh": _label(detection),
              "confidence": detection.confidence, "detected_at": detection.detected_at.isoformat(),
              "region": detection.region_id, "place": detection.place, "lat": detection.lat, "lon": detection.lon,
              "party_uscc": detection.enterprise.uscc if detection.enterprise else "",
              "media_url": detection.media_url, "media_sha256": detection.media_sha256,
              "received_at": detection.received_at.isoformat(), "rule_reason": detection.rule_reason}
    coordinates = coordinates_text(detection)
    where = f"{detection.place} ({coordinates})".strip() if coordinates else detection.place
    services.evidence_add(
        by=by, case=case, kind=EvidenceKind.PLATFORM, captured_at=detection.detected_at, place=where,
        content=json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"),
        description=(f"非现场执法线索 #{detection.pk}（{DetectionSource(detection.source).label}"
                     f" {detection.device_id}）：{_label(detection)}；媒体 SHA-256 {detection.media_sha256 or '无'}"),
        original_name=f"offsite-detection-{detection.pk}.json")


def detection_dismiss(*, by, detection: Detection, reason: str) -> Detection:
    _pending(detection, by)
    if not reason.strip():
        raise DomainError("请填写驳回理由", "Give the reason for dismissing", fields={"reason": "必填 / required"})
    before = audit.snapshot(detection)
    detection.state, detection.dismiss_reason = DetectionState.DISMISSED, reason.strip()[:500]
    detection.reviewed_at, detection.reviewed_by = timezone.now(), by
    with transaction.atomic():
        save_audited(detection, by=by, action="detection.dismiss", before=before, region_code=detection.region_id)
    return detection


def detection_list(*, scope: Scope, state: str = "", region: str = ""):
    qs = scope.filter(Detection.objects.select_related("region", "enterprise"))
    if state:
        qs = qs.filter(state=state)
    if region:
        low, high = regioncodes.subtree_bounds(region)
        qs = qs.filter(region_id__gte=low, region_id__lte=high)
    return qs


def detection_get(*, scope: Scope, id: int) -> Detection:
    return scope.get(Detection.objects.select_related("region", "enterprise"), pk=id)
