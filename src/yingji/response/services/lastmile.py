"""The last mile (预警信息进村入户): warnings handed to broadcast terminals, the
operator's cell broadcast and on-site devices, through the messaging outbox.

The hand-off is a cursor over alerts' warnings (by their last change), read by the
scheduler tick (`lastmile_tick`): each warning version becomes ONE dispatch row,
unique per warning and version, written in the same transaction as its messages, so
a tick that runs twice (or in two processes) sends nothing twice; the messages'
idempotency keys (per dispatch, channel and terminal/device) say the same to the
outbox. A warning issued or upgraded to a configured level (`LastMileRule`) is
sent; a cancelled warning that was sent gets an all-clear, once. Devices must
acknowledge a command on their state topic within YINGJI_DEVICE_ACK_SECONDS; one
that does not is marked silent and the command sent once more.
"""

import datetime as dt
import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ...alerts import cap as alerts_cap
from ...alerts.choices import LEVEL_RANK, WarningLevel, WarningStatus
from ...alerts.selectors import warning_list
from ...core import audit, regioncodes
from ...core.errors import DomainError, NotFound
from ...core.models import Region
from ...core.scope import SYSTEM, Scope
from ...core.services import save_audited
from ...messaging import services as messaging
from ...messaging.choices import Channel, MessageStatus
from ...messaging.selectors import messages_with_status
from ..models import BroadcastTerminal, LastMileCursor, LastMileDispatch, LastMileRule, LastMileSend, WarningDevice
from ..models.lastmile import DeviceKind, DeviceState, DispatchKind, SendState, TerminalState

log = logging.getLogger(__name__)

CHANNELS = (Channel.BROADCAST, Channel.CELL_BROADCAST, Channel.DEVICE)
SENDING_KINDS = (DispatchKind.WARNING, DispatchKind.UPGRADE, DispatchKind.MANUAL)
CURSOR = "warnings"
# A first tick looks this far back; later ones re-read this much before the cursor
# (clocks of several processes): the dispatch rows make re-reading harmless.
LOOKBACK = dt.timedelta(hours=1)
SKEW = dt.timedelta(seconds=60)
TICK_BATCH = 500

# Level → broadcast priority (1 highest) and repeats; GD/J 082 severity is the same scale.
PRIORITY = {WarningLevel.RED: 1, WarningLevel.ORANGE: 2, WarningLevel.YELLOW: 3, WarningLevel.BLUE: 4}
REPEAT = {WarningLevel.RED: 3, WarningLevel.ORANGE: 2, WarningLevel.YELLOW: 1, WarningLevel.BLUE: 1}
# National emergency-event type codes (突发事件分类代码, natural disasters: 11A water,
# 11B weather, 11D geological) of the warning types; others fall back to 11B99.
EVENT_CODE = {
    "flood": "11A01", "flash_flood": "11A02", "drought": "11A04",
    "typhoon": "11B01", "rainstorm": "11B03", "snowstorm": "11B04", "cold_wave": "11B05", "gale": "11B06",
    "sandstorm": "11B07", "heat": "11B09", "lightning": "11B14", "hail": "11B15", "frost": "11B16",
    "fog": "11B17", "haze": "11B19", "road_icing": "11B21", "geological_hazard": "11D00",
}
# Device commands: sound and light pattern and seconds, by level; the all-clear is a
# steady tone and the light off.
COMMAND = {
    WarningLevel.RED: {"sound": "alarm", "light": "flash_red", "duration_seconds": 180},
    WarningLevel.ORANGE: {"sound": "warble", "light": "flash_orange", "duration_seconds": 120},
    WarningLevel.YELLOW: {"sound": "chime", "light": "flash_yellow", "duration_seconds": 60},
    WarningLevel.BLUE: {"sound": "chime", "light": "flash_blue", "duration_seconds": 60},
}
ALL_CLEAR_COMMAND = {"sound": "all_clear", "light": "off", "duration_seconds": 60}


# Text to speak -------------------------------------------------------------------

DIGITS = "零一二三四五六七八九"
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def chinese_number(n: int) -> str:
    """0..9999 as read aloud: 12 → 十二, 105 → 一百零五, 2000 → 两千."""
    if n < 10:
        return DIGITS[n]
    units = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
    out, zero = "", False
    for value, unit in units:
        d = n // value % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        word = "两" if d == 2 and value >= 1000 else DIGITS[d]
        out += ("" if (value == 10 and d == 1 and not out) else word) + unit
    return out


# A date with its year, or a month-day with a clock time (a bare "10-12" is a range).
DATE = re.compile(r"(?<!\d)(?:(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?"
                  r"|()(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2}))(?!\d)")
RANGE = re.compile(r"(?<=\d)\s*[-~～—]\s*(?=\d)")
CLOCK = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")


def _clock(hour: str, minute: str) -> str:
    m = int(minute)
    return f"{chinese_number(int(hour))}点" + (f"{chinese_number(m)}分" if m else "")


def _date(match: re.Match) -> str:
    groups = match.groups()
    year, month, day, hour, minute = groups[:5] if groups[1] is not None else groups[5:]
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return match.group(0)
    out = ("".join(DIGITS[int(c)] for c in year) + "年") if year else ""
    out += f"{chinese_number(int(month))}月{chinese_number(int(day))}日"
    return out + (_clock(hour, minute) if hour is not None else "")


def spell_numbers(text: str) -> str:
    """Numbers in words a TTS reads without ambiguity: dates and clock times as
    spoken (06-20 06:00 → 六月二十日六点), up to four digits as a number (12级 →
    十二级, 3.5米 → 三点五米), longer ones (phone numbers, codes) digit by digit."""
    text = RANGE.sub("到", DATE.sub(_date, text))
    text = CLOCK.sub(lambda m: _clock(*m.groups()) if int(m.group(1)) < 24 and int(m.group(2)) < 60
                     else m.group(0), text)

    def spell(match: re.Match) -> str:
        whole, _, fraction = match.group(0).partition(".")
        if len(whole) > 4 or (len(whole) > 2 and whole.startswith("0")):
            head = "".join(DIGITS[int(c)] for c in whole)
        else:
            head = chinese_number(int(whole))
        return head + ("点" + "".join(DIGITS[int(c)] for c in fraction) if fraction else "")
    return NUMBER.sub(spell, text)


def speech_text(warning, *, all_clear: bool = False, extra: str = "") -> str:
    """The warning in plain Chinese for the loudspeakers: who warns of what, the
    headline and what to do, numbers spelled out; an all-clear says it is lifted."""
    kind = f"{warning.get_type_display()}{warning.get_level_display()}预警"
    issuer = warning.issuer_name or "应急管理部门"
    if all_clear:
        parts = [f"{issuer}通知：{kind}已解除。", warning.headline.rstrip("。") + "。"]
        parts.append("请注意安全，听从村里安排有序返回。")
    else:
        parts = [f"{issuer}发布{kind}。", warning.headline.rstrip("。") + "。"]
        if warning.description:
            parts.append(warning.description.strip().rstrip("。") + "。")
        parts.append("请做好防范，听从村干部指挥，需要转移的立即转移。")
    if extra:
        parts.append(extra.strip())
    text = "".join(parts)
    if warning.drill:
        text = "【演练】" + text
    return spell_numbers(text)


def alert_fields(warning) -> dict:
    """What the broadcast platform's national format needs of the warning."""
    msg_type = {WarningStatus.ACTIVE: "Alert", WarningStatus.UPDATED: "Update",
                WarningStatus.CANCELLED: "Cancel"}[warning.status]
    return {
        "identifier": warning.cap_identifier, "msg_type": msg_type, "sender": warning.issuer_name,
        "sent": (warning.updated_at or timezone.now()).isoformat(),
        "event_code": EVENT_CODE.get(warning.type, "11B99"), "severity": PRIORITY[warning.level],
        "area_codes": warning.region_codes, "start": warning.effective.isoformat(),
        "end": warning.expires.isoformat() if warning.expires else "", "headline": warning.headline,
        "drill": warning.drill,
    }


# Registry -------------------------------------------------------------------------

def _village(scope: Scope, code: str) -> Region:
    scope.require_officer()
    region = Region.objects.filter(pk=code or "").first()
    if region is None:
        raise DomainError("区划不存在", "No such region", fields={"region": "不存在 / not found"})
    scope.require_region(region.code)
    return region


def terminal_register(*, by, terminal_id: str, name: str, region: str, endpoint_group: str = "",
                      state: str = TerminalState.ONLINE) -> BroadcastTerminal:
    """Register a broadcast terminal, or change the one with this id (in the
    caller's area only)."""
    scope = Scope.for_user(by)
    place = _village(scope, region)
    terminal = BroadcastTerminal.objects.filter(terminal_id=terminal_id).first()
    if terminal is not None and not scope.covers_region(terminal.region_id):
        raise DomainError("终端编号已被占用", "That terminal id is taken", fields={"terminal_id": "重复 / taken"})
    before = audit.snapshot(terminal) if terminal else None
    terminal = terminal or BroadcastTerminal(terminal_id=(terminal_id or "").strip())
    terminal.name, terminal.region, terminal.endpoint_group, terminal.state = (
        (name or "").strip(), place, (endpoint_group or "").strip(), state)
    with transaction.atomic():
        return save_audited(terminal, by=by, action="update" if before else "create", before=before,
                            region_code=place.code)


def device_register(*, by, device_id: str, kind: str, name: str, region: str, topic: str = "") -> WarningDevice:
    """Register an on-site device (its command topic defaults to
    yingji/devices/<id>/cmd), or change the one with this id."""
    scope = Scope.for_user(by)
    place = _village(scope, region)
    device_id = (device_id or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", device_id):
        raise DomainError("设备编号只能包含字母、数字和 _.:-", "device_id may hold letters, digits and _.:- only",
                          fields={"device_id": "格式错误 / malformed"})
    device = WarningDevice.objects.filter(device_id=device_id).first()
    if device is not None and not scope.covers_region(device.region_id):
        raise DomainError("设备编号已被占用", "That device id is taken", fields={"device_id": "重复 / taken"})
    before = audit.snapshot(device) if device else None
    device = device or WarningDevice(device_id=device_id)
    device.kind, device.name, device.region = kind, (name or "").strip(), place
    device.topic = (topic or "").strip() or f"yingji/devices/{device_id}/cmd"
    with transaction.atomic():
        return save_audited(device, by=by, action="update" if before else "create", before=before,
                            region_code=place.code)


# The hand-off ------------------------------------------------------------------------

def lastmile_tick(now: dt.datetime | None = None) -> dict:
    """The scheduler's heartbeat: hand new warning versions to the last mile, then
    retry the devices that did not acknowledge."""
    now = now or timezone.now()
    return {"dispatched": take_new_warnings(now=now), "retried": check_device_acks(now=now)}


def take_new_warnings(*, now: dt.datetime) -> int:
    """Read the warnings changed since the cursor; each version not seen yet becomes
    one dispatch (sending or skipped). The number of dispatches that sent."""
    cursor = LastMileCursor.objects.filter(name=CURSOR).first()
    since = (cursor.seen_until - SKEW) if cursor else now - LOOKBACK
    warnings = list(warning_list(scope=SYSTEM).filter(updated_at__gte=since)
                    .order_by("updated_at", "id")[:TICK_BATCH])
    sent = 0
    for warning in warnings:
        if LastMileDispatch.objects.filter(warning_id=warning.pk, version=warning.version).exclude(
                kind=DispatchKind.MANUAL).exists():
            continue
        try:
            dispatch = _dispatch_version(warning, now=now)
        except IntegrityError:  # another process took this version meanwhile
            continue
        sent += dispatch is not None and dispatch.kind != DispatchKind.SKIPPED
    if warnings:
        seen = max(w.updated_at for w in warnings)
        LastMileCursor.objects.update_or_create(name=CURSOR, defaults={"seen_until": max(seen, since + SKEW)})
    elif cursor is None:
        LastMileCursor.objects.create(name=CURSOR, seen_until=now - LOOKBACK)
    return sent


def _rule_for(warning) -> LastMileRule | None:
    rules = LastMileRule.objects.filter(active=True, level=warning.level, warning_type__in=[warning.type, ""])
    return sorted(rules, key=lambda r: r.warning_type == "")[0] if rules else None


def _dispatch_version(warning, *, now: dt.datetime) -> LastMileDispatch:
    earlier = list(LastMileDispatch.objects.filter(warning_id=warning.pk, kind__in=SENDING_KINDS)
                   .order_by("version", "id"))
    kind, channels, regions = DispatchKind.SKIPPED, [], warning.region_codes
    if warning.status == WarningStatus.CANCELLED:
        if earlier and not LastMileDispatch.objects.filter(warning_id=warning.pk,
                                                           kind=DispatchKind.ALL_CLEAR).exists():
            kind = DispatchKind.ALL_CLEAR
            channels = sorted({c for d in earlier for c in d.channels})
            regions = sorted({r for d in earlier for r in d.regions})
    else:
        rule = _rule_for(warning)
        sent_levels = [LEVEL_RANK[d.level] for d in earlier if d.kind != DispatchKind.MANUAL]
        covered = {r for d in earlier if d.kind != DispatchKind.MANUAL for r in d.regions}
        added = [c for c in regions if not any(c.startswith(r) for r in covered)]
        if rule is not None and (not sent_levels or LEVEL_RANK[warning.level] < min(sent_levels)):
            kind = DispatchKind.UPGRADE if sent_levels else DispatchKind.WARNING
        elif rule is not None and added:
            # The same level over a wider area: the villages newly inside hear it first now.
            kind, regions = DispatchKind.WARNING, added
        if kind != DispatchKind.SKIPPED:
            channels = [c for c, on in ((Channel.BROADCAST, rule.broadcast),
                                        (Channel.CELL_BROADCAST, rule.cell_broadcast),
                                        (Channel.DEVICE, rule.devices)) if on]
    with transaction.atomic():
        dispatch = LastMileDispatch.objects.create(
            warning_id=warning.pk, version=warning.version, kind=kind, level=warning.level,
            region_code=regioncodes.common_region(regions), regions=regions, channels=channels)
        if kind != DispatchKind.SKIPPED:
            _send(dispatch, warning, now=now)
            audit.record(actor=None, action="lastmile_dispatch", obj=dispatch, region_code=dispatch.region_code,
                         after=audit.snapshot(dispatch))
    return dispatch


def send_to_villages(*, by, warning_id: int, regions: list[str], channels: list[str] | None = None,
                     extra_text: str = "", now: dt.datetime | None = None) -> LastMileDispatch:
    """A response officer's "send to villages": the warning (in force) to the
    terminals and devices of the chosen regions in their area, now."""
    from ...alerts.selectors import warning_get

    scope = Scope.for_user(by)
    scope.require_officer()
    warning = warning_get(scope=scope, id=warning_id)
    if warning.status == WarningStatus.CANCELLED:
        raise DomainError("预警已解除", "The warning was cancelled", fields={"warning_id": "已解除 / cancelled"})
    codes = sorted({(c or "").strip() for c in regions or []})
    if not codes:
        raise DomainError("请选择区划", "Choose at least one region", fields={"regions": "必填 / required"})
    found = set(Region.objects.filter(pk__in=codes).values_list("pk", flat=True))
    missing = [c for c in codes if c not in found]
    if missing:
        raise DomainError("区划不存在", "No such region", fields={"regions": f"不存在 / not found: {missing[0]}"})
    for code in codes:
        scope.require_region(code)
    chosen = list(channels) if channels else [Channel.BROADCAST, Channel.DEVICE]
    if any(c not in CHANNELS for c in chosen):
        raise DomainError("渠道应为 broadcast、cell_broadcast 或 device",
                          "channels are broadcast, cell_broadcast or device", fields={"channels": "未知 / unknown"})
    if len(extra_text or "") > 500:
        raise DomainError("补充内容过长", "extra_text is too long", fields={"extra_text": "≤ 500"})
    now = now or timezone.now()
    with transaction.atomic():
        dispatch = LastMileDispatch(
            warning_id=warning.pk, version=warning.version, kind=DispatchKind.MANUAL, level=warning.level,
            region_code=regioncodes.common_region(codes), regions=codes, channels=sorted(set(chosen)),
            text=extra_text or "", created_by=by if by is not None and by.is_authenticated else None)
        dispatch.save()
        _send(dispatch, warning, now=now)
        audit.record(actor=by, action="lastmile_send", obj=dispatch, region_code=dispatch.region_code,
                     after=audit.snapshot(dispatch))
    return dispatch


def _in_regions(queryset, codes: list[str]):
    from django.db.models import Q

    condition = Q()
    for code in codes:
        condition |= Q(region__code__startswith=code)
    return queryset.filter(condition) if codes else queryset.none()


def _send(dispatch: LastMileDispatch, warning, *, now: dt.datetime) -> None:
    """The dispatch's messages, one per terminal, per device and one cell broadcast,
    and their `LastMileSend` rows; keys per dispatch, channel and target."""
    all_clear = dispatch.kind == DispatchKind.ALL_CLEAR
    text = speech_text(warning, all_clear=all_clear, extra=dispatch.text)
    tag = f"w{warning.pk}v{warning.version}" if dispatch.kind != DispatchKind.MANUAL else f"m{dispatch.pk}"
    base = {"lastmile_dispatch": dispatch.pk, "warning_id": warning.pk}
    items, sends = [], []
    if Channel.BROADCAST in dispatch.channels:
        terminals = _in_regions(BroadcastTerminal.objects.exclude(state=TerminalState.RETIRED), dispatch.regions)
        for t in terminals.order_by("terminal_id"):
            items.append(messaging.Outgoing(
                channel=Channel.BROADCAST, to=t.terminal_id, text=text, region_code=t.region_id,
                idempotency_key=f"lastmile:{tag}:broadcast:{t.terminal_id}",
                context=base | {"terminal_ids": [t.terminal_id], "endpoint_group": t.endpoint_group,
                                "repeat": 1 if all_clear else REPEAT[warning.level],
                                "priority": PRIORITY[warning.level], "alert": alert_fields(warning)}))
            sends.append((Channel.BROADCAST, t.terminal_id, t.region_id, None))
    if Channel.CELL_BROADCAST in dispatch.channels:
        cap = alerts_cap.to_cap(warning).decode("utf-8")
        items.append(messaging.Outgoing(
            channel=Channel.CELL_BROADCAST, to="cell", text=text, region_code=dispatch.region_code,
            idempotency_key=f"lastmile:{tag}:cell_broadcast:area", context=base | {"cap": cap}))
        sends.append((Channel.CELL_BROADCAST, "area", dispatch.region_code, None))
    if Channel.DEVICE in dispatch.channels:
        ack_due = now + dt.timedelta(seconds=settings.YINGJI_DEVICE_ACK_SECONDS)
        command = ALL_CLEAR_COMMAND if all_clear else COMMAND[warning.level]
        devices = _in_regions(WarningDevice.objects.exclude(state=DeviceState.RETIRED), dispatch.regions)
        for d in devices.order_by("device_id"):
            items.append(messaging.Outgoing(
                channel=Channel.DEVICE, to=d.device_id, text=text, region_code=d.region_id,
                idempotency_key=f"lastmile:{tag}:device:{d.device_id}",
                context=base | {"topic": d.topic, "command": _command_for(d.kind, command)}))
            sends.append((Channel.DEVICE, d.device_id, d.region_id, ack_due))
    ids = messaging.send_many(items, due_at=now) if items else []
    LastMileSend.objects.bulk_create([
        LastMileSend(dispatch=dispatch, channel=channel, target=target, region_code=region, message_id=mid,
                     ack_due_at=ack_due)
        for (channel, target, region, ack_due), mid in zip(sends, ids, strict=True)])
    for (channel, target, _, _), mid in zip(sends, ids, strict=True):
        if channel == Channel.DEVICE:
            WarningDevice.objects.filter(device_id=target).update(last_command_id=mid)
    LastMileDispatch.objects.filter(pk=dispatch.pk).update(sent_at=now)
    dispatch.sent_at = now


def _command_for(kind: str, command: dict) -> dict:
    # A light has no sound, a rain alarm no light: each gets its part of the pattern.
    if kind == DeviceKind.LIGHT:
        return {k: v for k, v in command.items() if k != "sound"}
    if kind == DeviceKind.RAIN_ALARM:
        return {k: v for k, v in command.items() if k != "light"}
    return dict(command)


# Devices: acknowledgements and state ------------------------------------------------------

def check_device_acks(*, now: dt.datetime) -> int:
    """Commands not acknowledged in time: the first time the device is marked silent
    and the command sent once more (a new message); the second time the send is
    left unacknowledged. The number of commands retried."""
    due = list(LastMileSend.objects.filter(channel=Channel.DEVICE, state__in=[SendState.SENT, SendState.RETRIED],
                                           ack_due_at__lte=now).select_related("dispatch")[:TICK_BATCH])
    retried = 0
    for send in due:
        with transaction.atomic():
            claimed = LastMileSend.objects.filter(pk=send.pk, state=send.state, acknowledged_at__isnull=True)
            if send.state == SendState.RETRIED:
                if claimed.update(state=SendState.UNACKNOWLEDGED, ack_due_at=None):
                    WarningDevice.objects.filter(device_id=send.target).update(state=DeviceState.SILENT)
                continue
            if not claimed.update(state=SendState.RETRIED,
                                  ack_due_at=now + dt.timedelta(seconds=settings.YINGJI_DEVICE_ACK_SECONDS)):
                continue
            first = messages_with_status(scope=SYSTEM, statuses=MessageStatus.values).filter(
                pk=send.message_id).values("to", "text", "context").first()
            if first is None:
                continue
            message = messaging.send(channel=Channel.DEVICE, to=first["to"], text=first["text"],
                                     region_code=send.region_code, context=first["context"] | {"retry": 1},
                                     idempotency_key=f"lastmile:send{send.pk}:retry", due_at=now)
            LastMileSend.objects.filter(pk=send.pk).update(retry_message_id=message.pk)
            WarningDevice.objects.filter(device_id=send.target).update(state=DeviceState.SILENT,
                                                                       last_command_id=message.pk)
            retried += 1
    return retried


def device_report(*, device_id: str, report: dict, at: dt.datetime | None = None) -> WarningDevice:
    """A device's state message: it is alive (last seen), perhaps its battery and a
    fault, and perhaps the id of the command it acknowledges (that send is then
    acknowledged and its message delivered)."""
    at = at or timezone.now()
    device = WarningDevice.objects.filter(device_id=device_id).first()
    if device is None:
        raise NotFound("设备未登记", "No such device")
    fields = {"last_seen_at": at}
    battery = report.get("battery")
    if isinstance(battery, (int, float)) and not isinstance(battery, bool) and 0 <= battery <= 100:
        fields["battery"] = int(battery)
    if "fault" in report:
        fields["fault"] = str(report.get("fault") or "")[:200]
        if device.state != DeviceState.RETIRED:
            fields["state"] = DeviceState.FAULT if fields["fault"] else DeviceState.OK
    ack = report.get("ack")
    if isinstance(ack, int) and not isinstance(ack, bool) and ack > 0:
        from django.db.models import Q

        sends = LastMileSend.objects.filter(Q(message_id=ack) | Q(retry_message_id=ack), channel=Channel.DEVICE,
                                            target=device_id)
        if sends.exists():
            sends.filter(acknowledged_at__isnull=True).update(state=SendState.ACKNOWLEDGED, acknowledged_at=at,
                                                              ack_due_at=None)
            fields.update(last_ack_id=ack, last_ack_at=at)
            if not fields.get("fault") and device.state != DeviceState.RETIRED:
                fields["state"] = DeviceState.OK
            messaging.record_receipts([messaging.Receipt(ack, MessageStatus.DELIVERED, at=at)])
    WarningDevice.objects.filter(pk=device.pk).update(**fields)
    device.refresh_from_db()
    return device
