"""The 15-minute rescue area of a station where no road network is loaded: a circle
of radius speed × minutes around it, and great-circle (haversine) distances on a
sphere of the Earth's mean radius. Pure functions, no database."""

import math

EARTH_RADIUS_M = 6_371_000.0  # mean radius (IUGG R1 rounded), metres
MINUTES = 15


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two WGS84 points in degrees, metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def radius_m(speed_kmh: float, minutes: float = MINUTES) -> float:
    """How far one travels in `minutes` at `speed_kmh`, metres (40 km/h, 15 min: 10,000 m)."""
    return speed_kmh * 1000.0 * minutes / 60.0


def circle(lat: float, lon: float, radius: float, points: int = 48) -> list[list[float]]:
    """A closed ring of [lon, lat] around the point at `radius` metres (GeoJSON order),
    the destination points of the great circle at each bearing."""
    d = radius / EARTH_RADIUS_M
    p1, l1 = math.radians(lat), math.radians(lon)
    ring = []
    for i in range(points):
        b = 2 * math.pi * i / points
        p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
        l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
        ring.append([round(math.degrees(l2), 6), round(math.degrees(p2), 6)])
    ring.append(ring[0])
    return ring


def nearest(lat: float, lon: float, stations: list[tuple[int, float, float, float]]) -> tuple[int | None, float]:
    """The station (id, lat, lon, radius m) nearest to the point, and the distance, m."""
    best, best_d = None, math.inf
    for sid, slat, slon, _r in stations:
        d = haversine_m(lat, lon, slat, slon)
        if d < best_d:
            best, best_d = sid, d
    return best, best_d


def covered(lat: float, lon: float, stations: list[tuple[int, float, float, float]]) -> bool:
    """Whether the point lies within some station's area (on the edge counts as in)."""
    for _sid, slat, slon, r in stations:
        # One degree of latitude is about 111 km everywhere: skip the far ones cheaply.
        if abs(lat - slat) * 111_000 > r + 1000:
            continue
        if haversine_m(lat, lon, slat, slon) <= r:
            return True
    return False
