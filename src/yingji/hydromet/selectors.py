"""Reads of stations and observations.

Times in arrays are numpy ``datetime64[ms]`` in UTC. A rain observation is the rain
that fell in the interval ENDING at its time, so the rain of a period (start, end]
is the sum of the observations with ``start < time <= end``; that is the window every
function here uses, and the one of `yingji.kernels.rolling`.

Suspect observations (flagged at ingestion) are left out of series and totals unless
``include_suspect=True``: a faulty gauge must not trigger a warning or a payout alone.

Every selector takes the caller's scope first, by keyword (``scope=``): a user's
`Scope.for_user(user)`, or `core.scope.SYSTEM` for the system's own evaluations
(floods' critical rainfall, insurance triggers), named at the call so it shows.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import Q, QuerySet

from ..core.scope import Scope
from .choices import Quality, Quantity
from .models import Observation, Station

DETAIL_TOTAL_HOURS = (1, 3, 6, 24, 72)


def _rolling_totals(times, values, hours):
    # Imported on first use: the kernels module loads numba (about a second), which
    # every web request and command importing these selectors should not pay for.
    from ..kernels.rolling import rolling_totals_irregular

    return rolling_totals_irregular(times, values, hours)


@dataclass(frozen=True)
class Series:
    """One station's observations of one quantity, oldest first."""

    times: np.ndarray  # datetime64[ms], UTC
    values: np.ndarray  # float64; mm (rain in the interval ending at each time) or m (stage)

    @property
    def mm(self) -> np.ndarray:
        return self.values


def station_list(*, scope: Scope, region: str = "", kind: str = "", q: str = "",
                 active: bool | None = None) -> QuerySet:
    qs = scope.filter(Station.objects.select_related("region"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("code")


def station_get(*, scope: Scope, code: str) -> Station:
    """One station in scope, or NotFound (also for another region's station)."""
    return scope.get(Station.objects.select_related("region"), code=code)


def latest(*, scope: Scope, station: Station) -> dict[str, Observation]:
    """The latest observation of each quantity the station has, by quantity name."""
    found = {}
    for quantity in Quantity:
        obs = (scope.filter(Observation.objects.filter(station=station, quantity=quantity))
               .order_by("-time").first())
        if obs is not None:
            found[quantity.key] = obs
    return found


def latest_observation(*, scope: Scope, station: Station, quantity: Quantity) -> Observation | None:
    """The station's latest good (not suspect) observation of `quantity`, or None."""
    return (scope.filter(Observation.objects.filter(station=station, quantity=quantity, quality=Quality.OK))
            .order_by("-time").first())


def observations(*, scope: Scope, station: Station, quantity: Quantity, start: dt.datetime,
                 end: dt.datetime) -> QuerySet:
    """A station's observations in (start, end], oldest first, suspect ones included."""
    return (scope.filter(Observation.objects.filter(station=station, quantity=quantity, time__gt=start,
                                                    time__lte=end)).order_by("time"))


def series(*, scope: Scope, station_codes: Iterable[str], quantity: Quantity, start: dt.datetime,
           end: dt.datetime, include_suspect: bool = False) -> dict[str, Series]:
    """Per station code, its observations in (start, end] as arrays. Every requested
    station that exists (in scope) is a key, with empty arrays if it has no data."""
    stations = {s.pk: s.code for s in scope.filter(Station.objects.filter(code__in=list(station_codes)))}
    qs = Observation.objects.filter(station_id__in=stations, quantity=quantity, time__gt=start, time__lte=end)
    if not include_suspect:
        qs = qs.filter(quality=Quality.OK)
    rows: dict[int, list] = {pk: [] for pk in stations}
    for station_id, time, value in qs.order_by("station_id", "time").values_list("station_id", "time", "value"):
        rows[station_id].append((time, value))
    return {stations[pk]: _series(r) for pk, r in rows.items()}


def rain_series(*, scope: Scope, station_codes: Iterable[str], start: dt.datetime, end: dt.datetime,
                include_suspect: bool = False) -> dict[str, Series]:
    """Per station code, the rain observations in (start, end]: ``.times``, ``.mm``."""
    return series(scope=scope, station_codes=station_codes, quantity=Quantity.RAIN, start=start, end=end,
                  include_suspect=include_suspect)


def rain_windows(*, scope: Scope, station_codes: Iterable[str], ends: Sequence[dt.datetime],
                 hours: Iterable[float], include_suspect: bool = False) -> dict[str, dict[float, np.ndarray]]:
    """The one home of rain windows: per station code, per window length `h` (hours),
    the rain in (end - h, end] at each of `ends`, in mm, as an array in the order of
    `ends`. One read of the series covers every end and window. A reading exactly at
    end - h belongs to the window before; one exactly at `end` to this one."""
    windows, ends = sorted(set(hours)), list(ends)
    if not ends or not windows:
        return {}
    start = min(ends) - dt.timedelta(hours=max(windows))
    found = rain_series(scope=scope, station_codes=station_codes, start=start, end=max(ends),
                        include_suspect=include_suspect)
    at = np.array([_utc(t) for t in ends], dtype="datetime64[ms]")
    out = {}
    for code, s in found.items():
        cumulative = np.concatenate([[0.0], np.cumsum(s.values)])
        upto = cumulative[np.searchsorted(s.times, at, side="right")]  # the rain of times <= end
        out[code] = {h: upto - cumulative[np.searchsorted(s.times, at - _ms(h), side="right")] for h in windows}
    return out


def rain_totals(*, scope: Scope, station_codes: Iterable[str], end: dt.datetime, hours: float | Iterable[float],
                include_suspect: bool = False) -> dict:
    """Rain in the last `hours` before `end`, i.e. in (end - hours, end], in mm.

    With one number of hours: {code: total}; with several: {code: {hours: total}}.
    """
    several = not isinstance(hours, (int, float))
    windows = list(hours) if several else [hours]
    found = rain_windows(scope=scope, station_codes=station_codes, ends=[end], hours=windows,
                         include_suspect=include_suspect)
    totals = {code: {h: float(w[h][0]) for h in windows} for code, w in found.items()}
    return totals if several else {code: t[hours] for code, t in totals.items()}


def rain_running_totals(*, scope: Scope, station_codes: Iterable[str], start: dt.datetime, end: dt.datetime,
                        hours: float, include_suspect: bool = False) -> dict[str, Series]:
    """At each rain observation in (start, end], the total of the `hours` ending there
    (rain before `start` counts: the series is read from start - hours)."""
    found = rain_series(scope=scope, station_codes=station_codes, start=start - dt.timedelta(hours=hours), end=end,
                        include_suspect=include_suspect)
    out = {}
    first = np.datetime64(_utc(start), "ms")
    for code, s in found.items():
        totals = _rolling_totals(s.times, s.values, hours)
        keep = s.times > first
        out[code] = Series(s.times[keep], totals[keep])
    return out


def _ms(hours: float) -> np.timedelta64:
    return np.timedelta64(int(round(hours * 3600_000)), "ms")


def _series(rows: list) -> Series:
    if not rows:
        return Series(np.array([], dtype="datetime64[ms]"), np.array([], dtype=np.float64))
    times, values = zip(*rows)
    ms = np.rint(np.fromiter((t.timestamp() for t in times), np.float64, len(times)) * 1000)
    return Series(ms.astype(np.int64).astype("datetime64[ms]"), np.array(values, dtype=np.float64))


def _utc(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.UTC).replace(tzinfo=None)
