"""Grades of production-safety accidents (生产安全事故等级), State Council Order 493, Art. 3.

The grade is the worst of three measures: deaths, serious injuries (acute industrial
poisoning included) and direct economic loss. "以上" includes the number itself and
"以下" excludes it, so each threshold below is the least value of its grade. The
thresholds are data (`THRESHOLDS`), read by both information reports (duty) and
accidents, so that a change of the rule is made once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccidentGrade(models.TextChoices):
    """一般 / 较大 / 重大 / 特别重大, in rising order (the API's names)."""

    GENERAL = "general", _("一般事故 General")
    LARGER = "larger", _("较大事故 Larger")
    MAJOR = "major", _("重大事故 Major")
    EXTRAORDINARY = "extraordinary", _("特别重大事故 Extraordinary")


@dataclass(frozen=True)
class Threshold:
    """The least figures that put an accident in `grade` (any one suffices)."""

    grade: str
    deaths: int
    serious_injuries: int
    direct_loss: Decimal  # RMB yuan


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(AccidentGrade.EXTRAORDINARY, 30, 100, Decimal("100000000")),
    Threshold(AccidentGrade.MAJOR, 10, 50, Decimal("50000000")),
    Threshold(AccidentGrade.LARGER, 3, 10, Decimal("10000000")),
)

ORDER = [AccidentGrade.GENERAL, AccidentGrade.LARGER, AccidentGrade.MAJOR, AccidentGrade.EXTRAORDINARY]


def accident_grade(*, deaths: int = 0, serious_injuries: int = 0, direct_loss: Decimal | int | float = 0,
                   thresholds: tuple[Threshold, ...] = THRESHOLDS) -> str:
    """The grade of an accident with these figures: the highest grade any figure reaches.

    >>> accident_grade(deaths=2, serious_injuries=10)
    'larger'
    """
    loss = Decimal(str(direct_loss or 0))
    for t in thresholds:
        if deaths >= t.deaths or serious_injuries >= t.serious_injuries or loss >= t.direct_loss:
            return str(t.grade)
    return str(AccidentGrade.GENERAL)


def rank(grade: str) -> int:
    """0 for general up to 3 for extraordinary: grades compare by this."""
    return ORDER.index(grade)
