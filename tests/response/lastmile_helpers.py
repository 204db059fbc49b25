"""Shared pieces of the last-mile tests: villages with terminals and devices, a
warning over them, and a local HTTP server standing in for the broadcast platform
and the operator's cell-broadcast gateway (it records each JSON body it got)."""

import pytest

from yingji.alerts import services as alerts
from yingji.core.models import Region
from yingji.response.models import BroadcastTerminal, WarningDevice

from ..conftest import LINHAI_TOWN, WENLING_TOWN
from ..messaging.conftest import FakeGateway

WENLING_VILLAGE, WENLING_VILLAGE_2, LINHAI_VILLAGE = "331081001001", "331081001002", "331082001001"
# Wenling's east corner, as WKT (lon lat), and as CAP (lat,lon pairs).
POLYGON = "POLYGON ((121.3 28.3, 121.5 28.3, 121.5 28.45, 121.3 28.45, 121.3 28.3))"


def region(code: str, name: str, level: int, parent: str) -> None:
    if not Region.objects.filter(pk=code).exists():
        Region(code=code, name=name, level=level, parent_id=parent).save()


@pytest.fixture
def villages(regions):
    """Two Wenling villages and one in Linhai: a terminal in each, a siren and a
    light in the first Wenling village, a siren in Linhai."""
    region(WENLING_VILLAGE, "东海村", 5, WENLING_TOWN)
    region(WENLING_VILLAGE_2, "西山村", 5, WENLING_TOWN)
    region(LINHAI_VILLAGE, "临海某村", 5, LINHAI_TOWN)
    for tid, code in (("T-W1", WENLING_VILLAGE), ("T-W2", WENLING_VILLAGE_2), ("T-L1", LINHAI_VILLAGE)):
        BroadcastTerminal.objects.create(terminal_id=tid, name=f"{tid}广播", region_id=code, endpoint_group="G1")
    for did, kind, code in (("S-W1", "siren", WENLING_VILLAGE), ("L-W1", "light", WENLING_VILLAGE),
                            ("S-L1", "siren", LINHAI_VILLAGE)):
        WarningDevice.objects.create(device_id=did, kind=kind, name=did, region_id=code,
                                     topic=f"yingji/devices/{did}/cmd")


def issue(level="orange", type="typhoon", codes=("331081",), polygon="", drill=False, **kw):
    return alerts.warning_issue(by=None, type=type, level=level, region_codes=list(codes),
                                headline=f"台风{level}预警", description="预计风力12级，雨量250毫米", polygon=polygon,
                                issuer_name="温岭市气象台", drill=drill, **kw)


@pytest.fixture
def platform(settings):
    """The broadcast platform and the cell-broadcast gateway (one local server)."""
    gw = FakeGateway()
    gw.thread.start()
    settings.YINGJI_BROADCAST_URL = gw.url + "/broadcast"
    settings.YINGJI_CELL_BROADCAST_URL = gw.url + "/cbc"
    settings.YINGJI_BROADCAST_FORMAT = "json"
    settings.YINGJI_DEVICES_MQTT_URL = ""
    settings.YINGJI_FAKE_GATEWAY = None
    yield gw
    gw.server.shutdown()
    gw.server.server_close()
