"""One message per person per event (issue #15, item 6), counted at the local gateway.

A red rainstorm warning over Wenling reaches 25 persons in three townships: the
county chief; per township its chief (two duties), a shelter manager, two village
chiefs (the first with two duties) and four grid workers. Superiors: grid worker →
village chief → township chief → county chief; shelter manager → township chief.
A duty officer of the county (not a duty the policy calls) hears of the unreached.

The default policy: SMS at 0, voice at 1, redials at 2.5, 4, 5.5, escalation at 15.
Six stay silent: both grid workers of 泽国镇's first village, 泽国镇's second village
chief, 大溪镇's chief and shelter manager, one grid worker of 太平街道's second
village. Everyone else acknowledges at 0.5 minutes, after the first SMS.
"""

from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.test import Client

from yingji.alerts import selectors, services
from yingji.alerts.choices import NoticeKind, NoticeState, TargetState
from yingji.alerts.models import CallUpNotice, CallUpTarget
from yingji.alerts.services.callup import _tell_lifted
from yingji.core import audit
from yingji.core.models import Duty, Person, Region, RosterShift
from yingji.core.scope import SYSTEM
from yingji.messaging import services as messaging
from yingji.messaging.models import Message

from ..conftest import WENLING
from ..factories import PersonFactory
from .conftest import T0, minutes

pytestmark = pytest.mark.django_db

TOWNSHIPS = {"331081100": "泽国镇", "331081101": "大溪镇", "331081001": "太平街道"}


@dataclass
class Town:
    chief: Person
    shelter: Person
    villages: list[Person] = field(default_factory=list)
    grids: list[list[Person]] = field(default_factory=list)


@dataclass
class Ward:
    county: Person
    officer: Person
    towns: dict[str, Town]

    def everyone(self) -> list[Person]:
        people = [self.county]
        for town in self.towns.values():
            people += [town.chief, town.shelter, *town.villages, *(g for pair in town.grids for g in pair)]
        return people


def _holder(name, region, kinds, superior=None) -> Person:
    person = PersonFactory(name=name, region_id=region, user=None, role="viewer", superior=superior)
    for kind in kinds:
        Duty.objects.create(person=person, kind_id=kind, region_id=region)
    return person


def _region(code, name, level, parent):
    Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})


@pytest.fixture
def ward(regions) -> Ward:
    county = _holder("县指挥长", WENLING, ["county_flood_chief"])
    officer = _holder("县值班员", WENLING, ["duty_officer"])
    towns = {}
    for code, name in TOWNSHIPS.items():
        chief = _holder(f"{name}镇长", code, ["township_flood_chief", "township_government_head"], county)
        town = Town(chief=chief, shelter=_holder(f"{name}场所管理员", code, ["shelter_manager"], chief))
        for v in (1, 2):
            village = f"{code}20{v}"
            _region(village, f"{name}{v}村", 5, code)
            kinds = ["village_flood_chief", "flash_flood_warner"] if v == 1 else ["village_flood_chief"]
            chief_v = _holder(f"{name}{v}村主任", village, kinds, chief)
            town.villages.append(chief_v)
            pair = []
            for g in (1, 2):
                _region(f"{village}00{g}", f"{name}{v}村第{g}网格", 6, village)
                pair.append(_holder(f"{name}{v}村网格员{g}", f"{village}00{g}", ["grid_worker"], chief_v))
            town.grids.append(pair)
        towns[code] = town
    return Ward(county, officer, towns)


def silent(ward: Ward) -> list[Person]:
    zeguo, daxi, taiping = (ward.towns[c] for c in TOWNSHIPS)
    return [*zeguo.grids[0], zeguo.villages[1], daxi.chief, daxi.shelter, taiping.grids[1][0]]


def issue():
    return services.warning_issue(by=None, type="rainstorm", level="red", region_codes=[WENLING],
                                  headline="温岭市暴雨红色预警", now=T0)


def tick(at, **kw):
    result = services.process_due_actions(now=at, **kw)
    messaging.deliver_due()
    return result


def received(gateway, since=0) -> Counter:
    """(mobile, path) → how many requests the gateway received."""
    return Counter((r.body["to"], r.path) for r in gateway.received[since:] if r.body)


def call_up_until_escalation(ward) -> object:
    warning = issue()
    tick(T0)
    quiet = {p.pk for p in silent(ward)}
    for target in CallUpTarget.objects.filter(callup=warning.callup).exclude(person_id__in=quiet):
        services.acknowledge(target=target, channel="link", at=minutes(0.5))
    for m in (1, 2.5, 4, 5.5):
        tick(minutes(m))
    return warning


def test_the_plan_calls_each_person_once_however_many_duties(ward, gateway):
    warning = issue()
    tick(T0)
    assert CallUpTarget.objects.filter(callup=warning.callup).count() == 25
    assert received(gateway) == Counter({(p.mobile, "/sms"): 1 for p in ward.everyone()})


def test_a_superior_gets_one_grouped_notice_per_round(ward, gateway):
    """Escalation at 15: each superior of unreached persons gets ONE SMS and ONE voice
    call naming them all (the 泽国镇 village chief's two grid workers in one text),
    the duty officer one SMS listing the six; nothing more later."""
    call_up_until_escalation(ward)
    zeguo, daxi, taiping = (ward.towns[c] for c in TOWNSHIPS)
    before = len(gateway.received)
    for m in (15, 16, 17.5, 19, 20.5, 30):
        tick(minutes(m))
    superiors = [zeguo.villages[0], zeguo.chief, ward.county, daxi.chief, taiping.villages[1]]
    expected = Counter({(p.mobile, "/sms"): 1 for p in superiors} | {(p.mobile, "/voice"): 1 for p in superiors}
                       | {(ward.officer.mobile, "/sms"): 1})
    assert received(gateway, before) == expected
    texts = {(r.body["to"], r.path): r.body["text"] for r in gateway.received[before:]}
    a, b = zeguo.grids[0]
    sms = texts[(zeguo.villages[0].mobile, "/sms")]
    assert f"下级 {a.name}、{b.name} 未应答" in sms and a.mobile in sms and b.mobile in sms
    assert "/ack/" not in sms and texts[(zeguo.villages[0].mobile, "/voice")] == sms
    assert f"下级 {daxi.chief.name} 未应答" in texts[(ward.county.mobile, "/sms")]
    assert "未叫应 6 人" in texts[(ward.officer.mobile, "/sms")]


def test_the_officer_on_the_roster_now_hears_of_the_unreached_not_the_standing_one(ward, gateway):
    """With a roster shift covering the escalation, its officer gets the list; the
    standing duty officer (the fallback when no shift covers now) gets nothing."""
    on_shift = PersonFactory(name="今日值班员", region_id=WENLING, user=None, role="viewer")
    RosterShift.objects.create(region_id=WENLING, person=on_shift, starts_at=minutes(-60), ends_at=minutes(8 * 60))
    call_up_until_escalation(ward)
    before = len(gateway.received)
    tick(minutes(15))
    texts = {(r.body["to"], r.path): r.body["text"] for r in gateway.received[before:]}
    assert "未叫应 6 人" in texts[(on_shift.mobile, "/sms")]
    assert not any(to == ward.officer.mobile for to, _ in texts)


def test_notices_are_not_targets(ward, gateway):
    warning = call_up_until_escalation(ward)
    tick(minutes(15))
    assert CallUpTarget.objects.filter(callup=warning.callup).count() == 25
    notices = CallUpNotice.objects.filter(callup=warning.callup)
    assert sorted(n.about.count() for n in notices.filter(kind=NoticeKind.SUPERIOR)) == [1, 1, 1, 1, 2]
    assert [n.about.count() for n in notices.filter(kind=NoticeKind.DUTY_OFFICER)] == [6]
    assert set(notices.values_list("state", flat=True)) == {NoticeState.SENT}
    sent = [r for r in audit.AuditRecord.objects.all() if r.action == "notice_batch"]
    assert len(sent) == 1 and audit.batch_ids(sent[0]) == {"sent": sorted(n.pk for n in notices)}
    assert audit.verify().ok


def test_a_round_split_over_batches_still_makes_one_notice(ward, gateway):
    """The escalations of one round claimed one at a time: no notice goes while any of
    the round is pending, then one per recipient names everyone."""
    warning = call_up_until_escalation(ward)
    before = len(gateway.received)
    tick(minutes(15), limit=1)
    assert CallUpTarget.objects.filter(callup=warning.callup, state=TargetState.UNREACHED).count() == 1
    assert received(gateway, before) == Counter()
    for _ in range(6):
        tick(minutes(15), limit=1)
    zeguo = ward.towns["331081100"]
    a, b = zeguo.grids[0]
    assert received(gateway, before)[(zeguo.villages[0].mobile, "/sms")] == 1
    text = next(r.body["text"] for r in gateway.received[before:] if r.body["to"] == zeguo.villages[0].mobile)
    assert f"下级 {a.name}、{b.name} 未应答" in text


def test_cancelling_tells_each_person_once(ward, gateway):
    """25 persons called (6 of them also told of unreached subordinates) and the duty
    officer told: 26 "已解除" SMS, one each; cancelling again sends none."""
    warning = call_up_until_escalation(ward)
    tick(minutes(15))
    before = len(gateway.received)
    services.warning_cancel(by=None, warning=warning, now=minutes(31))
    messaging.deliver_due()
    everyone = [*ward.everyone(), ward.officer]
    assert received(gateway, before) == Counter({(p.mobile, "/sms"): 1 for p in everyone})
    assert all("已解除" in r.body["text"] for r in gateway.received[before:])
    services.warning_cancel(by=None, warning=warning, now=minutes(32))
    _tell_lifted(warning.callup)  # the stop's own sending, repeated: its keys are per person
    messaging.deliver_due()
    assert len(gateway.received) == before + 26
    assert Message.objects.filter(context__cancel=True).count() == 26


def test_cancelling_before_escalation_drops_the_open_notices(ward, gateway):
    warning = call_up_until_escalation(ward)
    tick(minutes(15), limit=1)  # one person gathered, the notice waits for the round
    services.warning_cancel(by=None, warning=warning, now=minutes(15.1))
    tick(minutes(16))
    assert set(CallUpNotice.objects.values_list("state", flat=True)) == {NoticeState.CANCELLED}
    assert not Message.objects.filter(context__has_key="alerts_notice").exists()


def test_board_counts_persons_apart_from_notices_with_township_subtotals(ward, gateway):
    """Hand count: 泽国镇 8 called, 5 answered, 3 unreached, notices to its 1村 chief
    and its township chief (2); 大溪镇 8, 6, 2, notice to its chief (1); 太平街道 8, 7,
    1, notice to its 2村 chief (1); the county itself: the chief called and answered,
    notices to the chief and the duty officer (2)."""
    warning = call_up_until_escalation(ward)
    tick(minutes(15))
    board = selectors.board(scope=SYSTEM, warning=warning)
    assert (board["targets"], board["notices"], board["notified"], board["acknowledged"]) == (25, 6, 6, 19)
    assert len(board["unreached"]) == 6
    subtotals = {t["region"]: (t["targets"], t["acknowledged"], t["unreached"], t["notices"])
                 for t in board["by_township"]}
    assert subtotals == {"331081100": (8, 5, 3, 2), "331081101": (8, 6, 2, 1), "331081001": (8, 7, 1, 1),
                         WENLING: (1, 1, 0, 2)}
    zeguo = next(t for t in board["by_township"] if t["region"] == "331081100")
    assert zeguo["region_name"].endswith("泽国镇")
    assert sum(r["targets"] for r in zeguo["regions"]) == 8


def test_board_page_shows_subtotals_and_the_map_beside_the_table(ward, gateway, wenling_officer):
    warning = call_up_until_escalation(ward)
    tick(minutes(15))
    client = Client()
    client.force_login(wenling_officer.user)
    html = client.get(f"/warnings/{warning.pk}/").content.decode()
    assert 'data-count="targets">25<' in html and 'data-count="notices">6<' in html
    zeguo = html[html.index('data-township="331081100"'):]
    row = zeguo[:zeguo.index("</tr>")]
    assert 'data-sub="targets">8<' in row and 'data-sub="unreached">3<' in row and 'data-sub="notices">2<' in row
    grid = html[html.index('class="callup-grid"'):]
    assert grid.index('id="board"') < grid.index('id="callup-map"')


def test_persons_added_later_make_a_round_of_their_own(ward, gateway):
    """泽国镇 is warned at 0, all Wenling at 2: the 泽国镇 chief's escalation is due at 15,
    the 大溪镇 chief's at 17. The county chief gets one notice per round, each naming
    its own person: one SMS and one call at 15, one of each at 17."""
    zeguo, daxi = ward.towns["331081100"], ward.towns["331081101"]
    warning = services.warning_issue(by=None, type="rainstorm", level="red", region_codes=["331081100"],
                                     headline="泽国镇暴雨红色预警", now=T0)
    services.warning_update(by=None, warning=warning, region_codes=[WENLING], now=minutes(2))
    quiet = {zeguo.chief.pk, daxi.chief.pk}
    for target in CallUpTarget.objects.filter(callup=warning.callup).exclude(person_id__in=quiet):
        services.acknowledge(target=target, channel="link", at=minutes(2))
    for m in (0, 1, 2, 2.5, 3, 4, 4.5, 5.5, 6, 7.5):
        tick(minutes(m))
    to_county = []
    for m in (15, 17):
        before = len(gateway.received)
        tick(minutes(m))
        to_county.append([(r.path, r.body["text"]) for r in gateway.received[before:]
                          if r.body["to"] == ward.county.mobile])
    # One batch's requests go out in parallel: their order at the gateway is not fixed.
    assert [sorted(path for path, _ in sent) for sent in to_county] == [["/sms", "/voice"], ["/sms", "/voice"]]
    assert all(f"下级 {zeguo.chief.name} 未应答" in text for _, text in to_county[0])
    assert all(f"下级 {daxi.chief.name} 未应答" in text for _, text in to_county[1])
