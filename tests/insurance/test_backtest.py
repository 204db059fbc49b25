"""The typhoon backtest: exact circle boundary, a hand-made archive, and the real
1949-2024 CMA archive checked against storms read off the file by hand."""

import json
import math

import pytest
from django.core.management import call_command

from yingji.insurance.backtest import _near, backtest, evaluate_storm, storm_track
from yingji.insurance.policy_yaml import TyphoonSpec
from yingji.kernels.besttrack import parse_lines
from yingji.kernels.typhoon import Track

from ..conftest import needs
from .conftest import CMA_DIR, POLICY_FILE

TAIZHOU = TyphoonSpec(lon=121.1167, lat=28.65, radius_km=85.0,
                      payouts={12: 10e6, 13: 20e6, 14: 40e6, 15: 70e6, 16: 110e6, 17: 175e6})
KM_PER_DEGREE = 6371.0 * math.pi / 180  # along a meridian, on the policy's sphere


def _due_north(km: float, wind: float) -> Track:
    """One fix ``km`` due north of the centre: on a meridian the distance is R * dphi."""
    return Track.of(["2023-08-01T00:00"], [TAIZHOU.lat + km / KM_PER_DEGREE], [TAIZHOU.lon], [wind])


def test_a_position_at_85_0_km_is_inside():
    result = evaluate_storm(_due_north(85.0, 33.0), TAIZHOU)
    assert result.triggered and result.force == 12 and result.payout == 10e6


def test_a_position_at_85_1_km_is_outside():
    assert not evaluate_storm(_due_north(85.1, 60.0), TAIZHOU).triggered


def test_force_below_the_minimum_inside_the_circle_pays_nothing():
    result = evaluate_storm(_due_north(10.0, 32.6), TAIZHOU)  # 32.6 m/s is force 11
    assert not result.triggered and result.payout == 0


TWO_STORMS = """\
66666 2301    3 0001 2301 0 6 NEAR                               20240101
2023080100 4 270 1220  960      40
2023080106 4 286 1211  960      38
2023080112 3 300 1200  980      30
66666 2302    2 0002 2302 0 6 FAR                                20240101
2023090100 6 297 1211  910      62
2023090106 6 310 1211  910      62
"""


def test_a_hand_made_archive_triggers_only_the_storm_that_enters():
    """NEAR's second fix (28.6N 121.1E) lies 5.8 km from the centre by hand
    (dy = 0.05 deg = 5.56 km, dx = 0.0167 deg * 111.2 * cos 28.6 = 1.63 km) at 38 m/s,
    force 13; its other fixes are over 150 km away. FAR never comes nearer than
    29.7N: 1.05 deg = 116.8 km north, although at force above 17."""
    parsed = parse_lines(TWO_STORMS.splitlines(), "CH2023BST.txt")
    assert parsed.issues == []
    result = backtest(parsed.storms, TAIZHOU)
    assert [(t.name, t.force, t.payout) for t in result.triggers] == [("NEAR", 13, 20e6)]
    assert result.triggers[0].time == "2023-08-01T06:00:00+00:00"
    assert result.triggers[0].min_distance_km == pytest.approx(5.79, abs=0.02)
    assert result.years == 1 and result.annual_average == 20e6


@pytest.fixture(scope="module")
def archive_result(cma_archive):
    return backtest(cma_archive.storms, TAIZHOU)


def _trigger(result, cn_id):
    return next((t for t in result.triggers if t.storm_id.endswith(f"({cn_id})")), None)


def test_every_archive_file_parses_and_the_span_is_76_seasons(cma_archive, archive_result):
    assert cma_archive.issues == []
    assert (archive_result.first_year, archive_result.last_year, archive_result.years) == (1949, 2024, 76)


def test_lekima_1909_passed_over_taizhou_at_force_16(archive_result):
    """From CH2019BST.txt: 2019080918 28.3N 121.4E 52 m/s is 47.8 km from the centre
    (force 16: 51.0-56.0); 2019080921 28.6N 121.0E 40 m/s is the closest fix,
    dy = 0.05 deg = 5.56 km, dx = 0.1167 deg * 111.2 km * cos 28.6 = 11.39 km, 12.68 km;
    2019081000 28.9N 120.8E 33 m/s is 41.5 km; the fixes before (27.9N 121.7E, 101 km)
    and after (29.4N 120.6E, 97 km) are outside. Highest force inside: 16, RMB 110 m."""
    t = _trigger(archive_result, "1909")
    assert (t.name, t.force, t.payout) == ("LEKIMA", 16, 110e6)
    assert t.time == "2019-08-09T18:00:00+00:00"
    assert t.min_distance_km == pytest.approx(12.68, abs=0.05)


def test_rananim_0414_triggers_at_force_14(archive_result):
    """From CH2004BST.txt: only 2004081212 28.3N 121.3E (45 m/s, force 14) is inside,
    at dy 38.9 km, dx 0.1833 deg * 111.2 * cos 28.5 = 17.9 km: 42.8 km. The fixes
    before (27.4N 122.6E) and after (28.3N 120.0E, 115.8 km) are outside."""
    t = _trigger(archive_result, "0414")
    assert (t.force, t.payout) == (14, 40e6)
    assert t.min_distance_km == pytest.approx(42.85, abs=0.05)


def test_saomai_0608_landed_in_wenzhou_and_does_not_trigger(archive_result):
    """Its nearest fixes, 27.0N 121.2E and 27.2N 120.0E, are 1.65 and 1.45 deg of
    latitude south of the centre alone: over 160 km."""
    assert _trigger(archive_result, "0608") is None


def test_the_box_prefilter_drops_no_trigger(cma_archive):
    for interpolate in (False, True):
        full = [s.storm_id for s in cma_archive.storms
                if evaluate_storm(storm_track(s), TAIZHOU, interpolate=interpolate).triggered]
        kept = [s.storm_id for s in cma_archive.storms if _near(s, TAIZHOU, 1.0)]
        assert set(full) <= set(kept)


def test_interpolation_never_loses_a_storm_the_fixes_catch(cma_archive, archive_result):
    """Interpolated tracks keep every official fix, so they can only add triggers."""
    interpolated = backtest(cma_archive.storms, TAIZHOU, interpolate=True)
    assert {t.storm_id for t in archive_result.triggers} <= {t.storm_id for t in interpolated.triggers}


@needs(CMA_DIR)
def test_the_backtest_command_is_reproducible(capsys):
    outputs = []
    for _ in range(2):
        call_command("insurance", "backtest", str(POLICY_FILE), "--tracks", str(CMA_DIR), "--format", "json")
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    data = json.loads(outputs[0])
    assert set(data) == {"triggers", "years", "total_payout", "annual_average"}
    assert set(data["triggers"][0]) == {"storm_id", "name", "time", "min_distance_km", "force", "payout"}
    assert data["total_payout"] == sum(t["payout"] for t in data["triggers"])
    assert data["annual_average"] == pytest.approx(data["total_payout"] / data["years"], abs=0.01)


def test_the_table_shows_the_burning_cost_against_the_premium(capsys, tmp_path):
    archive = tmp_path / "CH2023BST.txt"
    archive.write_text(TWO_STORMS)
    call_command("insurance", "backtest", str(POLICY_FILE), "--tracks", str(archive))
    out = capsys.readouterr().out
    # one season, one trigger at force 13: 20 m against a premium of 16 m
    assert "NEAR" in out and "FAR" not in out and "125.0%" in out


def test_a_missing_tracks_directory_is_a_clear_error(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No such path"):
        call_command("insurance", "backtest", str(POLICY_FILE), "--tracks", str(tmp_path / "nowhere"))
