"""core.paging as the hazard list uses it: ids first gives the same pages as plain
slicing, in the same order; counts stop at the limit."""

import datetime as dt

import pytest

from yingji.core.paging import PageQuery, paginate
from yingji.core.scope import SYSTEM
from yingji.hazards import selectors

pytestmark = pytest.mark.django_db


def test_ids_first_pages_equal_plain_pages(register, wenling_enterprise):
    for day in (3, 1, 2, 2, 5, 4, 1):  # ties on the day are ordered by id
        register(wenling_enterprise, found_on=dt.date(2026, 2, day))
    qs = selectors.hazard_list(scope=SYSTEM)
    for page in (1, 2, 3, 4):
        paging = PageQuery(page=page, page_size=2)
        plain, first = paginate(qs, paging), paginate(qs, paging, ids_first=True)
        assert [h.pk for h in first["items"]] == [h.pk for h in plain["items"]]
        assert first["count"] == plain["count"] == 7
    assert [h.found_on.day for h in paginate(qs, PageQuery(page=1, page_size=7), ids_first=True)["items"]] == [
        5, 4, 3, 2, 2, 1, 1]


@pytest.mark.parametrize("limit, count, exact", [(6, 6, False), (7, 7, True), (100, 7, True)])
def test_count_stops_at_the_limit(register, wenling_enterprise, limit, count, exact):
    for _ in range(7):
        register(wenling_enterprise)
    page = paginate(selectors.hazard_list(scope=SYSTEM), PageQuery(page=1, page_size=5), count_limit=limit)
    assert (page["count"], page["count_exact"], len(page["items"])) == (count, exact, 5)
