"""Regional figures and ranking: a hand-built set with hand-computed rates, and
agreement with a slow reference computation on random data."""

import datetime as dt
import random

import pytest

from yingji.core.models import Region
from yingji.core.scope import SYSTEM
from yingji.hazards import indexes
from yingji.hazards.models import Hazard, IndexWeight, Inspection

from ..factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

START, END, TODAY = dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 6, 1)


def _hazard(enterprise, n, *, found, deadline, closed=None, level="general", supervised=False):
    return Hazard.objects.create(
        number=f"T-{n}", enterprise=enterprise, region_id=enterprise.region_id, description="t", level=level,
        found_on=found, deadline=deadline, closed_on=closed, state="closed" if closed else "rectifying",
        ever_supervised=supervised)


@pytest.fixture
def two_townships(regions):
    """Township A (331081001): 4 hazards found in Q1 (3 closed in time, 1 open and
    overdue; 1 major, closed, listed), 2 enterprises, 1 inspected.
    Township B (331081002): 2 hazards (1 closed after the period, 1 closed), 1
    enterprise, inspected twice; plus rows outside the period that must not count."""
    a1, a2 = EnterpriseFactory(region_id="331081001"), EnterpriseFactory(region_id="331081001")
    b1 = EnterpriseFactory(region_id="331081002")
    d = dt.date
    _hazard(a1, 1, found=d(2026, 1, 5), deadline=d(2026, 1, 20), closed=d(2026, 1, 10))
    _hazard(a1, 2, found=d(2026, 2, 5), deadline=d(2026, 2, 20), closed=d(2026, 2, 10), level="major",
            supervised=True)
    _hazard(a2, 3, found=d(2026, 3, 5), deadline=d(2026, 3, 20), closed=d(2026, 3, 10))
    _hazard(a2, 4, found=d(2026, 3, 6), deadline=d(2026, 3, 20))  # open, overdue on 31 March
    _hazard(b1, 5, found=d(2026, 3, 1), deadline=d(2026, 4, 30), closed=d(2026, 4, 15))  # closed after END
    _hazard(b1, 6, found=d(2026, 1, 1), deadline=d(2026, 1, 31), closed=d(2026, 1, 31))
    _hazard(b1, 7, found=d(2025, 12, 31), deadline=d(2026, 1, 31))  # found before the period
    for firm, day in ((a1, d(2026, 2, 1)), (b1, d(2026, 1, 2)), (b1, d(2026, 3, 31)), (b1, d(2026, 4, 1))):
        Inspection.objects.create(enterprise=firm, region_id=firm.region_id, kind="planned", date=day)


def test_county_figures_by_hand(two_townships):
    f = indexes.region_figures(scope=SYSTEM, code="331081", start=START, end=END, today=TODAY)
    assert (f["found"], f["closed"], f["overdue"]) == (6, 4, 1)  # hazard 5 open on 31 March, deadline 30 April
    assert f["rectification_rate"] == pytest.approx(4 / 6)
    assert (f["major_found"], f["major_closed"], f["supervised"]) == (1, 1, 1)
    assert (f["inspections"], f["inspected_enterprises"], f["enterprises"]) == (3, 2, 3)
    assert f["coverage"] == pytest.approx(2 / 3)


def test_ranking_by_hand(two_townships):
    """A: rectification 3/4, on time 1 - 1/4, major 1/1, coverage 1/2
       → 100 * (0.4*0.75 + 0.2*0.75 + 0.2*1 + 0.2*0.5) = 75.
    B: rectification 1/2, on time 1, no major (1), coverage 1/1
       → 100 * (0.4*0.5 + 0.2 + 0.2 + 0.2) = 80.
    Every other township of Wenling: nothing found, no enterprise → 100."""
    result = indexes.ranking(scope=SYSTEM, code="331081", start=START, end=END, today=TODAY, bottom=2)
    by_code = {i["region"]: i for i in result["items"]}
    assert by_code["331081001"]["index"] == 75.0
    assert by_code["331081002"]["index"] == 80.0
    assert len(result["items"]) == Region.objects.filter(parent_id="331081").count()
    assert [i["region"] for i in result["bottom"]] == ["331081001", "331081002"]
    assert result["items"][-1]["region"] == "331081001" and result["items"][-1]["rank"] == len(result["items"])


def test_weights_are_data(two_townships):
    IndexWeight.objects.all().delete()
    IndexWeight.objects.create(component="coverage", label="覆盖率", weight=1)
    result = indexes.ranking(scope=SYSTEM, code="331081", start=START, end=END, today=TODAY)
    by_code = {i["region"]: i["index"] for i in result["items"]}
    assert (by_code["331081001"], by_code["331081002"]) == (50.0, 100.0)


def test_city_ranking_groups_townships_into_counties(two_townships):
    result = indexes.ranking(scope=SYSTEM, code="3310", start=START, end=END, today=TODAY)
    wenling = next(i for i in result["items"] if i["region"] == "331081")
    assert (wenling["found"], wenling["closed"], wenling["enterprises"]) == (6, 4, 3)


def test_ranking_export_is_a_workbook(two_townships):
    from io import BytesIO

    from openpyxl import load_workbook

    result = indexes.ranking(scope=SYSTEM, code="331081", start=START, end=END, today=TODAY)
    sheet = load_workbook(BytesIO(indexes.ranking_xlsx(result))).active
    assert sheet.cell(1, 1).value == "排名" and sheet.max_row == len(result["items"]) + 1


def _reference(hazards, inspections, firms, code, start, end, as_of):
    """The slow way: one Python pass per figure."""
    mine = [h for h in hazards if h.region_id.startswith(code) and start <= h.found_on <= end]
    closed = [h for h in mine if h.closed_on is not None and h.closed_on <= as_of]
    visits = [i for i in inspections if i.region_id.startswith(code) and start <= i.date <= end]
    return {
        "found": len(mine), "closed": len(closed),
        "overdue": sum(1 for h in mine if h.deadline < as_of and h not in closed),
        "major_found": sum(1 for h in mine if h.level == "major"),
        "major_closed": sum(1 for h in closed if h.level == "major"),
        "supervised": sum(1 for h in mine if h.ever_supervised),
        "inspections": len(visits), "inspected_enterprises": len({i.enterprise_id for i in visits}),
        "enterprises": sum(1 for f in firms if f.region_id.startswith(code)),
    }


def test_figures_agree_with_a_slow_reference_on_random_data(regions):
    rng = random.Random(20260301)
    towns = list(Region.objects.filter(parent_id__in=["331081", "331082"]).values_list("code", flat=True))[:8]
    firms = [EnterpriseFactory(region_id=rng.choice(towns)) for _ in range(12)]
    base = dt.date(2025, 10, 1)
    for n in range(150):
        firm = rng.choice(firms)
        found = base + dt.timedelta(days=rng.randrange(240))
        closed = found + dt.timedelta(days=rng.randrange(60)) if rng.random() < 0.6 else None
        _hazard(firm, n, found=found, deadline=found + dt.timedelta(days=rng.randrange(1, 45)), closed=closed,
                level=rng.choice(["general", "general", "major"]), supervised=rng.random() < 0.1)
    for _ in range(40):
        firm = rng.choice(firms)
        Inspection.objects.create(enterprise=firm, region_id=firm.region_id, kind="planned",
                                  date=base + dt.timedelta(days=rng.randrange(240)))
    hazards, visits = list(Hazard.objects.all()), list(Inspection.objects.all())
    start, end, today = dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 2, 15)
    ranking = indexes.ranking(scope=SYSTEM, code="3310", start=start, end=end, today=today)
    for item in ranking["items"]:
        expected = _reference(hazards, visits, firms, item["region"], start, end, today)
        assert {k: item[k] for k in expected} == expected, item["region"]
    for code in towns:
        got = indexes.region_figures(scope=SYSTEM, code=code, start=start, end=end, today=today)
        expected = _reference(hazards, visits, firms, code, start, end, today)
        assert {k: got[k] for k in expected} == expected, code


def test_ranking_export_writes_a_formula_like_township_name_as_text(two_townships, api_as, wenling_officer):
    """A township named like a formula (renamed by any officer of its county) must
    reach the export as literal text, not as a live =HYPERLINK."""
    from io import BytesIO

    from openpyxl import load_workbook

    name = '=HYPERLINK("http://evil.example/","点此")'
    Region.objects.filter(pk="331081001").update(name=name)
    r = api_as(wenling_officer).get("/api/stats/ranking/export",
                                    {"region": "331081", "from": START.isoformat(), "to": END.isoformat()})
    assert r.status_code == 200
    sheet = load_workbook(BytesIO(r.content)).active
    names = {row[2].value: row[2].data_type for row in sheet.iter_rows(min_row=2)}
    assert names[name] == "s"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
