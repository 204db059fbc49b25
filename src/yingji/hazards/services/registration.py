"""Registering a hazard (登记), and its default rectification period by level."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ...core import audit
from ...core.choices import Role
from ...core.errors import DomainError, Forbidden, NotFound
from ...core.models import Person
from ...core.scope import Scope, fits_database
from ...enterprises.selectors import enterprises_in_scope
from ...floods.selectors import risk_point_get
from ..choices import (
    HazardLevel,
    HazardSource,
)
from ..models import (
    Campaign,
    ChecklistItem,
    Hazard,
    Inspection,
    PublicReport,
)
from ..numbering import next_number
from .loop import _event

# Default rectification periods for hazards created from a checklist "no"; a
# province may set HAZARD_DEADLINE_DAYS = {"general": .., "major": ..}.
DEFAULT_DEADLINE_DAYS = {HazardLevel.GENERAL: 15, HazardLevel.MAJOR: 60}


def deadline_days(level: str) -> int:
    configured = getattr(settings, "HAZARD_DEADLINE_DAYS", {})
    return int(configured.get(level, DEFAULT_DEADLINE_DAYS[level]))


# Registration ------------------------------------------------------------------

def hazard_register(*, by, enterprise_id: int | None = None, risk_point_id: int | None = None,
                    description: str, deadline: dt.date,
                    level: str = HazardLevel.GENERAL, source: str = HazardSource.INSPECTION, category: str = "other",
                    location: str = "", found_on: dt.date | None = None, responsible_id: int | None = None,
                    inspection: Inspection | None = None, item: ChecklistItem | None = None,
                    campaign: Campaign | None = None, report: PublicReport | None = None) -> Hazard:
    """Register a hazard at an enterprise, or at a risk point (风险点: the flood-season
    inspections of the risk lists), in the caller's scope, with the next number of
    its county and year. Enterprise users register only their self-inspection
    findings at their enterprise; everything else is officers' work."""
    scope = Scope.for_user(by)
    if (enterprise_id is None) == (risk_point_id is None):
        raise DomainError("请指定企业或风险点（二者之一）", "Give an enterprise or a risk point (one of the two)",
                          fields={"enterprise_id": "企业与风险点二选一 / one of enterprise_id, risk_point_id"})
    _require_registrar(scope, source if enterprise_id is not None else "")
    enterprise = _enterprise_in_scope(scope, enterprise_id) if enterprise_id is not None else None
    risk_point = _risk_point_in_scope(scope, risk_point_id) if risk_point_id is not None else None
    place = enterprise or risk_point
    found_on = found_on or timezone.localdate()
    hazard = Hazard(
        enterprise=enterprise, risk_point=risk_point, region_id=place.region_id, description=description,
        level=level,
        source=source, category=category, location=location, found_on=found_on, deadline=deadline,
        responsible=_person_in_scope(scope, responsible_id, "responsible_id"), officer=_person_of(by),
        inspection=inspection, item=item, campaign=campaign, report=report, number="pending",
    )
    if deadline < found_on:
        raise DomainError("整改期限不能早于发现日期", "The deadline cannot be before the day it was found",
                          fields={"deadline": "早于发现日期 / before found_on"})
    hazard.full_clean(exclude=["number"])
    with transaction.atomic():
        # The number last, once nothing else can fail: a refused hazard takes no number.
        hazard.number = next_number(county=place.region_id[:6], year=found_on.year)
        hazard.save()
        _event(hazard, by, "register", "", hazard.state, "")
        audit.record(actor=by, action="hazard.register", obj=hazard, region_code=hazard.region_id,
                     before=None, after=audit.snapshot(hazard))
    return hazard


def _require_registrar(scope: Scope, source: str) -> None:
    if scope.role == Role.ENTERPRISE and source == HazardSource.SELF_INSPECTION:
        return
    scope.require_officer()


def _enterprise_in_scope(scope: Scope, enterprise_id):
    # The same answer for an enterprise elsewhere and one that does not exist: a
    # refused registration must not reveal what exists in another county.
    if fits_database(enterprise_id):
        row = enterprises_in_scope(scope=scope).select_related("region", "organization").filter(
            pk=enterprise_id).first()
        if row is not None:
            return row
    raise Forbidden("企业不存在或不在管辖范围内", "Enterprise not found in your jurisdiction",
                    fields={"enterprise_id": "不在管辖范围内 / outside your jurisdiction"})


def _risk_point_in_scope(scope: Scope, risk_point_id):
    # As for enterprises: one answer for a point elsewhere and one that does not exist.
    try:
        if scope.organization_id is None:
            return risk_point_get(scope=scope, id=risk_point_id)
    except NotFound:
        pass
    raise Forbidden("风险点不存在或不在管辖范围内", "Risk point not found in your jurisdiction",
                    fields={"risk_point_id": "不在管辖范围内 / outside your jurisdiction"})


def _person_in_scope(scope: Scope, person_id, field: str) -> Person | None:
    if person_id is None:
        return None
    row = scope.filter(Person.objects.filter(pk=person_id)).first() if fits_database(person_id) else None
    if row is None:
        raise DomainError("人员不存在或不在管辖范围内", "Person not found in your jurisdiction",
                          fields={field: "不存在 / not found"})
    return row


def _person_of(user) -> Person | None:
    return getattr(user, "person", None) if user is not None else None
