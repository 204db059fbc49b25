"""Live typhoon state against a policy's circles, a naive projection, and the map's data (Leaflet)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from ...kernels.geodesy import distance_km
from ...kernels.typhoon import TyphoonGrade, typhoon_grade, wind_force
from .. import selectors, services
from ..choices import TrackSource, TriggerKind
from ..mapping import BELOW_COLOUR, FORCE_COLOURS
from ..models import Storm, TrackPosition, TyphoonTrigger

LIVE_WITHIN = dt.timedelta(hours=48)  # a live storm without a fix for two days is over
PROJECTION_HOURS = (6, 12, 24)


@dataclass
class Projected:
    hours: int
    time: dt.datetime
    lat: float
    lon: float
    distance_km: float
    inside: bool


@dataclass
class LiveState:
    """A live storm against one typhoon trigger: where its latest fix is, how strong,
    and a naive straight-line projection of the last two fixes."""

    storm: Storm
    trigger: TyphoonTrigger
    latest: TrackPosition
    distance_km: float
    edge_km: float  # distance to the circle's edge: > 0 outside, <= 0 inside
    force: int | None
    grade: str
    in_period: bool
    projection: list[Projected] = field(default_factory=list)
    track: list[TrackPosition] = field(default_factory=list)

    @property
    def inside(self) -> bool:
        return self.edge_km <= 0


def live_storms(user) -> list[Storm]:
    """Storms followed live with a fix in the last two days."""
    since = timezone.now() - LIVE_WITHIN
    return list(selectors.storm_list(scope=selectors.PolicyScope.for_user(user))
                .filter(source=TrackSource.LIVE, positions__time__gte=since)
                .distinct())


def live_states(user, triggers: list[TyphoonTrigger]) -> list[LiveState]:
    states = []
    for storm in live_storms(user):
        track = list(selectors.storm_positions(storm=storm))
        for trigger in triggers:
            states.append(live_state(storm, trigger, track))
    return states


def live_state(storm: Storm, trigger: TyphoonTrigger, track: list[TrackPosition]) -> LiveState:
    latest = track[-1]
    d = _distance(trigger, latest.lat, latest.lon)
    force = wind_force(latest.wind) if latest.wind is not None else None
    grade = TyphoonGrade(typhoon_grade(latest.wind)).label if latest.wind is not None else ""
    start, end = services.period_bounds(trigger.policy)
    return LiveState(storm, trigger, latest, d, d - trigger.radius_km, force, grade,
                     start <= latest.time < end, linear_projection(trigger, track), track)


def linear_projection(trigger: TyphoonTrigger, track: list[TrackPosition],
                      hours: tuple[int, ...] = PROJECTION_HOURS) -> list[Projected]:
    """Extrapolate the last two fixes in a straight line (latitude and longitude each
    linear in time). Naive on purpose: no steering, no recurvature; it is labelled so
    on the page and is no forecast."""
    if len(track) < 2:
        return []
    a, b = track[-2], track[-1]
    span = (b.time - a.time).total_seconds() / 3600
    if span <= 0:
        return []
    dlat, dlon = (b.lat - a.lat) / span, (b.lon - a.lon) / span
    out = []
    for h in hours:
        lat, lon = b.lat + dlat * h, b.lon + dlon * h
        d = _distance(trigger, lat, lon)
        out.append(Projected(h, b.time + dt.timedelta(hours=h), lat, lon, d, d <= trigger.radius_km))
    return out


def _distance(trigger: TyphoonTrigger, lat: float, lon: float) -> float:
    return float(distance_km(trigger.center_lon, trigger.center_lat, lon, lat, method=trigger.distance_method))


# Map data (Leaflet) ----------------------------------------------------------------------

def map_data(triggers: list[TyphoonTrigger], events: list, live: list[LiveState]) -> dict:
    storms = {e.storm_id: e.storm for e in events if e.kind == TriggerKind.TYPHOON and e.storm_id}
    tracks = [track_json(s, list(selectors.storm_positions(storm=s)), live=False) for s in storms.values()]
    seen = set(storms)
    for state in live:
        if state.storm.pk not in seen:
            seen.add(state.storm.pk)
            tracks.append(track_json(state.storm, state.track, live=True))
    projections = [{"storm": st.storm.code, "from": [st.latest.lat, _lon180(st.latest.lon)],
                    "points": [[p.lat, _lon180(p.lon), p.hours] for p in st.projection]}
                   for st in live if st.projection]
    return {
        "circles": [{"lat": t.center_lat, "lon": t.center_lon, "radius_m": t.radius_km * 1000,
                     "label": f"巨灾框 半径 {t.radius_km:g} km，{t.min_force} 级以上"} for t in triggers],
        "tracks": tracks,
        "projections": projections,
        "colours": colours(),
    }


def colours() -> dict:
    return {"below": BELOW_COLOUR, **{str(f): c for f, c in FORCE_COLOURS.items()}}


def track_json(storm: Storm, positions: list[TrackPosition], *, live: bool) -> dict:
    return {"code": storm.code, "name": storm.name, "live": live,
            "points": [[p.lat, _lon180(p.lon), wind_force(p.wind) if p.wind is not None else None,
                        timezone.localtime(p.time).strftime("%Y-%m-%d %H:%M")] for p in positions]}


def _lon180(lon: float) -> float:
    return lon - 360 if lon > 180 else lon
