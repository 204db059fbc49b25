"""Enforcement figures by region and period, equal to a hand count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from yingji.enforcement import services
from yingji.enforcement.models import Case

from ..conftest import LINHAI, TAIZHOU, WENLING
from .conftest import LONGYOU, open_case, walk_to

pytestmark = pytest.mark.django_db
HAZARD = {"provision": "work-safety-hazard-not-removed", "refused": True}


def _decide(officer, case, decisions):
    case = walk_to(officer, case, "prior_notice")
    return services.case_act(by=officer.user, case=case, action="decide", decided_on=timezone.localdate(),
                             decisions=decisions)


def test_figures_equal_a_hand_count(api_as, taizhou_officer, wenling_officer, linhai_officer, wenling_enterprise,
                                    linhai_enterprise):
    # Wenling: the Longyou-like decision (fine 50,000, confiscated 244,048.66); a 一案三罚 with a
    # stop order (fines 0 + 75,000 + 75,000); a transfer. Linhai: one case, no decision.
    _decide(wenling_officer, open_case(wenling_officer, wenling_enterprise), [LONGYOU])
    _decide(wenling_officer, open_case(wenling_officer, wenling_enterprise), [
        HAZARD | {"party": "enterprise"}, HAZARD | {"party": "principal", "party_name": "王某"},
        HAZARD | {"party": "manager", "party_name": "李某"}])
    services.case_act(by=wenling_officer.user, case=open_case(wenling_officer, wenling_enterprise),
                      action="transfer", agency="温岭市公安局", note="涉嫌犯罪")
    open_case(linhai_officer, linhai_enterprise)
    # Outside the period: a case from last year.
    old = open_case(linhai_officer, linhai_enterprise)
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))

    today = timezone.localdate()
    r = api_as(taizhou_officer).get("/api/enforcement/figures", {"region": TAIZHOU, "from": str(today.replace(
        month=1, day=1)), "to": str(today)})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["from"] == str(today.replace(month=1, day=1))
    rows = {row["region"]: row for row in body["items"]}
    wenling, linhai = rows[WENLING], rows[LINHAI]
    assert (wenling["cases"], wenling["stop_orders"], wenling["transfers"], wenling["three_penalties"]) == (3, 1, 1, 1)
    assert Decimal(wenling["fines"]) == Decimal("200000") and Decimal(wenling["confiscated"]) == Decimal("244048.66")
    assert (linhai["cases"], Decimal(linhai["fines"])) == (1, 0)
    assert body["total"]["cases"] == 4 and Decimal(body["total"]["fines"]) == Decimal("200000")


def test_figures_of_another_county_are_not_found(api_as, wenling_officer):
    assert api_as(wenling_officer).get("/api/enforcement/figures", {"region": LINHAI}).status_code == 404
    assert api_as(wenling_officer).get("/api/enforcement/figures", {"region": WENLING}).status_code == 200


def test_figures_refuse_a_reversed_period(api_as, wenling_officer):
    r = api_as(wenling_officer).get("/api/enforcement/figures", {"from": "2026-05-01", "to": "2026-01-01"})
    assert r.status_code == 400 and "to" in r.json()["error"]["fields"]
