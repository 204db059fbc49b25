"""Numbering, deadline lights, overdue notices, rewards and the report rate limit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from yingji.core.errors import DomainError
from yingji.hazards import deadlines, reporting
from yingji.hazards.lights import light
from yingji.hazards.models import Hazard
from yingji.messaging.models import Message

from ..factories import EnterpriseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_numbers_run_per_county_and_year_without_gaps(register, wenling_enterprise, linhai_enterprise,
                                                      linhai_officer):
    from yingji.hazards import services

    a = register(wenling_enterprise)
    b = register(wenling_enterprise)
    c = register(wenling_enterprise, found_on=dt.date(2027, 1, 2), deadline=dt.date(2027, 2, 1))
    d = services.hazard_register(by=linhai_officer.user, enterprise_id=linhai_enterprise.pk, description="x",
                                 found_on=dt.date(2026, 3, 1), deadline=dt.date(2026, 4, 1))
    assert [a.number, b.number, c.number, d.number] == [
        "YH-331081-2026-000001", "YH-331081-2026-000002", "YH-331081-2027-000001", "YH-331082-2026-000001"]


def test_a_refused_or_rolled_back_registration_leaves_no_gap(register, wenling_enterprise):
    register(wenling_enterprise)
    with pytest.raises(DomainError):
        register(wenling_enterprise, deadline=dt.date(2026, 2, 1))  # before found_on: refused
    with pytest.raises(RuntimeError), transaction.atomic():
        register(wenling_enterprise)  # takes 000002 ...
        raise RuntimeError("the caller's transaction fails")  # ... and gives it back
    assert register(wenling_enterprise).number == "YH-331081-2026-000002"
    assert list(Hazard.objects.values_list("number", flat=True).order_by("number")) == [
        "YH-331081-2026-000001", "YH-331081-2026-000002"]


DEADLINE = dt.date(2026, 3, 20)


@pytest.mark.parametrize("today, expected", [
    (dt.date(2026, 3, 16), "green"),   # 4 days left
    (dt.date(2026, 3, 17), "yellow"),  # 3 days left: the first yellow day
    (dt.date(2026, 3, 20), "yellow"),  # the deadline day itself is still in time
    (dt.date(2026, 3, 21), "red"),     # the day after
])
def test_lights_at_the_boundaries(today, expected):
    assert light(state="rectifying", deadline=DEADLINE, today=today) == expected


def test_yellow_window_follows_settings(settings):
    settings.HAZARD_YELLOW_DAYS = 5
    assert light(state="registered", deadline=DEADLINE, today=dt.date(2026, 3, 15)) == "yellow"


def test_a_closed_hazard_is_never_red():
    assert light(state="closed", deadline=DEADLINE, today=dt.date(2027, 1, 1)) == "green"


def test_overdue_notice_goes_to_enterprise_responsible_and_officer_once(register, regions):
    firm = EnterpriseFactory(region_id="331081001", contact_phone="13900000001")
    boss = PersonFactory(region_id="331081001", mobile="13900000002", user=None)
    h = register(firm, deadline=dt.date(2026, 3, 20), responsible_id=boss.pk)
    assert deadlines.notify_overdue(today=dt.date(2026, 3, 20)) == 0  # due today: not late yet
    assert deadlines.notify_overdue(today=dt.date(2026, 3, 21)) == 1
    assert deadlines.notify_overdue(today=dt.date(2026, 3, 22)) == 0  # once per deadline
    sent = Message.objects.filter(context__hazard=h.pk)
    assert sorted(m.idempotency_key.rsplit(":", 1)[1] for m in sent) == ["enterprise", "officer", "responsible"]
    assert sorted(m.to for m in sent) == sorted(["13900000001", "13900000002", h.officer.mobile])
    Hazard.objects.filter(pk=h.pk).update(deadline=dt.date(2026, 4, 30))  # a new deadline arms it again
    assert deadlines.notify_overdue(today=dt.date(2026, 5, 1)) == 1
    assert Message.objects.filter(context__hazard=h.pk).count() == 6


def test_closed_hazards_are_not_notified(register, wenling_enterprise, wenling_officer):
    from yingji.hazards import services

    h = register(wenling_enterprise, deadline=dt.date(2026, 3, 20))
    services.hazard_fix_on_spot(by=wenling_officer.user, hazard=h, evidence_text="done")
    assert deadlines.notify_overdue(today=dt.date(2026, 4, 1)) == 0


@pytest.mark.parametrize("fine, reward", [
    ("20000", "3000.00"),      # 15 % = 3,000: exactly the minimum
    ("10000", "3000.00"),      # 1,500 lifted to the minimum
    ("100000", "15000.00"),    # 15 %
    ("2000000", "300000.00"),  # 15 % = 300,000: exactly the maximum
    ("3000000", "300000.00"),  # 450,000 capped
    ("33333.33", "5000.00"),   # 4,999.9995 rounded to the fen
])
def test_reward_is_15_percent_between_3000_and_300000(fine, reward):
    assert reporting.reward_for(Decimal(fine)) == Decimal(reward)


def test_report_form_is_limited_per_address_in_a_fixed_window(regions, settings):
    settings.HAZARD_REPORTS_PER_WINDOW = 2
    at = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    for _ in range(2):
        reporting.report_create(ip="1.2.3.4", region_code="331081", description="堵塞安全出口", now=at)
    with pytest.raises(reporting.RateLimited):
        reporting.report_create(ip="1.2.3.4", region_code="331081", description="堵塞安全出口",
                                now=at + dt.timedelta(minutes=59))
    reporting.report_create(ip="5.6.7.8", region_code="331081", description="另一个人", now=at)
    reporting.report_create(ip="1.2.3.4", region_code="331081", description="下一个窗口",
                            now=at + dt.timedelta(hours=1))


def test_report_region_must_be_a_county_or_below(regions):
    with pytest.raises(DomainError):
        reporting.report_create(ip="1.1.1.1", region_code="3310", description="某处隐患")
