"""Two scheduler workers run the reminder tick at the same moment (PostgreSQL, two
connections): each overdue region is claimed by one of them, so its desk hears the
reminder once, not twice."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from yingji.duty import services
from yingji.duty.models import NoticeTarget
from yingji.messaging.models import Message

from ..conftest import LINHAI, TAIZHOU, WENLING
from .notices_fixtures import desks, fast_passwords  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_remind_each_overdue_region_once(desks, taizhou_officer):
    if connection.vendor != "postgresql":
        pytest.skip("a race of two connections needs PostgreSQL's row locks")
    t0 = timezone.now()
    notice = services.notice_create(by=taizhou_officer.user, region=TAIZHOU, title="防台提示", body="正文",
                                    kind="tip_sheet", reply_by=t0 + dt.timedelta(hours=1),
                                    targets=[WENLING, LINHAI], now=t0)
    start, results = threading.Barrier(2), []

    def worker():
        try:
            start.wait()
            results.append(services.remind_overdue(now=t0 + dt.timedelta(hours=2)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) in ([0, 2], [1, 1])  # two regions claimed, between them
    reminders = Message.objects.filter(context__duty_notice=notice.pk, idempotency_key__endswith=":remind")
    # Wenling's desk: its standing officer and its leader; Linhai's: the officer on its roster.
    assert sorted(reminders.values_list("person_id", flat=True)) == sorted(
        [desks.wenling_officer.pk, desks.wenling_leader.pk, desks.linhai_shift.pk])
    assert NoticeTarget.objects.filter(notice=notice, late=True, reminded_at__isnull=False).count() == 2
