"""Accidents from the duty desk's information reports (信息报送 → 生产安全事故).

An accident-kind report filed at the duty desk becomes an accident here, and each
follow-up (续报) and final report (终报) changes its figures as a 补报 would. The
hand-off is a cursor row (ReportIntake) over the reports' versions in id order, read
in a scheduler tick: a crash between two ticks loses nothing and repeats nothing.

What a report does not say is filled in for the officer to correct: industry and
class "other", the unit named by the report. Missing persons are counted with the
deaths and every injury as serious, as the report's own grade does, until verified.
"""

from __future__ import annotations

import logging

from django.db import transaction

from ..core import audit
from ..core.errors import DomainError
from ..duty.selectors_reports import accident_report_versions_after
from .choices import AccidentKind, Industry
from .models import Accident, ReportIntake
from .services import accident_create, accident_update

log = logging.getLogger(__name__)
BATCH = 200


def take_accident_reports(*, limit: int = BATCH) -> int:
    """Take the report versions filed since the last tick; the number taken."""
    ReportIntake.objects.get_or_create(name="info_reports")
    with transaction.atomic():
        cursor = ReportIntake.objects.select_for_update().get(name="info_reports")
        versions = accident_report_versions_after(after_id=cursor.last_version_id, limit=limit)
        for version in versions:
            _take(version)
        if versions:
            cursor.last_version_id = versions[-1].pk
            cursor.save(update_fields=["last_version_id"])
    return len(versions)


def _figures(version) -> dict:
    return {"deaths": version.deaths + version.missing, "serious_injuries": version.injuries,
            "direct_loss": version.direct_loss}


def _take(version) -> None:
    report = version.report
    accident = Accident.objects.filter(info_report=report).first()
    try:
        # A savepoint each: a refused version is recorded and passed, the others still land.
        with transaction.atomic():
            if accident is None:
                accident_create(by=None, region_code=report.region_id, occurred_at=report.occurred_at,
                                industry=Industry.OTHER, kind=AccidentKind.OTHER, info_report=report,
                                party_name=(report.enterprise_name or report.title)[:200],
                                description=f"由信息报告 #{report.pk} 生成（失踪计入死亡、受伤按重伤计，待核实）："
                                            f"{version.description}"[:5000],
                                **_figures(version))
            else:
                accident_update(by=None, accident=accident, reason=f"信息报告第 {version.number} 版",
                                **_figures(version))
    except DomainError as exc:
        log.warning("accident intake: report version %s refused: %s", version.pk, exc.en)
        audit.record(actor=None, action="accident.intake_refused", object_type="duty.InfoReportVersion",
                     object_id=str(version.pk), region_code=report.region_id,
                     after={"report": report.pk, "reason": f"{exc.zh} / {exc.en}"})
