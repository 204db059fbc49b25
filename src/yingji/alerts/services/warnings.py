"""Warnings: issue, update, cancel, and import from CAP 1.2; each officer's act one audit record."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ...core import audit, regioncodes
from ...core.errors import DomainError, Forbidden
from ...core.models import Person, Region
from ...core.scope import Scope
from ...core.text import check_text_fields
from ..choices import (
    WarningLevel,
    WarningStatus,
    WarningType,
)
from ..models import (
    CallUp,
    Warning,
    WarningArea,
)
from .callup import _retarget, _stop, callup_start


def cap_sender() -> str:
    return settings.YINGJI_CAP_SENDER


# Warnings -------------------------------------------------------------------------

def warning_issue(*, by, type: str, level: str, region_codes: list[str], headline: str,
                  description: str = "", effective: dt.datetime | None = None,
                  expires: dt.datetime | None = None, drill: bool = False, polygon: str = "",
                  idempotency_key: str | None = None, cap_identifier: str | None = None,
                  cap_sender_id: str | None = None, cap_sent: dt.datetime | None = None,
                  issuer_name: str = "", now: dt.datetime | None = None) -> Warning:
    """Issue a warning over the given regions and start its call-up. `by` is the
    issuing user (None: the system, e.g. a threshold crossed in floods). Repeating a
    call with the same `idempotency_key` returns the first warning."""
    scope = Scope.for_user(by)
    scope.require_officer()
    if idempotency_key:
        existing = Warning.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    codes = _checked_area(scope, region_codes)
    now = now or timezone.now()
    warning = Warning(
        type=type, level=level, headline=(headline or "").strip(), description=description or "",
        effective=effective or now, expires=expires, drill=drill, polygon=_checked_polygon(polygon),
        issuer=_person_of(by), issuer_name=issuer_name or _issuer_name(by),
        cap_identifier=cap_identifier or f"yingji-{uuid.uuid4().hex}", cap_sender=cap_sender_id or cap_sender(),
        cap_sent=cap_sent or now, idempotency_key=idempotency_key or None,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    _validate(warning)
    if Warning.objects.filter(cap_identifier=warning.cap_identifier).exists():
        raise DomainError("该 CAP 标识的预警已存在", "A warning with this CAP identifier exists",
                          fields={"identifier": "重复 / duplicate"}, code="duplicate")
    with transaction.atomic():
        warning.save()
        WarningArea.objects.bulk_create([WarningArea(warning=warning, region_id=c) for c in codes])
        audit.record(actor=by, action="issue", obj=warning, region_code=regioncodes.common_region(codes),
                     after=audit.snapshot(warning) | {"regions": codes})
        callup_start(warning=warning, by=by, now=now)
    return warning


def _checked_area(scope: Scope, region_codes) -> list[str]:
    codes = sorted({str(c).strip() for c in (region_codes or []) if str(c).strip()})
    if not codes:
        raise DomainError("请至少指定一个预警区划", "Give at least one region of the warning's area",
                          fields={"regions": "必填 / required"})
    known = set(Region.objects.filter(pk__in=codes).values_list("pk", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise DomainError(f"区划代码不存在：{', '.join(unknown)}", f"Unknown region codes: {', '.join(unknown)}",
                          fields={"regions": "不存在 / unknown: " + ", ".join(unknown)})
    for code in codes:
        scope.require_region(code)
    return codes


def _checked_polygon(polygon: str) -> str:
    polygon = (polygon or "").strip()
    if not polygon:
        return ""
    from shapely import wkt
    from shapely.errors import ShapelyError

    try:
        shape = wkt.loads(polygon)
    except (ShapelyError, ValueError) as exc:
        raise DomainError("多边形不是有效的 WKT", f"Polygon is not valid WKT: {exc}",
                          fields={"polygon": "格式错误 / invalid WKT"}) from exc
    if shape.geom_type != "Polygon" or not shape.is_valid:
        raise DomainError("多边形无效", "Polygon must be a valid simple polygon", fields={"polygon": "无效 / invalid"})
    return shape.wkt


def _validate(warning: Warning) -> None:
    if warning.type not in WarningType.values:
        raise DomainError("未知的预警类型", f"Unknown warning type {warning.type!r}", fields={"type": "未知 / unknown"})
    if warning.level not in WarningLevel.values:
        raise DomainError("预警级别应为 blue/yellow/orange/red", "Level must be blue, yellow, orange or red",
                          fields={"level": "不是允许的取值 / not an allowed value"})
    if not warning.headline:
        raise DomainError("标题不能为空", "Headline is required", fields={"headline": "必填 / required"})
    if warning.expires is not None and warning.expires <= warning.effective:
        raise DomainError("失效时间应晚于生效时间", "Expiry must be after the effective time",
                          fields={"expires": "早于生效时间 / before effective"})
    warning.full_clean(validate_unique=False)
    check_text_fields(warning)


def _person_of(user) -> Person | None:
    return getattr(user, "person", None) if user is not None and user.is_authenticated else None


def _issuer_name(user) -> str:
    person = _person_of(user)
    if person is not None and person.organization_id:
        return person.organization.name
    return person.name if person is not None else "应急预警平台"


def _require_whole_area(scope: Scope, warning: Warning) -> None:
    """Changing a warning needs every region of its area inside the caller's subtree."""
    scope.require_officer()
    for code in warning.region_codes:
        if not scope.covers_region(code):
            raise Forbidden("该预警的范围超出您的管辖", "The warning covers regions outside your jurisdiction",
                            fields={"regions": "超出管辖 / outside your jurisdiction"})


def warning_update(*, by, warning: Warning, level: str | None = None, region_codes: list[str] | None = None,
                   headline: str | None = None, description: str | None = None,
                   expires: dt.datetime | None = None, now: dt.datetime | None = None) -> Warning:
    """Change a warning in force (CAP msgType Update). A changed area re-targets the
    call-up: new responsible persons are called, those no longer covered stop."""
    scope = Scope.for_user(by)
    _require_whole_area(scope, warning)
    if warning.status not in (WarningStatus.ACTIVE, WarningStatus.UPDATED):
        raise DomainError("预警已解除，不能更新", "The warning was cancelled", code="cancelled")
    now = now or timezone.now()
    before = audit.snapshot(warning) | {"regions": warning.region_codes}
    codes = _checked_area(scope, region_codes) if region_codes is not None else before["regions"]
    for name, value in (("level", level), ("headline", headline), ("description", description),
                        ("expires", expires)):
        if value is not None:
            setattr(warning, name, value)
    warning.status, warning.version = WarningStatus.UPDATED, warning.version + 1
    _validate(warning)
    with transaction.atomic():
        warning.save()
        if codes != before["regions"]:
            warning.areas.exclude(region_id__in=codes).delete()
            WarningArea.objects.bulk_create([WarningArea(warning=warning, region_id=c) for c in codes],
                                            ignore_conflicts=True)
            _retarget(warning, codes, now=now)
        audit.record(actor=by, action="update", obj=warning, region_code=regioncodes.common_region(codes),
                     before=before, after=audit.snapshot(warning) | {"regions": codes})
    return warning


def warning_cancel(*, by, warning: Warning, now: dt.datetime | None = None) -> Warning:
    """End a warning (CAP msgType Cancel): its call-up stops, open timers are
    cancelled, and everyone already called is told that it has been lifted."""
    scope = Scope.for_user(by)
    _require_whole_area(scope, warning)
    if warning.status == WarningStatus.CANCELLED:
        return warning
    now = now or timezone.now()
    before = audit.snapshot(warning)
    with transaction.atomic():
        warning.status, warning.cancelled_at, warning.version = WarningStatus.CANCELLED, now, warning.version + 1
        warning.save(update_fields=["status", "cancelled_at", "version", "updated_at"])
        callup = CallUp.objects.filter(warning=warning).first()
        if callup is not None:
            _stop(callup, now=now)
        audit.record(actor=by, action="cancel", obj=warning,
                     region_code=regioncodes.common_region(warning.region_codes),
                     before=before, after=audit.snapshot(warning))
    return warning


# CAP import ---------------------------------------------------------------------------

def warning_from_cap(*, by, data: bytes, now: dt.datetime | None = None) -> tuple[Warning, bool]:
    """Apply a CAP 1.2 document: an Alert issues a warning (the same identifier twice
    returns the first), an Update or Cancel changes the warning it references.
    Returns the warning and whether it was created."""
    from .. import cap

    alert = cap.parse_cap(data)
    if alert.msg_type == "Alert":
        existing = Warning.objects.filter(cap_identifier=alert.identifier).first()
        if existing is not None:
            return existing, False
        warning = warning_issue(
            by=by, type=alert.type, level=alert.level, region_codes=alert.region_codes, headline=alert.headline,
            description=alert.description, effective=alert.effective or alert.sent, expires=alert.expires,
            drill=alert.drill, polygon=alert.polygon, cap_identifier=alert.identifier, cap_sender_id=alert.sender,
            cap_sent=alert.sent, issuer_name=alert.sender_name, now=now)
        return warning, True
    warning = _referenced(alert, by)
    if alert.msg_type == "Cancel":
        return warning_cancel(by=by, warning=warning, now=now), False
    return warning_update(by=by, warning=warning, level=alert.level, region_codes=alert.region_codes,
                          headline=alert.headline, description=alert.description, expires=alert.expires,
                          now=now), False


def _referenced(alert, by) -> Warning:
    """The warning an Update/Cancel refers to ("sender,identifier,sent" entries)."""
    from ..selectors import warnings_in_scope

    identifiers = [ref.split(",")[1] for ref in alert.references if ref.count(",") == 2]
    identifiers += [i.rsplit(".v", 1)[0] for i in identifiers]
    warning = warnings_in_scope(Scope.for_user(by)).filter(cap_identifier__in=identifiers).first()
    if warning is None:
        raise DomainError("CAP 引用的预警不存在", "The warning referenced by this Update/Cancel is unknown",
                          fields={"references": "未找到 / not found"}, code="invalid_cap")
    return warning
