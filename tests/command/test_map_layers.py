"""Each app's map layer against the hand-built world (map_fixtures): the right features,
only within the viewport, never another county's."""

import pytest

from yingji.command.layers import registry

from ..conftest import WENLING, WENLING_TOWN
from .map_fixtures import LINHAI_VIEW, VIEW, W1, W2, W_FAR, ids, world  # noqa: F401

pytestmark = pytest.mark.django_db


def features(name, person, bbox):
    return registry()[name].features(user=person.user, bbox=bbox)


def test_risk_points_in_the_viewport_of_the_officers_county(world):
    officer, p = world["officer"], world["points"]
    assert ids(features("risk_points", officer, VIEW)) == {p["slope"].pk, p["pond"].pk}
    # No viewport: all of Wenling's placed points; the one without a position is not drawn.
    assert ids(features("risk_points", officer, None)) == {p["slope"].pk, p["pond"].pk, p["far"].pk}
    assert ids(features("risk_points", officer, LINHAI_VIEW)) == set()
    assert ids(features("risk_points", world["linhai_officer"], None)) == {p["linhai"].pk}


def test_risk_points_carry_their_control_state(world):
    from yingji.response.services import riskcontrol

    officer, p = world["officer"], world["points"]
    riskcontrol.state_report(by=officer.user, risk_point_id=p["slope"].pk, state="evacuated")
    states = {f["properties"]["id"]: f["properties"]["state"] for f in features("risk_points", officer, VIEW)}
    assert states == {p["slope"].pk: "evacuated", p["pond"].pk: "none"}
    slope = next(f for f in features("risk_points", officer, VIEW) if f["properties"]["id"] == p["slope"].pk)
    assert slope["geometry"] == {"type": "Point", "coordinates": [121.35, 28.35]}
    assert slope["properties"]["label"] == "后山滑坡点"


def test_villages_show_their_evacuation_progress(world):
    rows = {f["properties"]["id"]: f["properties"] for f in features("evacuation_villages", world["officer"], VIEW)}
    assert set(rows) == {W1, W2}  # W_FAR lies outside the viewport, Linhai's village outside the scope
    # W1: households of 3 and 2 persons to move, none moved yet.
    assert (rows[W1]["planned"], rows[W1]["planned_households"], rows[W1]["moved"]) == (5, 2, 0)
    assert rows[W2]["planned"] == 4
    assert W_FAR in ids(features("evacuation_villages", world["officer"], None))


def test_shelters_by_occupancy(world):
    s = world["shelters"]
    rows = features("shelters", world["officer"], VIEW)
    assert ids(rows) == {s["school"].pk}
    assert (rows[0]["properties"]["capacity"], rows[0]["properties"]["occupancy"]) == (100, 0)
    assert ids(features("shelters", world["officer"], None)) == {s["school"].pk, s["far"].pk}
    assert ids(features("shelters", world["linhai_officer"], None)) == {s["linhai"].pk}


def test_supervised_hazards_at_their_enterprise(world):
    h = world["hazards"]
    rows = features("supervised_hazards", world["officer"], VIEW)
    assert ids(rows) == {h["in_view"].pk}  # not the unlisted one, not the far one, not Linhai's
    assert rows[0]["geometry"]["coordinates"] == [121.40, 28.38]
    assert ids(features("supervised_hazards", world["officer"], None)) == {h["in_view"].pk, h["far"].pk}
    assert ids(features("supervised_hazards", world["linhai_officer"], None)) == {h["linhai"].pk}


def test_warnings_in_force_over_the_county_and_above_it(world):
    w = world["warnings"]
    rows = features("warnings", world["officer"], VIEW)
    # Wenling's own (drawn at the county's point) and Taizhou's (the city's outline);
    # not Linhai's, not the expired or cancelled ones.
    assert ids(rows) == {w["wenling"].pk, w["taizhou"].pk}
    shapes = {f["properties"]["region"]: f["geometry"]["type"] for f in rows}
    assert shapes == {WENLING: "Point", "3310": "Polygon"} or shapes == {WENLING: "Point", "3310": "MultiPolygon"}
    assert ids(features("warnings", world["linhai_officer"], None)) == {w["linhai"].pk, w["taizhou"].pk}


def test_response_levels_in_force(world):
    lv = world["levels"]
    rows = features("response_levels", world["officer"], VIEW)
    assert ids(rows) == {lv["wenling"].pk}
    assert rows[0]["properties"]["grade"] == "III"
    assert ids(features("response_levels", world["linhai_officer"], None)) == {lv["linhai"].pk}


def test_inundation_shows_the_latest_run_of_each_watershed(world):
    r = world["runs"]
    rows = features("inundation", world["officer"], VIEW)
    assert ids(rows) == {r["new"].pk}
    assert rows[0]["geometry"]["coordinates"][0][:3] == [[121.31, 28.31], [121.37, 28.31], [121.37, 28.35]]
    assert ids(features("inundation", world["officer"], (121.0, 28.0, 121.2, 28.1))) == set()
    assert ids(features("inundation", world["linhai_officer"], None)) == {r["linhai"].pk}


def test_properties_are_plain_values(world):
    """Text and numbers only: the page draws them with textContent, never as HTML."""
    for name in registry():
        for feature in features(name, world["officer"], None):
            for value in feature["properties"].values():
                assert value is None or isinstance(value, (str, int, float, bool)), (name, value)
    assert WENLING_TOWN  # the world is Wenling's


@pytest.mark.parametrize("name", ["risk_points", "evacuation_villages", "shelters", "supervised_hazards"])
def test_database_clusters_count_exactly_the_features(world, monkeypatch, name):
    """Every point layer clustered in the database (limit 0): the counts add up to the
    features the layer draws unclustered, over the whole scope at a coarse (cached) and a
    fine grid, and in a viewport at the fine grid."""
    from yingji.command import selectors_map
    from yingji.core.scope import Scope

    layer, user = registry()[name], world["officer"].user
    for bbox, zooms in ((None, (6, 14)), (VIEW, (14,))):
        expected = len(layer.features(user=user, bbox=bbox))
        monkeypatch.setattr(selectors_map, "MAX_FEATURES", 0)
        for zoom in zooms:
            body = selectors_map.layer_features(scope=Scope.for_user(user), user=user, layer=layer, bbox=bbox,
                                                zoom=zoom)
            counts = [f["properties"]["count"] for f in body["features"]]
            assert body["total"] == expected and sum(counts) == expected, (name, bbox, zoom, counts)
            assert all(f["properties"]["cluster"] for f in body["features"])
        monkeypatch.undo()
        assert expected >= 1  # the viewport holds at least one of each


def test_zoomed_out_a_viewport_gets_the_whole_cells_positioned_in_it(world, monkeypatch):
    """Zoom 6: a cell is 360 / 64 × 64 / 256 = 1.40625°. Wenling's three placed risk points
    (121.35, 28.35), (121.45, 28.41), (121.61, 28.21) share the cell (86, 20), whose cluster
    stands at their mean (121.47, 28.3233): inside VIEW, so VIEW gets all three, the far
    one included (the cell, not the viewport, is what is counted, as in Supercluster); a
    viewport beside the mean gets none. The grid is kept for GRID_CACHE_SECONDS: a point
    added meanwhile counts once the grid is made again."""
    from django.core.cache import cache

    from yingji.command import selectors_map
    from yingji.core.scope import Scope

    from .map_fixtures import _point

    monkeypatch.setattr(selectors_map, "MAX_FEATURES", 1)
    layer, officer = registry()["risk_points"], world["officer"]
    scope = Scope.for_user(officer.user)

    def ask(bbox):
        return selectors_map.layer_features(scope=scope, user=officer.user, layer=layer, bbox=bbox, zoom=6)

    [cluster] = ask(VIEW)["features"]
    assert cluster["properties"]["count"] == 3 and cluster["properties"]["id"] == "cluster:86:20"
    assert cluster["geometry"]["coordinates"] == [round((121.35 + 121.45 + 121.61) / 3, 6),
                                                  round((28.35 + 28.41 + 28.21) / 3, 6)]
    assert ask((121.30, 28.30, 121.46, 28.45))["features"] == []
    _point(officer, W1, "新增滑坡点", 121.40, 28.39)
    assert ask(VIEW)["features"][0]["properties"]["count"] == 3  # within the cache's 30 s
    cache.clear()
    assert ask(VIEW)["features"][0]["properties"]["count"] == 4
