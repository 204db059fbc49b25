"""The committed Zhejiang city outlines and the script that decoded them from ECharts."""

import importlib.util
import json
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

ROOT = Path(__file__).resolve().parents[2]
GEOJSON = ROOT / "src/yingji/web/static/web/zhejiang-cities.geojson"


def _decoder():
    spec = importlib.util.spec_from_file_location("decode_echarts_map", ROOT / "scripts/decode_echarts_map.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ring_decoding_follows_echarts_zigzag_deltas():
    # '@' is 64 (delta 0), 'B' is 66 → zigzag 2 → +1, 'A' is 65 → zigzag 1 → -1.
    ring = _decoder().decode_ring("@@BA", [1024, 2048], 1024)
    expected = [[1.0, 2.0], [1025 / 1024, 2047 / 1024], [1.0, 2.0]]  # closed, as GeoJSON wants
    assert len(ring) == len(expected)
    for got, want in zip(ring, expected):
        assert got == pytest.approx(want, abs=1e-5)  # stored to five decimals


@pytest.fixture(scope="module")
def cities():
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    return {f["properties"]["code"]: (f["properties"]["name"], shape(f["geometry"])) for f in features}


def test_outlines_hold_the_eleven_cities_by_their_region_codes(cities):
    assert sorted(cities) == [f"33{n:02d}" for n in range(1, 12)]
    assert cities["3310"][0] == "台州市"


@pytest.mark.parametrize("lng, lat, city", [
    (120.148, 30.242, "3301"),  # West Lake, Hangzhou
    (121.550, 29.874, "3302"),  # Tianyi Square, Ningbo
    (120.699, 27.994, "3303"),  # Wenzhou city centre
    (121.386, 28.375, "3310"),  # Wenling, Taizhou
    (121.170, 28.858, "3310"),  # Linhai, Taizhou
    (119.922, 28.451, "3311"),  # Lishui city centre
])
def test_known_places_fall_inside_their_own_city(cities, lng, lat, city):
    inside = [code for code, (_, outline) in cities.items() if outline.buffer(0).contains(Point(lng, lat))]
    assert inside == [city]
