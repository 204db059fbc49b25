"""Layers of the one map (command/layers.py finds this module): rescue teams at their
base, rescue stations, and each station's 15-minute area as a circle drawn as a polygon.
Each `features(*, user, bbox)` returns GeoJSON features in the user's scope (the same
selectors as the lists; enterprise accounts get none) within bbox (minlon, minlat,
maxlon, maxlat), filtered by the database on the indexed lat/lon columns."""

import math

from django.utils.translation import gettext_lazy as _

from ..core.scope import Scope
from . import coverage
from . import selectors_teams as selectors


def _scope(user) -> Scope | None:
    scope = Scope.for_user(user)
    return None if scope.is_nobody or scope.organization_id is not None else scope


def _point(lon: float, lat: float, properties: dict) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}


def teams_features(*, user, bbox) -> list[dict]:
    scope = _scope(user)
    if scope is None:
        return []
    qs = selectors.in_bbox(selectors.team_list(scope=scope, active=True).filter(base_lat__isnull=False),
                           bbox, lat="base_lat", lon="base_lon")
    return [_point(t.base_lon, t.base_lat, {"id": t.pk, "label": t.name, "kind": t.kind_id, "kind_name": t.kind.name,
                                            "region": t.region_id, "members": t.member_count,
                                            "readiness": t.readiness, "readiness_name": str(t.get_readiness_display())})
            for t in qs]


def stations_features(*, user, bbox) -> list[dict]:
    scope = _scope(user)
    if scope is None:
        return []
    qs = selectors.in_bbox(selectors.station_list(scope=scope, active=True), bbox)
    return [_point(s.lon, s.lat, {"id": s.pk, "label": s.name, "region": s.region_id,
                                  "radius_m": round(coverage.radius_m(s.speed_kmh), 1), "speed_kmh": s.speed_kmh})
            for s in qs]


def station_coverage_features(*, user, bbox) -> list[dict]:
    """A station whose circle reaches into the box counts: the box is widened by the
    largest radius (in degrees of latitude, and of longitude at the box's latitude)."""
    scope = _scope(user)
    if scope is None:
        return []
    qs = selectors.station_list(scope=scope, active=True)
    if bbox is not None:
        reach = coverage.radius_m(max(qs.values_list("speed_kmh", flat=True), default=0)) / 111_000
        minlon, minlat, maxlon, maxlat = bbox
        widen = reach / max(math.cos(math.radians(max(abs(minlat), abs(maxlat)))), 0.1)
        qs = selectors.in_bbox(qs, (minlon - widen, minlat - reach, maxlon + widen, maxlat + reach))
    features = []
    for s in qs:
        radius = coverage.radius_m(s.speed_kmh)
        features.append({"type": "Feature",
                         "geometry": {"type": "Polygon", "coordinates": [coverage.circle(s.lat, s.lon, radius)]},
                         "properties": {"id": s.pk, "label": s.name, "region": s.region_id,
                                        "radius_m": round(radius, 1), "minutes": coverage.MINUTES}})
    return features


LAYERS = [
    {"name": "teams", "title": _("救援队伍"), "group": "resources", "geometry": "point",
     "features": teams_features},
    {"name": "stations", "title": _("救援站点"), "group": "resources", "geometry": "point",
     "features": stations_features},
    {"name": "station_coverage", "title": _("15分钟救援圈"), "group": "resources", "geometry": "area",
     "features": station_coverage_features},
]
