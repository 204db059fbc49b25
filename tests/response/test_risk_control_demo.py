"""The risk-control demo: a few hundred risk points of every kind in Taizhou, the
typhoon drill's control round with most points under control and several not, the
counts equal to a count from scratch over the reports, two hazards at risk points;
a second run adds nothing."""

import pytest

from yingji.core.scope import SYSTEM
from yingji.floods.models import RiskPoint
from yingji.hazards.models import Hazard
from yingji.response import selectors_riskcontrol as selectors
from yingji.response.demo_riskcontrol import KINDS, ROUND_NAME, seed_riskcontrol_demo
from yingji.response.models import RiskControlRound, RiskPointReport

pytestmark = pytest.mark.django_db


def test_the_demo_round_has_several_uncontrolled_points_counted_exactly(regions):
    report = seed_riskcontrol_demo()
    points = RiskPoint.objects.filter(region__code__startswith="3310")
    assert points.count() >= 200
    assert set(points.values_list("kind_id", flat=True)) == set(KINDS)
    rnd = RiskControlRound.objects.get(name=ROUND_NAME)
    counts = selectors.counts(scope=SYSTEM, round=rnd)
    # From scratch: the newest report of each point decides; no report is uncontrolled.
    newest = {}
    for r in RiskPointReport.objects.filter(round=rnd).order_by("reported_at", "id"):
        newest[r.risk_point_id] = r.state
    uncontrolled = sum(1 for p in points.filter(active=True)
                       if newest.get(p.pk) not in ("controlled", "evacuated", "closed"))
    assert counts["total"] == points.filter(active=True).count()
    assert counts["uncontrolled"] == uncontrolled
    assert 3 <= uncontrolled < counts["total"] // 4
    assert sum(c["uncontrolled"] for c in counts["by_region"]) == uncontrolled
    assert Hazard.objects.filter(risk_point__isnull=False).count() == 2
    assert report.created["hazards at risk points"] == 2

    again = seed_riskcontrol_demo()
    assert again.created == {} and RiskPoint.objects.filter(region__code__startswith="3310").count() == points.count()
