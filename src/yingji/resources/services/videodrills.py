"""Video-dispatch drills: the nodes of a region's tree, drills scheduled as rows with
`due_at` and started by the scheduler's tick, and each call's outcome recorded by the
operator or reported by the video system (once per event id). Every change audited."""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ...core import audit, regioncodes
from ...core.choices import RegionLevel
from ...core.errors import DomainError, NotFound
from ...core.models import Region
from ...core.scope import Scope
from ...core.services import save_audited
from .. import video
from ..models import DrillState, NodeKind, OutcomeSource, Team, VideoCall, VideoDrill, VideoEvent, VideoNode

log = logging.getLogger(__name__)

KIND_OF_LEVEL = {RegionLevel.COUNTY: NodeKind.COUNTY, RegionLevel.TOWNSHIP: NodeKind.TOWNSHIP,
                 RegionLevel.VILLAGE: NodeKind.VILLAGE}
POST_SUFFIX = {NodeKind.COUNTY: "应急指挥中心", NodeKind.TOWNSHIP: "应急指挥部", NodeKind.VILLAGE: "应急指挥点"}
PLACE_RETRY = dt.timedelta(minutes=5)
PLACE_ATTEMPTS = 3
EVENT_KINDS = ("connected", "failed", "answered", "quality")
EDITABLE_NODE_FIELDS = ("name", "endpoint_id", "active")


def _bad(field: str, zh: str, en: str, reason_zh: str, reason_en: str, code: str | None = None) -> DomainError:
    return DomainError(zh, en, fields={field: f"{reason_zh} / {reason_en}"}, code=code)


def _user(by):
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """A time without a zone is local time (what a person types)."""
    return timezone.make_aware(value) if value is not None and timezone.is_naive(value) else value


def _region(scope: Scope, code, field: str = "region") -> Region:
    region = Region.objects.filter(pk=code).first() if isinstance(code, str) and code else None
    if region is None:
        raise _bad(field, "区划不存在", "No such region", "不存在", "not found")
    scope.require_region(region.code)
    return region


# Nodes -----------------------------------------------------------------------------

def nodes_generate(*, by, region: str) -> dict:
    """One action for a region's tree: a command-post node for the region and every
    county, township and village under it, and one node per active rescue team there;
    nodes already present are kept as they are (their edits stay)."""
    scope = Scope.for_user(by)
    scope.require_officer()
    root = _region(scope, region)
    low, high = regioncodes.subtree_bounds(root.code)
    regions = list(Region.objects.filter(code__gte=low, code__lte=high, level__in=list(KIND_OF_LEVEL))
                   .order_by("code"))
    have_posts = set(VideoNode.objects.filter(team__isnull=True, region__code__gte=low, region__code__lte=high)
                     .values_list("region_id", "kind"))
    new = [VideoNode(kind=KIND_OF_LEVEL[r.level], region=r, endpoint_id=f"yj-{r.code}",
                     name=f"{r.name}{POST_SUFFIX[KIND_OF_LEVEL[r.level]]}")
           for r in regions if (r.code, KIND_OF_LEVEL[r.level]) not in have_posts]
    teams = (Team.objects.filter(active=True, region__code__gte=low, region__code__lte=high)
             .exclude(video_nodes__isnull=False).select_related("region").order_by("pk"))
    new += [VideoNode(kind=NodeKind.TEAM, region_id=t.region_id, team=t, endpoint_id=f"yj-team-{t.pk}",
                      name=t.name[:100]) for t in teams]
    taken = set(VideoNode.objects.filter(endpoint_id__in=[n.endpoint_id for n in new])
                .values_list("endpoint_id", flat=True))
    new = [n for n in new if n.endpoint_id not in taken]
    with transaction.atomic():
        created = VideoNode.objects.bulk_create(new)
        ids = [n.pk for n in created] if all(n.pk for n in created) else list(
            VideoNode.objects.filter(endpoint_id__in=[n.endpoint_id for n in new]).values_list("pk", flat=True))
        audit.record_batch(actor=_user(by), action="video_nodes_generate", object_type="resources.videonode",
                           ids={"created": ids}, region_code=root.code)
    return {"region": root.code, "created": len(created),
            "total": VideoNode.objects.filter(region__code__gte=low, region__code__lte=high).count()}


def node_update(*, by, node: VideoNode, data: dict) -> VideoNode:
    """Change a node's name, endpoint id or whether it is called."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(node.region_id)
    before = audit.snapshot(node)
    for name, value in data.items():
        if name not in EDITABLE_NODE_FIELDS:
            raise _bad(name, f"字段 {name} 不可修改", f"Field {name} cannot be changed", "不可修改", "read-only")
        setattr(node, name, value)
    if "endpoint_id" in data and VideoNode.objects.exclude(pk=node.pk).filter(endpoint_id=node.endpoint_id).exists():
        raise _bad("endpoint_id", "视频终端号已被其他节点使用", "Endpoint id used by another node", "重复", "duplicate")
    with transaction.atomic():
        return save_audited(node, by=_user(by), action="video_node_update", before=before,
                            region_code=node.region_id)


# Drills ----------------------------------------------------------------------------

def drill_create(*, by, region: str, title: str, scheduled_at: dt.datetime,
                 response_minutes: int | None = None) -> VideoDrill:
    """Schedule a drill of every node under `region` at `scheduled_at` (the tick starts it)."""
    scope = Scope.for_user(by)
    scope.require_officer()
    root = _region(scope, region)
    scheduled_at = _aware(scheduled_at)
    drill = VideoDrill(region=root, title=title.strip(), scheduled_at=scheduled_at, due_at=scheduled_at,
                       response_minutes=response_minutes or settings.YINGJI_VIDEO_RESPONSE_MINUTES,
                       created_by=_user(by))
    with transaction.atomic():
        return save_audited(drill, by=_user(by), action="video_drill_create", before=None, region_code=root.code)


def _require_drill_writer(by, drill: VideoDrill) -> Scope:
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(drill.region_id)
    return scope


def drill_start(*, by, drill: VideoDrill, now: dt.datetime | None = None) -> VideoDrill:
    """Start a scheduled drill now (rather than at its time)."""
    _require_drill_writer(by, drill)
    now = now or timezone.now()
    with transaction.atomic():
        changed = VideoDrill.objects.filter(pk=drill.pk, state=DrillState.SCHEDULED).update(due_at=now)
        if not changed:
            raise DomainError("该演练已开始或已结束", "This drill has already started or ended", code="started")
        audit.record(actor=_user(by), action="video_drill_start", obj=drill, region_code=drill.region_id,
                     after={"due_at": now.isoformat()})
    start_due_drills(now=now, only=drill.pk)
    return VideoDrill.objects.get(pk=drill.pk)


def drill_end(*, by, drill: VideoDrill, now: dt.datetime | None = None) -> VideoDrill:
    """End a drill (running: its figures are final; scheduled: it is cancelled)."""
    _require_drill_writer(by, drill)
    now = now or timezone.now()
    with transaction.atomic():
        row = VideoDrill.objects.select_for_update().get(pk=drill.pk)
        if row.state not in (DrillState.SCHEDULED, DrillState.RUNNING):
            raise DomainError("该演练已结束", "This drill has ended", code="ended")
        before = row.state
        row.state = DrillState.DONE if row.state == DrillState.RUNNING else DrillState.CANCELLED
        row.ended_at, row.due_at = now, None
        row.save(update_fields=["state", "ended_at", "due_at"])
        audit.record(actor=_user(by), action="video_drill_end", obj=row, region_code=row.region_id,
                     before={"state": before}, after={"state": row.state})
    return row


def start_due_drills(now: dt.datetime | None = None, *, only: int | None = None) -> int:
    """The scheduler's tick: each drill whose `due_at` has come is claimed (a
    conditional update moves `due_at` on, so two workers never place one twice), its
    calls created on first start (every active node under its region), and the calls
    not yet placed handed to the video system; a failed hand-off is retried after
    PLACE_RETRY, at most PLACE_ATTEMPTS times."""
    now = now or timezone.now()
    due = VideoDrill.objects.filter(due_at__lte=now, state__in=[DrillState.SCHEDULED, DrillState.RUNNING])
    if only is not None:
        due = due.filter(pk=only)
    done = 0
    for drill_id, due_at in list(due.order_by("due_at", "pk").values_list("pk", "due_at")[:50]):
        if not VideoDrill.objects.filter(pk=drill_id, due_at=due_at).update(due_at=now + PLACE_RETRY):
            continue  # another worker took it
        _start(VideoDrill.objects.select_related("region").get(pk=drill_id), now)
        done += 1
    return done


def _start(drill: VideoDrill, now: dt.datetime) -> None:
    with transaction.atomic():
        if drill.state == DrillState.SCHEDULED:
            low, high = regioncodes.subtree_bounds(drill.region_id)
            nodes = list(VideoNode.objects.filter(active=True, region__code__gte=low, region__code__lte=high)
                         .order_by("region_id", "kind", "pk"))
            VideoCall.objects.bulk_create([VideoCall(drill=drill, node=n, region_id=n.region_id) for n in nodes],
                                          ignore_conflicts=True)
            drill.state, drill.started_at = DrillState.RUNNING, now
            drill.save(update_fields=["state", "started_at"])
            audit.record(actor=None, action="video_drill_begin", obj=drill, region_code=drill.region_id,
                         after={"calls": len(nodes)})
    calls = list(drill.calls.filter(placed_at__isnull=True).select_related("node").order_by("pk"))
    placed = video.place_calls(drill, calls) if calls else video.Placed(sent=False)
    with transaction.atomic():
        ids = [c.pk for c in calls]
        if placed.error:
            attempts = drill.place_attempts + 1
            VideoDrill.objects.filter(pk=drill.pk).update(place_attempts=attempts, place_error=placed.error[:300])
            if attempts < PLACE_ATTEMPTS:
                return  # due_at stays at now + PLACE_RETRY: the tick tries again
        else:
            VideoCall.objects.filter(pk__in=ids, placed_at__isnull=True).update(placed_at=now)
        VideoDrill.objects.filter(pk=drill.pk).update(due_at=None)
        audit.record_batch(actor=None, action="video_calls_place", object_type="resources.videocall",
                           ids={"failed" if placed.error else "placed": ids}, region_code=drill.region_id,
                           extra={"drill": drill.pk, "sent": placed.sent, "error": placed.error})


# Outcomes ------------------------------------------------------------------------

def call_record(*, by, call: VideoCall, connected: bool | None, connected_at: dt.datetime | None = None,
                answered_at: dt.datetime | None = None, quality_ok: bool | None = None, note: str = "",
                now: dt.datetime | None = None) -> VideoCall:
    """The operator records a call's outcome: connected or not (and when), the node's
    answer time, and whether the quality was acceptable (only for a connected call)."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(call.region_id)
    now = now or timezone.now()
    connected_at, answered_at = _aware(connected_at), _aware(answered_at)
    with transaction.atomic():
        call = VideoCall.objects.select_for_update().select_related("drill").get(pk=call.pk)
        _check_open(call.drill)
        before = _outcome(call)
        call.connected = connected
        if connected:
            call.connected_at = connected_at or call.connected_at or now
            call.answered_at = answered_at
            call.quality_ok = quality_ok
        else:
            if answered_at is not None or quality_ok is not None:
                field = "answered_at" if answered_at is not None else "quality_ok"
                raise _bad(field, "未接通的呼叫不能记录应答或质量", "A call not connected has no answer or quality",
                           "须先接通", "needs a connection")
            call.connected_at = call.answered_at = call.quality_ok = None
        _check_times(call)
        call.note, call.source, call.updated_at = note.strip()[:200], OutcomeSource.OPERATOR, now
        return _save_outcome(call, by=_user(by), action="video_call_record", before=before)


def _check_open(drill: VideoDrill) -> None:
    if drill.state not in (DrillState.RUNNING, DrillState.DONE):
        raise DomainError("演练尚未开始，不能记录结果", "The drill has not started: no outcome yet",
                          code="not_started")


def _check_times(call: VideoCall) -> None:
    if call.placed_at and call.connected_at and call.connected_at < call.placed_at:
        raise _bad("connected_at", "接通时间早于呼叫时间", "Connected before the call was placed",
                   "早于呼叫时间", "before the call")
    if call.answered_at and call.connected_at and call.answered_at < call.connected_at:
        raise _bad("answered_at", "应答时间早于接通时间", "Answered before connecting",
                   "早于接通时间", "before the connection")


def _outcome(call: VideoCall) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in (
        ("connected", call.connected), ("connected_at", call.connected_at), ("answered_at", call.answered_at),
        ("quality_ok", call.quality_ok), ("note", call.note))}


def _save_outcome(call: VideoCall, *, by, action: str, before: dict, extra: dict | None = None) -> VideoCall:
    call.full_clean()
    call.save()
    after = _outcome(call)
    if after != before:
        audit.record(actor=by, action=action, obj=call, region_code=call.region_id, before=before,
                     after={**after, "source": call.source, **(extra or {})})
    return call


def system_event(*, event_id: str, call_id: int, kind: str, at: dt.datetime | None = None,
                 acceptable: bool | None = None) -> tuple[VideoCall, bool]:
    """A report of the video system: applied once per `event_id` (a repeat changes
    nothing and answers `False`). `connected`/`failed` set the connection, `answered`
    the node's answer time, `quality` whether the connection was acceptable."""
    if kind not in EVENT_KINDS:
        raise _bad("kind", "未知的事件类型", "Unknown event kind", "可选 " + "、".join(EVENT_KINDS),
                   "one of " + ", ".join(EVENT_KINDS))
    if kind == "quality" and acceptable is None:
        raise _bad("acceptable", "质量事件须说明是否达标", "A quality event needs `acceptable`", "必填", "required")
    at = _aware(at) or timezone.now()
    try:
        with transaction.atomic():
            call = VideoCall.objects.select_for_update().select_related("drill").filter(pk=call_id).first()
            if call is None:
                raise NotFound("呼叫不存在", "No such call")
            VideoEvent.objects.create(event_id=event_id, call=call, kind=kind,
                                      payload={"at": at.isoformat(), "acceptable": acceptable})
            _check_open(call.drill)
            before = _outcome(call)
            if kind == "connected":
                call.connected, call.connected_at = True, call.connected_at or at
            elif kind == "failed":
                call.connected = False if not call.connected else call.connected
            elif kind == "answered":
                call.connected, call.connected_at = True, call.connected_at or at
                call.answered_at = call.answered_at or at
            else:
                if not call.connected:
                    raise _bad("kind", "未接通的呼叫没有连线质量", "A call not connected has no quality",
                               "须先接通", "needs a connection")
                call.quality_ok = acceptable
            call.source, call.updated_at = OutcomeSource.SYSTEM, timezone.now()
            return _save_outcome(call, by=None, action="video_call_event", before=before,
                                 extra={"event": event_id}), True
    except IntegrityError:
        event = VideoEvent.objects.filter(event_id=event_id).select_related("call").first()
        if event is None:
            raise
        return event.call, False
