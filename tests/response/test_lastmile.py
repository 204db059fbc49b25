"""The last mile's hand-off: a warning at a configured level reaches the terminals,
devices and cell area of its regions through the outbox, exactly once per warning
version and target; an upgrade sends again, a cancelled warning sends one all-clear."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from lxml import etree

from yingji.alerts import services as alerts
from yingji.messaging import services as messaging
from yingji.messaging.models import DeliveryAttempt, Message
from yingji.response import devices_lastmile
from yingji.response.models import LastMileDispatch, LastMileRule, LastMileSend, WarningDevice
from yingji.response.services import lastmile

from .lastmile_helpers import LINHAI_VILLAGE, POLYGON, issue, platform, villages  # noqa: F401

pytestmark = pytest.mark.django_db
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


def tick():
    return lastmile.lastmile_tick()


def keys():
    return sorted(Message.objects.filter(idempotency_key__startswith="lastmile:").values_list(
        "idempotency_key", flat=True))


def test_an_orange_typhoon_warning_reaches_the_terminals_devices_and_cell_area_of_its_regions(villages, platform):
    warning = issue(level="orange", codes=["331081"], polygon=POLYGON)
    assert tick()["dispatched"] == 1
    tag = f"lastmile:w{warning.pk}v1"
    # Wenling's two terminals and two devices and one cell broadcast; nothing in Linhai.
    assert keys() == sorted([f"{tag}:broadcast:T-W1", f"{tag}:broadcast:T-W2", f"{tag}:cell_broadcast:area",
                             f"{tag}:device:L-W1", f"{tag}:device:S-W1"])
    assert not Message.objects.filter(to__in=["T-L1", "S-L1"]).exists()
    assert LastMileSend.objects.count() == 5


def test_a_second_tick_sends_nothing_twice(villages, platform):
    issue(level="red")
    tick()
    before = keys()
    assert tick()["dispatched"] == 0
    assert keys() == before
    assert LastMileDispatch.objects.count() == 1


def test_a_second_process_taking_the_same_version_is_refused_by_the_database(villages, platform):
    """Two ticks that both saw the version before either wrote: the unique dispatch
    per warning and version lets one of them through; the other writes nothing."""
    from django.db import IntegrityError, transaction

    warning = issue(level="red")
    lastmile._dispatch_version(warning, now=timezone.now())
    before = keys()
    with pytest.raises(IntegrityError), transaction.atomic():
        lastmile._dispatch_version(warning, now=timezone.now())
    assert keys() == before and LastMileDispatch.objects.count() == 1


def test_a_yellow_warning_and_an_unconfigured_type_stay_with_the_cadres(villages, platform):
    issue(level="yellow")
    issue(level="red", type="heat")
    assert tick()["dispatched"] == 0
    assert keys() == []
    assert set(LastMileDispatch.objects.values_list("kind", flat=True)) == {"skipped"}


def test_the_levels_are_data(villages, platform):
    LastMileRule.objects.create(warning_type="heat", level="red", cell_broadcast=False, devices=False)
    warning = issue(level="red", type="heat")
    tick()
    assert keys() == [f"lastmile:w{warning.pk}v1:broadcast:T-W1", f"lastmile:w{warning.pk}v1:broadcast:T-W2"]


def test_an_upgrade_sends_again_and_a_downgrade_does_not(villages, platform):
    warning = issue(level="orange")
    tick()
    alerts.warning_update(by=None, warning=warning, level="red")
    tick()
    assert LastMileDispatch.objects.get(warning_id=warning.pk, version=2).kind == "upgrade"
    assert Message.objects.filter(idempotency_key__startswith=f"lastmile:w{warning.pk}v2:").count() == 5
    alerts.warning_update(by=None, warning=warning, level="orange")
    tick()
    assert LastMileDispatch.objects.get(warning_id=warning.pk, version=3).kind == "skipped"
    assert not Message.objects.filter(idempotency_key__startswith=f"lastmile:w{warning.pk}v3:").exists()


def test_a_wider_area_at_the_same_level_reaches_only_the_villages_newly_inside(villages, platform):
    warning = issue(level="orange", codes=["331081001"])
    tick()
    alerts.warning_update(by=None, warning=warning, region_codes=["331081001", "331082"])
    tick()
    added = LastMileDispatch.objects.get(warning_id=warning.pk, version=2)
    assert (added.kind, added.regions) == ("warning", ["331082"])
    assert sorted(Message.objects.filter(idempotency_key__startswith=f"lastmile:w{warning.pk}v2:")
                  .values_list("to", flat=True)) == ["S-L1", "T-L1", "cell"]


def test_a_cancelled_warning_sends_one_all_clear(villages, platform):
    warning = issue(level="red")
    tick()
    alerts.warning_cancel(by=None, warning=warning)
    tick()
    tick()
    clear = LastMileDispatch.objects.get(warning_id=warning.pk, kind="all_clear")
    assert clear.version == 2
    messages = Message.objects.filter(idempotency_key__startswith=f"lastmile:w{warning.pk}v2:")
    assert messages.count() == 5
    assert all("已解除" in m.text for m in messages)
    device = messages.get(to="S-W1")
    assert device.context["command"]["sound"] == "all_clear"


def test_a_cancelled_warning_never_sent_sends_no_all_clear(villages, platform):
    warning = issue(level="yellow")
    tick()
    alerts.warning_cancel(by=None, warning=warning)
    tick()
    assert keys() == []


def test_the_broadcast_platform_gets_the_terminal_the_speech_and_the_priority(villages, platform):
    issue(level="red", codes=["331081001"])
    tick()
    messaging.deliver_due(policy=messaging.RetryPolicy())
    posts = sorted((r.body for r in platform.received if r.path == "/broadcast"), key=lambda b: b["terminal_ids"])
    assert [p["terminal_ids"] for p in posts] == [["T-W1"], ["T-W2"]]
    assert posts[0]["priority"] == 1 and posts[0]["repeat"] == 3
    # Numbers spelled for the loudspeaker: 12级 → 十二级, 250毫米 → 二百五十毫米.
    assert "十二级" in posts[0]["tts_text"] and "二百五十毫米" in posts[0]["tts_text"]
    assert "温岭市气象台发布台风红色预警" in posts[0]["tts_text"]


def test_the_cell_broadcast_carries_the_warnings_polygon_and_region_codes_as_cap(villages, platform):
    warning = issue(level="orange", codes=["331081001", "331081002"], polygon=POLYGON)
    tick()
    messaging.deliver_due(policy=messaging.RetryPolicy())
    (post,) = [r.body for r in platform.received if r.path == "/cbc"]
    assert post["format"] == "CAP-1.2"
    area = etree.fromstring(post["cap"].encode()).find(f"{CAP}info/{CAP}area")
    # The polygon as CAP "lat,lon" pairs, from the WKT's "lon lat" corners.
    corners = [(121.3, 28.3), (121.5, 28.3), (121.5, 28.45), (121.3, 28.45), (121.3, 28.3)]
    assert area.find(f"{CAP}polygon").text == " ".join(f"{lat:.6f},{lon:.6f}" for lon, lat in corners)
    assert [g.find(f"{CAP}value").text for g in area.findall(f"{CAP}geocode")] == ["331081001", "331081002"]
    assert warning.pk == LastMileDispatch.objects.get().warning_id
    message = Message.objects.get(channel="cell_broadcast")
    assert message.status == "sent"
    assert DeliveryAttempt.objects.filter(message=message, outcome="accepted", http_status=200).count() == 1


def test_a_gateway_error_is_retried_and_a_refusal_is_final(villages, platform):
    from ..messaging.conftest import Answer

    issue(level="red", codes=["331081001001"])  # one terminal, one cell area, two devices
    lastmile.lastmile_tick()
    platform.answer(Answer(status=503, body={"error": "busy"}), Answer(status=400, body={"error": "bad"}))
    messaging.deliver_due(policy=messaging.RetryPolicy())
    statuses = sorted(Message.objects.filter(channel__in=["broadcast", "cell_broadcast"]).values_list(
        "status", flat=True))
    assert statuses == ["failed", "queued"]  # the 503 waits for its retry, the 400 is final
    queued = Message.objects.get(status="queued", channel__in=["broadcast", "cell_broadcast"])
    assert queued.due_at > timezone.now() and queued.attempts == 1
    # Devices without a configured broker fail permanently with the reason.
    device = Message.objects.filter(channel="device").first()
    assert device.status == "failed" and "YINGJI_DEVICES_MQTT_URL" in device.last_error


def test_a_warning_before_the_cursor_is_not_sent_again_after_the_lookback(villages, platform):
    issue(level="red")
    tick()
    later = timezone.now() + dt.timedelta(hours=2)
    assert lastmile.lastmile_tick(now=later)["dispatched"] == 0
    assert LastMileDispatch.objects.count() == 1


def test_a_drill_says_so(villages, platform):
    issue(level="red", drill=True)
    tick()
    assert all(m.text.startswith("【演练】") for m in Message.objects.filter(channel="broadcast"))


def test_spelling_numbers():
    assert lastmile.spell_numbers("12级") == "十二级"
    assert lastmile.spell_numbers("105毫米") == "一百零五毫米"
    assert lastmile.spell_numbers("2000人") == "两千人"
    assert lastmile.spell_numbers("3.5米") == "三点五米"
    assert lastmile.spell_numbers("10时") == "十时"
    assert lastmile.spell_numbers("电话12345678") == "电话一二三四五六七八"
    assert lastmile.spell_numbers("于 06-20 06:00 达到") == "于 六月二十日六点 达到"
    assert lastmile.spell_numbers("18:30起") == "十八点三十分起"
    assert lastmile.spell_numbers("2026-08-01") == "二零二六年八月一日"
    assert lastmile.spell_numbers("第07号台风") == "第七号台风"
    assert lastmile.spell_numbers("风力10-12级，雨量150～250毫米") == "风力十到十二级，雨量一百五十到二百五十毫米"


def test_manual_send_to_villages_reaches_only_the_chosen_village(villages, platform, wenling_officer):
    warning = issue(level="yellow")
    tick()
    dispatch = lastmile.send_to_villages(by=wenling_officer.user, warning_id=warning.pk,
                                         regions=["331081001001"], extra_text="请东海村村民立即转移")
    assert sorted(Message.objects.filter(idempotency_key__startswith=f"lastmile:m{dispatch.pk}:")
                  .values_list("to", flat=True)) == ["L-W1", "S-W1", "T-W1"]
    assert "请东海村村民立即转移" in Message.objects.get(to="T-W1").text
    assert LINHAI_VILLAGE not in dispatch.regions


def test_bad_state_messages_are_counted_not_raised(villages):
    counters = devices_lastmile.Counters()
    devices_lastmile.take("yingji/devices/S-W1/state", b"{not json", counters)
    devices_lastmile.take("yingji/devices/NOPE/state", b"{}", counters)
    devices_lastmile.take("yingji/devices/S-W1/other", b"{}", counters)
    devices_lastmile.take("yingji/devices/S-W1/state", json.dumps({"battery": 55, "fault": "喇叭损坏"}).encode(),
                          counters)
    assert (counters.messages, counters.bad, counters.recorded) == (4, 3, 1)
    row = WarningDevice.objects.get(device_id="S-W1")
    assert (row.battery, row.fault, row.state) == (55, "喇叭损坏", "fault")
