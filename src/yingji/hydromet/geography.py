"""Which city a point lies in, from the city outlines the web map shows.

The outlines (`web/static/web/zhejiang-cities.geojson`, decoded from ECharts' map of
Zhejiang) are coarse, about 1 km: a station on a small island or right on the coast
may fall just outside every outline, so a point within `COAST_TOLERANCE_DEG` of one
city is given to it; farther out, no city is claimed.
"""

import json
from functools import lru_cache
from pathlib import Path

from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.prepared import prep

CITY_OUTLINES = Path(__file__).resolve().parents[1] / "web" / "static" / "web" / "zhejiang-cities.geojson"
COAST_TOLERANCE_DEG = 0.05  # about 5 km


@lru_cache(maxsize=1)
def _cities():
    features = json.loads(CITY_OUTLINES.read_text(encoding="utf-8"))["features"]
    codes = [f["properties"]["code"] for f in features]
    shapes = [shape(f["geometry"]) for f in features]
    return codes, shapes, [prep(s) for s in shapes], STRtree(shapes)


def city_code_at(longitude: float, latitude: float) -> str | None:
    """The 4-digit code of the city containing the point, or None outside Zhejiang."""
    codes, _, prepared, tree = _cities()
    point = Point(longitude, latitude)
    for i in tree.query(point):
        if prepared[i].covers(point):
            return codes[i]
    nearest = tree.query_nearest(point, max_distance=COAST_TOLERANCE_DEG)
    return codes[nearest[0]] if len(nearest) == 1 else None
