"""Two phones reporting the same risk point at the same moment, on PostgreSQL: both
reports are kept, and the current state is the newer report's, whichever commits
last (the status row is locked; a second creator retries as an update)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from yingji.response.models import RiskPointReport, RiskPointStatus
from yingji.response.services import riskcontrol as services

from ..conftest import WENLING_TOWN
from .riskcontrol_helpers import point

T0 = dt.datetime(2026, 8, 10, 8, 0, tzinfo=dt.UTC)


def _report(user, point_id, state, at, barrier, errors):
    try:
        barrier.wait(timeout=10)
        services.state_report(by=user, risk_point_id=point_id, state=state, at=at)
    except Exception as exc:  # noqa: BLE001 - the test reports it
        errors.append(exc)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_reports_leave_the_newest_state(regions, wenling_officer):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them)")
    p = point(WENLING_TOWN)
    user = wenling_officer.user
    for hour in range(3):
        barrier, errors = threading.Barrier(2), []
        threads = [threading.Thread(target=_report, args=(user, p.pk, state, T0 + dt.timedelta(hours=hour, minutes=m),
                                                          barrier, errors))
                   for state, m in (("checked", 1), ("closed", 2))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert errors == []
        assert RiskPointStatus.objects.get(risk_point_id=p.pk, round__isnull=True).state == "closed"
    assert RiskPointReport.objects.filter(risk_point_id=p.pk).count() == 6
