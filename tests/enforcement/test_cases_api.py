"""The case API end to end: opening, the steps with their deadlines, decisions with the
discretion rules, 一案三罚, stop-production orders, transfer, and bad inputs."""

import datetime as dt
from decimal import Decimal

import pytest

from yingji.core.models import AuditRecord
from yingji.enforcement.models import Case, Decision, StopOrder

from .conftest import LONGYOU, open_case, walk_to

pytestmark = pytest.mark.django_db


def test_open_a_case_files_it_and_opens_the_investigation(api_as, wenling_officer, wenling_enterprise):
    r = api_as(wenling_officer).post("/api/cases", {"source_kind": "chemical_work_order", "source_id": 7,
                                                    "party_uscc": wenling_enterprise.uscc, "summary": "无证经营片碱"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "investigation" and body["region"] == wenling_enterprise.region_id
    assert [s["step"] for s in body["steps"]] == ["filing", "investigation"]
    assert body["steps"][0]["completed_by"] == "t-wenling" and body["steps"][1]["due_at"]
    assert body["light"] == "green" and body["decisions"] == [] and body["evidence"] == []
    assert "review" in body["allowed_actions"] and "transfer" in body["allowed_actions"]
    assert AuditRecord.objects.filter(action="case.open", object_id=str(body["id"])).exists()


def test_the_longyou_case_runs_to_closure_with_its_decision(api_as, wenling_officer, wenling_enterprise):
    client = api_as(wenling_officer)
    case = open_case(wenling_officer, wenling_enterprise)
    for action in ("review", "notify"):
        assert client.post(f"/api/cases/{case.pk}/actions/{action}", {"note": "ok"}).status_code == 200
    r = client.post(f"/api/cases/{case.pk}/actions/decide", {"decided_on": "2024-06-01", "decisions": [LONGYOU]})
    assert r.status_code == 200, r.content
    decision = r.json()["decisions"][0]
    assert (decision["provision"], decision["rule_version"], decision["tier"]) == (
        "hazchem-unlicensed-trading", "2013-12-07", "gains-above-100k")
    assert Decimal(decision["fine"]) == 50000 and Decimal(decision["confiscated"]) == Decimal("244048.66")
    assert any("第三十二条" in reason["zh"] for reason in decision["reasons"])
    for action in ("serve", "execute", "close"):
        r = client.post(f"/api/cases/{case.pk}/actions/{action}")
        assert r.status_code == 200, r.content
    assert r.json()["state"] == "closed" and r.json()["allowed_actions"] == []
    assert all(s["completed_at"] for s in r.json()["steps"])
    assert AuditRecord.objects.filter(object_id=str(case.pk), action__startswith="case.").count() == 7


def test_preview_decides_nothing(api_as, wenling_officer, wenling_enterprise):
    case = open_case(wenling_officer, wenling_enterprise)
    r = api_as(wenling_officer).post(f"/api/cases/{case.pk}/decision/preview",
                                     {"decided_on": "2023-05-01", "decisions": [LONGYOU]})
    assert r.status_code == 200, r.content
    assert r.json()[0]["tier"] == "gains-above-100k" and Decimal(r.json()[0]["fine"]) == 50000
    assert Decision.objects.count() == 0 and Case.objects.get(pk=case.pk).state == "investigation"


def test_three_penalties_and_the_stop_order_with_its_reopening_check(api_as, wenling_officer, wenling_enterprise):
    client = api_as(wenling_officer)
    case = walk_to(wenling_officer, open_case(wenling_officer, wenling_enterprise, source_kind="hazard"),
                   "prior_notice")
    hazard = {"provision": "work-safety-hazard-not-removed", "refused": True}
    r = client.post(f"/api/cases/{case.pk}/actions/decide", {"decided_on": "2025-03-01", "decisions": [
        hazard | {"party": "enterprise"}, hazard | {"party": "principal", "party_name": "王某"},
        hazard | {"party": "manager", "party_name": "李某", "circumstance": "heavier"}]})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["three_penalties"] is True
    assert [Decimal(d["fine"]) for d in body["decisions"]] == [0, 75000, 100000]
    (order,) = body["stop_orders"]
    due = dt.datetime.fromisoformat(order["check_due_at"]) - dt.datetime.fromisoformat(order["ordered_at"])
    assert due == dt.timedelta(days=30) and order["light"] == "green"
    r = client.post(f"/api/enforcement/stop-orders/{order['id']}/check", {"outcome": "整改到位，同意复产"})
    assert r.status_code == 200 and r.json()["checked_at"]
    again = client.post(f"/api/enforcement/stop-orders/{order['id']}/check", {"outcome": "again"})
    assert again.status_code == 409


def test_transfer_to_the_police_with_its_evidence(api_as, wenling_officer, wenling_enterprise):
    from .conftest import add_evidence

    case = open_case(wenling_officer, wenling_enterprise)
    item = add_evidence(wenling_officer, case)
    r = api_as(wenling_officer).post(f"/api/cases/{case.pk}/actions/transfer",
                                     {"agency": "温岭市公安局", "note": "涉嫌非法经营罪", "evidence_ids": [item.pk]})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "transferred" and r.json()["transfer"]["evidence_ids"] == [item.pk]
    custody = api_as(wenling_officer).get(f"/api/cases/{case.pk}/custody").json()
    assert [c["action"] for c in custody] == ["added", "transferred"]


@pytest.mark.parametrize(("action", "body", "status"), [
    ("close", {}, 409),                   # not at execution
    ("decide", {}, 409),                  # not at prior notice yet
    ("fly", {}, 400),                     # no such action
    ("transfer", {"agency": ""}, 400),    # agency and reason required
])
def test_invalid_actions_are_refused_in_both_languages(api_as, wenling_officer, wenling_enterprise, action, body,
                                                       status):
    case = open_case(wenling_officer, wenling_enterprise)
    r = api_as(wenling_officer).post(f"/api/cases/{case.pk}/actions/{action}", body)
    assert r.status_code == status, r.content
    message = r.json()["error"]["message"]
    assert " / " in message and any("\u4e00" <= c <= "\u9fff" for c in message)
    assert Case.objects.get(pk=case.pk).state == "investigation"


def test_a_decision_without_facts_or_with_bad_facts_is_refused(api_as, wenling_officer, wenling_enterprise):
    client = api_as(wenling_officer)
    case = walk_to(wenling_officer, open_case(wenling_officer, wenling_enterprise), "prior_notice")
    assert client.post(f"/api/cases/{case.pk}/actions/decide", {"decisions": []}).status_code == 400
    r = client.post(f"/api/cases/{case.pk}/actions/decide", {"decisions": [{"provision": "no-such"}]})
    assert r.status_code == 400 and "provision" in r.json()["error"]["fields"]
    r = client.post(f"/api/cases/{case.pk}/actions/decide",
                    {"decided_on": "2001-01-01", "decisions": [{"provision": "hazchem-unlicensed-trading"}]})
    assert r.status_code == 400 and "decided_on" in r.json()["error"]["fields"]
    r = client.post(f"/api/cases/{case.pk}/actions/decide", {"decisions": [LONGYOU | {"bribe": 1}]})
    assert r.status_code == 422
    assert Case.objects.get(pk=case.pk).state == "prior_notice" and not Decision.objects.exists()


@pytest.mark.parametrize("body", [
    {"source_kind": "rumour", "party_uscc": "x" * 18, "summary": "s"},
    {"source_kind": "hazard", "party_uscc": "91330000000000000X", "summary": "s"},
    {"source_kind": "hazard", "party_uscc": "short", "summary": "s"},
    {"source_kind": "hazard", "summary": "s"},
])
def test_bad_case_bodies_are_refused(api_as, wenling_officer, wenling_enterprise, body):
    r = api_as(wenling_officer).post("/api/cases", body)
    assert r.status_code in (400, 422), r.content
    assert not Case.objects.exists()


def test_viewers_and_enterprises_cannot_open_cases(api_as, wenling_viewer, enterprise_user, wenling_enterprise):
    body = {"source_kind": "hazard", "party_uscc": wenling_enterprise.uscc, "summary": "s"}
    assert api_as(wenling_viewer).post("/api/cases", body).status_code == 403
    assert api_as(enterprise_user).post("/api/cases", body).status_code == 403


def test_enterprise_user_sees_only_its_own_cases(api_as, wenling_officer, wenling_enterprise, enterprise_user):
    from ..factories import EnterpriseFactory

    other = EnterpriseFactory(region_id=wenling_enterprise.region_id)
    mine, theirs = open_case(wenling_officer, wenling_enterprise), open_case(wenling_officer, other)
    ids = [c["id"] for c in api_as(enterprise_user).get("/api/cases").json()["items"]]
    assert ids == [mine.pk]
    assert api_as(enterprise_user).get(f"/api/cases/{theirs.pk}").status_code == 404


def test_overdue_step_shows_red(api_as, wenling_officer, wenling_enterprise):
    case = open_case(wenling_officer, wenling_enterprise)
    step = case.steps.get(step="investigation")
    step.due_at = step.opened_at - dt.timedelta(days=1)
    step.save()
    item = api_as(wenling_officer).get("/api/cases").json()["items"][0]
    assert item["light"] == "red"
    assert StopOrder.objects.count() == 0
