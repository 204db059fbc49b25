#!/usr/bin/env python3
"""Decode an ECharts 4 map file into plain GeoJSON (run once; the output is committed).

Source: the npm package echarts@4.8.0 (Apache-2.0, https://echarts.apache.org),
file `map/json/province/zhejiang.json`: the 11 cities of Zhejiang. Fetched with
`npm pack echarts@4.8.0` in a temporary directory, outside the repository.

ECharts stores each ring as a string ("UTF8Encoding"): every coordinate is two
characters, each `code - 64` a zigzag-encoded delta from the previous point, starting
from `encodeOffsets`, in units of 1/UTF8Scale degree (1024 by default). This is a line
for line port of `decode`/`decodePolygon` in echarts/src/coord/geo/parseGeoJson.js.

Usage:
    python scripts/decode_echarts_map.py PATH/TO/zhejiang.json \
        src/yingji/web/static/web/zhejiang-cities.geojson
"""

import json
import sys

DEFAULT_SCALE = 1024
DECIMALS = 5  # 1/1024 degree is about 100 m: five decimals keep every bit of it that matters


def zigzag(n: int) -> int:
    return (n >> 1) ^ (-(n & 1))


def decode_ring(encoded: str, offset: list[int], scale: float) -> list[list[float]]:
    x, y = offset
    ring = []
    for i in range(0, len(encoded), 2):
        x += zigzag(ord(encoded[i]) - 64)
        y += zigzag(ord(encoded[i + 1]) - 64)
        ring.append([round(x / scale, DECIMALS), round(y / scale, DECIMALS)])
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])  # GeoJSON rings are closed; ECharts' need not be
    return ring


def decode_geometry(geometry: dict, scale: float) -> dict:
    offsets = geometry["encodeOffsets"]
    if geometry["type"] == "Polygon":
        rings = [decode_ring(r, offsets[i], scale) for i, r in enumerate(geometry["coordinates"])]
    elif geometry["type"] == "MultiPolygon":
        rings = [[decode_ring(r, offsets[i][j], scale) for j, r in enumerate(polygon)]
                 for i, polygon in enumerate(geometry["coordinates"])]
    else:
        raise ValueError(f"unexpected geometry {geometry['type']}")
    return {"type": geometry["type"], "coordinates": rings}


def decode(echarts_map: dict) -> dict:
    if not echarts_map.get("UTF8Encoding"):
        raise ValueError("not an ECharts UTF8Encoding map")
    scale = echarts_map.get("UTF8Scale") or DEFAULT_SCALE
    features = []
    for f in echarts_map["features"]:
        # ECharts ids are 6-digit division codes (331000); Yingji's city codes are 4 digits.
        props = {"code": f["id"][:4], "name": f["properties"]["name"]}
        features.append({"type": "Feature", "properties": props,
                         "geometry": decode_geometry(f["geometry"], scale)})
    return {"type": "FeatureCollection", "features": features}


def main(src: str, dst: str) -> None:
    with open(src, encoding="utf-8") as f:
        geojson = decode(json.load(f))
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(geojson, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"{len(geojson['features'])} features written to {dst}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
