"""The call-up flow against the real outbox and a local HTTP gateway, with time
driven by an injected `now` (the default policy: SMS at 0, voice at 1 minute and
redials at 2.5, 4 and 5.5, escalation at 15)."""

import re

import pytest

from yingji.alerts import selectors, services
from yingji.alerts.choices import ActionState, NoticeKind, TargetKind, TargetState
from yingji.alerts.models import CallUpAction, CallUpNotice, CallUpTarget
from yingji.core import audit
from yingji.core.scope import SYSTEM
from yingji.messaging import services as messaging
from yingji.messaging.models import Message

from ..conftest import WENLING
from .conftest import T0, WENLING_VILLAGE, minutes

pytestmark = pytest.mark.django_db


def issue(by=None, regions=(WENLING,), level="red", **kw):
    return services.warning_issue(by=by, type="rainstorm", level=level, region_codes=list(regions),
                                  headline="温岭市暴雨红色预警", now=T0, **kw)


def tick(at):
    """One scheduler round at time `at`, then the outbox worker hands out what is queued."""
    result = services.process_due_actions(now=at)
    messaging.deliver_due()
    return result


def target_of(warning, person):
    return CallUpTarget.objects.get(callup=warning.callup, person=person, kind=TargetKind.DUTY)


def channels_to(gateway, person):
    return [r.path for r in gateway.received if r.body and r.body["to"] == person.mobile]


def test_targets_are_the_duty_holders_in_the_areas_subtree(chain):
    warning = issue()
    called = set(CallUpTarget.objects.filter(callup=warning.callup).values_list("person_id", flat=True))
    assert called == {chain.county.pk, chain.township.pk, chain.village.pk, chain.grid.pk}
    township = target_of(warning, chain.township)  # two duties, called once, at township level
    assert (township.level, township.region_id) == (4, chain.township.region_id)


def test_first_message_is_an_sms_with_the_acknowledgement_link(chain, gateway, settings):
    settings.YINGJI_PUBLIC_URL = "https://yj.example.cn/"
    warning = issue()
    tick(T0)
    target = target_of(warning, chain.village)
    body = next(r.body for r in gateway.received if r.body["to"] == chain.village.mobile)
    # The signed token carries its signing second, so compare what it opens, not its text.
    link = re.search(r"https://yj\.example\.cn/ack/(\S+)", body["text"])
    assert link and services.target_for_token(link.group(1)) == target
    assert "暴雨红色预警" in body["text"]
    assert len(gateway.received) == 4 and {r.path for r in gateway.received} == {"/sms"}


def test_unanswered_person_is_redialled_on_schedule_then_escalated_to_the_superior(chain, gateway):
    warning = issue(regions=[WENLING_VILLAGE])  # the village chief and the grid worker
    village = target_of(warning, chain.village)
    services.acknowledge(target=village, channel="sms", at=minutes(0.5))
    schedule = {0: ["/sms"], 0.9: [], 1: ["/voice"], 2.5: ["/voice"], 4: ["/voice"], 5.5: ["/voice"], 14.9: []}
    for at, expected in schedule.items():
        before = len(channels_to(gateway, chain.grid))
        tick(minutes(at))
        assert channels_to(gateway, chain.grid)[before:] == expected, at
    grid = target_of(warning, chain.grid)
    assert grid.state == TargetState.CALLING
    tick(minutes(15))
    grid.refresh_from_db()
    assert grid.state == TargetState.UNREACHED and grid.escalated_at == minutes(15)
    # The superior is told by a notice, not called as a target: one SMS and one voice
    # call (the ladder's channels, each once), with no acknowledgement link.
    assert not CallUpTarget.objects.filter(escalated_from=grid).exists()
    notice = CallUpNotice.objects.get(callup=warning.callup)
    assert (notice.person, notice.kind, list(notice.about.all())) == (chain.village, NoticeKind.SUPERIOR, [grid])
    assert sorted(channels_to(gateway, chain.village)) == ["/sms", "/voice"]  # sent in parallel: any order
    text = [r.body["text"] for r in gateway.received if r.body["to"] == chain.village.mobile][0]
    assert f"下级 {chain.grid.name} 未应答" in text and "/ack/" not in text
    tick(minutes(15))
    assert sorted(channels_to(gateway, chain.village)) == ["/sms", "/voice"]
    board = selectors.board(scope=SYSTEM, warning=warning)
    assert [u["person_id"] for u in board["unreached"]] == [chain.grid.pk]
    assert board["escalated"] == 1


def test_an_acknowledged_person_gets_no_more_calls(chain, gateway):
    warning = issue(regions=[WENLING_VILLAGE])
    tick(T0)
    grid = target_of(warning, chain.grid)
    services.acknowledge(target=grid, channel="link", at=minutes(0.5))
    # The next timer (the voice call at 1 minute) is closed at once, not left to be skipped.
    assert dict(grid.actions.values_list("index", "state")) == {0: ActionState.DONE, 1: ActionState.SKIPPED}
    for m in (1, 2.5, 4, 5.5, 15):
        tick(minutes(m))
    assert channels_to(gateway, chain.grid) == ["/sms"]
    assert not CallUpTarget.objects.filter(escalated_from__person=chain.grid).exists()


def test_sms_reply_of_1_acknowledges(chain, gateway):
    warning = issue()
    tick(T0)
    target = target_of(warning, chain.village)
    message = Message.objects.get(person=chain.village)
    messaging.record_receipt(message_id=message.pk, status="delivered", reply="1")
    target.refresh_from_db()
    assert target.state == TargetState.ACKNOWLEDGED and target.ack_channel == "sms"
    assert target.acknowledged_at == Message.objects.get(pk=message.pk).replied_at


def test_voice_key_press_acknowledges_through_the_receipt(chain, gateway):
    warning = issue(regions=[WENLING_VILLAGE])
    tick(T0)
    tick(minutes(1))
    call = Message.objects.get(person=chain.grid, channel="voice")
    messaging.record_receipt(message_id=call.pk, status="delivered", reply="1")
    target = target_of(warning, chain.grid)
    assert (target.state, target.ack_channel) == (TargetState.ACKNOWLEDGED, "voice")


def test_other_replies_do_not_acknowledge(chain, gateway):
    warning = issue()
    tick(T0)
    message = Message.objects.get(person=chain.village)
    messaging.record_receipt(message_id=message.pk, status="delivered", reply="什么事")
    assert target_of(warning, chain.village).acknowledged_at is None


def test_acknowledging_twice_keeps_the_first_answer(chain):
    warning = issue()
    target = target_of(warning, chain.village)
    services.acknowledge(target=target, channel="link", at=minutes(2))
    services.acknowledge(target=target, channel="sms", at=minutes(3))
    target.refresh_from_db()
    assert (target.acknowledged_at, target.ack_channel) == (minutes(2), "link")


def test_cancel_stops_every_pending_action(chain, gateway):
    warning = issue()
    tick(T0)
    services.warning_cancel(by=None, warning=warning, now=minutes(0.5))
    assert not CallUpAction.objects.filter(target__callup=warning.callup, state=ActionState.PENDING).exists()
    sent = len(gateway.received)
    messaging.deliver_due()  # the "lifted" notices to the four who were called
    assert len(gateway.received) == sent + 4 and all("已解除" in r.body["text"] for r in gateway.received[sent:])
    for m in (1, 2.5, 15):
        tick(minutes(m))
    assert len(gateway.received) == sent + 4


def test_a_tick_run_twice_does_each_step_once(chain, gateway):
    warning = issue()
    tick(T0)
    tick(T0)
    assert services.process_due_actions(now=T0) == {}
    assert Message.objects.filter(context__alerts_callup=warning.callup.pk).count() == 4
    assert len(gateway.received) == 4


def test_a_due_action_is_claimed_by_one_worker_only(chain):
    warning = issue()
    action = CallUpAction.objects.filter(target__callup=warning.callup).first()
    assert services.process_action(action.pk, now=T0) == "send"
    assert services.process_action(action.pk, now=T0) is None  # the second worker finds it taken
    assert Message.objects.filter(context__alerts_target=action.target_id).count() == 1


def test_a_crash_mid_step_loses_nothing_and_sends_once(chain, monkeypatch):
    """The claim and the work commit together: a failure inside the step rolls the
    claim back, and the next round does the step, once."""
    warning = issue(regions=[WENLING_VILLAGE])
    real_send = services.timers._send_batch

    def crash(*a, **kw):
        real_send(*a, **kw)
        raise RuntimeError("worker killed")
    monkeypatch.setattr(services.timers, "_send_batch", crash)
    with pytest.raises(RuntimeError):
        services.process_due_actions(now=T0)
    assert CallUpAction.objects.filter(target__callup=warning.callup, index=0, state=ActionState.PENDING).count() == 2
    monkeypatch.setattr(services.timers, "_send_batch", real_send)
    services.process_due_actions(now=T0)
    assert Message.objects.filter(context__alerts_callup=warning.callup.pk).count() == 2


def test_time_scale_shortens_every_wait(chain, settings):
    settings.YINGJI_CALLUP_TIME_SCALE = "0.1"
    warning = issue(regions=[WENLING_VILLAGE])
    tick(T0)
    grid = target_of(warning, chain.grid)
    assert services.process_due_actions(now=minutes(0.09)) == {}
    assert services.process_due_actions(now=minutes(0.1)) == {"send": 2}  # voice at 1 min × 0.1
    assert grid.actions.get(index=1).due_at == minutes(0.1)


def test_update_to_a_larger_area_calls_the_new_people_and_keeps_the_others(chain):
    warning = issue(regions=[WENLING_VILLAGE])
    services.warning_update(by=None, warning=warning, region_codes=[WENLING], now=minutes(2))
    called = set(CallUpTarget.objects.filter(callup=warning.callup).values_list("person_id", flat=True))
    assert called == {chain.county.pk, chain.township.pk, chain.village.pk, chain.grid.pk}
    assert target_of(warning, chain.county).actions.get(index=0).due_at == minutes(2)


def test_update_to_a_smaller_area_stops_calling_those_left_out(chain):
    warning = issue()
    services.warning_update(by=None, warning=warning, region_codes=[WENLING_VILLAGE], now=minutes(2))
    county, grid = target_of(warning, chain.county), target_of(warning, chain.grid)
    assert county.state == TargetState.CANCELLED
    assert list(county.actions.values_list("state", flat=True)) == [ActionState.CANCELLED]
    assert grid.state == TargetState.PENDING
    assert list(grid.actions.values_list("state", flat=True)) == [ActionState.PENDING]


def test_feedback_records_counts_and_implies_acknowledgement(chain):
    warning = issue()
    target = target_of(warning, chain.village)
    services.feedback(target=target, text="已转移危险区群众", people_moved=37, patrols=2, at=minutes(9))
    target.refresh_from_db()
    assert target.state == TargetState.FEEDBACK and target.acknowledged_at == minutes(9)
    assert target.feedback.get().people_moved == 37


def test_time_to_acknowledge_median_and_p90(chain):
    """Four duty targets answering after 1, 2, 3 and 10 minutes: median (2+3)/2 =
    2.5 min = 150 s; nearest-rank p90 = the ceil(0.9·4) = 4th value, 600 s."""
    warning = issue()
    for person, m in ((chain.county, 1), (chain.township, 2), (chain.village, 3), (chain.grid, 10)):
        services.acknowledge(target=target_of(warning, person), channel="link", at=minutes(m))
    board = selectors.board(scope=SYSTEM, warning=warning)
    assert (board["ack_seconds_median"], board["ack_seconds_p90"]) == (150, 600)
    assert board["acknowledged"] == 4


def test_issue_and_acknowledgement_are_audited(chain):
    warning = issue()
    target = target_of(warning, chain.village)
    services.acknowledge(target=target, channel="link", at=minutes(1))
    actions = set(audit.AuditRecord.objects.filter(object_type__startswith="alerts.").values_list("action", flat=True))
    assert {"issue", "callup_start", "acknowledge"} <= actions
    assert audit.verify().ok


def test_the_same_idempotency_key_issues_one_warning(chain):
    first = issue(idempotency_key="floods:point-7:2026-07-01")
    again = issue(idempotency_key="floods:point-7:2026-07-01")
    assert first.pk == again.pk and CallUpTarget.objects.filter(callup__warning=first).count() == 4


def test_blue_warnings_only_inform(chain, gateway):
    warning = issue(level="blue")
    for m in (0, 1, 5.5, 15, 30):
        tick(minutes(m))
    assert {r.path for r in gateway.received} == {"/sms"} and len(gateway.received) == 4
    assert not CallUpTarget.objects.filter(callup=warning.callup, state=TargetState.UNREACHED).exists()


def test_a_list_of_sms_replies_acknowledges_each_target_once_in_one_audit_record(chain, gateway):
    """Four targets called by SMS; the gateway reports "1" from the village chief and
    the grid worker, "收到" again from the grid worker, and "什么事" from the township
    head: two acknowledgements, their pending redials skipped, one batch record."""
    warning = issue()
    tick(T0)
    sms = {m.person_id: m for m in Message.objects.filter(context__alerts_callup=warning.callup.pk)}
    before = audit.AuditRecord.objects.count()
    messaging.record_receipts([
        messaging.Receipt(sms[chain.village.pk].pk, "delivered", "1"),
        messaging.Receipt(sms[chain.grid.pk].pk, "delivered", "1"),
        messaging.Receipt(sms[chain.grid.pk].pk, "delivered", "收到"),
        messaging.Receipt(sms[chain.township.pk].pk, "delivered", "什么事"),
    ])
    acked = {t.person_id: t for t in CallUpTarget.objects.filter(callup=warning.callup, acknowledged_at__isnull=False)}
    assert set(acked) == {chain.village.pk, chain.grid.pk}
    replied_at = Message.objects.get(pk=sms[chain.grid.pk].pk).replied_at
    assert {(t.state, t.ack_channel, t.acknowledged_at) for t in acked.values()} == {
        (TargetState.ACKNOWLEDGED, "sms", replied_at)}
    assert not CallUpAction.objects.filter(target__in=acked.values(), state=ActionState.PENDING).exists()
    township = target_of(warning, chain.township)
    assert CallUpAction.objects.filter(target=township, state=ActionState.PENDING).count() == 1
    ack_records = [r for r in audit.AuditRecord.objects.filter(seq__gt=before) if r.action == "acknowledge_batch"]
    assert len(ack_records) == 1
    assert audit.batch_ids(ack_records[0]) == {"acknowledged": sorted(t.pk for t in acked.values())}
    assert audit.verify().ok


def test_replies_applied_together_acknowledge_each_at_the_time_it_arrived(chain, gateway):
    """The receipts inbox applies replies in batches, later than they came: each
    target is acknowledged at its own reply's arrival."""
    warning = issue()
    tick(T0)
    sms = {m.person_id: m.pk for m in Message.objects.filter(context__alerts_callup=warning.callup.pk)}
    messaging.record_receipts([messaging.Receipt(sms[chain.village.pk], "delivered", "1", at=minutes(0.5)),
                               messaging.Receipt(sms[chain.grid.pk], "delivered", "收到", at=minutes(2))])
    assert (target_of(warning, chain.village).acknowledged_at, target_of(warning, chain.grid).acknowledged_at) == (
        minutes(0.5), minutes(2))
    board = selectors.board(scope=SYSTEM, warning=warning)
    assert (board["acknowledged"], board["ack_seconds_median"]) == (2, (30 + 120) / 2)


def test_the_first_step_of_many_targets_is_one_batch_of_messages(chain, gateway):
    """Four targets' first SMS: one claim round, four messages under their step keys,
    one audit record for their creation."""
    warning = issue()
    before = audit.AuditRecord.objects.count()
    assert services.process_due_actions(now=T0) == {"send": 4}
    keys = set(Message.objects.values_list("idempotency_key", flat=True))
    targets = CallUpTarget.objects.filter(callup=warning.callup)
    assert keys == {f"alerts:target:{t.pk}:step:0" for t in targets}
    created = [r for r in audit.AuditRecord.objects.filter(seq__gt=before) if r.action == "create_batch"]
    assert len(created) == 1 and len(audit.batch_ids(created[0])["create"]) == 4
    assert {t.state for t in targets} == {TargetState.CALLING}
    assert {a.message_id for a in CallUpAction.objects.filter(target__callup=warning.callup, index=0)} == set(
        Message.objects.values_list("pk", flat=True))
