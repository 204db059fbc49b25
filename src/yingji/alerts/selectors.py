"""Reads of warnings and call-ups, always through the caller's scope.

A warning concerns a caller when its area overlaps the caller's subtree: an area
region inside it (`Scope.filter` on `scope_region`) or an area region that contains
it (an ancestor code). Targets are scoped by their own region, so a board shows the
caller's part of a call-up that reaches further.
"""

import datetime as dt
import math
import statistics

from django.db.models import Count, Max, Q
from django.db.models.functions import Substr
from django.utils import timezone

from ..core import regioncodes
from ..core.choices import RegionLevel
from ..core.errors import NotFound
from ..core.models import DutyKind, Region
from ..core.scope import SYSTEM, Scope, fits_database
from ..messaging.choices import MessageStatus
from ..messaging.selectors import failed_to_people, messages_with_status
from .choices import NoticeState, TargetKind, TargetState
from .models import CallUp, CallUpNotice, CallUpTarget, Warning

SENT_STATUSES = (MessageStatus.SENT, MessageStatus.DELIVERED)


def warnings_in_scope(scope: Scope):
    qs = Warning.objects.all()
    if scope.is_nobody:
        return qs.none()
    if scope.region_code:
        mine = Q(areas__region__code__startswith=scope.region_code)
        above = Q(areas__region_id__in=regioncodes.prefixes(scope.region_code))
        qs = qs.filter(pk__in=Warning.objects.filter(mine | above).values("pk"))
    return qs


def warning_list(*, scope: Scope, status: str | None = None, type: str | None = None,
                 level: str | None = None, drill: bool | None = None, region: str | None = None):
    qs = warnings_in_scope(scope).prefetch_related("areas")
    if status:
        qs = qs.filter(status=status)
    if type:
        qs = qs.filter(type=type)
    if level:
        qs = qs.filter(level=level)
    if drill is not None:
        qs = qs.filter(drill=drill)
    if region:
        qs = qs.filter(pk__in=Warning.objects.filter(areas__region__code__startswith=region).values("pk"))
    return qs


def warning_get(*, scope: Scope, id: int) -> Warning:
    # Not `scope.get`: its prefix filter would hide warnings whose area encloses the caller.
    if not fits_database(id):
        raise NotFound()
    warning = warnings_in_scope(scope).prefetch_related("areas").filter(pk=id).first()
    if warning is None:
        raise NotFound()
    return warning


def callup_of(warning: Warning) -> CallUp | None:
    return CallUp.objects.filter(warning=warning).first()


def targets_in_scope(*, scope: Scope, callup: CallUp):
    return scope.filter(CallUpTarget.objects.filter(callup=callup))


def target_get(*, scope: Scope, id: int) -> CallUpTarget:
    return scope.get(CallUpTarget.objects.select_related("callup__warning", "person"), pk=id)


def _with_message(targets, statuses) -> int:
    # The targets are already the caller's; their messages are read as the system.
    sent_ids = messages_with_status(scope=SYSTEM, statuses=statuses).values("pk")
    return targets.filter(actions__message_id__in=sent_ids).values("pk").distinct().count()


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p % of values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def board(*, scope: Scope, warning: Warning) -> dict:
    """The live board of a warning's call-up: the persons called (one target each)
    and, apart from them, the notices of unreached persons sent to superiors and
    duty officers; time to acknowledge, the unreached list, counts by level, by
    region and per township (subtotals). The API and the page both show exactly this."""
    callup = callup_of(warning)
    if callup is None:
        return _empty_board(warning)
    # Persons called for a duty. Escalation targets of earlier versions are not persons
    # called: superiors are told by notices now, counted below.
    targets = targets_in_scope(scope=scope, callup=callup).filter(kind=TargetKind.DUTY)
    notices = scope.filter(CallUpNotice.objects.filter(callup=callup)).exclude(state=NoticeState.CANCELLED)
    states = dict(targets.values_list("state").annotate(n=Count("pk")))
    acked = list(targets.filter(acknowledged_at__isnull=False).values_list("created_at", "acknowledged_at"))
    seconds = [(a - c).total_seconds() for c, a in acked]
    by_region = _by(targets, "region_id", "region__full_name")
    called = sum(states.values())
    return {
        "warning_id": warning.pk, "callup_id": callup.pk, "status": callup.status, "drill": callup.drill,
        "started_at": callup.started_at, "policy": callup.plan.get("policy_name", ""),
        "targets": called, "duty_targets": called,
        "notices": notices.count(), "notices_sent": notices.filter(state=NoticeState.SENT).count(),
        "notified": notices.values("person_id").distinct().count(),
        "sent": _with_message(targets, SENT_STATUSES),
        "delivered": _with_message(targets, (MessageStatus.DELIVERED,)),
        "acknowledged": len(acked),
        "feedback": states.get(TargetState.FEEDBACK, 0),
        "escalated": targets.filter(escalated_at__isnull=False).count(),
        "calling": states.get(TargetState.CALLING, 0) + states.get(TargetState.PENDING, 0),
        "cancelled": states.get(TargetState.CANCELLED, 0),
        "ack_seconds_median": statistics.median(seconds) if seconds else None,
        "ack_seconds_p90": percentile(seconds, 90),
        "unreached": _unreached(targets),
        "by_level": _by(targets, "level"),
        "by_region": by_region,
        "by_township": _by_township(by_region, notices),
    }


def _empty_board(warning: Warning) -> dict:
    return {"warning_id": warning.pk, "callup_id": None, "status": None, "drill": warning.drill,
            "started_at": None, "policy": "", "targets": 0, "duty_targets": 0, "notices": 0, "notices_sent": 0,
            "notified": 0, "sent": 0, "delivered": 0, "acknowledged": 0, "feedback": 0, "escalated": 0,
            "calling": 0, "cancelled": 0, "ack_seconds_median": None, "ack_seconds_p90": None, "unreached": [],
            "by_level": [], "by_region": [], "by_township": []}


def _unreached(targets) -> list[dict]:
    rows = (targets.filter(state=TargetState.UNREACHED).select_related("person", "region", "person__superior")
            .order_by("region_id", "person__name"))
    return [{"target_id": t.pk, "person_id": t.person_id, "name": t.person.name, "mobile": t.person.mobile,
             "title": t.person.title, "region": t.region_id, "region_name": t.region.full_name,
             "duty": t.duty_kind, "unreached_at": t.unreached_at,
             "superior": t.person.superior.name if t.person.superior_id else None} for t in rows]


def _by(targets, *keys) -> list[dict]:
    rows = targets.values(*keys).annotate(
        targets=Count("pk"), acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        unreached=Count("pk", filter=Q(state=TargetState.UNREACHED))).order_by(keys[0])
    return [{("region" if k == "region_id" else "region_name" if k == "region__full_name" else k): r[k]
             for k in keys} | {"targets": r["targets"], "acknowledged": r["acknowledged"],
                               "unreached": r["unreached"]} for r in rows]


def township_of(code: str) -> str:
    """The township (乡镇街道) a region lies in; a county or wider region stands for itself."""
    return code[:regioncodes.LENGTH[RegionLevel.TOWNSHIP]]


def _by_township(by_region: list[dict], notices) -> list[dict]:
    """Subtotals per township: its regions' rows summed (the township itself, its
    villages and grids), with the notices sent to persons there; the rows beneath."""
    groups: dict[str, dict] = {}
    for row in by_region:
        group = groups.setdefault(township_of(row["region"]), {
            "targets": 0, "acknowledged": 0, "unreached": 0, "notices": 0, "regions": []})
        for key in ("targets", "acknowledged", "unreached"):
            group[key] += row[key]
        group["regions"].append(row)
    for region_id, n in notices.values_list("region_id").annotate(n=Count("pk")):
        groups.setdefault(township_of(region_id), {"targets": 0, "acknowledged": 0, "unreached": 0,
                                                   "notices": 0, "regions": []})["notices"] += n
    names = dict(Region.objects.filter(pk__in=list(groups)).values_list("code", "full_name"))
    return [{"region": code, "region_name": names.get(code, code), **groups[code]} for code in sorted(groups)]


def village_map(*, scope: Scope, warning: Warning) -> dict:
    """The board's map (叫应村分布): per village holding targets of the call-up in the
    caller's scope, how many acknowledged, are unreached or still pending, and where
    the village lies. A grid's targets count for its village; county and township
    targets are not on the map (they are on the board). Cancelled targets are left
    out: nobody waits for them. Villages without a location are kept (lon/lat None)
    so the page can list them rather than silently drop them."""
    callup = callup_of(warning)
    villages: list[dict] = []
    if callup is not None:
        village_len = regioncodes.LENGTH[RegionLevel.VILLAGE]
        open_unacked = Q(acknowledged_at__isnull=True)
        rows = (targets_in_scope(scope=scope, callup=callup).filter(kind=TargetKind.DUTY)
                .filter(region__level__gte=RegionLevel.VILLAGE).exclude(state=TargetState.CANCELLED)
                .annotate(village=Substr("region_id", 1, village_len)).values("village")
                .annotate(targets=Count("pk"), acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
                          unreached=Count("pk", filter=open_unacked & Q(state=TargetState.UNREACHED)))
                .order_by("village"))
        places = Region.objects.in_bulk([r["village"] for r in rows])
        for r in rows:
            place = places.get(r["village"])
            villages.append(_village(r, place))
    return {"warning_id": warning.pk, "callup_id": callup.pk if callup else None, "villages": villages}


def _village(row: dict, place: Region | None) -> dict:
    pending = row["targets"] - row["acknowledged"] - row["unreached"]
    # The marker's colour: one unreached person makes the village red, then pending grey.
    status = "unreached" if row["unreached"] else "pending" if pending else "acknowledged"
    return {"code": row["village"], "name": place.name if place else "", "full_name": place.full_name if place else "",
            "lon": place.lon if place else None, "lat": place.lat if place else None,
            "targets": row["targets"], "acknowledged": row["acknowledged"], "unreached": row["unreached"],
            "pending": pending, "status": status}


# Monthly report per region ------------------------------------------------------------

def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of the month and of the next, in the site's time zone (a
    bureau's "July" is July in China Standard Time)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime(month.year, month.month, 1, tzinfo=tz)
    following = dt.datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=tz)
    return start, following


def monthly_report(*, scope: Scope, region: str, month: dt.date, drill: bool = False) -> dict:
    """Call-ups of one month in a region's subtree, drills and real call-ups apart
    (演练单独统计): per responsible person called for their duty, how often they were
    called, how often they answered and their median time to answer; and the stale
    contact data, numbers to which a message failed permanently that month (drills
    included: a dead number is dead either way)."""
    if not scope.covers_region(region) or not Region.objects.filter(pk=region).exists():
        raise NotFound("区划不存在或不在您的管辖范围内", "No such region in your jurisdiction")
    start, end = month_bounds(month)
    targets = (scope.filter(CallUpTarget.objects.filter(
        kind=TargetKind.DUTY, region__code__startswith=region, callup__drill=drill,
        callup__started_at__gte=start, callup__started_at__lt=end))
        .exclude(state=TargetState.CANCELLED))
    rows = list(targets.values_list("person_id", "person__name", "person__mobile", "region_id",
                                    "region__full_name", "duty_kind", "created_at", "acknowledged_at"))
    return {"region": region, "month": f"{month:%Y-%m}", "drill": drill,
            "callups": targets.values("callup_id").distinct().count(),
            **_answer_figures(rows), "persons": _per_person(rows),
            "stale_contacts": _stale_contacts(scope, region, start, end)}


def _answer_figures(rows: list[tuple]) -> dict:
    seconds = [(acked - created).total_seconds() for *_, created, acked in rows if acked is not None]
    return {"called": len(rows), "acknowledged": len(seconds),
            "ack_rate": round(len(seconds) / len(rows), 4) if rows else None,
            "ack_seconds_median": statistics.median(seconds) if seconds else None}


def _per_person(rows: list[tuple]) -> list[dict]:
    by_person: dict[int, list[tuple]] = {}
    duty_names = dict(DutyKind.objects.values_list("code", "name"))  # the code is for machines
    for row in rows:
        by_person.setdefault(row[0], []).append(row)
    people = []
    for person_id, calls in by_person.items():
        _, name, mobile, region_id, region_name, duty, *_ = calls[0]
        people.append({"person_id": person_id, "name": name, "mobile": mobile, "region": region_id,
                       "region_name": region_name, "duty": duty, "duty_name": duty_names.get(duty, duty),
                       **_answer_figures(calls)})
    # Lowest answer rate first: the report is read to find who does not answer.
    return sorted(people, key=lambda p: (p["ack_rate"], p["region"], p["name"], p["person_id"]))


def _stale_contacts(scope: Scope, region: str, start: dt.datetime, end: dt.datetime) -> list[dict]:
    failed = (failed_to_people(scope=scope, region=region, start=start, end=end)
              .values("person_id", "person__name", "to", "person__mobile", "region_code")
              .annotate(failures=Count("pk"), last_failed=Max("created_at"))
              .order_by("region_code", "person__name", "to"))
    return [{"person_id": r["person_id"], "name": r["person__name"], "address": r["to"],
             "current_mobile": r["person__mobile"], "region": r["region_code"], "failures": r["failures"],
             "last_failed_at": r["last_failed"]} for r in failed]


def callup_progress(*, scope: Scope) -> dict:
    """Call-up progress over every running call-up of a warning in force, in the
    caller's scope (targets by their own region): the persons called for a duty, how
    many answered (acknowledged or fed back), how many have not yet (pending, calling,
    unreached); cancelled targets are in none of them. For the cockpit and home page."""
    from .choices import ANSWERED, IN_FORCE, OPEN_TARGET_STATES, CallUpStatus
    targets = scope.filter(CallUpTarget.objects.filter(
        kind=TargetKind.DUTY, callup__status=CallUpStatus.RUNNING, callup__warning__status__in=IN_FORCE)
    ).exclude(state=TargetState.CANCELLED)
    states = dict(targets.values_list("state").annotate(n=Count("pk")).order_by())
    return {"called": sum(states.values()),
            "answered": sum(states.get(s, 0) for s in ANSWERED),
            "unanswered": sum(states.get(s, 0) for s in OPEN_TARGET_STATES),
            "callups": targets.values("callup_id").distinct().count()}


def unanswered_targets(*, scope: Scope, limit: int = 20):
    """The persons of `callup_progress` who have not answered yet, longest waiting first."""
    from .choices import IN_FORCE, OPEN_TARGET_STATES, CallUpStatus
    return (scope.filter(CallUpTarget.objects.filter(
        kind=TargetKind.DUTY, state__in=OPEN_TARGET_STATES, callup__status=CallUpStatus.RUNNING,
        callup__warning__status__in=IN_FORCE))
        .select_related("person", "region", "callup__warning").order_by("created_at", "pk")[:limit])
