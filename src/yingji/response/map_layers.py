"""The response app's layers of the one map (command.layers): response levels in force by
area, risk points by control state, evacuation progress by village, shelters by occupancy.

Each reads through this app's selectors (the caller's scope, as the lists do) and lets the
database do the viewport filter on latitude/longitude columns. Point layers also declare
`points` (the same rows as a queryset), so the map counts and clusters them in the
database when a viewport holds thousands."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..core import mapshapes, regioncodes
from ..core.scope import Scope
from . import selectors_evacuation, selectors_levels, selectors_riskcontrol
from .choices_levels import COLOUR, ZH, Grade, LevelStatus
from .models import ControlState, ShelterState, VillageTally


def _box(lon: str, lat: str, bbox) -> Q:
    if bbox is None:
        return Q(**{f"{lon}__isnull": False, f"{lat}__isnull": False})
    minlon, minlat, maxlon, maxlat = bbox
    return Q(**{f"{lon}__gte": minlon, f"{lon}__lte": maxlon, f"{lat}__gte": minlat, f"{lat}__lte": maxlat})


def _point(lon, lat, **properties) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}


# Response levels ------------------------------------------------------------------------

def _seen(scope: Scope, code: str) -> bool:
    mine = scope.region_code or ""
    return code.startswith(mine) or code in regioncodes.prefixes(mine)


def level_features(*, user, bbox):
    """One feature per region of each response in force that the caller sees."""
    scope = Scope.for_user(user)
    levels = (selectors_levels.levels_in_scope(scope).filter(status=LevelStatus.IN_FORCE)
              .select_related("hazard").prefetch_related("areas__region").order_by("-declared_at", "-pk"))
    features = []
    for level in levels:
        for area in level.areas.all():
            region = area.region
            if not _seen(scope, region.code):
                continue
            geometry = mapshapes.region_geometry(region.code, region.lon, region.lat)
            if geometry and mapshapes.touches(geometry, bbox):
                features.append({"type": "Feature", "geometry": geometry, "properties": {
                    "id": level.pk, "label": f"{level.hazard.name}{ZH[level.grade]}", "grade": level.grade,
                    "colour": COLOUR[level.grade], "drill": level.drill, "region": region.code,
                    "region_name": region.full_name, "declared_at": level.declared_at.isoformat()}})
    return features


# Risk points by state ---------------------------------------------------------------------

NONE = "none"
STATE_COLOURS = {NONE: "#9aa5b1", ControlState.CHECKED: "#e6b800", ControlState.CONTROLLED: "#2e9d4a",
                 ControlState.EVACUATED: "#1f6fd1", ControlState.CLOSED: "#555555"}


def risk_point_rows(*, user, bbox):
    """The risk points the caller sees in the viewport, with their state in the current
    round (the board's rows: the same scope and round as the risk-control page)."""
    scope = Scope.for_user(user)
    rnd = selectors_riskcontrol.current_round(scope=scope)
    return selectors_riskcontrol.board(scope=scope, round=rnd).filter(_box("longitude", "latitude", bbox))


def risk_point_features(*, user, bbox):
    states = dict(ControlState.choices)
    rows = risk_point_rows(user=user, bbox=bbox).values(
        "pk", "name", "longitude", "latitude", "region_id", "kind__name", "population", "control_state")
    return [_point(r["longitude"], r["latitude"], id=r["pk"], label=r["name"], region=r["region_id"],
                   kind=r["kind__name"], population=r["population"], state=r["control_state"] or NONE,
                   state_name=str(states.get(r["control_state"], _("未上报"))),
                   colour=STATE_COLOURS.get(r["control_state"] or NONE, STATE_COLOURS[NONE])) for r in rows]


# Evacuation by village ----------------------------------------------------------------------

def _progress_colour(moved: int, planned: int) -> str:
    share = moved / planned if planned else 1.0
    return "#2e9d4a" if share >= 1 else "#f07800" if share >= 0.5 else "#d2332d"


def village_rows(*, user, bbox):
    """The villages with households to move, in the caller's scope, by the village's position."""
    scope = Scope.for_user(user)
    if scope.is_nobody or scope.organization_id is not None:
        return VillageTally.objects.none()
    return (scope.filter(VillageTally.objects.filter(planned_households__gt=0))
            .filter(_box("region__lon", "region__lat", bbox)))


def village_features(*, user, bbox):
    rows = village_rows(user=user, bbox=bbox).values(
        "region_id", "region__full_name", "region__lon", "region__lat", "planned", "moved", "sheltered",
        "returned", "planned_households", "moved_households").order_by("region_id")
    return [_point(r["region__lon"], r["region__lat"], id=r["region_id"], label=r["region__full_name"],
                   region=r["region_id"], planned=r["planned"], moved=r["moved"], sheltered=r["sheltered"],
                   returned=r["returned"], planned_households=r["planned_households"],
                   moved_households=r["moved_households"],
                   completeness=selectors_evacuation.completeness(r["moved"], r["planned"]),
                   colour=_progress_colour(r["moved"], r["planned"])) for r in rows]


# Shelters by occupancy ----------------------------------------------------------------------

def shelter_rows(*, user, bbox):
    scope = Scope.for_user(user)
    return selectors_evacuation.shelter_list(scope=scope).filter(_box("longitude", "latitude", bbox))


def _occupancy_colour(occupancy: int, capacity: int, state: str) -> str:
    if state == ShelterState.CLOSED:
        return "#9aa5b1"
    share = occupancy / capacity if capacity else 1.0
    return "#d2332d" if share >= 0.9 or state == ShelterState.FULL else "#f07800" if share >= 0.5 else "#2e9d4a"


def shelter_features(*, user, bbox):
    states = dict(ShelterState.choices)
    rows = shelter_rows(user=user, bbox=bbox).values(
        "pk", "name", "longitude", "latitude", "region_id", "capacity", "occupancy", "state")
    return [_point(r["longitude"], r["latitude"], id=r["pk"], label=r["name"], region=r["region_id"],
                   capacity=r["capacity"], occupancy=r["occupancy"], state=r["state"],
                   state_name=str(states.get(r["state"], r["state"])),
                   colour=_occupancy_colour(r["occupancy"], r["capacity"], r["state"])) for r in rows]


LAYERS = [
    {"name": "response_levels", "title": _("应急响应等级"), "group": "response", "geometry": "area",
     "features": level_features,
     "legend": [{"colour": COLOUR[g], "label": ZH[g]} for g in (Grade.IV, Grade.III, Grade.II, Grade.I)]},
    {"name": "risk_points", "title": _("风险点管控状态"), "group": "risk", "geometry": "point",
     "features": risk_point_features, "points": risk_point_rows,
     "legend": [{"colour": STATE_COLOURS[NONE], "label": _("未上报")},
                *({"colour": STATE_COLOURS[s], "label": label} for s, label in ControlState.choices)]},
    {"name": "evacuation_villages", "title": _("村转移进度"), "group": "evacuation", "geometry": "point",
     "features": village_features, "points": village_rows, "lon": "region__lon", "lat": "region__lat",
     "legend": [{"colour": "#d2332d", "label": _("转移不足一半")}, {"colour": "#f07800", "label": _("转移过半")},
                {"colour": "#2e9d4a", "label": _("应转尽转")}]},
    {"name": "shelters", "title": _("避灾安置场所"), "group": "evacuation", "geometry": "point",
     "features": shelter_features, "points": shelter_rows,
     "legend": [{"colour": "#2e9d4a", "label": _("空余充足")}, {"colour": "#f07800", "label": _("过半")},
                {"colour": "#d2332d", "label": _("将满或已满")}, {"colour": "#9aa5b1", "label": _("关闭")}]},
]
