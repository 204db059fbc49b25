"""Cross-section hydraulics against closed forms (Chow 1959, Open-Channel Hydraulics,
Table 2-1: geometric elements of channel sections) and Manning's equation by hand."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from yingji.kernels.section import (
    CrossSection,
    discharge,
    rating,
    stage_for_discharge,
    velocity,
)

B, WALL = 4.0, 3.0
RECTANGLE = CrossSection([(0, WALL), (0, 0), (B, 0), (B, WALL)])
# Trapezoid: bottom width b = 2 m, side slopes 1 vertical : m = 2 horizontal, banks 3 m high.
b, m = 2.0, 2.0
TRAPEZOID = CrossSection([(0, 3), (m * 3, 0), (m * 3 + b, 0), (2 * m * 3 + b, 3)])
# Triangle (V): side slopes 1 : 1.5, 2 m deep.
TRIANGLE = CrossSection([(0, 2), (3, 0), (6, 2)])


def manning(area, perimeter, n, slope):
    return area * (area / perimeter) ** (2 / 3) * math.sqrt(slope) / n


@pytest.mark.parametrize("y", [0.1, 0.75, 2.0, 2.999])
def test_rectangle_matches_closed_form(y):
    g = RECTANGLE.geometry(y)
    assert g.area == pytest.approx(B * y)
    assert g.perimeter == pytest.approx(B + 2 * y)
    assert g.top_width == pytest.approx(B)
    assert g.hydraulic_radius == pytest.approx(B * y / (B + 2 * y))


@pytest.mark.parametrize("y", [0.2, 1.0, 2.5])
def test_trapezoid_matches_closed_form(y):
    """A = (b + m y) y, P = b + 2 y sqrt(1 + m²), T = b + 2 m y."""
    g = TRAPEZOID.geometry(y)
    assert g.area == pytest.approx((b + m * y) * y)
    assert g.perimeter == pytest.approx(b + 2 * y * math.sqrt(1 + m * m))
    assert g.top_width == pytest.approx(b + 2 * m * y)


@pytest.mark.parametrize("y", [0.3, 1.7])
def test_triangle_matches_closed_form(y):
    """A = m y², P = 2 y sqrt(1 + m²), T = 2 m y with m = 1.5."""
    g = TRIANGLE.geometry(y)
    assert g.area == pytest.approx(1.5 * y * y)
    assert g.perimeter == pytest.approx(2 * y * math.sqrt(1 + 1.5**2))
    assert g.top_width == pytest.approx(3 * y)


def test_dry_section_carries_nothing():
    assert TRAPEZOID.geometry(0.0).area == 0
    assert discharge(TRAPEZOID, -1.0, 0.03, 0.01) == 0
    assert velocity(TRAPEZOID, 0.0, 0.03, 0.01) == 0


def test_manning_discharge_of_a_rectangle_by_hand():
    """B = 4 m, y = 1 m, n = 0.04, S = 0.002: A = 4, P = 6, R = 2/3,
    Q = 4 · (2/3)^(2/3) · 0.0447214 / 0.04 = 3.4129 m³/s."""
    q = discharge(RECTANGLE, 1.0, 0.04, 0.002)
    assert q == pytest.approx(4 * (2 / 3) ** (2 / 3) * math.sqrt(0.002) / 0.04, rel=1e-12)
    assert q == pytest.approx(3.4129, abs=1e-4)
    assert velocity(RECTANGLE, 1.0, 0.04, 0.002) == pytest.approx(q / 4)


def test_manning_discharge_of_a_trapezoid_by_hand():
    y, n, s = 1.5, 0.035, 0.005
    area, perimeter = (b + m * y) * y, b + 2 * y * math.sqrt(1 + m * m)
    assert discharge(TRAPEZOID, y, n, s) == pytest.approx(manning(area, perimeter, n, s), rel=1e-12)


def test_partially_wet_segment_is_cut_where_the_water_meets_the_bed():
    """A bank rising from 0 to 2 m over 4 m, water at 0.5 m: wet length 1 m of run,
    0.5 m of rise; the triangle's area is 0.25 m²."""
    bank = CrossSection([(0, 0), (4, 2)])
    g = bank.geometry(0.5)
    assert g.top_width == pytest.approx(1.0)
    assert g.area == pytest.approx(0.25)
    assert g.perimeter == pytest.approx(math.hypot(1.0, 0.5) + 0.5)  # + the glass wall at the left end


def test_two_sub_channels_each_carry_their_own_flow():
    """Two identical rectangles separated by a bar higher than the water: twice the
    area and twice the discharge of one, not the lumped-radius value."""
    twin = CrossSection([(0, 3), (0, 0), (4, 0), (4, 2), (5, 2), (5, 0), (9, 0), (9, 3)])
    assert len(twin.sub_channels(1.0)) == 2
    assert twin.geometry(1.0).area == pytest.approx(8.0)
    assert discharge(twin, 1.0, 0.04, 0.002) == pytest.approx(2 * discharge(RECTANGLE, 1.0, 0.04, 0.002))
    assert len(twin.sub_channels(2.5)) == 1  # over the bar: one channel, 9 m wide
    assert twin.geometry(2.5).top_width == pytest.approx(9.0)


def test_water_above_the_survey_is_held_by_glass_walls():
    g = RECTANGLE.geometry(WALL + 1.0)
    assert g.area == pytest.approx(B * (WALL + 1.0))
    assert g.perimeter == pytest.approx(B + 2 * (WALL + 1.0))


@pytest.mark.parametrize("section", [RECTANGLE, TRAPEZOID, TRIANGLE])
@pytest.mark.parametrize("y", [0.05, 0.8, 1.9])
def test_stage_for_discharge_inverts_manning(section, y):
    q = discharge(section, y, 0.045, 0.003)
    assert stage_for_discharge(section, q, 0.045, 0.003) == pytest.approx(y, abs=1e-5)


def test_stage_for_a_flood_above_the_banks_is_found():
    q = discharge(RECTANGLE, 7.0, 0.04, 0.002)
    assert stage_for_discharge(RECTANGLE, q, 0.04, 0.002) == pytest.approx(7.0, abs=1e-5)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        CrossSection([(0, 1)])
    with pytest.raises(ValueError):
        CrossSection([(2, 1), (1, 0), (3, 1)])
    with pytest.raises(ValueError):
        discharge(RECTANGLE, 1.0, 0.0, 0.01)
    with pytest.raises(ValueError):
        stage_for_discharge(RECTANGLE, -1.0, 0.04, 0.01)


@settings(max_examples=40, deadline=None)
@given(q=st.floats(0.01, 500.0), n=st.floats(0.02, 0.1), s=st.floats(1e-4, 0.05))
def test_rating_table_agrees_with_the_exact_inverse(q, n, s):
    table = rating(TRAPEZOID, height=12.0, points=600)
    exact = stage_for_discharge(TRAPEZOID, q, n, s)
    assume(exact < table.stages[-1])  # beyond its top a table only extrapolates
    assert table.stage([q], n, s)[0] == pytest.approx(exact, abs=0.01)
    assert table.discharge([exact], n, s)[0] == pytest.approx(q, rel=0.01)


def test_discharge_rises_with_stage():
    stages = np.linspace(0, 6, 61)
    q = [discharge(TRAPEZOID, h, 0.04, 0.01) for h in stages]
    assert all(b2 > a2 for a2, b2 in itertools.pairwise(q))
