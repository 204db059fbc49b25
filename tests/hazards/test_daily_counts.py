"""The daily and monthly hazard counts (daily_counts.py) stay equal to a count from
scratch through random work in the services, and the figures read from them agree
with the slow reference of test_indexes, before and after the work."""

import datetime as dt
import random

import pytest

from yingji.core.errors import DomainError
from yingji.core.models import Region
from yingji.core.scope import SYSTEM
from yingji.hazards import daily_counts, indexes, services
from yingji.hazards.models import DailyHazardCount, Hazard, Inspection

from ..factories import EnterpriseFactory
from .test_indexes import _reference

pytestmark = pytest.mark.django_db

PLAN = {"goal": "消除隐患", "measures": "更换设备", "funds": "12000.00", "people": "设备科 张三",
        "safety_measures": "停用并设警戒", "contingency_plan": "见应急预案第三章"}


def _days(start, end):
    return {start + dt.timedelta(days=i) for i in range((end - start).days + 1)}


@pytest.mark.parametrize("start, end, days, months", [
    # Inside one month: days only.
    (dt.date(2026, 1, 15), dt.date(2026, 1, 20), [(dt.date(2026, 1, 15), dt.date(2026, 1, 20))], None),
    # Exactly one month: no days.
    (dt.date(2026, 1, 1), dt.date(2026, 1, 31), [], (dt.date(2026, 1, 1), dt.date(2026, 1, 1))),
    # A ragged year: 2 days, 11 whole months, 28 days.
    (dt.date(2025, 11, 29), dt.date(2026, 11, 28),
     [(dt.date(2025, 11, 29), dt.date(2025, 11, 30)), (dt.date(2026, 11, 1), dt.date(2026, 11, 28))],
     (dt.date(2025, 12, 1), dt.date(2026, 10, 1))),
    # Across a leap February's end, no whole month.
    (dt.date(2024, 2, 10), dt.date(2024, 3, 5), [(dt.date(2024, 2, 10), dt.date(2024, 3, 5))], None),
    (dt.date(2024, 2, 1), dt.date(2024, 2, 29), [], (dt.date(2024, 2, 1), dt.date(2024, 2, 1))),
])
def test_period_splits_into_days_and_whole_months_by_hand(start, end, days, months):
    assert daily_counts.split_period(start, end) == (days, months)


def test_period_split_covers_every_day_once_on_random_periods():
    rng = random.Random(7)
    for _ in range(500):
        start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(900))
        end = start + dt.timedelta(days=rng.randrange(500))
        days, months = daily_counts.split_period(start, end)
        covered = [d for a, b in days for d in _days(a, b)]
        if months:
            month = months[0]
            while month <= months[1]:
                covered += list(_days(month, daily_counts._next_month(month) - dt.timedelta(days=1)))
                month = daily_counts._next_month(month)
        assert sorted(covered) == sorted(_days(start, end)), (start, end)


def _random_action(rng, hazard, officer, city, today):
    """One action the loop allows now, with what it needs; None if there is none."""
    allowed = services.allowed_actions(hazard)
    if not allowed:
        return None
    action = rng.choice(allowed)
    by = city if action in ("supervise", "delist") else officer
    return services.hazard_act(by=by, hazard=hazard, action=action, reason="随机理由", evidence_text="照片说明",
                               plan={**PLAN, "deadline": (today + dt.timedelta(days=30)).isoformat()})


def test_counts_and_figures_stay_exact_through_random_work(regions, wenling_officer, taizhou_officer, today):
    """Hazards are found over the 300 days before today and closed today (the services
    close on the real day), so every period below is placed relative to today."""
    rng = random.Random(20261129)
    officer, city = wenling_officer.user, taizhou_officer.user
    towns = list(Region.objects.filter(parent_id="331081").values_list("code", flat=True))[:6]
    firms = [EnterpriseFactory(region_id=rng.choice(towns)) for _ in range(8)]
    base = today - dt.timedelta(days=301)
    hazards = []
    for _ in range(80):
        found = base + dt.timedelta(days=rng.randrange(300))
        hazards.append(services.hazard_register(
            by=officer, enterprise_id=rng.choice(firms).pk, description="随机隐患", found_on=found,
            deadline=found + dt.timedelta(days=rng.randrange(1, 60)), level=rng.choice(["general", "major"])))
    for firm in firms:
        Inspection.objects.create(enterprise=firm, region_id=firm.region_id, kind="planned",
                                  date=base + dt.timedelta(days=rng.randrange(300)))
    assert daily_counts.stored() == daily_counts.from_scratch()
    for _ in range(400):
        hazard = Hazard.objects.get(pk=rng.choice(hazards).pk)
        try:
            _random_action(rng, hazard, officer, city, today)
        except DomainError:
            pass  # a refusal (e.g. a plan deadline before today) changes nothing
    levels = set(Hazard.objects.values_list("level", "state", "ever_supervised"))
    assert {"major", "general"} <= {lv for lv, _, _ in levels} and any(s for _, _, s in levels)
    assert any(st == "closed" for _, st, _ in levels) and any(st != "closed" for _, st, _ in levels)
    assert daily_counts.stored() == daily_counts.from_scratch()

    rows, visits = list(Hazard.objects.all()), list(Inspection.objects.all())
    assert {h.closed_on for h in rows if h.closed_on} == {today}
    day = dt.timedelta(days=1)
    closed = {}
    for start, end, as_of in ((base + 31 * day, base + 211 * day, base + 170 * day),  # long before today
                              (base + 14 * day, today + 10 * day, today),  # to today: the closures count
                              (today - 60 * day, today, today - day)):  # as of yesterday: they do not
        for code, item in ((i["region"], i) for i in indexes.ranking(
                scope=SYSTEM, code="331081", start=start, end=end, today=as_of)["items"]):
            expected = _reference(rows, visits, firms, code, start, end, min(end, as_of))
            assert {k: item[k] for k in expected} == expected, (code, start, end)
        got = indexes.region_figures(scope=SYSTEM, code="3310", start=start, end=end, today=as_of)
        expected = _reference(rows, visits, firms, "3310", start, end, min(end, as_of))
        assert {k: got[k] for k in expected} == expected
        closed[as_of] = got["closed"]
    # The periods that reach today see closures, the others none: no figure compares 0 with 0 only.
    assert closed[today] > 0 and closed[base + 170 * day] == closed[today - day] == 0


def test_a_hazard_moved_or_deleted_moves_its_counts(regions, wenling_enterprise):
    other = EnterpriseFactory(region_id="331081002")
    h = Hazard.objects.create(number="T-1", enterprise=wenling_enterprise, region_id=wenling_enterprise.region_id,
                              description="t", found_on="2026-03-31", deadline=dt.date(2026, 4, 30), level="major")
    assert daily_counts.stored() == daily_counts.from_scratch()
    assert daily_counts.stored()[0] == {(wenling_enterprise.region_id, dt.date(2026, 3, 31)): (1, 1, 0)}
    h.enterprise, h.region_id, h.found_on, h.ever_supervised = other, other.region_id, dt.date(2026, 4, 1), True
    h.save()
    assert daily_counts.stored() == daily_counts.from_scratch()
    assert daily_counts.stored()[1] == {("331081002", dt.date(2026, 4, 1)): (1, 1, 1)}
    # A stale copy saved over a newer level: the stored row decides what is taken off.
    stale = Hazard.objects.get(pk=h.pk)
    h.level = "general"
    h.save()
    stale.save()  # back to major, from a copy that still says major
    assert daily_counts.stored() == daily_counts.from_scratch()
    Hazard.objects.filter(pk=h.pk).delete()
    assert daily_counts.stored() == daily_counts.from_scratch() == ({}, {})


def test_rebuild_counts_what_the_services_counted(regions, register, wenling_enterprise):
    for day in (1, 1, 15):
        register(wenling_enterprise, found_on=dt.date(2026, 2, day), level="major" if day == 15 else "general")
    before = daily_counts.stored()
    DailyHazardCount.objects.all().delete()
    daily_counts.rebuild()
    assert daily_counts.stored() == before == daily_counts.from_scratch()
    assert before[1] == {(wenling_enterprise.region_id, dt.date(2026, 2, 1)): (3, 1, 0)}


def test_command_finds_counts_written_around_the_model_and_rebuilds_them(regions, register, wenling_enterprise):
    from io import StringIO

    from django.core.management import CommandError, call_command

    register(wenling_enterprise, found_on=dt.date(2026, 2, 1))
    out = StringIO()
    call_command("hazard_counts", stdout=out)
    assert "一致" in out.getvalue()
    assert daily_counts.counted_by_database() == daily_counts.from_scratch()
    Hazard.objects.filter(pk=Hazard.objects.get().pk).update(level="major")  # around Hazard.save()
    with pytest.raises(CommandError, match="1 daily and 1 monthly"):
        call_command("hazard_counts")
    call_command("hazard_counts", "--rebuild", stdout=StringIO())
    assert daily_counts.stored()[1] == {(wenling_enterprise.region_id, dt.date(2026, 2, 1)): (1, 1, 0)}
