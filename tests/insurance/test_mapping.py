"""The backtest map: a PNG of a fixed size, one line per triggering storm (read off the
matplotlib Figure, not its pixels), segments coloured by the force at their start, and
a circle whose every vertex lies at the radius."""

import struct

import numpy as np
import pytest
from django.core.management import call_command
from matplotlib.colors import to_hex

from yingji.insurance.mapping import (
    BELOW_COLOUR,
    DPI,
    FIGSIZE_IN,
    FORCE_COLOURS,
    backtest_map,
    circle_outline,
    force_colour,
    save_png,
)
from yingji.kernels.besttrack import parse_lines
from yingji.kernels.geodesy import haversine_km

from .conftest import POLICY_FILE
from .test_backtest import TWO_STORMS

WIDTH, HEIGHT = int(FIGSIZE_IN[0] * DPI), int(FIGSIZE_IN[1] * DPI)


def _png_size(path) -> tuple[int, int]:
    """Width and height from the PNG signature and IHDR chunk (PNG spec, section 11.2.2)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])


def _tracks(fig) -> dict:
    ax = fig.axes[0]
    return {c.get_gid(): c for c in ax.collections if (c.get_gid() or "").startswith("track:")}


def test_the_hand_made_archive_draws_only_near_with_its_forces(policy_spec, tmp_path):
    """NEAR (fixes at 40, 38, 30 m/s: forces 13, 13, 11) enters the circle; FAR never
    comes nearer than 116.8 km (see test_backtest). Two segments, each coloured by
    the force at its start: 13 and 13."""
    storms = parse_lines(TWO_STORMS.splitlines(), "CH2023BST.txt").storms
    fig, result = backtest_map(policy_spec.typhoon, storms)
    lines = _tracks(fig)
    assert list(lines) == ["track:2023-01 (2301)"] and len(result.triggers) == 1
    colours = [to_hex(c) for c in lines["track:2023-01 (2301)"].get_colors()]
    assert colours == [FORCE_COLOURS[13], FORCE_COLOURS[13]]
    assert len(lines["track:2023-01 (2301)"].get_segments()) == 2

    path = save_png(fig, tmp_path / "near.png")
    assert _png_size(path) == (WIDTH, HEIGHT) == (800, 800)


def test_the_archive_map_has_one_line_per_triggering_storm(policy_spec, cma_archive):
    fig, result = backtest_map(policy_spec.typhoon, cma_archive.storms)
    assert len(result.triggers) > 0
    assert sorted(_tracks(fig)) == sorted(f"track:{t.storm_id}" for t in result.triggers)
    assert any("LEKIMA" in t.name.upper() for t in result.triggers)


def test_every_vertex_of_the_circle_lies_at_the_radius():
    lon, lat = circle_outline(121.1167, 28.65, 85.0)
    assert np.allclose(haversine_km(121.1167, 28.65, lon, lat), 85.0, atol=1e-6)
    assert lon.min() < 121.1167 < lon.max() and lat.min() < 28.65 < lat.max()


@pytest.mark.parametrize(("force", "colour"), [(None, BELOW_COLOUR), (11, BELOW_COLOUR), (12, FORCE_COLOURS[12]),
                                               (17, FORCE_COLOURS[17]), (18, FORCE_COLOURS[17])])
def test_force_colours_group_above_17_with_17(force, colour):
    assert force_colour(force) == colour


def test_the_map_command_writes_the_png(tmp_path, capsys):
    tracks = tmp_path / "CH2023BST.txt"
    tracks.write_text(TWO_STORMS)
    out = tmp_path / "maps" / "taizhou.png"
    call_command("insurance", "map", str(POLICY_FILE), "--tracks", str(tracks), "--out", str(out))
    assert _png_size(out) == (WIDTH, HEIGHT)
    assert "1 个触发台风" in capsys.readouterr().out
