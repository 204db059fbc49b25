"""Reads of teams, stations, the manpower shortfalls and the 15-minute coverage,
always through the caller's scope."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from ..core.choices import RegionLevel
from ..core.models import Region
from ..core.scope import Scope
from . import coverage
from .models.teams import Equipment, ManpowerStandard, Readiness, Station, Team, TeamKind, TeamMember


def kinds() -> list[TeamKind]:
    return list(TeamKind.objects.all())


def team_list(*, scope: Scope, kind: str = "", region: str = "", readiness: str = "", q: str = "",
              active: bool | None = None) -> QuerySet:
    qs = scope.filter(Team.objects.select_related("kind", "region", "leader"))
    if kind:
        qs = qs.filter(kind_id=kind)
    if region:
        qs = qs.filter(region__code__startswith=region)
    if readiness:
        qs = qs.filter(readiness=readiness)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(leader__name__contains=q))
    if active is not None:
        qs = qs.filter(active=active)
    return qs.annotate(member_count=Count("members", distinct=True)).order_by("region_id", "name", "id")


def team_get(*, scope: Scope, id: int) -> Team:
    return scope.get(team_list(scope=scope), pk=id)


def members(team: Team) -> QuerySet:
    return TeamMember.objects.filter(team=team).select_related("person")


def member_get(*, scope: Scope, team: Team, id: int) -> TeamMember:
    return scope.get(TeamMember.objects.select_related("team", "person").filter(team=team), pk=id)


def equipment(team: Team) -> QuerySet:
    return Equipment.objects.filter(team=team)


def equipment_get(*, scope: Scope, team: Team, id: int) -> Equipment:
    return scope.get(Equipment.objects.select_related("team").filter(team=team), pk=id)


def readiness_counts(*, scope: Scope) -> dict[str, int]:
    rows = scope.filter(Team.objects.filter(active=True)).values("readiness").annotate(n=Count("id"))
    counts = {value: 0 for value in Readiness.values}
    counts.update({r["readiness"]: r["n"] for r in rows})
    return counts


def station_list(*, scope: Scope, region: str = "", q: str = "", active: bool | None = None) -> QuerySet:
    qs = scope.filter(Station.objects.select_related("region", "team"))
    if region:
        qs = qs.filter(region__code__startswith=region)
    if q:
        qs = qs.filter(name__contains=q)
    if active is not None:
        qs = qs.filter(active=active)
    return qs


def station_get(*, scope: Scope, id: int) -> Station:
    return scope.get(station_list(scope=scope), pk=id)


def station_radius_m(station: Station) -> float:
    return coverage.radius_m(station.speed_kmh)


def in_bbox(qs: QuerySet, bbox, *, lat: str = "lat", lon: str = "lon") -> QuerySet:
    """Rows whose position lies in (minlon, minlat, maxlon, maxlat); None: all."""
    if bbox is None:
        return qs
    minlon, minlat, maxlon, maxlat = bbox
    return qs.filter(**{f"{lat}__gte": minlat, f"{lat}__lte": maxlat, f"{lon}__gte": minlon,
                        f"{lon}__lte": maxlon})


# -- The 15-minute coverage ---------------------------------------------------------------

@dataclass
class Coverage:
    stations: int
    villages: int  # villages of the area with a position
    outside: list[dict] = field(default_factory=list)  # those outside every station's area
    unplaced: int = 0  # villages with no position: cannot be judged

    @property
    def covered(self) -> int:
        return self.villages - len(self.outside)


def village_coverage(*, scope: Scope, region: str = "") -> Coverage:
    """The villages (村/社区) of the caller's area (under `region`) left outside the
    15-minute area of every active station the caller sees, nearest station first
    named. Villages are placed by core's Region position; those without one are counted
    apart (`unplaced`), never called covered or not."""
    rows = station_list(scope=scope, active=True).values_list("id", "name", "lat", "lon", "speed_kmh")
    stations, names = [], {}
    for sid, name, lat, lon, speed in rows:
        stations.append((sid, lat, lon, coverage.radius_m(speed)))
        names[sid] = name
    villages = scope.filter(Region.objects.filter(level=RegionLevel.VILLAGE))
    if region:
        villages = villages.filter(code__startswith=region)
    unplaced = villages.filter(Q(lat__isnull=True) | Q(lon__isnull=True)).count()
    placed = villages.filter(lat__isnull=False, lon__isnull=False).order_by("code")
    result = Coverage(stations=len(stations), villages=0, unplaced=unplaced)
    for code, name, full_name, lat, lon in placed.values_list("code", "name", "full_name", "lat", "lon"):
        result.villages += 1
        if coverage.covered(lat, lon, stations):
            continue
        sid, distance = coverage.nearest(lat, lon, stations)
        result.outside.append({"region": code, "name": name, "full_name": full_name, "lat": lat, "lon": lon,
                               "nearest_station": sid, "nearest_station_name": names.get(sid, ""),
                               "distance_m": None if sid is None else round(distance)})
    return result


# -- Manpower standards and the regions that fall short -----------------------------------

def standards() -> list[ManpowerStandard]:
    return list(ManpowerStandard.objects.select_related("kind"))


def shortfalls(*, scope: Scope, region: str = "") -> list[dict]:
    """Every region of a standard's level in the caller's area (under `region`) where
    no active team of the standard's kind has at least the minimum members: either no
    such team at all (`reason` "none") or only smaller ones ("below"), with those teams."""
    rows = []
    for std in standards():
        regions = scope.filter(Region.objects.filter(level=std.region_level))
        if region:
            regions = regions.filter(code__startswith=region)
        teams = scope.filter(Team.objects.filter(active=True, kind=std.kind, region__level=std.region_level))
        if region:
            teams = teams.filter(region__code__startswith=region)
        by_region: dict[str, list[dict]] = {}
        for t in teams.annotate(n=Count("members", distinct=True)).values("id", "name", "region_id", "n"):
            by_region.setdefault(t["region_id"], []).append({"id": t["id"], "name": t["name"], "members": t["n"]})
        for code, name, full_name in regions.order_by("code").values_list("code", "name", "full_name"):
            found = by_region.get(code, [])
            if any(t["members"] >= std.minimum_members for t in found):
                continue
            rows.append({"region": code, "name": name, "full_name": full_name, "level": std.region_level,
                         "kind": std.kind_id, "kind_name": std.kind.name, "minimum": std.minimum_members,
                         "reason": "below" if found else "none", "teams": found,
                         "best": max((t["members"] for t in found), default=0)})
    return sorted(rows, key=lambda r: (r["region"], r["kind"]))
