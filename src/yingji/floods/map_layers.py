"""The floods app's layer of the one map (command.layers): the latest inundation extents.

What an inundation run stores is a result grid per quantity (`.npy` files) and the
lon/lat bounds of its grid (`bounds`). The layer draws, for each watershed, the latest
finished run as the rectangle of its grid's bounds, with its maximum depth and the area
above its depth threshold as properties (the run's page shows the depth raster inside
it). Reading every run's grids on each map refresh would cost megabytes per request;
the rectangle costs one row."""

from django.utils.translation import gettext_lazy as _

from ..core import mapshapes
from ..core.scope import Scope
from .models import InundationStatus
from .selectors import inundation_list

RECENT = 200  # finished runs looked at, newest first: far more than a province's watersheds


def _depth_colour(depth: float | None) -> str:
    if depth is None or depth < 0.5:
        return "#9ecae1"
    return "#3182bd" if depth < 2.0 else "#08306b"


def extent_features(*, user, bbox):
    scope = Scope.for_user(user)
    runs = inundation_list(scope, status=InundationStatus.DONE).exclude(bounds__isnull=True)[:RECENT]
    seen, features = set(), []
    for run in runs:
        key = (run.region_id, run.watershed)
        if key in seen or not isinstance(run.bounds, list) or len(run.bounds) != 2:
            continue
        seen.add(key)
        (south, west), (north, east) = run.bounds
        geometry = {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north],
                                                        [west, north], [west, south]]]}
        if not mapshapes.touches(geometry, bbox):
            continue
        features.append({"type": "Feature", "geometry": geometry, "properties": {
            "id": run.pk, "label": f"{run.watershed}（{run.region.full_name}）", "region": run.region_id,
            "watershed": run.watershed, "max_depth_m": run.max_depth_m, "flooded_area_m2": run.flooded_area_m2,
            "depth_threshold_m": run.depth_threshold,
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "colour": _depth_colour(run.max_depth_m)}})
    return features


LAYERS = [
    {"name": "inundation", "title": _("最新淹没范围"), "group": "floods", "geometry": "area",
     "features": extent_features,
     "legend": [{"colour": "#9ecae1", "label": _("最大水深 < 0.5 米")}, {"colour": "#3182bd", "label": _("0.5–2 米")},
                {"colour": "#08306b", "label": _("≥ 2 米")}]},
]
