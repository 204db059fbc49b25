"""Accident grades by Order 493 Art. 3: the worst of the three measures, thresholds inclusive."""

from decimal import Decimal

import pytest

from yingji.duty.grades import accident_grade, rank


@pytest.mark.parametrize("figures, grade", [
    ({}, "general"),
    ({"deaths": 2, "serious_injuries": 9, "direct_loss": Decimal("9999999.99")}, "general"),
    ({"deaths": 3}, "larger"),
    ({"serious_injuries": 10}, "larger"),
    ({"direct_loss": 10_000_000}, "larger"),
    ({"deaths": 9, "serious_injuries": 49, "direct_loss": Decimal("49999999")}, "larger"),
    ({"deaths": 10}, "major"),
    ({"serious_injuries": 50}, "major"),
    ({"direct_loss": 50_000_000}, "major"),
    ({"deaths": 29, "serious_injuries": 99}, "major"),
    ({"deaths": 30}, "extraordinary"),
    ({"serious_injuries": 100}, "extraordinary"),
    ({"direct_loss": Decimal("100000000")}, "extraordinary"),
    # The worst measure decides: one death but 12 seriously injured is 较大.
    ({"deaths": 1, "serious_injuries": 12, "direct_loss": 100}, "larger"),
])
def test_grade_is_the_worst_of_the_three_measures(figures, grade):
    assert accident_grade(**figures) == grade


def test_grades_rank_in_rising_order():
    assert [rank(g) for g in ("general", "larger", "major", "extraordinary")] == [0, 1, 2, 3]
