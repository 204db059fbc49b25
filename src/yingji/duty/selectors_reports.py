"""Reads of emergency information reports, through the caller's scope (a report is
seen in its region's subtree: the reporter's desk and every desk above it).

`accident_reports_after` is the accidents app's hand-off: it claims accident-kind
reports by a cursor over their ids (no scope: the consumer is the system)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone

from ..core import regioncodes
from ..core.scope import Scope
from .models.reports import (
    InfoReport,
    InfoReportVersion,
    ReportDeadline,
    ReportFlag,
    ReportKind,
)

ACCIDENT = "accident"


def _region_range(code: str) -> Q:
    low, high = regioncodes.subtree_bounds(code)
    return Q(region_id__gte=low, region_id__lte=high)


def _visible(scope: Scope):
    """Reports are the bureaus' work: an enterprise user (scope with an organization)
    sees none, not even those of its own township."""
    reports = scope.filter(InfoReport.objects.all())
    return reports.none() if scope.organization_id is not None else reports


def report_kinds() -> list[ReportKind]:
    return list(ReportKind.objects.all())


def report_list(*, scope: Scope, region: str = "", state: str = "", late: bool | None = None, kind: str = "",
                flag: str = "", month: str = ""):
    """Reports in scope, newest learned first. `month` is "YYYY-MM" of learning
    (the month a late report counts in)."""
    qs = _visible(scope).select_related("region", "kind").prefetch_related(
        Prefetch("deadlines", queryset=ReportDeadline.objects.order_by("due_at", "pk")))
    if region:
        qs = qs.filter(_region_range(region))
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind_id=kind)
    if late is not None:
        qs = qs.filter(late=late)
    if flag:
        qs = qs.filter(flag=flag)
    start = month_start(month)
    if start is not None:
        qs = qs.filter(learned_at__gte=start, learned_at__lt=next_month(start))
    return qs.order_by("-learned_at", "-pk")


def report_get(*, scope: Scope, id: int) -> InfoReport:
    qs = _visible(scope).select_related("region", "kind", "created_by", "flagged_by").prefetch_related(
        Prefetch("deadlines", queryset=ReportDeadline.objects.select_related("desk_region", "done_by")
                 .prefetch_related("acknowledgements__person").order_by("due_at", "pk")),
        Prefetch("versions", queryset=InfoReportVersion.objects.select_related("created_by").order_by("number")))
    return scope.get(qs, pk=id)


def month_start(month: str) -> dt.datetime | None:
    """The first moment of "YYYY-MM" in the server's time zone (None when not a month)."""
    try:
        day = dt.date.fromisoformat(f"{(month or '').strip()[:7]}-01")
    except ValueError:
        return None
    if not 1900 <= day.year <= 2999:  # no report then; year 9999's next month does not exist
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def next_month(start: dt.datetime) -> dt.datetime:
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return timezone.make_aware(dt.datetime(year, month, 1))


@dataclass
class Clock:
    """What a report's page shows of its timing (the limits beside each time)."""

    learned_at: dt.datetime
    phoned_at: dt.datetime | None
    phone_due_at: dt.datetime
    written_at: dt.datetime
    written_due_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_due_at: dt.datetime | None
    late: bool


def report_clock(report: InfoReport) -> Clock:
    """Learned at; initial report by phone at; written report at; acknowledged by the
    next level at (the lowest receiving level), each with its limit; late or on time."""
    kind = report.kind
    first = next(iter(sorted(report.deadlines.all(), key=lambda d: d.due_at)), None)
    return Clock(
        learned_at=report.learned_at, phoned_at=report.phoned_at,
        phone_due_at=report.learned_at + dt.timedelta(minutes=kind.phone_minutes),
        written_at=report.created_at, written_due_at=report.learned_at + dt.timedelta(minutes=kind.written_minutes),
        acknowledged_at=first.done_at if first else None, acknowledged_due_at=first.due_at if first else None,
        late=report.late)


@dataclass
class LateRow:
    region_code: str
    region_name: str
    month: str
    late: int = 0
    missed: int = 0
    concealed: int = 0


def late_summary(*, scope: Scope, region: str = "", year: int | None = None) -> list[LateRow]:
    """Late (迟报), never reported (漏报) and concealed (瞒报) reports per county and
    month of learning, in the caller's scope."""
    qs = _visible(scope).filter(Q(late=True) | ~Q(flag=ReportFlag.NONE))
    if region:
        qs = qs.filter(_region_range(region))
    if year:
        qs = qs.filter(learned_at__gte=timezone.make_aware(dt.datetime(year, 1, 1)),
                       learned_at__lt=timezone.make_aware(dt.datetime(year + 1, 1, 1)))
    rows: dict[tuple[str, str], LateRow] = {}
    names = defaultdict(str)
    for report in qs.select_related("region"):
        county = report.region_id[:6]
        month = timezone.localtime(report.learned_at).strftime("%Y-%m")
        row = rows.setdefault((county, month), LateRow(county, "", month))
        names[county] = names[county] or county
        row.late += report.late
        row.missed += report.flag == ReportFlag.MISSED
        row.concealed += report.flag == ReportFlag.CONCEALED
    from ..core.models import Region

    labels = dict(Region.objects.filter(pk__in=[c for c, _ in rows]).values_list("code", "full_name"))
    for (county, _), row in rows.items():
        row.region_name = labels.get(county) or county
    return sorted(rows.values(), key=lambda r: (r.month, r.region_code), reverse=True)


def accident_reports_after(*, after_id: int, limit: int) -> list[InfoReport]:
    """Accident-kind reports with an id above `after_id`, in id order, at most
    `limit`: the accidents app's cursor over the reports it has taken."""
    return list(InfoReport.objects.filter(kind_id=ACCIDENT, pk__gt=after_id).select_related("region", "kind")
                .order_by("pk")[:max(0, int(limit))])


def accident_report_versions_after(*, after_id: int, limit: int) -> list[InfoReportVersion]:
    """Versions (首报, 续报, 终报) of accident-kind reports with an id above `after_id`,
    in id order, at most `limit`: the accidents app's cursor over what the duty desk
    learned, so that an accident follows its report's figures."""
    return list(InfoReportVersion.objects.filter(report__kind_id=ACCIDENT, pk__gt=after_id)
                .select_related("report", "report__region").order_by("pk")[:max(0, int(limit))])


def open_reports(*, scope: Scope):
    """Reports in scope with no final report yet (首报 or 续报), newest learned first."""
    from .models.reports import ReportState
    return report_list(scope=scope).exclude(state=ReportState.FINAL)
