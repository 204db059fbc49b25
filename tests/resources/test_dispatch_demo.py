"""The dispatch demo (issue 18, dispatch): orders of the Taizhou typhoon drill, all
marked drill, in different states, the supplies issued leaving the ledger balanced,
the late one escalated; seeded once."""

import pytest

from yingji.demo.seed import seed_demo
from yingji.resources.demo_dispatch import seed_dispatch_demo
from yingji.resources.models import Dispatch, DispatchStep, StockMovement

from .supplies_helpers import balances, ledger_totals

pytestmark = pytest.mark.django_db


def test_the_drill_has_dispatches_in_several_states_with_supplies_and_a_balanced_ledger(regions, api_as, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_demo()
    report = seed_dispatch_demo()
    assert report.created and not seed_dispatch_demo().created  # once
    rows = list(Dispatch.objects.all())
    assert len(rows) == 4 and all(d.drill for d in rows)
    assert {d.state for d in rows} == {"completed", "arrived", "departed", "requested"}
    late = Dispatch.objects.get(state="requested")
    assert late.team_id is None and late.escalated_at is not None
    # Every step has its row and its time; the completed one took 150 minutes.
    done = Dispatch.objects.get(state="completed")
    assert list(DispatchStep.objects.filter(dispatch=done).values_list("state", flat=True)) == [
        "requested", "acknowledged", "departed", "arrived", "completed"]
    assert (done.completed_at - done.requested_at).total_seconds() == 150 * 60
    # 60 life jackets, 800 sandbags, then 40 and 300: four issue movements, all from dispatches.
    issued = StockMovement.objects.filter(kind="issue", reference__startswith="dispatch:")
    assert sorted(-m.delta for m in issued) == [40, 60, 300, 800]
    assert ledger_totals() == balances()
    officer = Dispatch.objects.first().requested_by.person
    listed = api_as(officer).get("/api/dispatches", {"drill": True, "page_size": 50}).json()
    assert listed["count"] == 4
