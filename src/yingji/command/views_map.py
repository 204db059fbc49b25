"""The one map page (一图展现): the layers the person may see, grouped, over the region
outlines; the features come from the map API (api_map) as the map moves."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from ..core.errors import Forbidden
from ..core.scope import Scope
from . import layers as registry


def command_map(request):
    scope = Scope.for_user(request.user)
    if not registry.government(scope=scope):
        raise Forbidden("企业用户不能查看指挥一张图", "Enterprise users cannot open the command map")
    groups: dict[str, dict] = {}
    for layer in registry.visible_layers(scope):
        info = layer.describe()
        groups.setdefault(layer.group, {"name": layer.group, "title": info["group_title"], "layers": []})
        groups[layer.group]["layers"].append(info)
    return render(request, "command/map.html", {
        "groups": list(groups.values()), "api_url": reverse("api:map_layers").rstrip("/") + "/",
        "tile_url": settings.YINGJI_TILE_URL})
