"""The duty desk's demo: every desk of Taizhou has a roster for the whole month with an
officer, a leader and a backup each day; the demo logins hold their desk today; the
log has handovers accepted and signed; a second call writes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core.models import RosterShift
from yingji.core.selectors import on_duty
from yingji.demo.seed import seed_demo
from yingji.duty.demo import COUNTIES, seed_duty_demo
from yingji.duty.models import Handover, LogEntry
from yingji.duty.services.roster import desk_day, desk_day_bounds

pytestmark = pytest.mark.django_db


def test_the_demo_month_is_on_every_desk_and_the_logins_hold_theirs_today(regions, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_demo()
    now = timezone.now()
    report = seed_duty_demo(now=now)
    assert report.created
    today = desk_day(now)
    first = today.replace(day=1)
    days = ((first + dt.timedelta(days=32)).replace(day=1) - first).days
    for code in ("3310", *COUNTIES):
        regular = RosterShift.objects.filter(region_id=code, reinforced=False)
        assert regular.count() == 3 * (days + 1), code  # and the shift of the day before the month
        for role in ("officer", "leader", "backup"):
            assert len(on_duty(region_code=code, at=now, roles=(role,))) >= 1, (code, role)
    for code, login in (("3310", "demo-taizhou"), ("331081", "demo-wenling"), ("331082", "demo-linhai")):
        assert login in [p.user.username for p in on_duty(region_code=code, at=now) if p.user]
    assert RosterShift.objects.filter(region_id="331081", reinforced=True).exists()
    handovers = Handover.objects.filter(region_id="331081")
    assert handovers.count() >= 5 and all(h.state == "accepted" for h in handovers)
    assert handovers.filter(signed_off_at__isnull=False).count() >= 5
    assert LogEntry.objects.filter(region_id="331081", state="open").exists()
    start, _ = desk_day_bounds(today)
    assert not LogEntry.objects.filter(recorded_at__gt=now).exists()
    assert start <= now
    assert not seed_duty_demo().created
