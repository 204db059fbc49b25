"""The closed loop of general and major hazards: every transition, every refusal."""

import datetime as dt

import pytest
from django.utils import timezone

from yingji.core import audit
from yingji.core.errors import DomainError, Forbidden, NotFound
from yingji.core.models import AuditRecord
from yingji.hazards import services
from yingji.hazards.models import Evidence, Supervision
from yingji.hazards.services import InvalidTransition

from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


def _states(hazard):
    return [(e.action, e.from_state, e.to_state) for e in hazard.events.order_by("at", "id")]


def test_general_hazard_goes_round_the_loop_with_a_return(general, wenling_officer, enterprise_user):
    officer, firm = wenling_officer.user, enterprise_user.user
    services.hazard_start(by=firm, hazard=general)
    services.hazard_submit(by=firm, hazard=general, evidence_text="已重新接地，附照片")
    services.hazard_return(by=officer, hazard=general, reason="接地电阻未测")
    services.hazard_submit(by=firm, hazard=general, evidence_text="测得 2.1 Ω")
    h = services.hazard_accept(by=officer, hazard=general)
    assert h.state == "closed" and h.closed_on is not None
    assert _states(h) == [
        ("register", "", "registered"), ("start", "registered", "rectifying"),
        ("submit", "rectifying", "submitted"), ("return", "submitted", "rectifying"),
        ("submit", "rectifying", "submitted"), ("accept", "submitted", "closed"),
    ]
    assert h.events.get(action="return").reason == "接地电阻未测"
    assert [e.text for e in Evidence.objects.filter(hazard=h)] == ["已重新接地，附照片", "测得 2.1 Ω"]
    actions = list(AuditRecord.objects.filter(object_type="hazards.hazard", object_id=str(h.pk))
                   .values_list("action", flat=True))
    assert actions == ["hazard.register", "hazard.start", "hazard.submit", "hazard.return", "hazard.submit",
                       "hazard.accept"]
    assert audit.verify().ok


def test_fix_on_spot_closes_a_general_hazard_at_once_with_evidence(general, wenling_officer):
    h = services.hazard_fix_on_spot(by=wenling_officer.user, hazard=general, evidence_text="当场清理通道")
    assert h.state == "closed"
    assert h.events.get(action="fix_on_spot").evidence.get().text == "当场清理通道"


def test_fix_on_spot_without_evidence_is_refused(general, wenling_officer):
    with pytest.raises(DomainError) as err:
        services.hazard_fix_on_spot(by=wenling_officer.user, hazard=general)
    assert "evidence_text" in err.value.fields
    general.refresh_from_db()
    assert general.state == "registered"


def test_uploaded_evidence_counts_for_the_submission(general, enterprise_user):
    firm = enterprise_user.user
    services.hazard_start(by=firm, hazard=general)
    services.evidence_add(by=firm, hazard=general, text="整改照片说明")
    h = services.hazard_submit(by=firm, hazard=general)
    assert h.state == "submitted"
    assert h.events.get(action="submit").evidence.count() == 1


def test_major_hazard_goes_report_plan_rectify_accept_with_expert(major, enterprise_user, wenling_officer, today):
    firm, officer = enterprise_user.user, wenling_officer.user
    services.hazard_report(by=firm, hazard=major)
    plan = {"goal": "消除有限空间作业风险", "measures": "建立审批制度", "funds": "50000", "people": "安全部",
            "deadline": today + dt.timedelta(days=90), "safety_measures": "停止作业",
            "contingency_plan": "有限空间救援预案"}
    h = services.hazard_plan(by=firm, hazard=major, plan=plan)
    assert h.state == "planned" and h.deadline == today + dt.timedelta(days=90) and h.plan.people == "安全部"
    services.hazard_start(by=firm, hazard=major)
    services.hazard_submit(by=firm, hazard=major, evidence_text="制度已建立")
    h = services.hazard_accept(by=officer, hazard=major, expert="张工（省专家库）")
    assert h.state == "closed"
    assert h.events.get(action="accept").data == {"expert": "张工（省专家库）"}


def test_major_hazard_cannot_skip_the_report_and_the_plan(major, enterprise_user):
    with pytest.raises(InvalidTransition) as err:
        services.hazard_start(by=enterprise_user.user, hazard=major)
    assert err.value.status == 409
    assert err.value.allowed == ["report", "supervise", "downgrade"]


def test_closed_hazard_takes_no_more_submissions(general, wenling_officer):
    services.hazard_fix_on_spot(by=wenling_officer.user, hazard=general, evidence_text="已改")
    with pytest.raises(InvalidTransition) as err:
        services.hazard_submit(by=wenling_officer.user, hazard=general, evidence_text="再交")
    assert str(err.value).startswith("已销号的隐患不能再提交整改 / A closed hazard")
    assert err.value.allowed == []


@pytest.mark.parametrize("action", ["accept", "return", "escalate"])
def test_enterprise_user_cannot_take_officer_actions(action, general, enterprise_user):
    services.hazard_start(by=enterprise_user.user, hazard=general)
    services.hazard_submit(by=enterprise_user.user, hazard=general, evidence_text="已改")
    with pytest.raises(Forbidden):
        services.hazard_act(by=enterprise_user.user, hazard=general, action=action, reason="x")


def test_return_needs_a_reason(general, wenling_officer):
    officer = wenling_officer.user
    services.hazard_start(by=officer, hazard=general)
    services.hazard_submit(by=officer, hazard=general, evidence_text="已改")
    with pytest.raises(DomainError) as err:
        services.hazard_return(by=officer, hazard=general, reason=" ")
    assert "reason" in err.value.fields


def test_escalation_restarts_the_major_loop_and_downgrade_keeps_a_general_state(general, wenling_officer):
    officer = wenling_officer.user
    services.hazard_start(by=officer, hazard=general)
    h = services.hazard_change_level(by=officer, hazard=general, level="major", reason="需停产整改")
    assert (h.level, h.state) == ("major", "registered")
    services.hazard_report(by=officer, hazard=h)
    h = services.hazard_change_level(by=officer, hazard=h, level="general", reason="复核为一般隐患")
    assert (h.level, h.state) == ("general", "registered")
    assert [e.reason for e in h.events.filter(action__in=["escalate", "downgrade"])] == ["需停产整改", "复核为一般隐患"]


def test_level_change_needs_a_reason(general, wenling_officer):
    with pytest.raises(DomainError):
        services.hazard_change_level(by=wenling_officer.user, hazard=general, level="major", reason="")


def test_city_bureau_lists_a_major_hazard_and_delists_it_after_closure(major, taizhou_officer, wenling_officer):
    city = taizhou_officer.user
    h = services.hazard_supervise(by=city, hazard=major, reason="市级挂牌督办")
    assert h.supervised and h.ever_supervised
    assert Supervision.objects.get(hazard=h).region_id == "3310"
    with pytest.raises(InvalidTransition):
        services.hazard_supervise(by=city, hazard=h)  # already listed
    with pytest.raises(InvalidTransition):
        services.hazard_change_level(by=wenling_officer.user, hazard=h, level="general", reason="x")
    with pytest.raises(InvalidTransition):
        services.hazard_delist(by=city, hazard=h)  # not closed yet
    officer = wenling_officer.user
    services.hazard_report(by=officer, hazard=h)
    services.hazard_plan(by=officer, hazard=h, plan={
        "goal": "g", "measures": "m", "funds": "1", "people": "p",
        "deadline": timezone.localdate() + dt.timedelta(days=30),
        "safety_measures": "s", "contingency_plan": "c"})
    services.hazard_start(by=officer, hazard=h)
    services.hazard_submit(by=officer, hazard=h, evidence_text="done")
    services.hazard_accept(by=officer, hazard=h)
    h = services.hazard_delist(by=city, hazard=h, reason="验收合格")
    assert not h.supervised and h.ever_supervised
    assert Supervision.objects.get(hazard=h).delisted_at is not None


def test_the_county_itself_cannot_list_its_own_hazard(major, wenling_officer):
    with pytest.raises(Forbidden):
        services.hazard_supervise(by=wenling_officer.user, hazard=major)


def test_general_hazard_cannot_be_listed(general, taizhou_officer):
    with pytest.raises(InvalidTransition):
        services.hazard_supervise(by=taizhou_officer.user, hazard=general)


def test_another_county_officer_cannot_act_on_the_hazard(general, linhai_officer):
    with pytest.raises(NotFound):
        services.hazard_start(by=linhai_officer.user, hazard=general)


def test_viewer_cannot_act(general, wenling_viewer):
    with pytest.raises(Forbidden):
        services.hazard_start(by=wenling_viewer.user, hazard=general)


def test_enterprise_user_cannot_act_on_a_neighbours_hazard(register, enterprise_user):
    from ..factories import EnterpriseFactory

    neighbour = register(EnterpriseFactory(region_id="331081001"))
    with pytest.raises(NotFound):
        services.hazard_start(by=enterprise_user.user, hazard=neighbour)


def test_enterprise_registers_its_self_inspection_findings_only(enterprise_user, wenling_enterprise):
    firm = enterprise_user.user
    h = services.hazard_register(by=firm, enterprise_id=wenling_enterprise.pk, description="灭火器过期",
                                 deadline=dt.date(2026, 4, 1), source="self_inspection",
                                 found_on=dt.date(2026, 3, 1))
    assert h.source == "self_inspection"
    with pytest.raises(Forbidden):
        services.hazard_register(by=firm, enterprise_id=wenling_enterprise.pk, description="x",
                                 deadline=dt.date(2026, 4, 1), source="inspection", found_on=dt.date(2026, 3, 1))


def test_officer_cannot_register_a_hazard_for_another_countys_enterprise(wenling_officer, linhai_enterprise):
    with pytest.raises(Forbidden):
        services.hazard_register(by=wenling_officer.user, enterprise_id=linhai_enterprise.pk, description="x",
                                 deadline=dt.date(2026, 4, 1))


def test_deadline_before_discovery_is_refused(register, wenling_enterprise):
    with pytest.raises(DomainError) as err:
        register(wenling_enterprise, found_on=dt.date(2026, 3, 5), deadline=dt.date(2026, 3, 4))
    assert "deadline" in err.value.fields


def test_actions_for_shows_each_person_only_their_buttons(general, wenling_officer, enterprise_user):
    from yingji.core.scope import Scope

    assert services.actions_for(general, Scope.for_user(wenling_officer.user)) == ["fix_on_spot", "start", "escalate"]
    assert services.actions_for(general, Scope.for_user(enterprise_user.user)) == ["fix_on_spot", "start"]


def test_unknown_action_is_an_invalid_transition(general, wenling_officer):
    with pytest.raises(InvalidTransition):
        services.hazard_act(by=wenling_officer.user, hazard=general, action="explode")


def test_a_person_of_another_county_cannot_be_made_responsible(wenling_officer, wenling_enterprise):
    outsider = PersonFactory(region_id="331082", user=None)
    with pytest.raises(DomainError) as err:
        services.hazard_register(by=wenling_officer.user, enterprise_id=wenling_enterprise.pk, description="x",
                                 deadline=dt.date(2026, 4, 1), found_on=dt.date(2026, 3, 1),
                                 responsible_id=outsider.pk)
    assert "responsible_id" in err.value.fields
