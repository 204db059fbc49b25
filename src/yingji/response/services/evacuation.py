"""Writes of evacuation (人员转移): households and their plans, their steps from phones,
the village counters kept with each step, and the townships' quick reports.

A step is one transaction: a conditional UPDATE of the household on the state the
phone saw (`WHERE id = … AND state = …`: of two phones recording the same household
at once, one wins and the other is told it was already recorded), the village's
counter row changed by the step's difference, and the step's history row (who, when,
from which state to which, at which shelter). So the counters equal a count from
scratch at every commit (tests/response prove it).

Audit: the history row is the step's record, and `seal_steps` (a scheduler tick,
every few seconds) appends ONE audit record per batch of new rows, listing their ids
and a SHA-256 digest of their content, so a row changed or removed afterwards shows
(`steps_digest` recomputes it). A chain record per step would hold the chain's single
head lock in every step's transaction: during a province-wide typhoon (1,000 steps a
second) every phone would wait on every other.
Registering households, shelters and quick reports stay one record per change.
"""

import hashlib
import json

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ...core import audit
from ...core.choices import RegionLevel
from ...core.errors import DomainError
from ...core.models import Region
from ...core.scope import Scope
from ...core.services import save_audited
from ..models import Household, HouseholdState, HouseholdTransition, QuickReport, Shelter, ShelterState, VillageTally
from .shelters import fits, occupancy, person_in_scope

S = HouseholdState
# Which counters a household in each state counts in ("moved" is everyone who has left).
COUNTED_IN = {S.TO_MOVE: (), S.MOVED: ("moved",), S.SHELTERED: ("moved", "sheltered"),
              S.RETURNED: ("moved", "returned")}
# action → (the states it may start from, the state it leads to)
ACTIONS = {
    "move": ((S.TO_MOVE,), S.MOVED),
    "shelter": ((S.TO_MOVE, S.MOVED, S.SHELTERED), S.SHELTERED),
    "return": ((S.MOVED, S.SHELTERED), S.RETURNED),
}
EDITABLE = ("head", "members", "elderly", "disabled", "children", "pregnant", "phone", "address", "route",
            "danger_zone")


def village(scope: Scope, code: str) -> Region:
    scope.require_region(code)
    region = Region.objects.filter(pk=code).first()
    if region is None:
        raise DomainError("村（社区）不存在", "No such village", fields={"region": "不存在 / does not exist"})
    if region.level != RegionLevel.VILLAGE:
        raise DomainError("转移户应登记到村（社区）", "A household belongs to a village",
                          fields={"region": "应为村（社区） / must be a village"})
    return region


def shelter_in_scope(scope: Scope, shelter_id: int | None) -> Shelter | None:
    if shelter_id is None:
        return None
    shelter = scope.filter(Shelter.objects.all()).filter(pk=shelter_id).first() if fits(shelter_id) else None
    if shelter is None:
        raise DomainError("安置场所不存在或不在管辖范围内", "No such shelter in your jurisdiction",
                          fields={"shelter_id": "不存在 / not found"})
    return shelter


def risk_point_in_scope(scope: Scope, risk_point_id: int | None):
    """The danger zone's risk point (floods' risk lists), read through floods' selectors."""
    from ...core.errors import NotFound
    from ...floods import selectors as flood_selectors

    if risk_point_id is None:
        return None
    try:
        return flood_selectors.risk_point_get(scope=scope, id=risk_point_id)
    except NotFound:
        raise DomainError("风险点不存在或不在管辖范围内", "No such risk point in your jurisdiction",
                          fields={"risk_point": "不存在 / not found"}) from None


def household_create(*, by, region: str, shelter_id: int | None = None, cadre: int | None = None,
                     risk_point: int | None = None, **fields) -> Household:
    scope = Scope.for_user(by)
    scope.require_writer()
    household = Household(region=village(scope, region), shelter=shelter_in_scope(scope, shelter_id),
                          cadre=person_in_scope(scope, cadre, field="cadre"),
                          risk_point=risk_point_in_scope(scope, risk_point),
                          **{k: v for k, v in fields.items() if k in EDITABLE})
    # One person may be both elderly and disabled: each count is bounded, not their sum.
    over = {name: "超过户内人数 / more than the members" for name in ("elderly", "disabled", "children", "pregnant")
            if (getattr(household, name) or 0) > (household.members or 0)}
    if over:
        raise DomainError("重点人员数超过户内人数", "More vulnerable members than members", fields=over)
    with transaction.atomic():
        VillageTally.objects.get_or_create(region_id=household.region_id)
        save_audited(household, by=by, action="create", before=None, region_code=household.region_id)
        VillageTally.objects.filter(region_id=household.region_id).update(
            planned=F("planned") + household.members, planned_households=F("planned_households") + 1)
    return household


def check_action(action: str, expected_state: str | None) -> None:
    """The step's words: a known action, a known state (before anything is read)."""
    if action not in ACTIONS:
        raise DomainError("未知操作", "Unknown action", fields={"action": "move / shelter / return"})
    if expected_state is not None and expected_state not in S.values:
        raise DomainError("状态无效", "Invalid state", fields={"expected_state": "状态无效 / invalid state"})


def check_start(action: str, state: str) -> None:
    """Refused when `action` does not follow from `state`."""
    if state not in ACTIONS[action][0]:
        raise DomainError(*_refusal(action, state), fields={"action": "状态不符 / wrong state"}, code="conflict")


def lost_race() -> DomainError:
    return DomainError("该户状态已被他人更新，请刷新后再试", "Someone else has just recorded this household; "
                       "reload and try again", fields={"action": "已变化 / changed"}, code="conflict")


def tally_deltas(state: str, to: str, members: int) -> dict[str, int]:
    """The village counters' change when a household of `members` goes from `state` to `to`."""
    before, after = set(COUNTED_IN[state]), set(COUNTED_IN[to])
    deltas = {}
    for sign, names in ((-1, before - after), (+1, after - before)):
        for name in names:
            deltas[name] = deltas.get(name, 0) + sign * members
            deltas[f"{name}_households"] = deltas.get(f"{name}_households", 0) + sign
    return deltas


def apply_tally(region_id: str, deltas: dict[str, int]) -> None:
    values = {name: F(name) + d for name, d in deltas.items() if d}
    if values:
        VillageTally.objects.filter(region_id=region_id).update(**values)


def transition(*, by, household_id: int, state: str, to: str, shelter_id: int | None, note: str,
               now) -> HouseholdTransition:
    return HouseholdTransition(
        household_id=household_id, from_state=state, to_state=to, shelter_id=shelter_id, note=(note or "")[:300],
        at=now, by=by if getattr(by, "is_authenticated", False) else None, by_name=getattr(by, "username", "") or "")


def household_act(*, by, household: Household, action: str, shelter_id: int | None = None, note: str = "",
                  expected_state: str | None = None) -> Household:
    """Record one step of a household from a phone: move, shelter (at `shelter_id`) or
    return. Refused with a reason when the step does not follow from the household's
    state, or the shelter is full or closed; `expected_state` (what the phone showed)
    defaults to the state read now. (Many steps at once: `evacuation_batch.households_act`,
    with the same checks.)"""
    scope = Scope.for_user(by)
    scope.require_writer()
    check_action(action, expected_state)
    to = ACTIONS[action][1]
    # The state the caller read (with the household, or as the phone showed it) is the
    # condition of the UPDATE: no read-then-write race, and no extra query.
    state = expected_state or household.state
    check_start(action, state)
    with transaction.atomic():
        shelter = None
        if action == "shelter":
            shelter = _shelter_with_room(scope, shelter_id, household)
        now = timezone.now()
        won = Household.objects.filter(pk=household.pk, state=state).update(
            state=to, state_at=now, sheltered_in=shelter)
        if not won:  # another phone recorded this household first (or the phone's view was old)
            raise lost_race()
        apply_tally(household.region_id, tally_deltas(state, to, household.members))
        transition(by=by, household_id=household.pk, state=state, to=to, shelter_id=shelter.pk if shelter else None,
                   note=note, now=now).save()
    household.state, household.state_at, household.sheltered_in = to, now, shelter
    return household


def _refusal(action: str, state: str) -> tuple[str, str]:
    label = HouseholdState(state).label
    return (f"该户当前状态为“{label}”，不能执行此操作",
            f"The household is {state}: it cannot be recorded as {action} now")


def require_shelter_id(shelter_id: int | None) -> None:
    if shelter_id is None:
        raise DomainError("请选择安置场所", "Choose a shelter", fields={"shelter_id": "必填 / required"})


def check_room(shelter: Shelter, room: int, *, members: int, state: str, sheltered_in_id: int | None) -> None:
    """Refused when the (locked) shelter is closed, already holds the household, or has
    fewer than `members` of its `room` places left."""
    if shelter.state == ShelterState.CLOSED:
        raise DomainError(f"安置场所“{shelter.name}”已关闭，请选择其他场所",
                          f"The shelter {shelter.name} is closed; choose another",
                          fields={"shelter_id": "已关闭 / closed"}, code="shelter_closed")
    if sheltered_in_id == shelter.pk and state == S.SHELTERED:
        raise DomainError("该户已在此安置场所", "The household is already in this shelter",
                          fields={"shelter_id": "已在此 / already here"}, code="conflict")
    if shelter.state == ShelterState.FULL or room < members:
        raise DomainError(f"安置场所“{shelter.name}”已满（剩余 {max(room, 0)} 人，该户 {members} 人），"
                          "请选择其他场所",
                          f"The shelter {shelter.name} is full ({max(room, 0)} places left, the household has "
                          f"{members} persons); choose another",
                          fields={"shelter_id": "已满 / full"}, code="shelter_full")


def _shelter_with_room(scope: Scope, shelter_id: int | None, household: Household) -> Shelter:
    require_shelter_id(shelter_id)
    found = shelter_in_scope(scope, shelter_id)
    # Lock the shelter: two households arriving at once cannot both take its last places.
    shelter = Shelter.objects.select_for_update().get(pk=found.pk)
    check_room(shelter, shelter.capacity - occupancy(shelter.pk), members=household.members,
               state=household.state, sheltered_in_id=household.sheltered_in_id)
    return shelter


STEP_FIELDS = ("id", "household_id", "from_state", "to_state", "shelter_id", "note", "at", "by_id", "by_name")


def steps_digest(ids: list[int]) -> str:
    """SHA-256 of the history rows `ids` as they are now (id order)."""
    digest = hashlib.sha256()
    for row in HouseholdTransition.objects.filter(pk__in=ids).order_by("id").values_list(*STEP_FIELDS):
        values = [v.isoformat() if hasattr(v, "isoformat") else v for v in row]
        digest.update(json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode())
    return digest.hexdigest()


def seal_steps(*, limit: int = 5000) -> int:
    """Append the new history rows to the audit chain: one record per batch of at most
    `limit`, listing the ids by the state they led to, the count per recorder, and the
    digest of the rows; the number of rows sealed."""
    from ...core import regioncodes

    with transaction.atomic():
        rows = list(HouseholdTransition.objects.select_for_update(skip_locked=True).filter(sealed=False)
                    .order_by("id").values_list("id", "to_state", "by_name", "household__region_id")[:limit])
        if not rows:
            return 0
        ids = [r[0] for r in rows]
        by_state, by_person = {}, {}
        for pk, to, name, _region in rows:
            by_person[name or "system"] = by_person.get(name or "system", 0) + 1
            by_state.setdefault(to, []).append(pk)
        audit.record_batch(actor=None, action="household_steps", object_type="response.householdtransition",
                           ids=by_state, region_code=regioncodes.common_region({r[3] for r in rows}),
                           extra={"digest": steps_digest(ids), "recorded_by": by_person})
        HouseholdTransition.objects.filter(pk__in=ids).update(sealed=True)
    return len(ids)


def quick_report_create(*, by, region: str, as_of=None, moved: int, sheltered: int = 0, returned: int = 0,
                        note: str = "") -> QuickReport:
    """A township's transfer figures as numbers (转移快报)."""
    scope = Scope.for_user(by)
    scope.require_writer()
    scope.require_region(region)
    township = Region.objects.filter(pk=region).first()
    if township is None or township.level != RegionLevel.TOWNSHIP:
        raise DomainError("快报应按乡镇（街道）填报", "A quick report is filed for a township",
                          fields={"region": "应为乡镇 / must be a township"})
    if sheltered > moved or returned > moved:
        raise DomainError("在安置或已返回人数不能超过已转移人数", "Sheltered or returned cannot exceed moved",
                          fields={"sheltered" if sheltered > moved else "returned": "超过已转移 / more than moved"})
    report = QuickReport(region=township, as_of=as_of or timezone.now(), moved=moved, sheltered=sheltered,
                         returned=returned, note=note, by=by if getattr(by, "is_authenticated", False) else None)
    with transaction.atomic():
        return save_audited(report, by=by, action="create", before=None, region_code=region)


def tally_rebuild(region_prefix: str = "") -> int:
    """Recount the village counters from the households (after a bulk load that bypassed
    the services, as the benchmark's COPY does); the number of villages written."""
    from django.db.models import Count, Q, Sum

    from ...core import regioncodes

    lo, hi = regioncodes.subtree_bounds(region_prefix)
    qs = Household.objects.filter(region_id__gte=lo, region_id__lte=hi)
    left = [S.MOVED, S.SHELTERED, S.RETURNED]
    rows = qs.values("region_id").annotate(
        planned_households=Count("id"), planned=Sum("members"),
        moved_households=Count("id", filter=Q(state__in=left)), moved=Sum("members", filter=Q(state__in=left)),
        sheltered_households=Count("id", filter=Q(state=S.SHELTERED)),
        sheltered=Sum("members", filter=Q(state=S.SHELTERED)),
        returned_households=Count("id", filter=Q(state=S.RETURNED)),
        returned=Sum("members", filter=Q(state=S.RETURNED)))
    with transaction.atomic():
        VillageTally.objects.filter(region_id__gte=lo, region_id__lte=hi).delete()
        VillageTally.objects.bulk_create(
            [VillageTally(region_id=r["region_id"], **{k: v or 0 for k, v in r.items() if k != "region_id"})
             for r in rows], batch_size=5000)
        return VillageTally.objects.filter(region_id__gte=lo, region_id__lte=hi).count()


__all__ = ["ACTIONS", "COUNTED_IN", "household_act", "household_create", "quick_report_create", "seal_steps",
           "steps_digest", "tally_rebuild", "village"]
