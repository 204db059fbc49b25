"""Distances on the Earth (大地距离): great circle on a sphere, or WGS84 geodesic.

Coordinates are always given as ``(lon, lat)`` in decimal degrees, the order of the
policy files (``center: [121.1167, 28.65]``) and of GeoJSON. Every function broadcasts
over numpy arrays.

The sphere of radius 6,371.0 km is the mean Earth radius (IUGG); it is the default
because parametric policies state their circle on it and anyone can check a distance
by hand. The WGS84 ellipsoid (pyproj's Karney algorithm, doi:10.1007/s00190-012-0578-z)
is offered as a policy option; the two differ by at most about 0.5 %.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

EARTH_RADIUS_KM = 6371.0
"""Mean Earth radius, km (IUGG R1), the default sphere."""

DistanceMethod = Literal["sphere", "wgs84"]

_WGS84 = None  # pyproj.Geod is built lazily: importing pyproj costs ~0.1 s


def haversine_km(
    lon1: ArrayLike,
    lat1: ArrayLike,
    lon2: ArrayLike,
    lat2: ArrayLike,
    radius_km: float = EARTH_RADIUS_KM,
) -> NDArray[np.float64]:
    """Great-circle distance by the haversine formula.

    Parameters
    ----------
    lon1, lat1 : array_like, degrees
        First point(s), longitude east and latitude north.
    lon2, lat2 : array_like, degrees
        Second point(s); broadcast against the first.
    radius_km : float, km
        Radius of the sphere, 6,371.0 km by default.

    Returns
    -------
    distance : ndarray of float64, km
        ``2 R asin(sqrt(hav))``; along a meridian this is ``R * dphi`` to rounding.

    Notes
    -----
    The haversine form is well conditioned for the short distances (tens to hundreds
    of km) that trigger circles use, unlike the spherical law of cosines.
    """
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlmb = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    hav = np.sin(dphi / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2.0) ** 2
    # clip: rounding can push hav a hair above 1 for antipodal points
    return 2.0 * radius_km * np.arcsin(np.sqrt(np.clip(hav, 0.0, 1.0)))


def geodesic_km(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> NDArray[np.float64]:
    """Geodesic distance on the WGS84 ellipsoid (pyproj.Geod, Karney 2013).

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : array_like, degrees
        As for :func:`haversine_km`; broadcast together.

    Returns
    -------
    distance : ndarray of float64, km
    """
    global _WGS84
    if _WGS84 is None:
        from pyproj import Geod

        _WGS84 = Geod(ellps="WGS84")
    a, b, c, d = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (lon1, lat1, lon2, lat2)))
    _, _, metres = _WGS84.inv(a.ravel(), b.ravel(), c.ravel(), d.ravel())
    return np.asarray(metres, dtype=np.float64).reshape(a.shape) / 1000.0


def distance_km(
    lon1: ArrayLike,
    lat1: ArrayLike,
    lon2: ArrayLike,
    lat2: ArrayLike,
    method: DistanceMethod = "sphere",
    radius_km: float = EARTH_RADIUS_KM,
) -> NDArray[np.float64]:
    """Distance in km by the policy's method: ``"sphere"`` (default) or ``"wgs84"``.

    ``radius_km`` applies to the sphere only.
    """
    if method == "sphere":
        return haversine_km(lon1, lat1, lon2, lat2, radius_km)
    if method == "wgs84":
        return geodesic_km(lon1, lat1, lon2, lat2)
    raise ValueError(f"unknown distance method {method!r}: use 'sphere' or 'wgs84'")
