"""The backtest map (回测图): the trigger circle, Zhejiang's city outlines and the tracks
of the storms that triggered, coloured by wind force, as a PNG drawn with matplotlib.

The force colours are shared with the Leaflet map of the policy page, so the two maps
read alike. matplotlib is imported on first use (Agg backend: no display needed), so
importing this module for the colours costs nothing.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..kernels.geodesy import EARTH_RADIUS_KM
from ..kernels.typhoon import Track, wind_force

OUTLINES = Path(__file__).resolve().parents[1] / "web" / "static" / "web" / "zhejiang-cities.geojson"

BELOW_COLOUR = "#9aa5b1"
FORCE_COLOURS = {12: "#f2c12e", 13: "#f28e2b", 14: "#e15759", 15: "#b5179e", 16: "#7209b7", 17: "#3a0ca3"}
"""Force 12..17; 17 also stands for "above 17" (code 18)."""

FIGSIZE_IN = (8.0, 8.0)
DPI = 100
"""The PNG is FIGSIZE_IN × DPI pixels (800 × 800): fixed, so reports can lay it out."""
VIEW_DEG = 4.0  # degrees around the centre shown at most: the tracks' approach, not their whole life
MAX_LISTED = 25  # storms named in the map's list


def force_colour(force: int | None) -> str:
    if force is None or force < 12:
        return BELOW_COLOUR
    return FORCE_COLOURS[min(force, 17)]


def force_legend() -> list[tuple[str, str]]:
    """(label, colour) for the legend, weakest first."""
    labels = [("12 级以下", BELOW_COLOUR)]
    labels += [(f"{f} 级{'及以上' if f == 17 else ''}", c) for f, c in FORCE_COLOURS.items()]
    return labels


@dataclass(frozen=True)
class MapTrack:
    """A track to draw: its code and name, and the positions (wind in m/s, may be NaN)."""

    code: str
    name: str
    track: Track


def circle_outline(lon: float, lat: float, radius_km: float, points: int = 181) -> tuple[np.ndarray, np.ndarray]:
    """The circle of ``radius_km`` around (lon, lat) on the sphere of the trigger's
    default distance, as lon/lat arrays (the destination-point formula at each bearing)."""
    phi1, lam1 = math.radians(lat), math.radians(lon)
    delta = radius_km / EARTH_RADIUS_KM
    theta = np.linspace(0, 2 * np.pi, points)
    phi2 = np.arcsin(np.sin(phi1) * np.cos(delta) + np.cos(phi1) * np.sin(delta) * np.cos(theta))
    lam2 = lam1 + np.arctan2(np.sin(theta) * np.sin(delta) * np.cos(phi1),
                             np.cos(delta) - np.sin(phi1) * np.sin(phi2))
    return np.degrees(lam2), np.degrees(phi2)


def _outline_rings(path: Path = OUTLINES):
    """Every ring of every city polygon as (name, lon array, lat array)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for feature in data["features"]:
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for polygon in polygons:
            for ring in polygon:
                a = np.asarray(ring, dtype=float)
                yield feature["properties"]["name"], a[:, 0], a[:, 1]


def draw_backtest_map(circle_lon: float, circle_lat: float, radius_km: float, tracks: list[MapTrack], *,
                      title: str = "", outlines: Path = OUTLINES):
    """A matplotlib Figure: city outlines, the circle, and one line per track (a
    LineCollection whose segments take the force at their start; ``gid`` "track:CODE").
    The view spans the circle and the tracks' parts within VIEW_DEG of it."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    _chinese_font(matplotlib)
    fig = Figure(figsize=FIGSIZE_IN, dpi=DPI)
    ax = fig.add_subplot(1, 1, 1)
    for _name, lon, lat in _outline_rings(outlines):
        ax.fill(lon, lat, facecolor="#eef2f7", edgecolor="#8a9bb3", linewidth=0.6, zorder=1)
    clon, clat = circle_outline(circle_lon, circle_lat, radius_km)
    ax.plot(clon, clat, color="#c0392b", linewidth=2.5, zorder=7, gid="circle")
    ax.plot([circle_lon], [circle_lat], marker="+", color="#c0392b", markersize=10, zorder=7)
    for t in tracks:
        _draw_track(ax, t, LineCollection)
    _frame(ax, circle_lon, circle_lat, radius_km, tracks)
    handles = [Line2D([], [], color="#c0392b", linewidth=2, label=f"巨灾框 {radius_km:g} km")]
    handles += [Patch(color=c, label=label) for label, c in force_legend()]
    ax.legend(handles=handles, loc="lower right", fontsize=8, framealpha=0.9, title="风力", title_fontsize=8)
    if tracks:
        names = "\n".join(f"{t.code} {t.name}".strip() for t in tracks[:MAX_LISTED])
        more = f"\n… 另 {len(tracks) - MAX_LISTED} 个" if len(tracks) > MAX_LISTED else ""
        ax.text(0.01, 0.99, names + more, transform=ax.transAxes, va="top", ha="left", fontsize=7,
                zorder=8, bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "#cccccc"})
    ax.set_title(title or f"触发台风路径（{len(tracks)} 个）", fontsize=11)
    ax.set_xlabel("经度 °E")
    ax.set_ylabel("纬度 °N")
    fig.subplots_adjust(left=0.09, right=0.97, bottom=0.07, top=0.95)
    return fig


def _draw_track(ax, t: MapTrack, line_collection) -> None:
    lon, lat = np.asarray(t.track.lon, float), np.asarray(t.track.lat, float)
    lon = np.where(lon > 180, lon - 360, lon)
    forces = np.atleast_1d(wind_force(np.asarray(t.track.wind, float)))
    colours = [force_colour(int(f) if f >= 0 else None) for f in forces]
    points = np.column_stack([lon, lat])
    segments = np.stack([points[:-1], points[1:]], axis=1) if len(points) > 1 else np.empty((0, 2, 2))
    lines = line_collection(segments, colors=colours[:-1] or [BELOW_COLOUR], linewidths=2, zorder=4,
                            gid=f"track:{t.code}", label=f"{t.code} {t.name}".strip())
    ax.add_collection(lines)
    ax.scatter(lon, lat, c=colours, s=8, zorder=5)


def _frame(ax, clon: float, clat: float, radius_km: float, tracks: list[MapTrack]) -> None:
    """Equal distances look equal (aspect 1/cos(lat)); the circle plus the tracks near it."""
    half = radius_km / 111.0
    lons, lats = [clon - 3 * half, clon + 3 * half], [clat - 3 * half, clat + 3 * half]
    for t in tracks:
        lon = np.where(t.track.lon > 180, t.track.lon - 360, t.track.lon)
        near = (np.abs(lon - clon) < VIEW_DEG) & (np.abs(t.track.lat - clat) < VIEW_DEG)
        lons += list(lon[near])
        lats += list(t.track.lat[near])
    ax.set_xlim(min(lons) - 0.5, max(lons) + 0.5)
    ax.set_ylim(min(lats) - 0.5, max(lats) + 0.5)
    ax.set_aspect(1 / math.cos(math.radians(clat)))
    ax.grid(True, color="#dddddd", linewidth=0.5, zorder=0)


def _chinese_font(matplotlib) -> None:
    """Use a CJK font when one is installed, so Chinese labels are not boxes."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
                 "Source Han Sans SC", "SimHei", "Microsoft YaHei", "AR PL UMing CN"):
        if name in names:
            matplotlib.rcParams["font.sans-serif"] = [name, *matplotlib.rcParams["font.sans-serif"]]
            break
    matplotlib.rcParams["axes.unicode_minus"] = False


def save_png(fig, path: str | Path) -> Path:
    """Write the figure as a PNG of exactly FIGSIZE_IN × DPI pixels."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=DPI)  # no bbox_inches="tight": it would change the size
    return path


def backtest_map(spec, storms: list, *, interpolate: bool | None = None, name: str = ""):
    """Run the backtest of ``spec`` (a TyphoonSpec) over parsed CMA storms and draw the
    triggering ones. Returns (figure, backtest result)."""
    from .backtest import backtest, storm_codes, storm_track

    result = backtest(storms, spec, interpolate=interpolate)
    by_code = dict(storm_codes(storms))
    tracks = [MapTrack(t.storm_id, t.name, storm_track(by_code[t.storm_id])) for t in result.triggers]
    title = (f"{name + '：' if name else ''}{result.first_year}–{result.last_year} 年触发台风 "
             f"{len(tracks)} 个（半径 {spec.radius_km:g} km，{spec.min_force} 级以上）")
    return draw_backtest_map(spec.lon, spec.lat, spec.radius_km, tracks, title=title), result
