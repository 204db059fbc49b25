"""Public reports (举报): anyone may report without logging in; an officer of the
region triages; a reward is computed once a fine is recorded.

Rate limit: at most `HAZARD_REPORTS_PER_WINDOW` reports (default 5) per client
address per fixed window of `HAZARD_REPORT_WINDOW_SECONDS` (default 3600 s), counted
in a table (`ReportWindow`) so that it holds across processes. The window is fixed
(aligned to multiples of its length), not sliding: simple, and a burst across a
boundary can reach twice the limit, which is acceptable for a form with no captcha.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..core import audit
from ..core.errors import DomainError
from ..core.models import Region
from ..core.scope import Scope
from .choices import HazardSource, ReportState
from .models import Hazard, PublicReport, ReportWindow
from .services import hazard_register

# DOMAIN.md: 15 % of the fine, at least RMB 3,000, at most RMB 300,000.
REWARD_RATE = Decimal("0.15")
REWARD_MIN = Decimal(3000)
REWARD_MAX = Decimal(300000)


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"


def reward_for(fine: Decimal) -> Decimal:
    """The reporter's reward for a fine, to the fen."""
    reward = min(max(Decimal(fine) * REWARD_RATE, REWARD_MIN), REWARD_MAX)
    return reward.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _limit() -> tuple[int, int]:
    return (int(getattr(settings, "HAZARD_REPORTS_PER_WINDOW", 5)),
            int(getattr(settings, "HAZARD_REPORT_WINDOW_SECONDS", 3600)))


def _take_slot(ip: str, now: dt.datetime) -> None:
    limit, seconds = _limit()
    start = dt.datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=dt.UTC)
    try:
        with transaction.atomic():
            ReportWindow.objects.get_or_create(ip=ip, window_start=start)
    except IntegrityError:
        pass  # a concurrent first report of this window created the row
    # A conditional increment: two concurrent requests cannot both take the last slot.
    if not ReportWindow.objects.filter(ip=ip, window_start=start, count__lt=limit).update(count=F("count") + 1):
        raise RateLimited("举报过于频繁，请稍后再试", "Too many reports from this address, try again later")


def report_create(*, ip: str, region_code: str, description: str, enterprise_name: str = "",
                  address: str = "", contact: str = "", now: dt.datetime | None = None) -> PublicReport:
    """A report from the public. The region is where the hazard is (a county or a
    township), so that the right officers triage it."""
    region = Region.objects.filter(pk=region_code).first()
    if region is None or len(region.code) < 6:
        raise DomainError("请选择所在县（市、区）或乡镇（街道）", "Choose the county or township",
                          fields={"region": "无效 / invalid"})
    report = PublicReport(region=region, description=description, enterprise_name=enterprise_name,
                          address=address, contact=contact)
    report.full_clean()
    _take_slot(ip or "unknown", now or timezone.now())
    with transaction.atomic():
        report.save()
        audit.record(actor=None, action="report.create", obj=report, region_code=region.code,
                     after=audit.snapshot(report))
    return report


def _triage_begin(by, report: PublicReport) -> tuple[PublicReport, dict]:
    scope = Scope.for_user(by)
    report = scope.get(PublicReport.objects.select_for_update(of=("self",)), pk=report.pk)
    scope.require_officer()
    if report.state != ReportState.NEW:
        raise DomainError("该举报已核查", "This report has already been triaged", code="invalid_transition")
    return report, audit.snapshot(report)


def report_reject(*, by, report: PublicReport, reason: str) -> PublicReport:
    if not (reason or "").strip():
        raise DomainError("请填写不予受理的理由", "A reason is required", fields={"reason": "必填 / required"})
    with transaction.atomic():
        report, before = _triage_begin(by, report)
        report.state, report.reject_reason = ReportState.REJECTED, reason
        report.triaged_by, report.triaged_at = by, timezone.now()
        report.save()
        audit.record(actor=by, action="report.reject", obj=report, region_code=report.region_id,
                     before=before, after=audit.snapshot(report))
    return report


def report_accept(*, by, report: PublicReport, enterprise_id: int, deadline: dt.date, level: str = "general",
                  description: str = "", category: str = "other") -> Hazard:
    """Accept a report: it becomes a hazard of the named enterprise (source: public report)."""
    with transaction.atomic():
        report, before = _triage_begin(by, report)
        hazard = hazard_register(
            by=by, enterprise_id=enterprise_id, description=description or report.description, level=level,
            source=HazardSource.PUBLIC_REPORT, category=category, deadline=deadline, report=report,
        )
        report.state, report.enterprise_id = ReportState.ACCEPTED, enterprise_id
        report.triaged_by, report.triaged_at = by, timezone.now()
        report.save()
        audit.record(actor=by, action="report.accept", obj=report, region_code=report.region_id,
                     before=before, after=audit.snapshot(report))
    return hazard


def report_record_penalty(*, by, report: PublicReport, fine: Decimal) -> PublicReport:
    """Record the fine that resulted from an accepted report, and the reward due."""
    fine = Decimal(fine)
    if fine <= 0:
        raise DomainError("罚款金额必须大于零", "The fine must be positive", fields={"fine": "无效 / invalid"})
    scope = Scope.for_user(by)
    with transaction.atomic():
        report = scope.get(PublicReport.objects.select_for_update(of=("self",)), pk=report.pk)
        scope.require_officer()
        if report.state != ReportState.ACCEPTED:
            raise DomainError("只有已受理的举报才能登记处罚", "Only an accepted report can have a penalty",
                              code="invalid_transition")
        before = audit.snapshot(report)
        report.fine, report.reward = fine, reward_for(fine)
        report.save()
        audit.record(actor=by, action="report.penalty", obj=report, region_code=report.region_id,
                     before=before, after=audit.snapshot(report))
    return report
