"""Distances against values that can be checked by hand on the 6,371 km sphere."""

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from yingji.kernels.geodesy import EARTH_RADIUS_KM, distance_km, geodesic_km, haversine_km

R = EARTH_RADIUS_KM


def test_one_degree_of_latitude_is_r_times_pi_over_180():
    # 6371 * pi / 180 = 111.19492664... km
    assert haversine_km(121.0, 28.0, 121.0, 29.0) == pytest.approx(R * math.pi / 180, abs=1e-9)
    assert R * math.pi / 180 == pytest.approx(111.195, abs=5e-4)


def test_pole_to_equator_is_a_quarter_circumference():
    assert haversine_km(0.0, 90.0, 37.0, 0.0) == pytest.approx(R * math.pi / 2, abs=1e-9)


def test_one_degree_of_longitude_on_the_equator():
    assert haversine_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(R * math.pi / 180, abs=1e-9)


def test_distance_is_symmetric_and_zero_to_itself():
    lon1, lat1 = np.array([121.1167, 120.0, -10.0]), np.array([28.65, 30.0, -45.0])
    lon2, lat2 = np.array([121.42, 125.5, 170.0]), np.array([28.62, 21.0, 44.0])
    np.testing.assert_array_equal(haversine_km(lon1, lat1, lon2, lat2), haversine_km(lon2, lat2, lon1, lat1))
    np.testing.assert_array_equal(haversine_km(lon1, lat1, lon1, lat1), 0.0)


def test_vectorised_over_arrays_and_broadcast_against_a_centre():
    lat = 28.65 + np.degrees(np.array([10.0, 85.0, 200.0]) / R)
    d = haversine_km(121.1167, 28.65, np.full(3, 121.1167), lat)
    np.testing.assert_allclose(d, [10.0, 85.0, 200.0], rtol=1e-12)


def test_antipodes_are_half_a_circumference():
    assert haversine_km(0.0, 0.0, 180.0, 0.0) == pytest.approx(R * math.pi, rel=1e-12)


def test_wgs84_agrees_with_the_sphere_within_half_a_percent():
    lon2 = np.array([121.42, 122.0, 125.0, 130.0, 121.1167])
    lat2 = np.array([28.62, 30.0, 25.0, 35.0, 20.0])
    sphere = haversine_km(121.1167, 28.65, lon2, lat2)
    ellipsoid = geodesic_km(121.1167, 28.65, lon2, lat2)
    np.testing.assert_allclose(ellipsoid, sphere, rtol=0.005)


def test_wgs84_meridian_degree_at_the_equator_is_the_known_value():
    # WGS84 length of 1 degree of latitude from 0 to 1 N: 110.574 km (meridian arc)
    assert geodesic_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(110.574, abs=1e-3)


def test_distance_dispatches_on_method_and_rejects_unknown():
    assert distance_km(0, 0, 0, 1) == haversine_km(0, 0, 0, 1)
    assert distance_km(0, 0, 0, 1, method="wgs84") == geodesic_km(0, 0, 0, 1)
    with pytest.raises(ValueError):
        distance_km(0, 0, 0, 1, method="flat")


def test_kernels_load_without_django():
    """The kernels are usable from a notebook: load them with a bare ``yingji`` package
    (the real one imports Celery, which imports django.conf) and check no Django module."""
    src = Path(__file__).resolve().parents[2] / "src" / "yingji"
    code = (
        "import sys, types\n"
        f"pkg = types.ModuleType('yingji'); pkg.__path__ = [{str(src)!r}]; sys.modules['yingji'] = pkg\n"
        "import yingji.kernels.geodesy, yingji.kernels.besttrack, yingji.kernels.typhoon, yingji.kernels.rolling\n"
        "import yingji.kernels.io.dem, yingji.kernels.io.georef\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
