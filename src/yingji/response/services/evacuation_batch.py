"""Many household steps in one request (a cadre's phone syncing the steps it queued
offline or recorded in quick succession): each step is applied or refused on its own,
by the same checks as `evacuation.household_act` (imported from there, not copied).

Set-based: one scoped read and lock of the batch's shelters (their occupancy in one
query) and of its households (id order, so two batches never wait on each other in a
circle; the shelters first, as `household_act` takes them), the steps decided in
order in memory (a household named twice sees its first step; a shelter's places are
counted down as households arrive and up as they leave), then the writes: the
households in one UPDATE … FROM (VALUES …) on the state each had (on SQLite one UPDATE
per (state it had, state it ends in, shelter) group), one bulk insert of the history
rows (sealed into the audit chain by `seal_steps` like every other step), and the
villages' counters with each village's summed difference (locked in code order, then
one UPDATE … FROM (VALUES …); on SQLite one UPDATE per village). A refused step writes
nothing, so it never undoes another."""

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from ...core.errors import DomainError, NotFound
from ...core.scope import Scope
from ..models import Household, HouseholdState, HouseholdTransition, Shelter, VillageTally
from .evacuation import (
    ACTIONS,
    apply_tally,
    check_action,
    check_room,
    check_start,
    lost_race,
    require_shelter_id,
    shelter_in_scope,
    tally_deltas,
    transition,
)
from .shelters import fits

MAX_ITEMS = 500
COUNTERS = ("moved", "moved_households", "sheltered", "sheltered_households", "returned", "returned_households")
S = HouseholdState


def too_many(n: int) -> DomainError:
    return DomainError(f"一次最多同步 {MAX_ITEMS} 条记录（收到 {n} 条），请分批发送",
                       f"At most {MAX_ITEMS} steps per request ({n} received); send them in parts",
                       fields={"items": f"最多 {MAX_ITEMS} 条 / at most {MAX_ITEMS}"}, code="too_many")


def refused(item_id, error: DomainError, client_id=None) -> dict:
    out = {"id": item_id, "ok": False, "code": error.code, "message": f"{error.zh} / {error.en}",
           "field": next(iter(error.fields), None)}
    if client_id is not None:
        out["client_id"] = client_id
    return out


def households_act(*, by, items: list) -> list[dict]:
    """Apply `items` (dicts: id, action, shelter_id, expected_state, note, client_id; or
    a DomainError for an item the caller could not read) in order; one result per item:
    `{"id", "ok": True, "state"}` or `{"id", "ok": False, "code", "message", "field"}`."""
    scope = Scope.for_user(by)
    scope.require_writer()
    if len(items) > MAX_ITEMS:
        raise too_many(len(items))
    results: list[dict | None] = [None] * len(items)
    todo = []
    for i, item in enumerate(items):
        if isinstance(item, DomainError):
            results[i] = refused(None, item)
            continue
        try:
            check_action(item["action"], item.get("expected_state"))
            if item["action"] == "shelter":
                require_shelter_id(item.get("shelter_id"))
            if not fits(item["id"]):
                raise NotFound(fields={"id": "不存在 / not found"})
        except DomainError as error:
            results[i] = refused(item.get("id"), error, item.get("client_id"))
            continue
        todo.append(i)
    if not todo:
        return results

    ids = {items[i]["id"] for i in todo}
    wanted_shelters = {items[i]["shelter_id"] for i in todo if items[i]["action"] == "shelter"}
    now = timezone.now()
    with transaction.atomic():
        shelters, room = _lock_shelters(scope, wanted_shelters)
        in_scope = scope.filter(Household.objects.filter(pk__in=ids)).values("pk")
        current = {h["id"]: dict(h, had=h["state"]) for h in Household.objects.select_for_update()
                   .filter(pk__in=in_scope).order_by("pk").values("id", "state", "sheltered_in_id", "members",
                                                                   "region_id")}
        steps, deltas = [], {}
        for i in todo:
            item = items[i]
            try:
                to = _decide(scope, item, current.get(item["id"]), shelters, room)
            except DomainError as error:
                results[i] = refused(item["id"], error, item.get("client_id"))
                continue
            h = current[item["id"]]
            state, shelter_id = item.get("expected_state") or h["state"], item.get("shelter_id") if to == S.SHELTERED \
                else None
            if h["state"] == S.SHELTERED and h["sheltered_in_id"] in room:
                room[h["sheltered_in_id"]] += h["members"]
            if shelter_id is not None:
                room[shelter_id] -= h["members"]
            village = deltas.setdefault(h["region_id"], {})
            for name, d in tally_deltas(state, to, h["members"]).items():
                village[name] = village.get(name, 0) + d
            h["state"], h["sheltered_in_id"], h["touched"] = to, shelter_id, True
            steps.append(transition(by=by, household_id=h["id"], state=state, to=to, shelter_id=shelter_id,
                                    note=item.get("note") or "", now=now))
            results[i] = {"id": item["id"], "ok": True, "state": to}
            if item.get("client_id") is not None:
                results[i]["client_id"] = item["client_id"]
        if steps:
            _write(current, steps, deltas, now)
    return results


def _lock_shelters(scope: Scope, wanted: set[int]) -> tuple[dict, dict]:
    """The batch's shelters in the caller's scope, locked (id order), and their places left."""
    if not wanted:
        return {}, {}
    ok = scope.filter(Shelter.objects.filter(pk__in=[s for s in wanted if fits(s)])).values("pk")
    shelters = {s.pk: s for s in Shelter.objects.select_for_update().filter(pk__in=ok).order_by("pk")}
    taken = dict(Household.objects.filter(sheltered_in_id__in=list(shelters), state=S.SHELTERED)
                 .values("sheltered_in_id").annotate(n=Sum("members")).values_list("sheltered_in_id", "n"))
    return shelters, {pk: s.capacity - (taken.get(pk) or 0) for pk, s in shelters.items()}


def _decide(scope: Scope, item: dict, h: dict | None, shelters: dict, room: dict) -> str:
    """The state the step leads to, or a DomainError: the checks of `household_act`, in its order."""
    if h is None:
        raise NotFound(fields={"id": "不存在 / not found"})
    action = item["action"]
    state = item.get("expected_state") or h["state"]
    check_start(action, state)
    if action == "shelter":
        shelter = shelters.get(item["shelter_id"])
        if shelter is None:
            shelter_in_scope(scope, item["shelter_id"])  # raises its refusal
            raise NotFound(fields={"shelter_id": "不存在 / not found"})  # pragma: no cover (out of scope)
        check_room(shelter, room[shelter.pk], members=h["members"], state=h["state"],
                   sheltered_in_id=h["sheltered_in_id"])
    if h["state"] != state:  # the phone's view was old (or another phone recorded it first)
        raise lost_race()
    return ACTIONS[action][1]


def _write(current: dict, steps: list, deltas: dict, now) -> None:
    touched = [h for h in current.values() if h.get("touched")]
    if connection.vendor == "postgresql":
        _write_households_pg(touched, now)
    else:
        groups: dict[tuple, list[int]] = {}
        for h in touched:
            groups.setdefault((h["had"], h["state"], h["sheltered_in_id"]), []).append(h["id"])
        for (had, to, shelter_id), pks in groups.items():
            done = Household.objects.filter(pk__in=pks, state=had).update(state=to, state_at=now,
                                                                          sheltered_in_id=shelter_id)
            if done != len(pks):  # cannot happen under the locks; never write half a decision
                raise lost_race()
    HouseholdTransition.objects.bulk_create(steps, batch_size=500)
    if connection.vendor == "postgresql":
        _write_tallies_pg(deltas)
    else:
        for region_id in sorted(deltas):
            apply_tally(region_id, deltas[region_id])


def _write_households_pg(touched: list[dict], now) -> None:
    """One UPDATE … FROM (VALUES …) for every household of the batch, on the state it had."""
    rows = ", ".join(["(%s::bigint, %s, %s, %s::bigint)"] * len(touched))
    params = [v for h in touched for v in (h["id"], h["had"], h["state"], h["sheltered_in_id"])]
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {Household._meta.db_table} AS h SET state = v.to_state, state_at = %s, "
                    f"sheltered_in_id = v.shelter FROM (VALUES {rows}) AS v(id, had, to_state, shelter) "
                    "WHERE h.id = v.id AND h.state = v.had", [now, *params])
        if cur.rowcount != len(touched):  # cannot happen under the locks; never write half a decision
            raise lost_race()


def _write_tallies_pg(deltas: dict) -> None:
    """The villages' counters: locked in code order (as another batch locks them), then
    one UPDATE … FROM (VALUES …) with each village's summed difference."""
    regions = sorted(r for r, d in deltas.items() if any(d.values()))
    if not regions:
        return
    table = VillageTally._meta.db_table
    rows = ", ".join(["(%s" + ", %s::integer" * len(COUNTERS) + ")"] * len(regions))
    params = [v for r in regions for v in (r, *(deltas[r].get(name, 0) for name in COUNTERS))]
    sets = ", ".join(f"{name} = t.{name} + v.{name}" for name in COUNTERS)
    with connection.cursor() as cur:
        cur.execute(f"SELECT region_id FROM {table} WHERE region_id = ANY(%s) ORDER BY region_id FOR UPDATE",
                    [regions])
        cur.execute(f"UPDATE {table} AS t SET {sets} FROM (VALUES {rows}) AS v(region_id, {', '.join(COUNTERS)}) "
                    "WHERE t.region_id = v.region_id", params)


__all__ = ["MAX_ITEMS", "households_act"]
