"""Reads of the one map: a layer's features in a viewport, clustered past a limit.

A viewport over a province at low zoom can hold 100,000 risk points; a browser draws a
few hundred markers smoothly. So a response holds at most MAX_FEATURES features: past
that, the points are counted on a grid (cells of CELL_PIXELS at the map's zoom) and
each non-empty cell becomes one cluster feature with its count, at the mean position
of its points. For a layer that declares `points` (a queryset, see layers.py) the grid
is one GROUP BY in the database; otherwise the features are clustered here.
"""

from __future__ import annotations

import math
from collections import defaultdict

from django.core.cache import cache
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import Floor

from ..core.errors import DomainError
from ..core.scope import Scope
from .layers import Layer

MAX_FEATURES = 500  # points per response before they are clustered
MAX_AREAS = 2000  # areas are few (warnings, levels, runs); a bound all the same
CELL_PIXELS = 64  # a cluster cell's side on screen
CELLS_ACROSS = 16  # without a zoom: the viewport's width in cells
GRID_CACHE_MAX_ZOOM = 10  # a province at zoom 10 is at most ~40,000 cells
GRID_CACHE_SECONDS = 30

BBox = tuple[float, float, float, float]


def _bad(reason_zh: str, reason_en: str) -> DomainError:
    return DomainError(f"视野范围 bbox 有误：{reason_zh}", f"Invalid bbox: {reason_en}",
                       fields={"bbox": f"{reason_zh} / {reason_en}"})


def parse_bbox(text: str | None) -> BBox | None:
    """`minlon,minlat,maxlon,maxlat` in WGS84 degrees; empty means the whole layer."""
    if text is None or not text.strip():
        return None
    parts = text.split(",")
    if len(parts) != 4:
        raise _bad("应为 最小经度,最小纬度,最大经度,最大纬度 四个数", "expected minlon,minlat,maxlon,maxlat")
    try:
        minlon, minlat, maxlon, maxlat = (float(p) for p in parts)
    except ValueError:
        raise _bad("含有非数字的值", "a value is not a number") from None
    if not all(math.isfinite(v) for v in (minlon, minlat, maxlon, maxlat)):
        raise _bad("含有非有限的数", "a value is not finite")
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180):
        raise _bad("经度应在 -180 至 180 之间", "longitudes must be between -180 and 180")
    if not (-90 <= minlat <= 90 and -90 <= maxlat <= 90):
        raise _bad("纬度应在 -90 至 90 之间", "latitudes must be between -90 and 90")
    if minlon > maxlon or minlat > maxlat:
        raise _bad("最小值大于最大值", "a minimum is greater than its maximum")
    return minlon, minlat, maxlon, maxlat


def parse_zoom(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= 22:
        raise DomainError("缩放级别 zoom 应在 0 至 22 之间", "zoom must be between 0 and 22",
                          fields={"zoom": "0–22"})
    return value


def in_bbox(lon_field: str, lat_field: str, bbox: BBox | None) -> Q:
    """The Q of rows whose position lies in `bbox` (all rows with a position when None)."""
    if bbox is None:
        return Q(**{f"{lon_field}__isnull": False, f"{lat_field}__isnull": False})
    minlon, minlat, maxlon, maxlat = bbox
    return Q(**{f"{lon_field}__gte": minlon, f"{lon_field}__lte": maxlon,
                f"{lat_field}__gte": minlat, f"{lat_field}__lte": maxlat})


def cell_size(bbox: BBox | None, zoom: int | None) -> float:
    """A cluster cell's side in degrees: CELL_PIXELS at the zoom (a 256-px tile spans
    360 / 2^zoom degrees of longitude), or the viewport's width / CELLS_ACROSS."""
    if zoom is not None:
        return 360.0 / (2 ** zoom) * CELL_PIXELS / 256
    width = (bbox[2] - bbox[0]) if bbox else 360.0
    return max(width, 1e-6) / CELLS_ACROSS


def layer_features(*, scope: Scope, user, layer: Layer, bbox: BBox | None, zoom: int | None = None) -> dict:
    """The FeatureCollection of `layer` for `user` in `bbox`, clustered past MAX_FEATURES."""
    clustered = False
    if layer.geometry == "point" and layer.points is not None:
        rows = layer.points(user=user, bbox=bbox)
        # Counted only up to the limit: a dense viewport stops the scan early; past the
        # limit the total is the sum of the clusters' counts.
        if rows.order_by().values("pk")[:MAX_FEATURES + 1].count() > MAX_FEATURES:
            if zoom is not None and zoom <= GRID_CACHE_MAX_ZOOM:
                features = _cached_clusters(scope=scope, user=user, layer=layer, bbox=bbox, zoom=zoom)
            else:
                features = _db_clusters(rows, layer, cell_size(bbox, zoom))
            clustered, total = True, sum(f["properties"]["count"] for f in features)
        else:
            features = layer.features(user=user, bbox=bbox)
            total = len(features)
    else:
        features = list(layer.features(user=user, bbox=bbox))
        total = len(features)
        if layer.geometry == "point" and total > MAX_FEATURES:
            features, clustered = _clusters(features, cell_size(bbox, zoom)), True
        elif layer.geometry == "area":
            features = features[:MAX_AREAS]
    return {"type": "FeatureCollection", "layer": layer.name, "total": total, "clustered": clustered,
            "truncated": not clustered and len(features) < total, "features": features}


def cluster_feature(gx: int, gy: int, count: int, lon: float, lat: float) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": {"id": f"cluster:{gx}:{gy}", "label": str(count), "cluster": True, "count": count}}


def _db_clusters(rows, layer: Layer, cell: float) -> list[dict]:
    """One GROUP BY over grid cells; ordering and select_related are dropped (they would
    split the groups or add joins). No ORDER BY: PostgreSQL, which cannot estimate how few
    cells there are, then hashes the rows (100,000 points: 100 ms measured) instead of
    sorting them all first (270 ms, spilling to disk at the default work_mem); the few
    hundred cells are sorted here."""
    grid = (rows.order_by().select_related(None)
            .annotate(gx=Floor(F(layer.lon) / cell), gy=Floor(F(layer.lat) / cell))
            .values("gx", "gy").annotate(n=Count("pk"), mlon=Avg(layer.lon), mlat=Avg(layer.lat))
            .order_by())
    cells = sorted((int(r["gx"]), int(r["gy"]), r["n"], r["mlon"], r["mlat"]) for r in grid)
    return [cluster_feature(*cell_row) for cell_row in cells]


def _cached_clusters(*, scope: Scope, user, layer: Layer, bbox: BBox | None, zoom: int) -> list[dict]:
    """The clusters of the caller's whole scope at `zoom` (cached), those positioned in `bbox`."""
    key = f"command.map.grid:{layer.name}:{scope.region_code}:{scope.organization_id}:{scope.role}:{zoom}"
    clusters = cache.get(key)
    if clusters is None:
        clusters = _db_clusters(layer.points(user=user, bbox=None), layer, cell_size(None, zoom))
        cache.set(key, clusters, GRID_CACHE_SECONDS)
    if bbox is None:
        return clusters
    minlon, minlat, maxlon, maxlat = bbox
    return [f for f in clusters if minlon <= f["geometry"]["coordinates"][0] <= maxlon
            and minlat <= f["geometry"]["coordinates"][1] <= maxlat]


def _clusters(features: list[dict], cell: float) -> list[dict]:
    """The same grid in Python, for layers that give features only."""
    cells: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"][:2]
        acc = cells[(math.floor(lon / cell), math.floor(lat / cell))]
        acc[0] += 1
        acc[1] += lon
        acc[2] += lat
    return [cluster_feature(gx, gy, int(n), slon / n, slat / n) for (gx, gy), (n, slon, slat) in sorted(cells.items())]
