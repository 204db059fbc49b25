"""The summons list (约谈名单) of the ranking names a real minority (issue 15, item 9):
at most the configured number and at most a share (1/3 by default) of the ranked
units, never all of them, and never a unit tied with one left off the list."""

import pytest

from yingji.hazards import indexes


def _items(*scores: float) -> list[dict]:
    return [{"region": f"33100{n}", "name": f"县{n}", "index": s} for n, s in enumerate(scores, start=1)]


@pytest.mark.parametrize("ranked, requested, expected", [
    (9, 9, 3),    # nine counties of a city: at most a third, never all nine
    (9, 2, 2),    # the configured number when it is the smaller
    (10, 10, 3),  # 10/3 rounded down
    (3, 3, 1),
    (2, 5, 0),    # one or two units: no one is a minority
    (1, 5, 0),
    (0, 3, 0),
    (9, 0, 0),
])
def test_the_list_size_is_capped_by_the_share(ranked, requested, expected):
    assert indexes.summons_size(ranked, requested) == expected


def test_nine_counties_give_the_three_worst_worst_first():
    items = _items(90, 80, 70, 60, 50, 40, 30, 20, 10)
    assert [i["index"] for i in indexes.summons_list(items, 9)] == [10, 20, 30]


def test_a_tie_at_the_cut_is_not_broken_by_region_code():
    # Worst three would be 10, 20 and one of the two 30s: both 30s stay off the list.
    items = _items(90, 80, 30, 60, 50, 30, 70, 20, 10)
    assert [i["index"] for i in indexes.summons_list(items, 3)] == [10, 20]


def test_all_units_equal_gives_an_empty_list():
    assert indexes.summons_list(_items(*[100.0] * 9), 9) == []


def test_the_share_and_number_are_settings(settings):
    settings.HAZARD_SUMMONS_SHARE = 0.25
    settings.HAZARD_SUMMONS_BOTTOM = 5
    assert indexes.default_bottom() == 5 and indexes.summons_size(9, 5) == 2  # 9/4 rounded down
    settings.HAZARD_SUMMONS_SHARE = 0.9  # more than half is no minority: held at 1/2
    assert indexes.summons_size(9, 9) == 4


@pytest.mark.django_db
def test_the_ranking_page_of_a_city_lists_at_most_a_third(taizhou_officer, client):
    """Taizhou has nine counties; with no hazard at all they tie at 100 and no one is
    summoned; the heading counts what is listed."""
    client.force_login(taizhou_officer.user)
    page = client.get("/hazards/ranking/", {"region": "3310"}).content.decode()
    section = page[page.index('id="summons"'):]
    assert "约谈名单（后 0 名）" in section and "不列约谈名单" in section
    assert "至多 3 个单位" in section
