"""Layers of the one map (command/layers.py finds this module).

warehouses: the active reserve warehouses with a position, in the user's scope (the
same selector as the list; enterprise accounts get none), within bbox (minlon,
minlat, maxlon, maxlat) filtered by the database on the indexed lat/lon columns.
Properties are plain values: the level, and how many standards of the warehouse's
region are short is left to the shortfall list (a map label stays short)."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from ..core.scope import Scope
from . import selectors_supplies


def warehouses_features(*, user, bbox) -> list[dict]:
    scope = Scope.for_user(user)
    if scope.is_nobody or scope.organization_id is not None:
        return []
    qs = selectors_supplies.warehouses_in_bbox(scope=scope, bbox=bbox).annotate(
        stock_lines=Count("balances", filter=Q(balances__quantity__gt=0)),
        stock_total=Sum("balances__quantity"))
    return [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [w.lon, w.lat]},
             "properties": {"id": w.pk, "label": w.name, "region": w.region_id, "level": w.level,
                            "level_name": str(w.get_level_display()), "phone": w.phone,
                            "stock_lines": w.stock_lines, "stock_total": w.stock_total or 0}}
            for w in qs]


LAYERS = [
    {"name": "warehouses", "title": _("物资仓库"), "group": "resources", "geometry": "point",
     "features": warehouses_features},
]
