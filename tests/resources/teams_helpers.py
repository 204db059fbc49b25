"""Shared builders of the teams tests: villages with positions, people in bulk, teams."""

from yingji.core.models import Person, Region
from yingji.resources.models import Team, TeamMember


def village(code: str, name: str, lat=None, lon=None) -> Region:
    """A village (村) under the township its code starts with."""
    return Region.objects.create(code=code, name=name, level=5, parent_id=code[:9], lat=lat, lon=lon)


def people(n: int, region: str, prefix: str = "队员") -> list[Person]:
    rows = [Person(name=f"{prefix}{i}", mobile=f"139{i:08d}", region_id=region) for i in range(n)]
    return Person.objects.bulk_create(rows)


def team(name: str, kind: str, region: str, members: int = 0, **kw) -> Team:
    t = Team.objects.create(name=name, kind_id=kind, region_id=region, **kw)
    TeamMember.objects.bulk_create([TeamMember(team=t, person=p) for p in people(members, region, name)])
    return t
