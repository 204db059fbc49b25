"""Risk points (风险点) with their critical rainfall, and sections (断面), each write audited."""


from django.db import transaction

from ...core import audit
from ...core.errors import DomainError
from ...core.scope import Scope
from ...core.services import apply_fields, save_audited
from ...hydromet.selectors import station_list
from ..choices import WINDOWS_HOURS
from ..models import (
    CriticalRainfall,
    RiskPoint,
    RiskPointKind,
    Section,
)

RISK_POINT_FIELDS = {"kind_id", "name", "region_id", "longitude", "latitude", "population", "households", "note",
                     "active", "responsible_name", "responsible_phone", "control_measures"}
SECTION_FIELDS = {"name", "region_id", "longitude", "latitude", "geometry", "manning_n", "slope",
                  "catchment_area_km2", "curve_number", "lag_hours", "route_k_hours", "route_x", "baseflow_m3s",
                  "warning_stage", "critical_stage", "stage_station_id", "scour_velocity"}


# Risk points -------------------------------------------------------------------------

def risk_point_create(*, by, gauges: list[str] | None = None, responsible: list[int] | None = None,
                      **data) -> RiskPoint:
    """Register a risk point in the caller's region, with its gauges (station codes)
    and responsible persons (person ids), both within the caller's scope."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(data.get("region_id"))
    if not RiskPointKind.objects.filter(pk=data.get("kind_id")).exists():
        raise DomainError("风险点类别不存在", "Unknown risk point kind", fields={"kind": "不存在 / unknown"})
    point = RiskPoint()
    apply_fields(point, data, RISK_POINT_FIELDS)
    stations, people = _gauges(scope, gauges or []), _people(scope, responsible or [])
    with transaction.atomic():
        save_audited(point, by=by, action="create", before=None, region_code=point.region_id)
        if stations or people:
            before = audit.snapshot(point)
            point.gauges.set(stations)
            point.responsible.set(people)
            audit.record(actor=by, action="update", obj=point, region_code=point.region_id, before=before,
                         after=audit.snapshot(point))
    return point


def risk_point_update(*, by, risk_point: RiskPoint, gauges: list[str] | None = None,
                      responsible: list[int] | None = None, **data) -> RiskPoint:
    """Change a risk point (fields given in `data`; gauges and responsible persons
    replaced when given), within the caller's region before and after."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(risk_point.region_id)
    if "kind_id" in data and not RiskPointKind.objects.filter(pk=data["kind_id"]).exists():
        raise DomainError("风险点类别不存在", "Unknown risk point kind", fields={"kind": "不存在 / unknown"})
    before = audit.snapshot(risk_point)
    apply_fields(risk_point, data, RISK_POINT_FIELDS)
    scope.require_region(risk_point.region_id)
    stations = _gauges(scope, gauges) if gauges is not None else None
    people = _people(scope, responsible) if responsible is not None else None
    with transaction.atomic():
        save_audited(risk_point, by=by, action="update", before=before, region_code=risk_point.region_id)
        if stations is not None or people is not None:
            before = audit.snapshot(risk_point)
            if stations is not None:
                risk_point.gauges.set(stations)
            if people is not None:
                risk_point.responsible.set(people)
            after = audit.snapshot(risk_point)
            if after != before:
                audit.record(actor=by, action="update", obj=risk_point, region_code=risk_point.region_id,
                             before=before, after=after)
    return risk_point


def critical_rainfall_set(*, by, risk_point: RiskPoint, values: list[dict]) -> list[CriticalRainfall]:
    """Set the critical rainfall of a risk point for the given windows (each a dict of
    window_hours, prepare_mm, move_now_mm); windows not given are kept."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(risk_point.region_id)
    seen = set()
    with transaction.atomic():
        for value in values:
            window = value.get("window_hours")
            if window not in WINDOWS_HOURS or window in seen:
                raise DomainError("时段应为 1、3、6、24 小时且不重复", "Windows are 1, 3, 6 or 24 hours, each once",
                                  fields={"window_hours": "无效 / invalid"})
            seen.add(window)
            _set_one(by, risk_point, window, value.get("prepare_mm"), value.get("move_now_mm"))
    return list(CriticalRainfall.objects.filter(risk_point=risk_point))  # not a prefetched cache


def _set_one(by, point: RiskPoint, window: int, prepare, move_now) -> None:
    if prepare is None or move_now is None or not 0 < prepare <= move_now:
        raise DomainError("准备转移雨量应大于 0 且不大于立即转移雨量",
                          "Prepare-to-move rain must be > 0 and at most the move-now rain",
                          fields={"prepare_mm": "无效 / invalid"})
    row = CriticalRainfall.objects.filter(risk_point=point, window_hours=window).first()
    before = audit.snapshot(row) if row else None
    row = row or CriticalRainfall(risk_point=point, window_hours=window)
    row.prepare_mm, row.move_now_mm = float(prepare), float(move_now)
    save_audited(row, by=by, action="create" if before is None else "update", before=before,
                 region_code=point.region_id)


def _gauges(scope: Scope, codes: list[str]):
    stations = list(station_list(scope=scope).filter(code__in=codes))
    missing = sorted(set(codes) - {s.code for s in stations})
    if missing:
        raise DomainError(f"测站不存在或不在管辖范围内：{', '.join(missing)}",
                          f"Unknown stations or outside your jurisdiction: {', '.join(missing)}",
                          fields={"gauges": "无效 / invalid"})
    return stations


def _people(scope: Scope, ids: list[int]):
    from ...core.models import Person

    people = list(scope.filter(Person.objects.filter(pk__in=ids)))
    if len(people) != len(set(ids)):
        raise DomainError("责任人不存在或不在管辖范围内", "Unknown responsible persons or outside your jurisdiction",
                          fields={"responsible": "无效 / invalid"})
    return people


# Sections ----------------------------------------------------------------------------

def section_create(*, by, gauges: list[str] | None = None, **data) -> Section:
    """Register a cross-section with its catchment parameters and rain gauges."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(data.get("region_id"))
    section = Section()
    apply_fields(section, data, SECTION_FIELDS)
    stations = _gauges(scope, gauges or [])
    with transaction.atomic():
        save_audited(section, by=by, action="create", before=None, region_code=section.region_id)
        if stations:
            before = audit.snapshot(section)
            section.gauges.set(stations)
            audit.record(actor=by, action="update", obj=section, region_code=section.region_id, before=before,
                         after=audit.snapshot(section))
    return section
