"""Mean velocity V = Q / A at a section, against Manning's equation worked by hand
(Chow 1959, ch. 5: V = (1/n) R^(2/3) S^(1/2), R = A / P)."""

import pytest

from yingji.kernels.section import CrossSection, stage_for_discharge, velocity, velocity_for_discharge

# A rectangle 10 m wide with 3 m walls, bed at 0.
RECTANGLE = CrossSection([[0, 3], [0, 0], [10, 0], [10, 3]])
# A trapezoid: bed 4 m wide at 0, sides rising 3 m over 6 m (2 horizontal : 1 vertical).
TRAPEZOID = CrossSection([[0, 3], [6, 0], [10, 0], [16, 3]])


def test_rectangular_channel_one_metre_deep():
    """y = 1 m, n = 0.03, S = 0.001: A = 10 m², P = 12 m, R = 0.8333 m,
    R^(2/3) = 0.88555, V = 0.88555 · 0.031623 / 0.03 = 0.9335 m/s, Q = 9.335 m³/s."""
    q = 9.3345
    y = stage_for_discharge(RECTANGLE, q, 0.03, 0.001)
    assert y == pytest.approx(1.0, abs=1e-4)
    assert velocity_for_discharge(RECTANGLE, q, y) == pytest.approx(0.9335, abs=1e-3)
    assert velocity(RECTANGLE, 1.0, 0.03, 0.001) == pytest.approx(0.9335, abs=1e-3)


def test_trapezoidal_channel_one_and_a_half_metres_deep():
    """y = 1.5 m, n = 0.035, S = 0.002: top width 4 + 2·3 = 10 m, A = (4 + 10)/2 · 1.5
    = 10.5 m², P = 4 + 2·√(3² + 1.5²) = 10.708 m, R = 0.98056 m, R^(2/3) = 0.98700,
    V = 0.98700 · 0.044721 / 0.035 = 1.2611 m/s, Q = 13.242 m³/s."""
    q = 13.242
    y = stage_for_discharge(TRAPEZOID, q, 0.035, 0.002)
    assert y == pytest.approx(1.5, abs=1e-4)
    assert velocity_for_discharge(TRAPEZOID, q, y) == pytest.approx(1.2611, abs=1e-3)


def test_a_dry_section_has_no_velocity_and_a_negative_discharge_is_refused():
    assert velocity_for_discharge(RECTANGLE, 0.0, 0.0) == 0.0
    with pytest.raises(ValueError):
        velocity_for_discharge(RECTANGLE, -1.0, 1.0)
