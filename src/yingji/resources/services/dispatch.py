"""Dispatch (调度): one click sends a team, supplies or both to a destination; the team
leader steps the order forward from a phone (signed link) or logged in; an order not
acknowledged in time is escalated once by the scheduler's tick.

Supplies are issued from the ledger in the SAME transaction that creates the order,
not at departure: the order is the moment the command post commits the stock, so two
orders placed a second apart can never promise the same boxes, and a short warehouse
refuses the order at once (with the ledger's reason) while the officer is still at the
screen, rather than at the roadside an hour later. A refused issue rolls the whole
order back: no order, no message, no movement, the ledger as it was.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone

from ...core import audit, regioncodes
from ...core.errors import DomainError, Forbidden, NotFound
from ...core.models import Person
from ...core.scope import Scope
from ...core.selectors import on_duty
from ...duty import selectors_reports as reports
from ...floods import selectors as floods
from ...messaging import services as messaging
from ...response import selectors_evacuation as evacuation
from ..choices_dispatch import ACTIONS, BEFORE, PATH, TIME_FIELD, DestinationKind, DispatchState, StepChannel
from ..models import Dispatch, DispatchStep, DispatchSupply, SupplyKind, Team, Warehouse
from ..models.supplies import MAX_QUANTITY
from ..models.teams import LAT_RANGE, LON_RANGE, Readiness
from . import supplies as ledger

SALT = "yingji.resources.dispatch"
DEFAULT_ACK_MINUTES = 10
MAX_ACK_MINUTES = 24 * 60
MAX_SUPPLY_LINES = 50
ESCALATE_BATCH = 200


class OutOfOrder(DomainError):
    """A step that is not the next one (steps only go forward, one at a time)."""

    status = 409
    code = "out_of_order"


@dataclass(frozen=True)
class SupplyLine:
    warehouse_id: int
    kind: str  # the kind's code
    quantity: int


# The signed link -------------------------------------------------------------------

def dispatch_token(dispatch: Dispatch) -> str:
    """Good only for this dispatch and its leader (a new leader needs a new link)."""
    return signing.dumps([dispatch.pk, dispatch.leader_id], salt=SALT, compress=False)


def dispatch_for_token(token: str) -> Dispatch:
    try:
        dispatch_id, leader_id = signing.loads(token, salt=SALT)
        dispatch = (Dispatch.objects.select_related("team", "leader", "region")
                    .filter(pk=int(dispatch_id), leader_id=leader_id).first())
    except (signing.BadSignature, ValueError, TypeError, OverflowError) as exc:
        raise DomainError("调度链接无效", "Invalid dispatch link", code="invalid_token") from exc
    if dispatch is None:
        raise DomainError("调度链接无效", "Invalid dispatch link", code="invalid_token")
    return dispatch


def dispatch_url(dispatch: Dispatch) -> str:
    return f"{settings.YINGJI_PUBLIC_URL.rstrip('/')}/resources/d/{dispatch_token(dispatch)}"


def prefix(dispatch: Dispatch) -> str:
    return ("【演练】" if dispatch.drill else "") + "【调度指令】"


# Creating ---------------------------------------------------------------------------

def dispatch_create(*, by, task: str, team_id: int | None = None, supplies: list[SupplyLine] | None = None,
                    destination_kind: str = DestinationKind.POSITION, destination_id: int | None = None,
                    destination_text: str = "", lat: float | None = None, lon: float | None = None,
                    region: str = "", drill: bool = False, ack_minutes: int = DEFAULT_ACK_MINUTES,
                    now: dt.datetime | None = None) -> Dispatch:
    """Send a team and/or supplies to a destination: the order, its first step, the
    supplies issued from the ledger, the team marked deployed and the SMS to the
    leader, all in one transaction (any refusal leaves nothing behind)."""
    scope = Scope.for_user(by)
    scope.require_officer()
    supplies = list(supplies or [])
    task = _task(task)
    if team_id is None and not supplies:
        raise DomainError("请选择救援队伍或物资（至少一项）", "Choose a team or supplies (at least one)",
                          fields={"team_id": "队伍和物资至少选一项 / a team or supplies are required"})
    if not 1 <= int(ack_minutes) <= MAX_ACK_MINUTES:
        raise DomainError("接收时限无效", "Invalid acknowledgement time",
                          fields={"ack_minutes": f"应在 1 至 {MAX_ACK_MINUTES} 分钟之间 / "
                                                 f"must be 1 to {MAX_ACK_MINUTES} minutes"})
    team = _team(scope, team_id) if team_id is not None else None
    lines = _lines(scope, supplies)
    place = _destination(scope, destination_kind, destination_id, destination_text, lat, lon)
    source = team.region_id if team is not None else lines[0][0].region_id
    dest_region = place["region"] or region or source
    scope.require_region(dest_region)
    if team is not None:
        _available(team)
    now = now or timezone.now()
    with transaction.atomic():
        if team is not None:
            _deploy(team)
        dispatch = Dispatch(team=team, region_id=dest_region, source_region_id=source, task=task, drill=bool(drill),
                            requested_by=by if getattr(by, "is_authenticated", False) else None,
                            leader_id=team.leader_id if team is not None else None, requested_at=now,
                            ack_due_at=now + dt.timedelta(minutes=int(ack_minutes)),
                            destination_kind=place["kind"], destination=place["name"], lat=place["lat"],
                            lon=place["lon"], **place["link"])
        dispatch.full_clean()
        dispatch.save()
        DispatchStep.objects.create(dispatch=dispatch, state=DispatchState.REQUESTED, at=now, by=dispatch.requested_by,
                                    person=_person_of(by), channel=StepChannel.LOGIN)
        for i, (warehouse, kind, quantity) in enumerate(lines):
            movement = _issue(by, dispatch, i, warehouse, kind, quantity)
            DispatchSupply.objects.create(dispatch=dispatch, warehouse=warehouse, kind=kind, quantity=quantity,
                                          movement=movement)
        audit.record(actor=by, action="dispatch_create", obj=dispatch, region_code=dispatch.region_id,
                     after={**audit.snapshot(dispatch),
                            "supplies": [[w.pk, k.pk, str(q)] for w, k, q in lines]})
        _notify_leader(dispatch)
    return dispatch


def _task(task) -> str:
    task = (task or "").strip()
    if not task:
        raise DomainError("请填写任务", "The task is required", fields={"task": "必填 / required"})
    if len(task) > 500:
        raise DomainError("任务太长", "The task is too long", fields={"task": "最多 500 字 / at most 500 characters"})
    return task


def _team(scope: Scope, team_id) -> Team:
    try:
        team = scope.get(Team.objects.select_related("leader", "region"), pk=int(team_id), active=True)
    except (NotFound, TypeError, ValueError) as exc:
        raise NotFound("救援队伍不存在", "Team not found", fields={"team_id": "不存在 / not found"}) from exc
    scope.require_region(team.region_id)
    return team


def _available(team: Team) -> None:
    if team.readiness in (Readiness.DEPLOYED, Readiness.UNAVAILABLE):
        raise DomainError(f"该队伍当前{team.get_readiness_display()}，不能调度",
                          "The team is deployed or unavailable", code="team_busy",
                          fields={"team_id": "队伍不可调度 / team not available"})


def _deploy(team: Team) -> None:
    """The team becomes deployed, conditionally, so two orders at once cannot both take it."""
    taken = (Team.objects.filter(pk=team.pk, readiness__in=[Readiness.READY, Readiness.STANDBY])
             .update(readiness=Readiness.DEPLOYED))
    if not taken:
        raise DomainError("该队伍刚被调度，不能重复调度", "The team was just dispatched by someone else",
                          code="team_busy", fields={"team_id": "队伍不可调度 / team not available"})
    audit.record(actor=None, action="team_deploy", obj=team, region_code=team.region_id,
                 before={"readiness": team.readiness}, after={"readiness": Readiness.DEPLOYED})


def _release(dispatch: Dispatch) -> None:
    if dispatch.team_id is None:
        return
    released = (Team.objects.filter(pk=dispatch.team_id, readiness=Readiness.DEPLOYED)
                .update(readiness=Readiness.READY))
    if released:
        audit.record(actor=None, action="team_release", object_type="resources.team", object_id=dispatch.team_id,
                     region_code=dispatch.source_region_id, before={"readiness": Readiness.DEPLOYED},
                     after={"readiness": Readiness.READY, "dispatch": dispatch.pk})


def _lines(scope: Scope, supplies: list[SupplyLine]) -> list[tuple[Warehouse, SupplyKind, int]]:
    if len(supplies) > MAX_SUPPLY_LINES:
        raise DomainError("物资行太多", "Too many supply lines",
                          fields={"supplies": f"最多 {MAX_SUPPLY_LINES} 行 / at most {MAX_SUPPLY_LINES} lines"})
    lines = []
    for i, line in enumerate(supplies):
        field = f"supplies.{i}"
        try:
            warehouse = scope.get(Warehouse.objects.select_related("region"), pk=int(line.warehouse_id))
        except (NotFound, TypeError, ValueError) as exc:
            raise NotFound("仓库不存在", "Warehouse not found",
                           fields={f"{field}.warehouse_id": "不存在 / not found"}) from exc
        scope.require_region(warehouse.region_id)
        kind = SupplyKind.objects.filter(code=str(line.kind)).first()
        if kind is None:
            raise DomainError("物资品类不存在", "Unknown supply kind", fields={f"{field}.kind": "不存在 / unknown"})
        quantity = line.quantity
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= MAX_QUANTITY:
            raise DomainError("数量应为正整数", "The quantity must be a positive whole number",
                              fields={f"{field}.quantity": f"应为 1 至 {MAX_QUANTITY} 的整数 / "
                                                          f"a whole number from 1 to {MAX_QUANTITY}"})
        lines.append((warehouse, kind, quantity))
    return lines


def _issue(by, dispatch: Dispatch, i: int, warehouse, kind, quantity):
    try:
        return ledger.issue(by=by, warehouse=warehouse, kind=kind, quantity=quantity,
                            reason=f"{prefix(dispatch)}调度 #{dispatch.pk}：{dispatch.destination}",
                            reference=f"dispatch:{dispatch.pk}")
    except DomainError as exc:
        refused = DomainError(f"物资出库被拒绝，调度未下达：{exc.zh}",
                              f"Supplies refused, nothing was dispatched: {exc.en}", code="supplies_refused",
                              fields={f"supplies.{i}": f"{warehouse.name} {kind.name}：{exc.zh} / {exc.en}"})
        refused.status = exc.status  # 409 for short stock, as the ledger answers
        raise refused from exc


def check_position(lat, lon, *, prefix: str = "") -> tuple[float, float]:
    """A latitude and longitude inside China's extent, or a bilingual field error."""
    fields = {}
    values = []
    for name, value, (low, high), zh in (("lat", lat, LAT_RANGE, "纬度"), ("lon", lon, LON_RANGE, "经度")):
        try:
            number = float(value)
        except (TypeError, ValueError):
            fields[prefix + name] = "必填，应为数字 / required, a number"
            continue
        if not math.isfinite(number) or not low <= number <= high:
            fields[prefix + name] = f"{zh}应在 {low:g} 至 {high:g} 之间 / must be between {low:g} and {high:g}"
        values.append(number)
    if fields:
        raise DomainError("位置无效", "Invalid position", fields=fields)
    return values[0], values[1]


def _destination(scope: Scope, kind: str, obj_id, text: str, lat, lon) -> dict:
    """Where to: the row (a report, a risk point, a shelter, read through its app's
    selectors in the caller's scope) or a plain position; its name, region and position."""
    if kind not in DestinationKind.values:
        raise DomainError("目的地类型无效", "Invalid destination kind",
                          fields={"destination.kind": "不是允许的取值 / not an allowed value"})
    text = (text or "").strip()[:200]
    if kind == DestinationKind.POSITION:
        lat, lon = check_position(lat, lon)
        return {"kind": kind, "name": text or f"{lat:.5f}, {lon:.5f}", "region": "", "lat": lat, "lon": lon,
                "link": {}}
    if obj_id is None:
        raise DomainError("请选择目的地", "Choose the destination", fields={"destination.id": "必填 / required"})
    row = _destination_row(scope, kind, obj_id)
    if lat is None and lon is None:
        lat, lon = row.latitude, row.longitude
    if lat is None or lon is None:
        raise DomainError("目的地没有坐标，请填写位置", "The destination has no position: give lat and lon",
                          fields={"lat": "必填 / required", "lon": "必填 / required"})
    lat, lon = check_position(lat, lon)
    name = getattr(row, "title", None) or row.name
    return {"kind": kind, "name": (text or name)[:200], "region": row.region_id, "lat": lat, "lon": lon,
            "link": {kind: row}}


def _destination_row(scope: Scope, kind: str, obj_id):
    getter = {DestinationKind.REPORT: reports.report_get, DestinationKind.RISK_POINT: floods.risk_point_get,
              DestinationKind.SHELTER: evacuation.shelter_get}[kind]
    try:
        return getter(scope=scope, id=int(obj_id))
    except (NotFound, TypeError, ValueError) as exc:
        raise NotFound("目的地不存在", "Destination not found",
                       fields={"destination.id": "不存在 / not found"}) from exc


def destination_of(scope: Scope, kind: str, obj_id: int) -> dict:
    """A report, risk point or shelter as a destination to prefill the form: its name
    and position (None where it has none)."""
    row = _destination_row(scope, kind, obj_id)
    return {"name": (getattr(row, "title", None) or row.name)[:200], "lat": row.latitude, "lon": row.longitude}


# The order's message -----------------------------------------------------------------

def order_text(dispatch: Dispatch) -> str:
    team = dispatch.team.name if dispatch.team_id else "物资"
    return (f"{prefix(dispatch)}{team}请立即前往{dispatch.destination}，任务：{dispatch.task}。"
            f"请点击链接接收并报告出发、到达、完成：{dispatch_url(dispatch)} ")


def _notify_leader(dispatch: Dispatch) -> None:
    """One SMS per dispatch and leader (the key makes a retry send nothing more)."""
    leader = dispatch.leader
    if leader is None or not leader.active:
        return
    messaging.send(channel="sms", to=leader.mobile, person=leader, text=order_text(dispatch),
                   idempotency_key=f"resources:dispatch:{dispatch.pk}:person:{leader.pk}",
                   subject=f"调度指令 #{dispatch.pk}", region_code=leader.region_id,
                   context={"dispatch": dispatch.pk, "drill": dispatch.drill})


# Stepping forward --------------------------------------------------------------------

def dispatch_step(*, dispatch: Dispatch, action: str, by=None, channel: str = StepChannel.LOGIN,
                  lat=None, lon=None, note: str = "", now: dt.datetime | None = None) -> Dispatch:
    """acknowledge, depart, arrive (with the position) or complete; `cancel` by an
    officer. Logged in: the leader, or an officer whose jurisdiction covers the team's
    or the destination's region. By the signed link (`by` None): as the leader. The
    state moves by a conditional UPDATE, so two phones pressing at once make one step;
    the same step again changes nothing; a step out of order is refused."""
    if action != "cancel" and action not in ACTIONS:
        raise DomainError("未知的操作", "Unknown action", fields={"action": "不是允许的取值 / not an allowed value"})
    person = dispatch.leader if channel == StepChannel.LINK else _person_of(by)
    if channel == StepChannel.LOGIN:
        _require_stepper(Scope.for_user(by), dispatch, person, action)
    note = (note or "").strip()
    if len(note) > 300:
        raise DomainError("备注太长", "Note too long", fields={"note": "最多 300 字 / at most 300 characters"})
    target = DispatchState.CANCELLED if action == "cancel" else ACTIONS[action]
    if target == DispatchState.ARRIVED:
        lat, lon = check_position(lat, lon)
    elif lat is not None or lon is not None:
        lat, lon = check_position(lat, lon)
    now = now or timezone.now()
    with transaction.atomic():
        allowed = [s for s in PATH[:-1]] if target == DispatchState.CANCELLED else [BEFORE[target]]
        changes = {"state": target, TIME_FIELD[target]: now}
        if target == DispatchState.ARRIVED:
            changes.update(arrived_lat=lat, arrived_lon=lon)
        moved = Dispatch.objects.filter(pk=dispatch.pk, state__in=allowed).update(**changes)
        current = Dispatch.objects.select_related("team", "leader").get(pk=dispatch.pk)
        if not moved:
            if current.state == target:
                return current  # a second tap, or the other phone was faster: nothing more
            raise _out_of_order(current.state, target)
        DispatchStep.objects.create(dispatch=current, state=target, at=now,
                                    by=by if channel == StepChannel.LOGIN else None, person=person,
                                    channel=channel, lat=lat, lon=lon, note=note)
        if target in (DispatchState.COMPLETED, DispatchState.CANCELLED):
            _release(current)
        audit.record(actor=by if channel == StepChannel.LOGIN else None, action=f"dispatch_{action}", obj=current,
                     region_code=current.region_id, before={"state": dispatch.state},
                     after={"state": target, "channel": channel, "person": person.pk if person else None,
                            "lat": lat, "lon": lon})
    return current


def may_step(scope: Scope, dispatch: Dispatch, person, action: str = "acknowledge") -> bool:
    """Whether a logged-in caller may make a step (the leader, or an officer covering
    the team's or the destination's region) or cancel (the officer only)."""
    try:
        _require_stepper(scope, dispatch, person, action)
    except Forbidden:
        return False
    return True


def _require_stepper(scope: Scope, dispatch: Dispatch, person, action: str) -> None:
    is_leader = person is not None and person.pk == dispatch.leader_id
    officer = scope.role in ("admin", "officer") and (scope.covers_region(dispatch.source_region_id)
                                                       or scope.covers_region(dispatch.region_id))
    if action == "cancel" and not officer:
        raise Forbidden("只有指挥人员可以取消调度", "Only a commanding officer may cancel a dispatch")
    if not (is_leader or officer):
        raise Forbidden("只有带队负责人或指挥人员可以报告", "Only the team leader or a commanding officer may report")


def _out_of_order(current: str, target: str) -> OutOfOrder:
    now_label, target_label = DispatchState(current).label, DispatchState(target).label
    if current in (DispatchState.COMPLETED, DispatchState.CANCELLED) or (
            current in PATH and target in PATH and PATH.index(current) > PATH.index(target)):
        return OutOfOrder(f"调度已{now_label}，不能再报告“{target_label}”",
                          f"The dispatch is already {current}; {target} is no longer possible",
                          fields={"action": f"当前状态：{now_label} / current state: {current}"})
    expected = BEFORE.get(target)
    return OutOfOrder(f"请先报告“{DispatchState(expected).label}”，再报告“{target_label}”",
                      f"Report {expected} before {target}",
                      fields={"action": f"当前状态：{now_label} / current state: {current}"})


def _person_of(user) -> Person | None:
    return getattr(user, "person", None) if user is not None else None


def durations(dispatch: Dispatch) -> dict:
    """Seconds from the order to each step (None until it happened)."""
    return {"to_acknowledge": dispatch.seconds_between("requested_at", "acknowledged_at"),
            "to_depart": dispatch.seconds_between("requested_at", "departed_at"),
            "to_arrive": dispatch.seconds_between("requested_at", "arrived_at"),
            "travel": dispatch.seconds_between("departed_at", "arrived_at"),
            "to_complete": dispatch.seconds_between("requested_at", "completed_at")}


# Escalation -----------------------------------------------------------------------

def escalate_due_dispatches(now: dt.datetime | None = None) -> int:
    """The scheduler's tick: an order still not acknowledged at its `ack_due_at` is
    escalated once, to the officer who gave it and the duty desk of the team's region
    (the nearest region above that has one). The row is claimed by a conditional
    UPDATE (escalated_at IS NULL), so two workers never escalate one twice; the
    messages' keys make a retry send nothing more."""
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            due = (Dispatch.objects.filter(state=DispatchState.REQUESTED, escalated_at__isnull=True,
                                           ack_due_at__lte=now).order_by("ack_due_at", "pk"))
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            ids = list(due.values_list("pk", flat=True)[:ESCALATE_BATCH])
            if not ids:
                return done
            Dispatch.objects.filter(pk__in=ids, escalated_at__isnull=True).update(escalated_at=now)
            rows = list(Dispatch.objects.filter(pk__in=ids).select_related("team", "leader", "requested_by__person"))
            items = [item for d in rows for item in _escalations(d, now)]
            messaging.send_many(items)
            audit.record_batch(actor=None, action="dispatch_escalate", object_type="resources.dispatch",
                               ids={"escalated": ids},
                               region_code=regioncodes.common_region(d.source_region_id for d in rows))
        done += len(ids)


def _escalations(dispatch: Dispatch, now: dt.datetime) -> list[messaging.Outgoing]:
    people = []
    requester = getattr(dispatch.requested_by, "person", None) if dispatch.requested_by_id else None
    if requester is not None and requester.active:
        people.append(requester)
    for code in [dispatch.source_region_id, *reversed(regioncodes.ancestors(dispatch.source_region_id))]:
        desk = on_duty(region_code=code, at=now)
        if desk:
            people += desk
            break
    due = timezone.localtime(dispatch.ack_due_at).strftime("%H:%M")
    leader = f"{dispatch.leader.name} {dispatch.leader.mobile or '无号码'}" if dispatch.leader_id else "无带队负责人"
    team = dispatch.team.name if dispatch.team_id else "物资"
    text = (f"{prefix(dispatch)}调度 #{dispatch.pk}（{team}→{dispatch.destination}）未在{due}前接收"
            f"（{leader}），请立即电话联系。")
    return [messaging.Outgoing(channel="sms", to=p.mobile, text=text, person_id=p.pk, region_code=p.region_id,
                               idempotency_key=f"resources:dispatch:{dispatch.pk}:escalate:person:{p.pk}",
                               subject=f"调度指令 #{dispatch.pk}", context={"dispatch": dispatch.pk,
                                                                       "drill": dispatch.drill})
            for p in dict.fromkeys(people)]
