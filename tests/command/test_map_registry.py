"""The registry finds every app's `map_layers` module and checks each entry."""

import types

import pytest
from django.core.exceptions import ImproperlyConfigured

from yingji.command import layers
from yingji.core.scope import Scope

from ..conftest import WENLING

EXISTING = {"warnings": "yingji.alerts", "response_levels": "yingji.response", "risk_points": "yingji.response",
            "evacuation_villages": "yingji.response", "shelters": "yingji.response",
            "supervised_hazards": "yingji.hazards", "inundation": "yingji.floods"}


def test_the_layers_of_the_existing_apps_are_discovered():
    found = {name: layer.app for name, layer in layers.registry().items()}
    assert EXISTING.items() <= found.items()
    for layer in layers.registry().values():
        assert layer.group in layers.GROUPS and layer.geometry in ("point", "area")


def test_a_layer_written_to_the_contract_alone_is_accepted():
    """Only the five keys of the contract (what resources/map_layers.py writes)."""
    def teams(*, user, bbox):
        return []

    layer = layers.layer_from({"name": "teams", "title": "救援队伍", "group": "resources", "geometry": "point",
                               "features": teams}, "yingji.resources")
    assert (layer.points, layer.lon, layer.lat) == (None, "longitude", "latitude")
    assert layer.describe() == {"name": "teams", "title": "救援队伍", "group": "resources",
                                "group_title": str(layers.GROUPS["resources"]), "geometry": "point", "legend": []}


@pytest.mark.parametrize("entry, words", [
    ({"name": "x", "title": "x", "group": "nowhere", "geometry": "point", "features": print}, "group"),
    ({"name": "x", "title": "x", "group": "risk", "geometry": "line", "features": print}, "geometry"),
    ({"name": "x", "title": "x", "group": "risk", "geometry": "point", "features": "f"}, "callable"),
    ({"name": "x", "group": "risk", "geometry": "point", "features": print}, "missing"),
])
def test_a_wrong_entry_stops_the_start_naming_the_app(entry, words):
    with pytest.raises(ImproperlyConfigured, match=words) as exc:
        layers.layer_from(entry, "yingji.someapp")
    assert "yingji.someapp" in str(exc.value)


def test_two_apps_declaring_one_name_are_refused(monkeypatch):
    module = types.SimpleNamespace(LAYERS=[{"name": "warnings", "title": "重复", "group": "warnings",
                                            "geometry": "area", "features": print}])
    real_import = layers.importlib.import_module

    def fake_import(name):
        return module if name == "yingji.core.map_layers" else real_import(name)

    real_has = layers.module_has_submodule
    monkeypatch.setattr(layers, "module_has_submodule",
                        lambda package, name: package.__name__ == "yingji.core" or real_has(package, name))
    monkeypatch.setattr(layers.importlib, "import_module", fake_import)
    layers.registry.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="both"):
            layers.registry()
    finally:
        monkeypatch.undo()
        layers.registry.cache_clear()


def test_enterprise_accounts_and_nobody_see_no_layers():
    assert layers.visible_layers(Scope(region_code="331081", organization_id=7, role="enterprise")) == []
    assert layers.visible_layers(Scope(region_code=None)) == []  # type: ignore[arg-type]
    officer = Scope(region_code=WENLING, role="officer")
    assert {layer.name for layer in layers.visible_layers(officer)} >= set(EXISTING)
    groups = [layer.group for layer in layers.visible_layers(officer)]
    assert groups == sorted(groups, key=list(layers.GROUPS).index)  # grouped in the switcher's order
