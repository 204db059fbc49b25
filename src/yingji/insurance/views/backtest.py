"""A policy's typhoon trigger over every stored CMA best track."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from django.conf import settings
from django.shortcuts import render

from ...core.errors import NotFound
from ...kernels.typhoon import Track
from .. import selectors, services
from ..backtest import BacktestResult, BacktestTrigger, evaluate_storm, iso_utc
from ..choices import TrackSource
from ..mapping import force_legend
from ..models import Storm, TrackPosition, TyphoonTrigger
from .live import colours, map_data, track_json

BOX_MARGIN_DEG = 3.0
"""Storms with a fix within the circle's latitude/longitude box widened by this much are
evaluated: 6-hourly fixes lie at most about 2° apart, so a storm crossing the circle
between two fixes (interpolated policies) has one of them in the box."""


def policy_backtest(request, id: int):
    """The policy's typhoon trigger run over every stored CMA best track, as
    `yingji insurance backtest` does over the files: the same evaluation
    (:func:`.backtest.evaluate_storm`), so the page and the command agree."""
    policy = selectors.policy_get(scope=selectors.PolicyScope.for_user(request.user), id=id)
    trigger = policy.typhoon_triggers.order_by("pk").first()
    if trigger is None:
        raise NotFound("保单没有台风触发条件", "The policy has no typhoon trigger")
    spec = services.typhoon_spec(trigger)
    stored = selectors.storm_list(scope=selectors.PolicyScope.for_user(request.user)).filter(source=TrackSource.CMA)
    years = sorted(set(stored.values_list("year", flat=True)))
    triggers, tracks = [], []
    for storm in _storms_near(stored, trigger):
        positions = list(selectors.storm_positions(storm=storm))
        found = _backtest_storm(storm, positions, spec)
        if found is not None:
            triggers.append(found)
            tracks.append(track_json(storm, positions, live=False))
    triggers.sort(key=lambda t: t.time)
    result = BacktestResult(triggers, years[0] if years else 0, years[-1] if years else 0)
    premium = float(policy.premium_typhoon)
    return render(request, "insurance/policy_backtest.html", {
        "policy": policy, "trigger": trigger, "result": result, "storm_count": stored.count(),
        "by_year": sorted(result.by_year().items()),
        "burning_cost": result.annual_average / premium if premium > 0 else None,
        "map_data": {"circles": map_data([trigger], [], [])["circles"], "tracks": tracks, "projections": [],
                     "colours": colours()},
        "force_legend": force_legend(), "tile_url": settings.YINGJI_TILE_URL,
    })


def _storms_near(stored, trigger: TyphoonTrigger):
    half = trigger.radius_km / 111.0 + BOX_MARGIN_DEG
    half_lon = half / max(math.cos(math.radians(min(abs(trigger.center_lat) + half, 89.0))), 0.01)
    return (stored.filter(positions__lat__range=(trigger.center_lat - half, trigger.center_lat + half),
                          positions__lon__range=(trigger.center_lon - half_lon, trigger.center_lon + half_lon))
            .distinct().order_by("year", "code"))


def _backtest_storm(storm: Storm, positions: list[TrackPosition], spec) -> BacktestTrigger | None:
    track = Track.of([np.datetime64(p.time.astimezone(dt.UTC).replace(tzinfo=None), "m") for p in positions],
                     [p.lat for p in positions], [p.lon for p in positions],
                     [np.nan if p.wind is None else p.wind for p in positions])
    r = evaluate_storm(track, spec)
    if not r.triggered:
        return None
    return BacktestTrigger(storm.code, storm.name, storm.year, iso_utc(r.entry.first_time),
                           r.entry.min_distance_km, r.force, r.payout)
