"""The registry of map layers (一图展现): every app's `map_layers.LAYERS`, found at start.

Any installed app may have a module `map_layers.py` with a module-level `LAYERS` list of
plain dicts, so that an app never imports `command` to put itself on the map:

    LAYERS = [
        {"name": "teams",                 # the URL name in /api/map/layers/{name}
         "title": _("救援队伍"),           # gettext_lazy
         "group": "resources",            # one of GROUPS
         "geometry": "point",             # "point" or "area"
         "features": teams_features},     # callable(*, user, bbox) -> list[dict]
    ]

`features(*, user, bbox)` returns GeoJSON Feature dicts `{"type": "Feature", "geometry":
{...}, "properties": {"id", "label", ...plain values}}`: only what the user's region scope
allows, only within `bbox` (`(minlon, minlat, maxlon, maxlat)`, or None for all).

Optional keys (the contract's extensions; a layer without them works as above):
- `"points": callable(*, user, bbox) -> QuerySet` — the same rows as `features`, as a
  queryset with `"lon"`/`"lat"` naming its longitude and latitude columns (default
  "longitude", "latitude"). With it the API counts the rows in the viewport in the
  database and, past the feature limit, clusters them there (one GROUP BY over a grid)
  without loading a row; without it the features are loaded and clustered in Python.
- `"visible": callable(*, scope) -> bool` — who may see the layer at all; by default
  government users (officers, admins, viewers of a region), not enterprise accounts.
- `"legend": [{"colour": "#rrggbb", "label": _("…")}, …]` — the page's legend.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

from ..core.scope import Scope

GROUPS = {
    "warnings": _("预警"),
    "response": _("应急响应"),
    "risk": _("风险点"),
    "evacuation": _("人员转移"),
    "resources": _("救援力量与物资"),
    "hazards": _("隐患"),
    "floods": _("洪水淹没"),
}
GEOMETRIES = ("point", "area")
MODULE = "map_layers"


def government(*, scope: Scope) -> bool:
    """The default: people of a government region (not enterprise accounts, not nobody)."""
    return not scope.is_nobody and scope.organization_id is None


@dataclass(frozen=True)
class Layer:
    name: str
    title: object
    group: str
    geometry: str
    features: Callable
    points: Callable | None = None
    lon: str = "longitude"
    lat: str = "latitude"
    visible: Callable = government
    legend: tuple = field(default_factory=tuple)
    app: str = ""

    def describe(self) -> dict:
        return {"name": self.name, "title": str(self.title), "group": self.group,
                "group_title": str(GROUPS[self.group]), "geometry": self.geometry,
                "legend": [{"colour": item["colour"], "label": str(item["label"])} for item in self.legend]}


def layer_from(entry: dict, app: str) -> Layer:
    """One `LAYERS` entry, checked: a wrong one stops the start with the app's name."""
    missing = {"name", "title", "group", "geometry", "features"} - set(entry)
    problem = (f"missing {sorted(missing)}" if missing else
               f"group {entry['group']!r} is not one of {sorted(GROUPS)}" if entry["group"] not in GROUPS else
               f"geometry {entry['geometry']!r} is not point or area" if entry["geometry"] not in GEOMETRIES else
               "features is not callable" if not callable(entry["features"]) else "")
    if problem:
        raise ImproperlyConfigured(f"{app}.{MODULE}: layer {entry.get('name', '?')!r}: {problem}")
    known = {"name", "title", "group", "geometry", "features", "points", "lon", "lat", "visible", "legend"}
    extra = {k: entry[k] for k in entry if k in known - {"legend"}}
    return Layer(**extra, legend=tuple(entry.get("legend", ())), app=app)


@functools.cache
def registry() -> dict[str, Layer]:
    """Every app's layers by name, in the order of INSTALLED_APPS (then each module's)."""
    found: dict[str, Layer] = {}
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, MODULE):
            continue
        module = importlib.import_module(f"{config.name}.{MODULE}")
        for entry in getattr(module, "LAYERS", ()):
            layer = layer_from(entry, config.name)
            if layer.name in found:
                raise ImproperlyConfigured(f"map layer {layer.name!r} is declared by both "
                                           f"{found[layer.name].app} and {config.name}")
            found[layer.name] = layer
    return found


def visible_layers(scope: Scope) -> list[Layer]:
    """The layers this caller may see, grouped in the order of GROUPS."""
    order = list(GROUPS)
    layers = [layer for layer in registry().values() if layer.visible(scope=scope)]
    return sorted(layers, key=lambda layer: order.index(layer.group))


def layer_get(scope: Scope, name: str) -> Layer | None:
    layer = registry().get(name)
    return layer if layer is not None and layer.visible(scope=scope) else None
