"""The map's API: the layer list, a layer in a viewport, clustering, bad input, audit and
access by region (declared in TestMapIsolation, tested by hand below: the answers are
FeatureCollections, not paged lists)."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.command import selectors_map
from yingji.command.layers import Layer, registry
from yingji.command.services import map as map_services
from yingji.core.models import AuditRecord
from yingji.core.scope import Scope

from ..access.isolation import IsolationCases
from .map_fixtures import VIEW, VIEW_TEXT, ids, world  # noqa: F401

pytestmark = pytest.mark.django_db


class TestMapIsolation(IsolationCases):
    elsewhere = {"GET /api/map/layers", "GET /api/map/layers/{name}"}  # tested by hand below


def layer(client, name, **params):
    return client.get(f"/api/map/layers/{name}", params)


def test_the_layer_list_names_groups_and_geometry(api_as, wenling_officer):
    body = api_as(wenling_officer).get("/api/map/layers").json()
    by_name = {row["name"]: row for row in body["layers"]}
    assert by_name["risk_points"]["group"] == "risk" and by_name["risk_points"]["geometry"] == "point"
    assert by_name["warnings"]["geometry"] == "area" and by_name["warnings"]["title"]
    assert [g["name"] for g in body["groups"]][:2] == ["warnings", "response"]


def test_a_layer_is_a_feature_collection_of_the_viewport(api_as, world):
    body = layer(api_as(world["officer"]), "risk_points", bbox=VIEW_TEXT).json()
    assert body["type"] == "FeatureCollection" and body["clustered"] is False
    assert ids(body["features"]) == {world["points"]["slope"].pk, world["points"]["pond"].pk}
    assert body["total"] == 2


def test_another_countys_features_never_reach_the_officer(api_as, world):
    client = api_as(world["officer"])
    for name in registry():
        feats = layer(client, name).json()["features"]
        assert all(not str(f["properties"].get("region", "")).startswith("331082") for f in feats), name
    p = world["points"]
    assert p["linhai"].pk not in ids(layer(client, "risk_points").json()["features"])
    # The control: the Linhai officer sees Linhai's point with the same request.
    assert p["linhai"].pk in ids(layer(api_as(world["linhai_officer"]), "risk_points").json()["features"])


def test_enterprise_accounts_get_no_layers(api_as, enterprise_user, world):
    client = api_as(enterprise_user)
    assert client.get("/api/map/layers").json()["layers"] == []
    r = layer(client, "risk_points")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_anonymous_callers_are_refused(api_as):
    assert api_as(None).get("/api/map/layers").status_code == 401
    assert api_as(None).get("/api/map/layers/risk_points").status_code == 401


def test_an_unknown_layer_is_not_found(api_as, wenling_officer):
    r = layer(api_as(wenling_officer), "no_such_layer")
    assert r.status_code == 404
    assert r.json()["error"]["message"] == "没有这个图层 / No such map layer"


@pytest.mark.parametrize("bbox, reason", [
    ("121.3,28.3,121.5", "expected minlon,minlat,maxlon,maxlat"),
    ("121.3,28.3,121.5,abc", "a value is not a number"),
    ("121.3,28.3,nan,28.45", "a value is not finite"),
    ("121.3,28.3,inf,28.45", "a value is not finite"),
    ("181,28.3,182,28.45", "longitudes must be between -180 and 180"),
    ("121.3,-91,121.5,28.45", "latitudes must be between -90 and 90"),
    ("121.5,28.3,121.3,28.45", "a minimum is greater than its maximum"),
])
def test_a_bad_bbox_is_a_bilingual_400_naming_the_field(api_as, wenling_officer, bbox, reason):
    r = layer(api_as(wenling_officer), "risk_points", bbox=bbox)
    assert r.status_code == 400, r.content
    error = r.json()["error"]
    assert error["message"].startswith("视野范围 bbox 有误") and f"Invalid bbox: {reason}" in error["message"]
    assert reason in error["fields"]["bbox"] and " / " in error["fields"]["bbox"]


@pytest.mark.parametrize("zoom", ["-1", "23", "x", "999"])
def test_a_bad_zoom_is_a_400_naming_the_field(api_as, wenling_officer, zoom):
    r = layer(api_as(wenling_officer), "risk_points", bbox=VIEW_TEXT, zoom=zoom)
    assert r.status_code == 400 and "zoom" in r.json()["error"]["fields"]


def test_past_the_limit_points_come_as_clusters_whose_counts_add_up(api_as, world, monkeypatch):
    """Three Wenling points: (121.35, 28.35), (121.45, 28.41), (121.61, 28.21). At zoom 8 a
    cell is 360 / 2^8 × 64 / 256 = 0.3515625°, and all three fall in the cell (345, 80)
    (e.g. 121.61 / 0.3515625 = 345.9, 28.21 / 0.3515625 = 80.2): one cluster of 3 at their
    mean. At zoom 12 (0.02197°) each is alone in its cell."""
    monkeypatch.setattr(selectors_map, "MAX_FEATURES", 2)
    client = api_as(world["officer"])
    body = layer(client, "risk_points", zoom="8").json()
    assert body["clustered"] is True and body["total"] == 3
    [cluster] = body["features"]
    assert cluster["properties"]["cluster"] is True and cluster["properties"]["count"] == 3
    assert cluster["properties"]["id"] == "cluster:345:80"
    lon, lat = cluster["geometry"]["coordinates"]
    assert lon == pytest.approx((121.35 + 121.45 + 121.61) / 3) and lat == pytest.approx((28.35 + 28.41 + 28.21) / 3)
    fine = layer(client, "risk_points", zoom="12").json()
    assert [f["properties"]["count"] for f in fine["features"]] == [1, 1, 1]
    # The viewport's two points are within the limit of 2: drawn as they are.
    inside = layer(client, "risk_points", bbox=VIEW_TEXT, zoom="12").json()
    assert inside["clustered"] is False and len(inside["features"]) == 2
    monkeypatch.setattr(selectors_map, "MAX_FEATURES", 1)
    inside = layer(client, "risk_points", bbox=VIEW_TEXT, zoom="12").json()
    assert inside["clustered"] is True and sum(f["properties"]["count"] for f in inside["features"]) == 2


def test_layers_without_a_queryset_are_clustered_in_python_with_the_same_counts(monkeypatch):
    points = [(121.35, 28.35), (121.45, 28.41), (121.61, 28.21), (120.10, 30.20)]

    def features(*, user, bbox):
        return [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]},
                 "properties": {"id": i, "label": str(i)}} for i, (x, y) in enumerate(points)]

    monkeypatch.setattr(selectors_map, "MAX_FEATURES", 3)
    fake = Layer(name="t", title="t", group="resources", geometry="point", features=features)
    body = selectors_map.layer_features(scope=Scope(region_code=""), user=None, layer=fake, bbox=None, zoom=8)
    counts = {f["properties"]["id"]: f["properties"]["count"] for f in body["features"]}
    # 120.10 / 0.3515625 = 341.6, 30.20 / 0.3515625 = 85.9: a cell of its own.
    assert counts == {"cluster:345:80": 3, "cluster:341:85": 1}
    assert sum(counts.values()) == len(points) == body["total"]


def test_reads_are_audited_once_per_reader_and_layer_per_window(api_as, world):
    client, officer = api_as(world["officer"]), world["officer"]
    before = AuditRecord.objects.filter(action="map_view").count()
    for _ in range(3):  # the map refreshing and panning
        assert layer(client, "risk_points", bbox=VIEW_TEXT).status_code == 200
    layer(client, "shelters", bbox=VIEW_TEXT)
    records = list(AuditRecord.objects.filter(action="map_view").order_by("seq")[before:])
    assert [r.after["layer"] for r in records] == ["risk_points", "shelters"]
    first = records[0]
    assert first.actor_id == officer.user_id and first.region_code == "331081"
    assert first.after == {"layer": "risk_points", "bbox": list(VIEW), "features": 2, "clustered": False}
    # Another reader of the same layer gets their own record.
    layer(api_as(world["linhai_officer"]), "risk_points")
    assert AuditRecord.objects.filter(action="map_view").count() == before + 3


def test_after_the_window_a_read_is_audited_again(world):
    user, scope = world["officer"].user, Scope.for_user(world["officer"].user)
    later = timezone.now() + map_services.READ_WINDOW + dt.timedelta(minutes=1)
    assert map_services.record_read(user=user, scope=scope, layer="shelters", bbox=None, total=1, clustered=False)
    assert not map_services.record_read(user=user, scope=scope, layer="shelters", bbox=None, total=1,
                                        clustered=False)
    assert map_services.record_read(user=user, scope=scope, layer="shelters", bbox=None, total=1, clustered=False,
                                    now=later)


def test_an_invalid_request_writes_no_audit_record(api_as, wenling_officer):
    count = AuditRecord.objects.count()
    layer(api_as(wenling_officer), "risk_points", bbox="1,2")
    layer(api_as(wenling_officer), "nope")
    assert AuditRecord.objects.count() == count
