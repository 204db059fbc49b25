"""The warnings API: JSON issue contract, validation errors, board counts."""

import pytest

from yingji.alerts import selectors, services
from yingji.alerts.models import CallUpTarget
from yingji.core.scope import Scope
from yingji.messaging import services as messaging
from yingji.messaging.models import Message

from ..conftest import WENLING
from .conftest import minutes

pytestmark = pytest.mark.django_db


def test_json_issue_returns_201_with_the_contract_fields(api_as, wenling_officer, chain):
    r = api_as(wenling_officer).post("/api/warnings", {
        "type": "rainstorm", "level": "red", "regions": [WENLING], "headline": "暴雨红色预警",
        "description": "过去3小时", "effective": "2026-07-01T02:00:00+08:00", "expires": "2026-07-01T14:00:00+08:00",
        "drill": True})
    assert r.status_code == 201, r.content
    assert {"id", "type", "level", "regions", "headline", "drill"} <= set(r.json())
    assert r.json()["drill"] is True


@pytest.mark.parametrize("body,field", [
    ({"type": "rainstorm", "level": "purple", "regions": [WENLING], "headline": "x"}, "level"),
    ({"type": "meteor", "level": "red", "regions": [WENLING], "headline": "x"}, "type"),
    ({"type": "rainstorm", "level": "red", "regions": [], "headline": "x"}, "regions"),
    ({"type": "rainstorm", "level": "red", "regions": [WENLING]}, "headline"),
])
def test_invalid_json_is_422_naming_the_field(api_as, wenling_officer, regions, body, field):
    r = api_as(wenling_officer).post("/api/warnings", body)
    assert r.status_code == 422 and field in r.json()["error"]["fields"], r.content


def test_expiry_before_effective_is_400(api_as, wenling_officer, regions):
    r = api_as(wenling_officer).post("/api/warnings", {
        "type": "rainstorm", "level": "red", "regions": [WENLING], "headline": "x",
        "effective": "2026-07-01T02:00:00+08:00", "expires": "2026-07-01T01:00:00+08:00"})
    assert r.status_code == 400 and "expires" in r.json()["error"]["fields"]


def test_broken_json_is_422(api_as, wenling_officer, regions):
    r = api_as(wenling_officer).post("/api/warnings", "{not json")
    assert r.status_code == 422


def test_board_counts_follow_the_flow(api_as, wenling_officer, chain, gateway):
    warning = services.warning_issue(by=None, type="rainstorm", level="red", region_codes=[WENLING],
                                     headline="暴雨", now=minutes(0))
    services.process_due_actions(now=minutes(0))
    messaging.deliver_due()
    village_sms = Message.objects.get(person=chain.village)
    messaging.record_receipt(message_id=village_sms.pk, status="delivered", reply="收到")
    county = CallUpTarget.objects.get(callup=warning.callup, person=chain.county)
    services.feedback(target=county, text="已部署", at=minutes(3))
    for m in (1, 2.5, 4, 5.5, 15):
        services.process_due_actions(now=minutes(m))
    board = api_as(wenling_officer).get(f"/api/warnings/{warning.pk}/callup").json()
    # 4 persons called; township chief and grid worker never answered → both unreached,
    # both escalated: one notice to each superior (county chief, village chief), which
    # are not persons called.
    assert (board["targets"], board["duty_targets"], board["notices"], board["notified"]) == (4, 4, 2, 2)
    assert (board["sent"], board["delivered"], board["acknowledged"], board["feedback"]) == (4, 1, 2, 1)
    assert board["escalated"] == 2
    assert {u["person_id"] for u in board["unreached"]} == {chain.township.pk, chain.grid.pk}
    assert board == _json(selectors.board(scope=Scope.for_user(wenling_officer.user), warning=warning), api_as,
                          wenling_officer, warning)


def _json(board, api_as, officer, warning):
    """The selector's board through the same schema: the API adds nothing of its own."""
    from yingji.alerts.api import BoardOut

    return BoardOut.model_validate(board).model_dump(mode="json")
