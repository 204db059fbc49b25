"""API of the one map (一图展现): the layers a caller may see, and one layer's features
in a viewport as a GeoJSON FeatureCollection. Thin: scope, parse, one selector, audit."""

from ninja import Router

from ..core.errors import NotFound
from ..core.scope import Scope
from . import layers as registry
from . import selectors_map as selectors
from .services import map as services

router = Router(tags=["map"])


@router.get("/map/layers")
def map_layers(request):
    """The layers this caller may see: name, title, group, geometry ("point" or "area"), legend."""
    scope = Scope.for_user(request.user)
    return {"groups": [{"name": k, "title": str(v)} for k, v in registry.GROUPS.items()],
            "layers": [layer.describe() for layer in registry.visible_layers(scope)]}


@router.get("/map/layers/{name}")
def map_layer(request, name: str, bbox: str = "", zoom: str = ""):
    """The layer's features within `bbox=minlon,minlat,maxlon,maxlat` (WGS84), only those in
    the caller's region scope; past the feature limit the points come as clusters with
    counts (`properties.cluster`, `properties.count`), on a grid fitted to `zoom`."""
    scope = Scope.for_user(request.user)
    layer = registry.layer_get(scope, name)
    if layer is None:
        raise NotFound("没有这个图层", "No such map layer")
    box = selectors.parse_bbox(bbox)
    level = selectors.parse_zoom(_zoom(zoom))
    collection = selectors.layer_features(scope=scope, user=request.user, layer=layer, bbox=box, zoom=level)
    services.record_read(user=request.user, scope=scope, layer=layer.name, bbox=box,
                         total=collection["total"], clustered=collection["clustered"])
    return collection


def _zoom(text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit() or len(text.strip()) > 2:
        return selectors.parse_zoom(-1)  # refused with the field and reason
    return int(text)
