"""Design storms from a depth–duration–frequency table, by hand-computed cases.

The main table (durations 1–4 h, so every hourly depth is a table value and nothing
is interpolated): the 10-year depths 40, 60, 72, 80 mm give the hourly increments
40, 20, 12, 8 mm. With the peak ratio 0.5 over 4 hours the peak is hour ⌊0.5·4⌋ = 2
(0-based); the second block goes after it (a tie of room, 1/1 against 2/2), the third
and fourth before it (no room left after), so the storm is 8, 12, 40, 20 mm, and the
windows of 1, 2, 3 and 4 hours around the peak hold 40, 60, 72 and 80 mm.
"""

import math

import pytest

from yingji.kernels.hyetograph import DdfTable, TableError, block_positions, hyetograph, hyetograph_milli

DURATIONS = [1, 2, 3, 4]
PERIODS = [5, 10, 20]
DEPTHS = [[30, 45, 54, 60], [40, 60, 72, 80], [50, 75, 90, 100]]


@pytest.fixture
def table():
    return DdfTable.checked(DURATIONS, PERIODS, DEPTHS)


def windows(blocks, d):
    return [sum(blocks[i:i + d]) for i in range(len(blocks) - d + 1)]


def test_the_hand_computed_storm(table):
    assert hyetograph(table, 10, 4, 0.5) == [8, 12, 40, 20]


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("ratio", [0.0, 0.3, 0.5, 0.75, 1.0])
def test_the_total_is_the_tables_depth_for_the_duration(table, period, ratio):
    for hours in (1, 2, 3, 4):
        milli = hyetograph_milli(table, period, hours, ratio)
        assert sum(milli) == DEPTHS[PERIODS.index(period)][hours - 1] * 1000


@pytest.mark.parametrize("ratio", [0.0, 0.3, 0.5, 0.75, 1.0])
def test_every_window_about_the_peak_holds_the_tables_depth(table, ratio):
    blocks = hyetograph(table, 10, 4, ratio)
    peak = blocks.index(max(blocks))
    for d, expected in zip((1, 2, 3, 4), DEPTHS[1]):
        around = [w for i, w in enumerate(windows(blocks, d)) if i <= peak < i + d]
        assert expected in around
        assert max(windows(blocks, d)) == expected  # and no window of d hours holds more


def test_an_interpolated_table_by_hand():
    """1 h 40 mm and 4 h 80 mm: m = ln 2 / ln 4 = 0.5, so D(t) = 40·√t mm:
    cumulative 40, 56.569, 69.282, 80 mm (to 0.001 mm) and the blocks their differences."""
    table = DdfTable.checked([1, 4], [10, 50], [[40, 80], [60, 120]])
    assert table.depth(10, 2) == pytest.approx(40 * math.sqrt(2), rel=1e-12)
    milli = hyetograph_milli(table, 10, 4, 0.5)
    assert sorted(milli, reverse=True) == [40000, 56569 - 40000, 69282 - 56569, 80000 - 69282]
    assert sum(milli) == 80000
    blocks = [b / 1000 for b in milli]
    for d, cumulative in zip((1, 2, 3, 4), (40.0, 56.569, 69.282, 80.0)):
        assert max(windows(blocks, d)) == pytest.approx(cumulative, abs=1e-9)


def test_the_storm_grows_with_the_return_period(table):
    storms = [hyetograph(table, p, 4, 0.4) for p in PERIODS]
    for d in (1, 2, 3, 4):
        deepest = [max(windows(s, d)) for s in storms]
        assert deepest == sorted(deepest) and len(set(deepest)) == 3


def test_a_realistic_table_keeps_its_windows_over_a_day():
    """Five durations of an atlas-like table (decay exponents 0.4, 0.6, 0.7 rising):
    the 24-hour storm's d-hour windows about the peak hold D(d) for every d."""
    periods = [5, 10, 20, 50, 100]
    base = [60.0, 60 * 6 ** 0.6, 60 * 6 ** 0.6 * 4 ** 0.3]  # 1 h, 6 h, 24 h: m = 0.6 then 0.3
    factors = [1.0, 1.2, 1.4, 1.7, 1.95]
    table = DdfTable.checked([1, 6, 24], periods, [[round(v * f, 1) for v in base] for f in factors])
    for period in periods:
        blocks = hyetograph(table, period, 24, 0.5)
        assert math.fsum(blocks) == pytest.approx(table.depth(period, 24), abs=1e-9)
        for d in range(1, 25):
            # 0.001 mm: the depths are rounded to thousandths once, before differencing
            assert max(windows(blocks, d)) == pytest.approx(table.depth(period, d), abs=1.5e-3)


def test_positions_fill_each_side_in_proportion():
    assert block_positions(5, 0.5) == [2, 3, 1, 4, 0]  # the textbook alternation
    assert block_positions(4, 0.0) == [0, 1, 2, 3]
    assert block_positions(4, 1.0) == [3, 2, 1, 0]
    for n in range(1, 30):
        for ratio in (0.0, 0.2, 0.37, 0.5, 0.8, 1.0):
            positions = block_positions(n, ratio)
            assert sorted(positions) == list(range(n))
            for k in range(1, n + 1):  # every prefix is a run of adjacent hours
                assert max(positions[:k]) - min(positions[:k]) == k - 1


@pytest.mark.parametrize("depths, needle", [
    ([[30, 45, 54, 60], [40, 60, 60, 80], [50, 75, 90, 100]], "3 小时雨量 60 毫米应大于 2 小时"),
    ([[30, 45, 54, 60], [40, 60, 72, 80], [50, 65, 70, 100]], "3 小时 20年一遇雨量 70 毫米应大于 10年一遇"),
    ([[30, 70, 80, 85], [40, 80, 90, 95], [50, 90, 100, 105]], "平均雨强随历时增大"),
    ([[30, 33, 54, 60], [40, 44, 72, 80], [50, 55, 90, 100]], "暴雨递减指数"),
])
def test_bad_tables_are_refused_with_the_field_and_the_reason(depths, needle):
    with pytest.raises(TableError) as caught:
        DdfTable.checked(DURATIONS, PERIODS, depths)
    assert caught.value.field == "depths_mm"
    assert needle in caught.value.zh
    assert caught.value.en


@pytest.mark.parametrize("durations, periods, depths, field", [
    ([1], [10], [[40]], "durations_hours"),
    ([2, 6], [10], [[40, 60]], "durations_hours"),  # shortest over an hour: no first block
    ([1, 1, 3], [10], [[40, 50, 60]], "durations_hours"),
    ([1, 3], [10, 10], [[40, 60], [50, 70]], "return_periods"),
    ([1, 3], [10, 20.5], [[40, 60], [50, 70]], "return_periods"),
    ([1, 3], [10], [[40, 60], [50, 70]], "depths_mm"),
    ([1, 3], [10], [[40, "x"]], "depths_mm"),
    ([1, 3], [10], [[0, 60]], "depths_mm"),
])
def test_malformed_tables_name_their_field(durations, periods, depths, field):
    with pytest.raises(TableError) as caught:
        DdfTable.checked(durations, periods, depths)
    assert caught.value.field == field


def test_no_storm_outside_the_table(table):
    with pytest.raises(TableError) as caught:
        hyetograph(table, 10, 5, 0.5)
    assert caught.value.field == "duration_hours"
    with pytest.raises(TableError) as caught:
        hyetograph(table, 15, 3, 0.5)
    assert caught.value.field == "return_period"
