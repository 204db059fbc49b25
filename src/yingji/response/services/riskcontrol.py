"""Writes of risk control (风险清单管控): control rounds, and the state reports of risk
points from the field with the current state they move. Each write is audited.

A report is appended, never changed: the current state (`RiskPointStatus`) of the
point in the round (or outside rounds) is replaced by the newest report's state, in
the same transaction, under a lock on the status row, so two phones reporting the
same point at once leave the newest report's state, whichever commits last.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ...core import audit, regioncodes, uploads
from ...core.errors import DomainError, Forbidden
from ...core.models import Region
from ...core.scope import Scope, fits_database
from ...core.services import save_audited
from ...core.ui import actor_label
from ...floods.selectors import risk_point_get
from ..choices_levels import LevelStatus
from ..models.riskcontrol import ControlState, RiskControlRound, RiskPointReport, RiskPointStatus, RoundHazard

MAX_PHOTO_BYTES = 15 * 1024 * 1024


def round_start(*, by, name: str, hazard: str, region_id: str, drill: bool = False,
                at: dt.datetime | None = None, level=None) -> RiskControlRound:
    """Start a control round for a hazard over an area of the caller's jurisdiction,
    for a declared response (`level`) or on its own."""
    scope = Scope.for_user(by)
    scope.require_officer()
    if hazard not in RoundHazard.values:
        raise DomainError("灾种无效", "Unknown hazard", fields={"hazard": "无效 / invalid"})
    if not isinstance(region_id, str) or not Region.objects.filter(pk=region_id).exists():
        raise DomainError("区划不存在", "Unknown region", fields={"region": "不存在 / unknown"})
    scope.require_region(region_id)
    row = RiskControlRound(name=(name or "").strip(), hazard=hazard, region_id=region_id, drill=bool(drill),
                           level=level, started_at=at or timezone.now(),
                           started_by=by if getattr(by, "pk", None) else None)
    with transaction.atomic():
        return save_audited(row, by=by, action="riskcontrol.round_start", before=None, region_code=region_id)


def rounds_for_level(*, by, level, at: dt.datetime | None = None) -> list[RiskControlRound]:
    """Start the risk-point control of a declared response (启动风险点管控): one round per
    area of the response that the caller's jurisdiction covers (a county officer under a
    city's response starts their county's), linked to the response. An area that already
    has an open round of this response is left as it is, so a second click adds nothing."""
    scope = Scope.for_user(by)
    scope.require_officer()
    if level.status != LevelStatus.IN_FORCE:
        raise DomainError("该应急响应已结束", "This response has ended", code="ended")
    areas = list(level.areas.values_list("region_id", flat=True))
    mine = [a for a in areas if scope.covers_region(a)]
    if not mine and scope.region_code and any(regioncodes.in_subtree(scope.region_code, a) for a in areas):
        mine = [scope.region_code]  # the response covers more than the caller: the caller's own part
    if not mine:
        raise Forbidden("响应区域不在您的管辖范围内", "The response's area is outside your jurisdiction")
    started = []
    with transaction.atomic():
        open_regions = set(RiskControlRound.objects.select_for_update()
                           .filter(level=level, ended_at__isnull=True).values_list("region_id", flat=True))
        for code in mine:
            if any(regioncodes.in_subtree(code, r) for r in open_regions):
                continue  # under way already, by this area's round or by one above it (the city's)
            hazard = level.hazard_id if level.hazard_id in RoundHazard.values else RoundHazard.OTHER
            row = RiskControlRound(name=f"{level.hazard.name}{level.grade_zh}应急响应 风险点管控"[:100],
                                   hazard=hazard, region_id=code, drill=level.drill, level=level,
                                   started_at=at or timezone.now(),
                                   started_by=by if getattr(by, "pk", None) else None)
            started.append(save_audited(row, by=by, action="riskcontrol.round_start", before=None,
                                        region_code=code))
    return started


def end_rounds_of(*, by, level, at: dt.datetime) -> int:
    """Ending a response ends its open control rounds (called inside the response's
    transaction, so the two end together)."""
    ended = 0
    for row in RiskControlRound.objects.select_for_update().filter(level=level, ended_at__isnull=True):
        before = audit.snapshot(row)
        row.ended_at = at
        save_audited(row, by=by, action="riskcontrol.round_end", before=before, region_code=row.region_id)
        ended += 1
    return ended


def round_end(*, by, round: RiskControlRound, at: dt.datetime | None = None) -> RiskControlRound:
    scope = Scope.for_user(by)
    scope.require_officer()
    if not scope.covers_region(round.region_id):  # a county officer reads the city's round, the city ends it
        raise Forbidden("只有轮次所在地区的工作人员可以结束该轮次",
                        "Only officers of the round's area may end it")
    with transaction.atomic():
        locked = scope.get(RiskControlRound.objects.select_for_update(), pk=round.pk)
        if locked.ended_at is not None:
            raise DomainError("该管控轮次已结束", "This control round has already ended")
        before = audit.snapshot(locked)
        locked.ended_at = at or timezone.now()
        return save_audited(locked, by=by, action="riskcontrol.round_end", before=before,
                            region_code=locked.region_id)


def open_round_for(region_code: str) -> RiskControlRound | None:
    """The newest open round whose area holds this region, if any."""
    prefixes = [region_code[:n] for n in range(2, len(region_code) + 1)]
    return (RiskControlRound.objects.filter(ended_at__isnull=True, region_id__in=prefixes)
            .order_by("-started_at", "-id").first())


def state_report(*, by, risk_point_id: int, state: str, note: str = "", latitude: float | None = None,
                 longitude: float | None = None, photo=None, round_id: int | None = None,
                 at: dt.datetime | None = None) -> RiskPointReport:
    """Record the state of a risk point as reported from the field (checked,
    controlled, evacuated, closed), with the reporter's position and a photo. It
    counts for the given round, else the newest open round over the point, else
    outside rounds."""
    scope = Scope.for_user(by)
    scope.require_officer()
    point = risk_point_get(scope=scope, id=risk_point_id)  # NotFound outside the jurisdiction
    if state not in ControlState.values:
        raise DomainError("状态应为 已排查、已管控、已转移 或 已封闭",
                          "The state must be checked, controlled, evacuated or closed",
                          fields={"state": "无效 / invalid"})
    if (latitude is None) != (longitude is None):
        raise DomainError("经度和纬度须同时填写", "Longitude and latitude go together",
                          fields={"lat": "须与经度同时填写 / goes with lon"})
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise DomainError("位置无效", "Invalid position", fields={"lat": "超出范围 / out of range"})
    if round_id is not None:
        if not fits_database(round_id):
            raise DomainError("管控轮次不存在", "Unknown control round", fields={"round": "不存在 / unknown"})
        rnd = RiskControlRound.objects.filter(pk=round_id).first()
        # A round the caller sees, or the round of a larger area over the point (the city's).
        if rnd is None or not (scope.covers_region(rnd.region_id) or point.region_id.startswith(rnd.region_id)):
            raise DomainError("管控轮次不存在", "Unknown control round", fields={"round": "不存在 / unknown"})
        if not rnd.is_open:
            raise DomainError("该管控轮次已结束", "This control round has ended", fields={"round": "已结束 / ended"})
        if not point.region_id.startswith(rnd.region_id):
            raise DomainError("风险点不在该管控轮次的范围内", "The risk point is outside the round's area",
                              fields={"round": "范围不符 / outside the area"})
    else:
        rnd = open_round_for(point.region_id)
    if photo is not None:
        if getattr(photo, "size", 0) > MAX_PHOTO_BYTES:
            raise DomainError("照片不能超过 15 MB", "The photo may be at most 15 MB",
                              fields={"photo": "过大 / too large"})
        kind = uploads.check_document(photo, field="photo")
        if kind.family != "image":
            raise DomainError("请上传照片（JPG、PNG、GIF、WebP、HEIC）", "Upload a photo (JPG, PNG, GIF, WebP, HEIC)",
                              fields={"photo": "不是图片 / not an image"})
    report = RiskPointReport(
        risk_point=point, round=rnd, region_id=point.region_id, state=state, note=(note or "").strip(),
        latitude=latitude, longitude=longitude, photo=photo or "", reported_at=at or timezone.now(),
        reported_by=by if getattr(by, "pk", None) else None,
        reporter_name=actor_label(by, getattr(by, "username", "") or ""),
    )
    try:
        report.full_clean()
    except ValidationError as exc:
        raise DomainError("上报内容无效", "Invalid report",
                          fields={_api_field(k): "; ".join(v) for k, v in exc.message_dict.items()}) from exc
    with transaction.atomic():
        report.save()
        _move_status(report, point.kind_id)
        # By hand: the snapshot cannot hold a file object, the photo goes by its stored name.
        audit.record(actor=by, action="riskcontrol.report", obj=report, region_code=point.region_id, before=None,
                     after={"risk_point": point.pk, "round": report.round_id, "state": report.state,
                            "note": report.note, "latitude": report.latitude, "longitude": report.longitude,
                            "photo": report.photo.name or "", "reported_at": report.reported_at.isoformat()})
    return report


def _api_field(name: str) -> str:
    return {"latitude": "lat", "longitude": "lon"}.get(name, name)


def _move_status(report: RiskPointReport, kind_id: str) -> None:
    """Make the report the point's current state in its round, unless a newer report
    is already there (reports may arrive out of order from phones offline a while)."""
    rows = RiskPointStatus.objects.select_for_update().filter(risk_point_id=report.risk_point_id,
                                                               round_id=report.round_id)
    current = rows.select_related("report").first()
    if current is None:
        try:
            with transaction.atomic():
                RiskPointStatus.objects.create(risk_point_id=report.risk_point_id, round_id=report.round_id,
                                               region_id=report.region_id, kind_id=kind_id, state=report.state,
                                               report=report, updated_at=report.reported_at)
            return
        except IntegrityError:  # another report created it meanwhile: take the lock and compare
            current = rows.select_related("report").first()
    if (current.report.reported_at, current.report_id) > (report.reported_at, report.pk):
        return
    current.state, current.report, current.updated_at = report.state, report, report.reported_at
    current.region_id, current.kind_id = report.region_id, kind_id
    current.save(update_fields=["state", "report", "updated_at", "region", "kind"])
