"""Writes of shelters (避灾安置场所): register one, change its state, and when it is full
or closed hand its plan households to other open shelters with room (改派)."""

import math

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from ...core import audit, regioncodes
from ...core.choices import RegionLevel
from ...core.errors import DomainError
from ...core.models import Person, Region
from ...core.scope import Scope
from ...core.services import save_audited
from ..models import Household, HouseholdState, Shelter, ShelterRedirect, ShelterState

EDITABLE = ("name", "kind", "level", "capacity", "phone", "address", "supplies", "longitude", "latitude")
PENDING = (HouseholdState.TO_MOVE, HouseholdState.MOVED)  # planned for a shelter, not in one yet


def region_at_least_township(scope: Scope, code: str, *, field: str = "region") -> Region:
    scope.require_region(code)
    region = Region.objects.filter(pk=code).first()
    if region is None:
        raise DomainError("区划不存在", "No such region", fields={field: "不存在 / does not exist"})
    if region.level < RegionLevel.COUNTY:
        raise DomainError("请选择县、乡镇或村", "Choose a county, township or village",
                          fields={field: "层级不符 / wrong level"})
    return region


def person_in_scope(scope: Scope, person_id: int | None, *, field: str) -> Person | None:
    if person_id is None:
        return None
    person = scope.filter(Person.objects.all()).filter(pk=person_id).first() if fits(person_id) else None
    if person is None:
        raise DomainError("人员不存在或不在管辖范围内", "No such person in your jurisdiction",
                          fields={field: "不存在 / not found"})
    return person


def fits(value: int) -> bool:
    return -(2**63) <= value < 2**63


def shelter_create(*, by, region: str, manager: int | None = None, **fields) -> Shelter:
    scope = Scope.for_user(by)
    scope.require_officer()
    if len(fields.get("supplies") or "") > 2000:
        raise DomainError("物资储备说明超过 2000 字", "Supplies on hand: more than 2,000 characters",
                          fields={"supplies": "太长 / too long"})
    shelter = Shelter(region=region_at_least_township(scope, region),
                      manager=person_in_scope(scope, manager, field="manager"),
                      **{k: v for k, v in fields.items() if k in EDITABLE or k == "state"})
    with transaction.atomic():
        return save_audited(shelter, by=by, action="create", before=None, region_code=shelter.region_id)


def occupancy(shelter_id: int) -> int:
    """Persons sheltered in the shelter now (from the households' records)."""
    return Household.objects.filter(sheltered_in_id=shelter_id, state=HouseholdState.SHELTERED) \
        .aggregate(n=Sum("members"))["n"] or 0


def pending(shelter_id: int) -> int:
    """Persons planned for the shelter who have not arrived yet."""
    return Household.objects.filter(shelter_id=shelter_id, state__in=PENDING) \
        .aggregate(n=Sum("members"))["n"] or 0


def shelter_set_state(*, by, shelter: Shelter, state: str) -> tuple[Shelter, ShelterRedirect | None]:
    """Open, mark full or close a shelter; full or closed redirects its plan households."""
    scope = Scope.for_user(by)
    scope.require_writer()
    if state not in ShelterState.values:
        raise DomainError("状态无效", "Invalid state", fields={"state": "open / full / closed"})
    with transaction.atomic():
        shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
        before = audit.snapshot(shelter)
        shelter.state = state
        save_audited(shelter, by=by, action="state", before=before, region_code=shelter.region_id)
        redirect = None
        if state != ShelterState.OPEN:
            redirect = shelter_redirect(by=by, shelter=shelter)
    return shelter, redirect


def _distance_km(a: Shelter, b: Shelter) -> float:
    if None in (a.longitude, a.latitude, b.longitude, b.latitude):
        return math.inf
    dx = (a.longitude - b.longitude) * math.cos(math.radians((a.latitude + b.latitude) / 2))
    return 111.2 * math.hypot(dx, a.latitude - b.latitude)


def candidates(shelter: Shelter) -> list[tuple[Shelter, int]]:
    """Open shelters with room, the same township's first, then the county's, nearest
    first within each; with the room each has left (capacity − sheltered − pending)."""
    code = shelter.region_id
    found = []
    for length in (regioncodes.LENGTH[RegionLevel.TOWNSHIP], regioncodes.LENGTH[RegionLevel.COUNTY]):
        if len(code) < length:
            continue
        lo, hi = regioncodes.subtree_bounds(code[:length])
        rows = Shelter.objects.filter(state=ShelterState.OPEN, region_id__gte=lo, region_id__lte=hi) \
            .exclude(pk=shelter.pk).exclude(pk__in=[s.pk for s, _ in found])
        ring = sorted(rows, key=lambda s: (_distance_km(shelter, s), s.pk))
        found += [(s, s.capacity - occupancy(s.pk) - pending(s.pk)) for s in ring]
    return [(s, room) for s, room in found if room > 0]


def shelter_redirect(*, by, shelter: Shelter) -> ShelterRedirect:
    """Hand the households planned for `shelter` and not yet in it to other open
    shelters with room: the nearest of the township, then of the county, biggest
    households first. One audit record with the list of what moved."""
    places = candidates(shelter)
    moves, unplaced = [], []
    households = Household.objects.select_for_update().filter(shelter=shelter, state__in=PENDING) \
        .order_by("-members", "id")
    for household in households:
        target = next((i for i, (_, room) in enumerate(places) if room >= household.members), None)
        if target is None:
            unplaced.append(household.pk)
            continue
        to, room = places[target]
        places[target] = (to, room - household.members)
        Household.objects.filter(pk=household.pk).update(shelter=to)
        moves.append({"household": household.pk, "persons": household.members, "to": to.pk, "to_name": to.name})
    redirect = ShelterRedirect.objects.create(shelter=shelter, reason=shelter.state, moves=moves,
                                              unplaced=unplaced, at=timezone.now(),
                                              by=by if getattr(by, "is_authenticated", False) else None)
    audit.record(actor=by, action="shelter_redirect", obj=shelter, region_code=shelter.region_id,
                 after={"reason": shelter.state, "moves": moves, "unplaced": unplaced})
    return redirect


def shelters_near(code: str) -> Q:
    lo, hi = regioncodes.subtree_bounds(code)
    return Q(region_id__gte=lo, region_id__lte=hi)
