"""Shapes of regions for the map layers of every app (command's one map).

Regions carry a point (`lon`, `lat`: a village committee, a town hall), not a boundary.
The one boundary set the project has is the outline of Zhejiang's cities that the maps
draw as their base (web/zhejiang-cities.geojson, served locally). So a region's shape
on the map is its city's outline for a city, the union of its cities' outlines for the
province, and otherwise its point: a county or village shown as a marker coloured like
an area. The file is read once per process.
"""

from __future__ import annotations

import functools
import json

from django.contrib.staticfiles import finders

OUTLINES = "web/zhejiang-cities.geojson"


@functools.cache
def city_outlines() -> dict[str, dict]:
    """The cities' geometries by region code ({} when the file cannot be found)."""
    path = finders.find(OUTLINES)
    if not path:
        return {}
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return {str(f["properties"]["code"]): f["geometry"] for f in data.get("features", [])}


def _polygons(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def region_geometry(code: str, lon: float | None, lat: float | None) -> dict | None:
    """The region's GeoJSON geometry: an outline where one is known, else its point, else None."""
    outlines = city_outlines()
    if code in outlines:
        return outlines[code]
    below = [g for c, g in sorted(outlines.items()) if c.startswith(code) and len(code) < len(c)]
    if below and len(code) <= 2:
        return {"type": "MultiPolygon", "coordinates": [p for g in below for p in _polygons(g)]}
    if lon is not None and lat is not None:
        return {"type": "Point", "coordinates": [lon, lat]}
    return None


def bounds(geometry: dict) -> tuple[float, float, float, float]:
    """(minlon, minlat, maxlon, maxlat) of any GeoJSON geometry."""
    xs, ys = [], []

    def walk(c):
        if c and isinstance(c[0], (int, float)):
            xs.append(c[0])
            ys.append(c[1])
        else:
            for part in c:
                walk(part)

    walk(geometry["coordinates"])
    return min(xs), min(ys), max(xs), max(ys)


def touches(geometry: dict, bbox) -> bool:
    """Whether the geometry's bounds meet the viewport (None: everywhere)."""
    if bbox is None:
        return True
    minlon, minlat, maxlon, maxlat = bounds(geometry)
    return minlon <= bbox[2] and maxlon >= bbox[0] and minlat <= bbox[3] and maxlat >= bbox[1]


def wkt_polygon(text: str) -> dict | None:
    """A WKT POLYGON((lon lat, ...)) as GeoJSON (outer ring only); None when it is not one."""
    text = (text or "").strip()
    if not text.upper().startswith("POLYGON"):
        return None
    body = text[text.find("((") + 2:text.find(")")]
    try:
        ring = [[float(v) for v in pair.split()[:2]] for pair in body.split(",") if pair.strip()]
    except ValueError:
        return None
    if len(ring) < 3 or any(len(p) != 2 for p in ring):
        return None
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}
