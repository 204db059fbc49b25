"""The figures served equal a count from scratch (a slow reference over every row),
over random periods and groupings; year on year across a year boundary and 29 February."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from yingji.accidents.choices import AccidentGrade, AccidentKind, Industry
from yingji.accidents.models import Accident, ControlTarget
from yingji.accidents.selectors import year_earlier
from yingji.core.models import Region

from ..conftest import LINHAI, TAIZHOU, WENLING

pytestmark = pytest.mark.django_db
BEIJING = dt.timezone(dt.timedelta(hours=8))


def grade_of(deaths, injuries, loss):
    """Order 493 from its text, independently of duty.grades."""
    if deaths >= 30 or injuries >= 100 or loss >= 100_000_000:
        return "extraordinary"
    if deaths >= 10 or injuries >= 50 or loss >= 50_000_000:
        return "major"
    if deaths >= 3 or injuries >= 10 or loss >= 10_000_000:
        return "larger"
    return "general"


@pytest.fixture
def world(regions):
    rng = random.Random(16)
    places = list(Region.objects.filter(code__startswith=TAIZHOU, level__gte=4).values_list("code", flat=True))
    places = [p for p in places if len(p) == 9][:40] + [WENLING, LINHAI, TAIZHOU]
    rows = []
    for _ in range(300):
        day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(3 * 366))
        moment = dt.datetime.combine(day, dt.time(rng.randrange(24), rng.randrange(60)), tzinfo=BEIJING)
        if rng.random() < 0.05:  # the edges of the days
            moment = dt.datetime.combine(day, dt.time(0, 0) if rng.random() < 0.5 else dt.time(23, 59, 59),
                                         tzinfo=BEIJING)
        deaths = rng.choice([0, 0, 0, 1, 1, 2, 3, 4, 11])
        injuries = rng.choice([0, 0, 1, 2, 12])
        loss = Decimal(rng.randrange(0, 20_000_000_00)) / 100
        rows.append(Accident(region_id=rng.choice(places), occurred_at=moment, party_name="某单位",
                             industry=rng.choice(Industry.values), kind=rng.choice(AccidentKind.values),
                             deaths=deaths, serious_injuries=injuries, direct_loss=loss,
                             grade=grade_of(deaths, injuries, loss)))
    Accident.objects.bulk_create(rows)
    # Two exactly on the edges of a leap day.
    for moment in (dt.datetime(2024, 2, 29, 0, 0, tzinfo=BEIJING), dt.datetime(2024, 2, 29, 23, 59, tzinfo=BEIJING),
                   dt.datetime(2023, 2, 28, 12, 0, tzinfo=BEIJING), dt.datetime(2023, 3, 1, 0, 0, tzinfo=BEIJING)):
        Accident.objects.create(region_id=WENLING + "001", occurred_at=moment, party_name="闰日", industry="other",
                                kind="other", deaths=1)
    return list(Accident.objects.values())


def local_day(moment):
    return timezone.localtime(moment).date()


def reference(rows, region, start, end, group_by):
    """Slow: every row, its local day, its group by hand."""
    children = list(Region.objects.filter(parent_id=region).values_list("code", "name"))
    keys = {
        "region": [c for c, _ in children],
        "industry": Industry.values, "kind": AccidentKind.values, "grade": AccidentGrade.values,
    }[group_by]
    out = {k: [0, 0, 0, Decimal(0)] for k in keys}
    total = [0, 0, 0, Decimal(0)]
    own = [0, 0, 0, Decimal(0)]
    for row in rows:
        if not row["region_id"].startswith(region) or not start <= local_day(row["occurred_at"]) <= end:
            continue
        figures = [1, row["deaths"], row["serious_injuries"], row["direct_loss"]]
        total = [a + b for a, b in zip(total, figures)]
        if group_by == "region":
            matches = [c for c in keys if row["region_id"].startswith(c)]
            target = out[matches[0]] if matches else own
        else:
            target = out[row[group_by if group_by != "grade" else "grade"]]
        target[:] = [a + b for a, b in zip(target, figures)]
    result = {k: v for k, v in out.items()}
    if own[0]:
        result[region] = own
    return result, total


def served(api, region, start, end, group_by):
    r = api.get("/api/accidents/figures", {"region": region, "from": start.isoformat(), "to": end.isoformat(),
                                           "group_by": group_by})
    assert r.status_code == 200, r.content
    return r.json()


def as_tuple(item):
    return [item["accidents"], item["deaths"], item["serious_injuries"], Decimal(item["direct_loss"])]


def test_figures_equal_a_count_from_scratch_over_random_periods_and_groupings(api_as, province_admin, world):
    rng = random.Random(493)
    api = api_as(province_admin)
    for _ in range(25):
        start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(1000))
        end = start + dt.timedelta(days=rng.choice([0, 1, 30, 90, 365, 700]))
        region = rng.choice([TAIZHOU, WENLING, LINHAI])
        group_by = rng.choice(["region", "industry", "kind", "grade"])
        data = served(api, region, start, end, group_by)
        expected, total = reference(world, region, start, end, group_by)
        assert {i["key"]: as_tuple(i) for i in data["items"]} == expected, (region, start, end, group_by)
        assert as_tuple(data["total"]) == total
        p_start, p_end = year_earlier(start, end=False), year_earlier(end, end=True)
        assert as_tuple(data["previous_year"]) == reference(world, region, p_start, p_end, group_by)[1]


def test_year_on_year_across_a_year_boundary(api_as, province_admin, regions):
    def at(y, m, d, h=12):
        return dt.datetime(y, m, d, h, tzinfo=BEIJING)
    # This period: 2025-12-15 .. 2026-01-15; last year's: 2024-12-15 .. 2025-01-15.
    for moment, deaths in [(at(2025, 12, 15, 0), 1), (at(2026, 1, 15, 23), 2), (at(2026, 1, 16, 0), 100),
                           (at(2024, 12, 14, 23), 100), (at(2024, 12, 15, 0), 4), (at(2025, 1, 15, 23), 1),
                           (at(2025, 1, 1), 1)]:
        Accident.objects.create(region_id=WENLING + "001", occurred_at=moment, party_name="x", industry="other",
                                kind="other", deaths=deaths)
    data = served(api_as(province_admin), WENLING, dt.date(2025, 12, 15), dt.date(2026, 1, 15), "grade")
    assert (data["total"]["accidents"], data["total"]["deaths"]) == (2, 3)
    assert data["previous_year"]["from"] == "2024-12-15" and data["previous_year"]["to"] == "2025-01-15"
    assert (data["previous_year"]["accidents"], data["previous_year"]["deaths"]) == (3, 6)
    assert data["change"]["deaths"] == {"diff": -3, "percent": -50.0}
    assert data["change"]["accidents"]["diff"] == -1


def test_29_february_has_no_twin_a_year_earlier():
    assert year_earlier(dt.date(2024, 2, 29), end=True) == dt.date(2023, 2, 28)
    assert year_earlier(dt.date(2024, 2, 29), end=False) == dt.date(2023, 3, 1)
    assert year_earlier(dt.date(2025, 3, 1), end=False) == dt.date(2024, 3, 1)
    assert year_earlier(dt.date(2025, 2, 28), end=True) == dt.date(2024, 2, 28)


def test_february_of_a_leap_year_against_the_february_before(api_as, province_admin, world):
    data = served(api_as(province_admin), WENLING, dt.date(2024, 2, 1), dt.date(2024, 2, 29), "kind")
    assert data["previous_year"]["to"] == "2023-02-28"
    expected = reference(world, WENLING, dt.date(2023, 2, 1), dt.date(2023, 2, 28), "kind")[1]
    assert as_tuple(data["previous_year"]) == expected
    leap = reference(world, WENLING, dt.date(2024, 2, 29), dt.date(2024, 2, 29), "kind")[1]
    assert leap[0] >= 2  # the two on the leap day's edges are in


def test_regions_carry_their_control_target_and_its_use(api_as, province_admin, regions):
    ControlTarget.objects.create(region_id=WENLING, year=2026, max_accidents=8, max_deaths=4)
    for _ in range(2):
        Accident.objects.create(region_id=WENLING + "001", occurred_at=dt.datetime(2026, 3, 1, tzinfo=BEIJING),
                                party_name="x", industry="other", kind="other", deaths=1)
    data = served(api_as(province_admin), TAIZHOU, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "region")
    wenling = next(i for i in data["items"] if i["key"] == WENLING)
    assert wenling["target"] == {"year": 2026, "max_accidents": 8, "max_deaths": 4, "accidents_used": 25.0,
                                 "deaths_used": 50.0}
    assert next(i for i in data["items"] if i["key"] == LINHAI)["target"] is None


def test_the_ranking_puts_most_deaths_first_then_most_accidents(api_as, province_admin, regions):
    def add(code, deaths):
        Accident.objects.create(region_id=code + "001", occurred_at=dt.datetime(2026, 3, 1, tzinfo=BEIJING),
                                party_name="x", industry="other", kind="other", deaths=deaths)
    add(WENLING, 1)
    add(WENLING, 1)      # Wenling: 2 deaths in 2 accidents
    add(LINHAI, 2)       # Linhai: 2 deaths in 1 accident
    add("331002", 3)     # Jiaojiang: 3 deaths in 1 accident
    add("331003", 0)     # Huangyan: 0 deaths in 1 accident
    r = api_as(province_admin).get("/api/accidents/ranking", {"region": TAIZHOU, "from": "2026-01-01",
                                                               "to": "2026-12-31"})
    items = r.json()["items"]
    assert [i["key"] for i in items][:4] == ["331002", WENLING, LINHAI, "331003"]
    assert [i["rank"] for i in items][:4] == [1, 2, 3, 4]


@pytest.mark.parametrize("query", [{"group_by": "colour"}, {"from": "2026-02-01", "to": "2026-01-01"},
                                   {"from": "2026-02-30"}, {"region": "x" * 40}, {"from": "0001-01-01"}])
def test_bad_figures_queries_are_refused_in_both_languages(api_as, province_admin, regions, query):
    r = api_as(province_admin).get("/api/accidents/figures", {"region": TAIZHOU, **query})
    assert 400 <= r.status_code < 500, r.content
    assert " / " in r.json()["error"]["message"]
