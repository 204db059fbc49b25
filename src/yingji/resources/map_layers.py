"""Layers of the one map (command/layers.py finds this module).

warehouses: the active reserve warehouses with a position, in the user's scope (the
same selector as the list; enterprise accounts get none), within bbox (minlon,
minlat, maxlon, maxlat) filtered by the database on the indexed lat/lon columns.
Properties are plain values: name, region, level, phone and how many kinds of supply
it holds (quantities are in each kind's own unit, so they are not summed here: the
warehouse's page lists them)."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from ..core.scope import Scope
from . import selectors_supplies


def warehouses_features(*, user, bbox) -> list[dict]:
    scope = Scope.for_user(user)
    if scope.is_nobody or scope.organization_id is not None:
        return []
    qs = selectors_supplies.warehouses_in_bbox(scope=scope, bbox=bbox).annotate(
        kinds_held=Count("balances__supply_kind", filter=Q(balances__quantity__gt=0), distinct=True))
    return [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [w.lon, w.lat]},
             "properties": {"id": w.pk, "label": w.name, "region": w.region_id, "level": w.level,
                            "level_name": str(w.get_level_display()), "phone": w.phone,
                            "kinds_held": w.kinds_held}}
            for w in qs]


LAYERS = [
    {"name": "warehouses", "title": _("物资仓库"), "group": "resources", "geometry": "point",
     "features": warehouses_features},
]
