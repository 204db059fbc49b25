"""Writes of teams, members, equipment and stations. Each checks the caller's scope
(government officers only, inside their jurisdiction), validates, saves and audits
in one transaction."""

from django.db import transaction

from ...core import audit
from ...core.errors import DomainError
from ...core.models import Person, Region
from ...core.scope import Scope, fits_database
from ...core.services import save_audited
from ..models.teams import Equipment, Station, Team, TeamKind, TeamMember

TEAM_FIELDS = ("name", "kind", "region", "leader", "phone", "base_lat", "base_lon", "readiness", "active", "note")
EQUIPMENT_FIELDS = ("name", "quantity", "unit", "state")
STATION_FIELDS = ("name", "region", "team", "lat", "lon", "speed_kmh", "active")


def _writer(by) -> Scope:
    scope = Scope.for_user(by)
    scope.require_officer()
    return scope


def _region(scope: Scope, code) -> Region:
    code = str(code or "")
    region = Region.objects.filter(pk=code).first() if code else None
    if region is None:
        raise DomainError("区划不存在", "No such region", fields={"region": "不存在 / does not exist"})
    scope.require_region(region.code)
    return region


def _kind(code) -> TeamKind:
    kind = TeamKind.objects.filter(pk=str(code or "")).first()
    if kind is None:
        raise DomainError("队伍类型不存在", "No such team kind", fields={"kind": "不存在 / does not exist"})
    return kind


def _person(scope: Scope, person_id, *, field: str) -> Person:
    person = None
    if isinstance(person_id, int) and fits_database(person_id):
        person = scope.filter(Person.objects.all()).filter(pk=person_id).first()
    if person is None:
        raise DomainError("人员不存在或不在管辖范围内", "No such person in your jurisdiction",
                          fields={field: "不存在 / not found"})
    return person


def _team_ref(scope: Scope, team_id) -> Team:
    team = None
    if isinstance(team_id, int) and fits_database(team_id):
        team = scope.filter(Team.objects.all()).filter(pk=team_id).first()
    if team is None:
        raise DomainError("队伍不存在或不在管辖范围内", "No such team in your jurisdiction",
                          fields={"team": "不存在 / not found"})
    return team


def _position(lat, lon, *, lat_field: str, lon_field: str) -> None:
    if (lat is None) != (lon is None):
        missing = lat_field if lat is None else lon_field
        raise DomainError("经度和纬度须同时填写", "Longitude and latitude go together",
                          fields={missing: "必填 / required"})


def _unknown(data: dict, allowed) -> None:
    for name in data:
        if name not in allowed:
            raise DomainError(f"字段 {name} 不可修改", f"Field {name} cannot be changed",
                              fields={name: "不可修改 / read-only"})


def _apply_team(scope: Scope, team: Team, data: dict) -> None:
    _unknown(data, TEAM_FIELDS)
    for name, value in data.items():
        if name == "kind":
            team.kind = _kind(value)
        elif name == "region":
            team.region = _region(scope, value)
        elif name == "leader":
            team.leader = None if value is None else _person(scope, value, field="leader")
        else:
            setattr(team, name, value)
    _position(team.base_lat, team.base_lon, lat_field="base_lat", lon_field="base_lon")


def team_create(*, by, **data) -> Team:
    scope = _writer(by)
    for name in ("name", "kind", "region"):
        if data.get(name) in (None, ""):
            raise DomainError("请填写必填项", "A required field is missing", fields={name: "必填 / required"})
    team = Team()
    _apply_team(scope, team, data)
    with transaction.atomic():
        return save_audited(team, by=by, action="create", before=None, region_code=team.region_id)


def team_update(*, by, team: Team, **data) -> Team:
    scope = _writer(by)
    scope.require_region(team.region_id)
    before = audit.snapshot(team)
    _apply_team(scope, team, data)
    with transaction.atomic():
        return save_audited(team, by=by, action="update", before=before, region_code=team.region_id)


def member_add(*, by, team: Team, person_id: int, role: str = "") -> TeamMember:
    scope = _writer(by)
    scope.require_region(team.region_id)
    person = _person(scope, person_id, field="person")
    if TeamMember.objects.filter(team=team, person=person).exists():
        raise DomainError("该人员已是本队队员", "This person is already a member of the team",
                          fields={"person": "重复 / already a member"})
    member = TeamMember(team=team, person=person, role=role)
    with transaction.atomic():
        return save_audited(member, by=by, action="create", before=None, region_code=team.region_id)


def member_remove(*, by, member: TeamMember) -> None:
    scope = _writer(by)
    scope.require_region(member.team.region_id)
    with transaction.atomic():
        audit.record(actor=by, action="delete", obj=member, region_code=member.team.region_id,
                     before=audit.snapshot(member))
        member.delete()


def equipment_add(*, by, team: Team, **data) -> Equipment:
    scope = _writer(by)
    scope.require_region(team.region_id)
    _unknown(data, EQUIPMENT_FIELDS)
    item = Equipment(team=team, **data)
    with transaction.atomic():
        return save_audited(item, by=by, action="create", before=None, region_code=team.region_id)


def equipment_update(*, by, item: Equipment, **data) -> Equipment:
    scope = _writer(by)
    scope.require_region(item.team.region_id)
    _unknown(data, EQUIPMENT_FIELDS)
    before = audit.snapshot(item)
    for name, value in data.items():
        setattr(item, name, value)
    with transaction.atomic():
        return save_audited(item, by=by, action="update", before=before, region_code=item.team.region_id)


def equipment_remove(*, by, item: Equipment) -> None:
    scope = _writer(by)
    scope.require_region(item.team.region_id)
    with transaction.atomic():
        audit.record(actor=by, action="delete", obj=item, region_code=item.team.region_id,
                     before=audit.snapshot(item))
        item.delete()


def _apply_station(scope: Scope, station: Station, data: dict) -> None:
    _unknown(data, STATION_FIELDS)
    for name, value in data.items():
        if name == "region":
            station.region = _region(scope, value)
        elif name == "team":
            station.team = None if value is None else _team_ref(scope, value)
        elif name == "speed_kmh" and value is None:
            continue  # the default speed
        else:
            setattr(station, name, value)


def station_create(*, by, **data) -> Station:
    scope = _writer(by)
    for name in ("name", "region", "lat", "lon"):
        if data.get(name) in (None, ""):
            raise DomainError("请填写必填项", "A required field is missing", fields={name: "必填 / required"})
    station = Station()
    _apply_station(scope, station, data)
    with transaction.atomic():
        return save_audited(station, by=by, action="create", before=None, region_code=station.region_id)


def station_update(*, by, station: Station, **data) -> Station:
    scope = _writer(by)
    scope.require_region(station.region_id)
    before = audit.snapshot(station)
    _apply_station(scope, station, data)
    with transaction.atomic():
        return save_audited(station, by=by, action="update", before=before, region_code=station.region_id)
