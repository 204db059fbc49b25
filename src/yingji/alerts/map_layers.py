"""The alerts app's layer of the one map (command.layers): warnings in force.

One feature per region of a warning's area that the caller may see (their own subtree,
and the regions above it: a warning over the city is the county's too), drawn as the
region's shape (core.mapshapes), and one per warning with a polygon. Properties are
plain text and numbers."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..core import mapshapes, regioncodes
from ..core.scope import Scope
from .choices import IN_FORCE, LEVEL_COLOURS, WarningLevel
from .selectors import warnings_in_scope


def warnings_in_force(*, scope: Scope, now=None):
    now = now or timezone.now()
    return (warnings_in_scope(scope).filter(status__in=IN_FORCE, effective__lte=now)
            .filter(Q(expires__isnull=True) | Q(expires__gt=now))
            .prefetch_related("areas__region").order_by("-effective", "-id"))


def _seen(scope: Scope, code: str) -> bool:
    mine = scope.region_code or ""
    return code.startswith(mine) or code in regioncodes.prefixes(mine) or code == mine


def _properties(warning, **extra) -> dict:
    return {"id": warning.pk, "label": warning.headline, "type": warning.get_type_display(),
            "level": warning.level, "level_name": warning.get_level_display(),
            "colour": LEVEL_COLOURS.get(warning.level, "#888888"), "drill": warning.drill,
            "effective": warning.effective.isoformat(),
            "expires": warning.expires.isoformat() if warning.expires else None,
            **extra}


def warning_features(*, user, bbox):
    scope = Scope.for_user(user)
    features = []
    for warning in warnings_in_force(scope=scope):
        for area in warning.areas.all():
            region = area.region
            if not _seen(scope, region.code):
                continue
            geometry = mapshapes.region_geometry(region.code, region.lon, region.lat)
            if geometry and mapshapes.touches(geometry, bbox):
                features.append({"type": "Feature", "geometry": geometry,
                                 "properties": _properties(warning, region=region.code, region_name=region.full_name)})
        polygon = mapshapes.wkt_polygon(warning.polygon)
        if polygon and mapshapes.touches(polygon, bbox):
            features.append({"type": "Feature", "geometry": polygon,
                             "properties": _properties(warning, region="", region_name="")})
    return features


LAYERS = [
    {"name": "warnings", "title": _("生效预警"), "group": "warnings", "geometry": "area",
     "features": warning_features,
     "legend": [{"colour": LEVEL_COLOURS[level], "label": label} for level, label in WarningLevel.choices]},
]
