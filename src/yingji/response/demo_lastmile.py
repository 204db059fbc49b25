"""The last mile of the Taizhou demo: a broadcast terminal in every demo village
(two in the larger ones), sirens, warning lights and household rain alarms in the
coastal villages, and the typhoon drill sent to them: the drill's orange warning
raised to red, each version handed to the terminals, the cell area and the devices
by the tick (the console gateway prints them), most devices acknowledging, one
silent and one terminal offline.

The typhoon drill's warning is the one given (the response demo's drill), else a
drill warning of its own over Wenling and Linhai. Seeds once: later calls change
nothing.
"""

import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from ..alerts import services as alerts
from ..alerts.selectors import warning_get
from ..core.models import Region
from ..core.scope import SYSTEM
from .models import BroadcastTerminal, LastMileSend, WarningDevice
from .models.lastmile import DeviceKind, TerminalState
from .services import lastmile

DEMO_KEY = "demo-lastmile-typhoon-drill"
# Coastal townships (温岭松门、泽国，临海杜桥) get sirens and lights as well.
COASTAL = ("331081102", "331081100", "331082112")


@dataclass
class LastMileDemoReport:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        if not self.created:
            return "进村入户演示数据已存在 / last-mile demo already present"
        figures = ", ".join(f"{v} {k}" for k, v in self.counts.items())
        return f"{figures} in {self.seconds:.1f} s"


def seed_lastmile_demo(*, warning_id: int | None = None) -> LastMileDemoReport:
    if BroadcastTerminal.objects.exists():
        return LastMileDemoReport(False)
    started = time.monotonic()
    villages = list(Region.objects.filter(level=5, code__startswith="3310").order_by("code"))
    with transaction.atomic():
        terminals, devices = [], []
        for i, village in enumerate(villages):
            for n in range(1 if i % 3 else 2):
                terminals.append(BroadcastTerminal(
                    terminal_id=f"TZ-{village.code}-{n + 1}",
                    name=f"{village.name}{'村委' if n == 0 else '文化礼堂'}广播",
                    region=village, endpoint_group=f"G{village.code[:9]}",
                    state=TerminalState.OFFLINE if i == 1 and n == 0 else TerminalState.ONLINE))
            if village.code.startswith(COASTAL):
                for kind, label in ((DeviceKind.SIREN, "警报器"), (DeviceKind.LIGHT, "警示灯")):
                    device_id = f"{kind[:1].upper()}-{village.code}"
                    devices.append(WarningDevice(device_id=device_id, kind=kind, name=f"{village.name}{label}",
                                                 region=village, topic=f"yingji/devices/{device_id}/cmd"))
            elif i % 2 == 0:
                device_id = f"R-{village.code}"
                devices.append(WarningDevice(device_id=device_id, kind=DeviceKind.RAIN_ALARM,
                                             name=f"{village.name}简易雨量报警器", region=village,
                                             topic=f"yingji/devices/{device_id}/cmd"))
        BroadcastTerminal.objects.bulk_create(terminals)
        WarningDevice.objects.bulk_create(devices)
        warning = _drill_warning(warning_id)
        lastmile.lastmile_tick()
        if warning.level != "red":
            warning = alerts.warning_update(by=None, warning=warning, level="red",
                                            headline="台风“梅花”红色预警（演练）")
            lastmile.lastmile_tick()
        acknowledged = _acknowledge_most(warning.pk)
    return LastMileDemoReport(True, {
        "terminals": len(terminals), "devices": len(devices),
        "last-mile messages": LastMileSend.objects.filter(dispatch__warning_id=warning.pk).count(),
        "acknowledged": acknowledged,
    }, time.monotonic() - started)


def _drill_warning(warning_id: int | None):
    if warning_id is not None:
        return warning_get(scope=SYSTEM, id=warning_id)
    return alerts.warning_issue(
        by=None, type="typhoon", level="orange", region_codes=["331081", "331082"], drill=True,
        headline="台风“梅花”橙色预警（演练）", issuer_name="台州市气象台", idempotency_key=DEMO_KEY,
        description="预计未来24小时台风将影响我市沿海，最大风力12级，累计雨量150到250毫米，请沿海村民做好转移准备。")


def _acknowledge_most(warning_id: int) -> int:
    """Every device but the first acknowledged the orange command, battery 60-95%;
    the red one waits in the outbox for the demo's worker (and its console)."""
    sends = list(LastMileSend.objects.filter(dispatch__warning_id=warning_id, channel="device")
                 .order_by("target", "dispatch_id"))
    latest = {}
    for send in sends:
        latest.setdefault(send.target, send)
    now = timezone.now()
    for i, (target, send) in enumerate(sorted(latest.items())):
        if i == 0:
            continue  # one silent siren: the tick will retry it and mark it
        lastmile.device_report(device_id=target, report={"ack": send.message_id, "battery": 60 + (i * 7) % 36,
                                                         "fault": ""}, at=now)
    return max(len(latest) - 1, 0)
