"""Pages of the insurance app: policies (triggers, map, live typhoon state, rainfall at
the designated stations, events and claims), the claim steps, and typhoons.

Every read goes through :mod:`.selectors` with the logged-in user, so a policy outside
the caller's reach is a 404 exactly as in the API. The presentation helpers below
(live state, naive projection, rainfall chart geometry) are plain functions of rows.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..core.errors import NotFound
from ..core.scope import SYSTEM
from ..hydromet import selectors as hydromet
from ..kernels.geodesy import distance_km
from ..kernels.typhoon import Track, TyphoonGrade, typhoon_grade, wind_force
from . import selectors, services
from .backtest import BacktestResult, BacktestTrigger, evaluate_storm, iso_utc
from .choices import ClaimStatus, TrackSource, TriggerKind
from .mapping import BELOW_COLOUR, FORCE_COLOURS, force_legend
from .models import Claim, Policy, Storm, TrackPosition, TyphoonTrigger

STORMS_PER_PAGE = 50
LIVE_WITHIN = dt.timedelta(hours=48)  # a live storm without a fix for two days is over
PROJECTION_HOURS = (6, 12, 24)
RAIN_CHART_DAYS = 7


# Policies ----------------------------------------------------------------------------

def policy_list(request):
    return render(request, "insurance/policy_list.html",
                  {"policies": selectors.policy_list(user=request.user)})


def policy_detail(request, id: int):
    policy = selectors.policy_get(user=request.user, id=id)
    events = list(selectors.event_list(policy=policy).select_related("county"))
    triggers = list(policy.typhoon_triggers.all())
    live = live_states(request.user, triggers)
    return render(request, "insurance/policy_detail.html", {
        "policy": policy,
        "lots": list(policy.lots.all()),
        "shares": list(policy.premium_shares.select_related("county")),
        "typhoon_triggers": [(t, _payout_rows(t)) for t in triggers],
        "rain_triggers": [(t, _stations_by_county(t)) for t in policy.rain_triggers.all()],
        "rain_charts": rain_charts(policy),
        "events": [_event_row(request.user, e) for e in events],
        "live": live,
        "map_data": _map_data(triggers, events, live),
        "force_legend": force_legend(),
        "tile_url": settings.YINGJI_TILE_URL,
    })


def policy_live(request, id: int):
    """The live panel alone, for htmx polling."""
    policy = selectors.policy_get(user=request.user, id=id)
    live = live_states(request.user, list(policy.typhoon_triggers.all()))
    return render(request, "insurance/_live_panel.html", {"policy": policy, "live": live})


@require_POST
def claim_verify(request, id: int):
    claim = services.claim_verify(by=request.user, claim=selectors.claim_get(user=request.user, id=id))
    messages.success(request, f"理赔 {claim.pk} 已核定")
    return redirect(_claims_anchor(claim))


@require_POST
def claim_pay(request, id: int):
    claim = services.claim_pay(by=request.user, claim=selectors.claim_get(user=request.user, id=id))
    messages.success(request, f"理赔 {claim.pk} 已登记赔付")
    return redirect(_claims_anchor(claim))


def _claims_anchor(claim: Claim) -> str:
    return reverse("policy_detail", args=[claim.event.policy_id]) + "#events"


def _payout_rows(trigger: TyphoonTrigger) -> list[tuple[int, Decimal]]:
    return sorted((int(k), Decimal(str(v))) for k, v in trigger.payouts.items())


def _stations_by_county(trigger) -> list[tuple[object, list[str]]]:
    grouped: dict[str, tuple[object, list[str]]] = {}
    for s in trigger.stations.select_related("county"):
        grouped.setdefault(s.county_id, (s.county, []))[1].append(s.station_code)
    return [grouped[k] for k in sorted(grouped)]


# Events and claims ---------------------------------------------------------------------

@dataclass
class EventRow:
    event: object
    claim: Claim | None
    steps: list[tuple[str, dt.datetime | None]]
    trigger_to_paid: str  # "" until paid
    notice_to_paid: str
    can_verify: bool
    can_pay: bool
    window: tuple[dt.datetime, dt.datetime] | None = None  # a rain event's window


def _rain_window(event) -> tuple[dt.datetime, dt.datetime] | None:
    try:
        return (dt.datetime.fromisoformat(event.evidence["window_start"]),
                dt.datetime.fromisoformat(event.evidence["window_end"]))
    except (KeyError, TypeError, ValueError):
        return None


def _event_row(user, event) -> EventRow:
    claim = getattr(event, "claim", None)
    window = _rain_window(event) if event.kind == TriggerKind.RAIN else None
    if claim is None:
        return EventRow(event, None, [], "", "", False, False, window)
    steps = [("触发", event.occurred_at), ("已通知", claim.notified_at),
             ("已核定", claim.verified_at), ("已赔付", claim.paid_at)]
    allowed = may_process_claim(user, claim)
    return EventRow(
        event, claim, steps,
        duration_text(claim.paid_at - event.occurred_at) if claim.paid_at else "",
        duration_text(claim.paid_at - claim.notified_at) if claim.paid_at else "",
        allowed and claim.status == ClaimStatus.NOTIFIED,
        allowed and claim.status == ClaimStatus.VERIFIED,
        window,
    )


def duration_text(span: dt.timedelta) -> str:
    """A duration as a person says it: "5 小时 07 分", "3 天 2 小时"."""
    minutes = max(int(span.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} 天 {hours} 小时"
    return f"{hours} 小时 {minutes:02d} 分"


def may_process_claim(user, claim: Claim) -> bool:
    """Whether the services would let this user verify or pay the claim: asked of the
    services' own rule, so the buttons and the POST never disagree."""
    return services.claim_can_process(by=user, claim=claim)


# Live typhoon state ----------------------------------------------------------------------

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
    return list(selectors.storm_list(user=user).filter(source=TrackSource.LIVE, positions__time__gte=since)
                .distinct())


def live_states(user, triggers: list[TyphoonTrigger]) -> list[LiveState]:
    states = []
    for storm in live_storms(user):
        track = list(selectors.storm_positions(storm))
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

def _map_data(triggers: list[TyphoonTrigger], events: list, live: list[LiveState]) -> dict:
    storms = {e.storm_id: e.storm for e in events if e.kind == TriggerKind.TYPHOON and e.storm_id}
    tracks = [_track_json(s, list(selectors.storm_positions(s)), live=False) for s in storms.values()]
    seen = set(storms)
    for state in live:
        if state.storm.pk not in seen:
            seen.add(state.storm.pk)
            tracks.append(_track_json(state.storm, state.track, live=True))
    projections = [{"storm": st.storm.code, "from": [st.latest.lat, _lon180(st.latest.lon)],
                    "points": [[p.lat, _lon180(p.lon), p.hours] for p in st.projection]}
                   for st in live if st.projection]
    return {
        "circles": [{"lat": t.center_lat, "lon": t.center_lon, "radius_m": t.radius_km * 1000,
                     "label": f"巨灾框 半径 {t.radius_km:g} km，{t.min_force} 级以上"} for t in triggers],
        "tracks": tracks,
        "projections": projections,
        "colours": _colours(),
    }


def _colours() -> dict:
    return {"below": BELOW_COLOUR, **{str(f): c for f, c in FORCE_COLOURS.items()}}


def _track_json(storm: Storm, positions: list[TrackPosition], *, live: bool) -> dict:
    return {"code": storm.code, "name": storm.name, "live": live,
            "points": [[p.lat, _lon180(p.lon), wind_force(p.wind) if p.wind is not None else None,
                        timezone.localtime(p.time).strftime("%Y-%m-%d %H:%M")] for p in positions]}


def _lon180(lon: float) -> float:
    return lon - 360 if lon > 180 else lon


# Rainfall at the designated stations -------------------------------------------------------

CHART_W, CHART_H = 640, 220
PAD_L, PAD_R, PAD_T, PAD_B = 48, 12, 12, 28
LINE_COLOURS = ("#1f5fa8", "#2a9d5c", "#c77c0e", "#7b4bb3", "#4a4a4a", "#0f8b8d")


@dataclass
class ChartLine:
    station: str
    colour: str
    points: str  # SVG polyline points
    peak_mm: float
    peak_time: dt.datetime | None


@dataclass
class RainChart:
    """One county's running totals (window_hours) at its designated stations against
    the threshold, as SVG geometry; times are drawn in local time."""

    county: object
    window_hours: float
    threshold_mm: float
    start: dt.datetime
    end: dt.datetime
    lines: list[ChartLine]
    threshold_y: float
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    missing: list[str]
    width: int = CHART_W
    height: int = CHART_H
    plot_left: int = PAD_L
    plot_right: int = CHART_W - PAD_R
    plot_top: int = PAD_T
    plot_bottom: int = CHART_H - PAD_B

    @property
    def crossed(self) -> bool:
        return any(line.peak_mm >= self.threshold_mm for line in self.lines)


def rain_charts(policy: Policy) -> list[RainChart]:
    """The running totals of the last RAIN_CHART_DAYS up to the latest rain observed at
    the policy's designated stations (now, if none has any)."""
    charts = []
    for trigger in policy.rain_triggers.all():
        by_county: dict[str, list[str]] = {}
        counties = {}
        for s in trigger.stations.select_related("county"):
            by_county.setdefault(s.county_id, []).append(s.station_code)
            counties[s.county_id] = s.county
        codes = [c for cs in by_county.values() for c in cs]
        end = _latest_rain(codes) or timezone.now()
        start = end - dt.timedelta(days=RAIN_CHART_DAYS)
        totals = _running_totals(codes, start, end, trigger.window_hours)
        for county in sorted(by_county):
            charts.append(_chart(counties[county], by_county[county], totals, trigger, start, end))
    return charts


def _latest_rain(codes: list[str]) -> dt.datetime | None:
    # The designated stations' data is part of the policy's terms: whoever may read
    # the policy (checked by the caller) reads them, as the event evidence shows them;
    # an insurer's staff elsewhere would otherwise see no rain at all.
    found = []
    for code in codes:
        try:
            obs = hydromet.latest(hydromet.station_get(SYSTEM, code)).get("rain")
        except NotFound:
            continue
        if obs is not None:
            found.append(obs.time)
    return max(found, default=None)


def _running_totals(codes, start, end, hours) -> dict:
    return hydromet.rain_running_totals(codes, start, end, hours, scope=SYSTEM)  # see _latest_rain


def _chart(county, codes: list[str], totals: dict, trigger, start: dt.datetime, end: dt.datetime) -> RainChart:
    series = {c: totals[c] for c in codes if c in totals and len(totals[c].times)}
    peak = max([float(s.values.max()) for s in series.values()], default=0.0)
    top = _nice_top(max(peak, trigger.threshold_mm) * 1.1)
    x0, x1 = start.timestamp(), end.timestamp()
    plot_w, plot_h = CHART_W - PAD_L - PAD_R, CHART_H - PAD_T - PAD_B

    def x(ts: float) -> float:
        return round(PAD_L + (ts - x0) / (x1 - x0) * plot_w, 1)

    def y(mm: float) -> float:
        return round(PAD_T + plot_h - mm / top * plot_h, 1)

    lines = []
    for i, code in enumerate(c for c in codes if c in series):
        s = series[code]
        stamps = s.times.astype("datetime64[ms]").astype("int64") / 1000.0
        points = " ".join(f"{x(t)},{y(v)}" for t, v in zip(stamps, s.values))
        k = int(s.values.argmax())
        lines.append(ChartLine(code, LINE_COLOURS[i % len(LINE_COLOURS)], points, float(s.values[k]),
                               dt.datetime.fromtimestamp(stamps[k], dt.UTC)))
    y_ticks = [(y(v), f"{v:g}") for v in (top * i / 4 for i in range(5))]
    days = [start + dt.timedelta(days=i) for i in range(RAIN_CHART_DAYS + 1)]
    x_ticks = [(x(d.timestamp()), timezone.localtime(d).strftime("%m-%d %H:%M")) for d in days[::2]]
    return RainChart(county, trigger.window_hours, trigger.threshold_mm, start, end, lines,
                     y(trigger.threshold_mm), y_ticks, x_ticks, [c for c in codes if c not in series])


def _nice_top(v: float) -> float:
    """The next of 1, 2, 2.5, 5 × 10^k at or above v (an axis maximum a person reads)."""
    scale = 1.0
    while scale * 10 < v:
        scale *= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * scale >= v:
            return step * scale
    return 10 * scale


# Backtest over the stored best tracks ---------------------------------------------------

BOX_MARGIN_DEG = 3.0
"""Storms with a fix within the circle's latitude/longitude box widened by this much are
evaluated: 6-hourly fixes lie at most about 2° apart, so a storm crossing the circle
between two fixes (interpolated policies) has one of them in the box."""


def policy_backtest(request, id: int):
    """The policy's typhoon trigger run over every stored CMA best track, as
    `yingji insurance backtest` does over the files: the same evaluation
    (:func:`.backtest.evaluate_storm`), so the page and the command agree."""
    policy = selectors.policy_get(user=request.user, id=id)
    trigger = policy.typhoon_triggers.order_by("pk").first()
    if trigger is None:
        raise NotFound("保单没有台风触发条件", "The policy has no typhoon trigger")
    spec = services.typhoon_spec(trigger)
    stored = selectors.storm_list(user=request.user).filter(source=TrackSource.CMA)
    years = sorted(set(stored.values_list("year", flat=True)))
    triggers, tracks = [], []
    for storm in _storms_near(stored, trigger):
        positions = list(selectors.storm_positions(storm))
        found = _backtest_storm(storm, positions, spec)
        if found is not None:
            triggers.append(found)
            tracks.append(_track_json(storm, positions, live=False))
    triggers.sort(key=lambda t: t.time)
    result = BacktestResult(triggers, years[0] if years else 0, years[-1] if years else 0)
    premium = float(policy.premium_typhoon)
    return render(request, "insurance/policy_backtest.html", {
        "policy": policy, "trigger": trigger, "result": result, "storm_count": stored.count(),
        "by_year": sorted(result.by_year().items()),
        "burning_cost": result.annual_average / premium if premium > 0 else None,
        "map_data": {"circles": _map_data([trigger], [], [])["circles"], "tracks": tracks, "projections": [],
                     "colours": _colours()},
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


# Typhoons --------------------------------------------------------------------------------

def storm_list(request):
    year = request.GET.get("year", "").strip()
    q = request.GET.get("q", "").strip()[:60]
    year_value = int(year) if year.isdigit() and 1800 <= int(year) <= 2200 else None
    qs = selectors.storm_list(user=request.user, year=year_value, q=q)
    page = Paginator(qs, STORMS_PER_PAGE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in (("year", year_value or ""), ("q", q)) if v)
    return render(request, "insurance/storm_list.html", {"page": page, "year": year_value or "", "q": q,
                                                         "query": query})


def storm_detail(request, id: int):
    storm = selectors.storm_get(user=request.user, id=id)
    positions = list(selectors.storm_positions(storm))
    rows = [(p, wind_force(p.wind) if p.wind is not None else None,
             TyphoonGrade(typhoon_grade(p.wind)).label if p.wind is not None else "") for p in positions]
    return render(request, "insurance/storm_detail.html", {
        "storm": storm, "rows": rows,
        "map_data": {"circles": [], "tracks": [_track_json(storm, positions, live=False)],
                     "projections": [], "colours": _colours()},
        "force_legend": force_legend(),
        "tile_url": settings.YINGJI_TILE_URL,
    })
