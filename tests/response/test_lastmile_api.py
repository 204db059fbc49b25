"""The last mile's API: who sees and does what (declared as data for the isolation
tests), registering, sending to villages, the delivery summary, and validation
(every bad input a 4xx with the field, never a 500)."""

import pytest

from yingji.response.models import BroadcastTerminal, LastMileDispatch, WarningDevice
from yingji.response.services import lastmile

from ..access.isolation import IsolationCases
from ..conftest import LINHAI, WENLING
from .lastmile_helpers import LINHAI_VILLAGE, WENLING_VILLAGE, issue, villages  # noqa: F401

pytestmark = pytest.mark.django_db
BASE = "/api/response/last-mile"


@pytest.fixture
def linhai_things(villages):
    warning = issue(level="red", codes=[LINHAI])
    lastmile.lastmile_tick()
    return {"terminal": BroadcastTerminal.objects.get(terminal_id="T-L1"),
            "device": WarningDevice.objects.get(device_id="S-L1"), "warning": warning}


class TestLastMileIsolation(IsolationCases):
    lists = {
        f"GET {BASE}/terminals": [{}, {"region": LINHAI}, {"q": "T-L"}],
        f"GET {BASE}/devices": [{}, {"region": LINHAI}, {"kind": "siren"}],
        f"GET {BASE}/dispatches": [{}],
    }
    objects = {
        f"GET {BASE}/terminals/{{id}}": ("terminal", None),
        f"GET {BASE}/devices/{{id}}": ("device", None),
        f"GET {BASE}/warnings/{{id}}": ("warning", None),
    }
    creates = {
        f"POST {BASE}/terminals": (BroadcastTerminal, lambda home: {"terminal_id": "T-NEW", "name": "新终端",
                                                                    "region": LINHAI_VILLAGE}),
        f"POST {BASE}/devices": (WarningDevice, lambda home: {"device_id": "S-NEW", "kind": "siren", "name": "新警报器",
                                                              "region": LINHAI_VILLAGE}),
        f"POST {BASE}/sends": (LastMileDispatch, lambda home: {"warning_id": home["city_warning"].pk,
                                                               "regions": [LINHAI_VILLAGE]}),
    }

    @pytest.fixture
    def foreign(self, linhai_things):
        return linhai_things

    @pytest.fixture
    def home(self, wenling_officer, villages):
        # A warning over the whole city: the Wenling officer sees it, and may send it
        # to Wenling's villages only.
        return {"officer": wenling_officer, "city_warning": issue(level="yellow", codes=["3310"])}


def test_an_officer_registers_a_terminal_and_a_device_in_a_village(api_as, wenling_officer, villages):
    client = api_as(wenling_officer)
    r = client.post(f"{BASE}/terminals", {"terminal_id": "T-9", "name": "村委广播", "region": WENLING_VILLAGE,
                                          "endpoint_group": "G2"})
    assert r.status_code == 201, r.content
    assert (r.json()["region"], r.json()["state"]) == (WENLING_VILLAGE, "online")
    r = client.post(f"{BASE}/devices", {"device_id": "L-9", "kind": "light", "name": "路口警示灯",
                                        "region": WENLING_VILLAGE})
    assert r.status_code == 201, r.content
    assert r.json()["topic"] == "yingji/devices/L-9/cmd"


def test_another_countys_terminal_id_cannot_be_taken_over(api_as, wenling_officer, villages):
    r = api_as(wenling_officer).post(f"{BASE}/terminals", {"terminal_id": "T-L1", "name": "x",
                                                           "region": WENLING_VILLAGE})
    assert r.status_code == 400 and "terminal_id" in r.json()["error"]["fields"]
    assert BroadcastTerminal.objects.get(terminal_id="T-L1").region_id == LINHAI_VILLAGE


def test_a_viewer_cannot_register_or_send(api_as, wenling_viewer, villages):
    client = api_as(wenling_viewer)
    assert client.post(f"{BASE}/terminals", {"terminal_id": "T-9", "name": "x",
                                             "region": WENLING_VILLAGE}).status_code == 403
    warning = issue(level="red", codes=[WENLING])
    assert client.post(f"{BASE}/sends", {"warning_id": warning.pk, "regions": [WENLING_VILLAGE]}).status_code == 403


@pytest.mark.parametrize("path, body, field", [
    ("terminals", {"terminal_id": "a/b", "name": "x", "region": WENLING_VILLAGE}, "terminal_id"),
    ("terminals", {"terminal_id": "T-9", "name": "", "region": WENLING_VILLAGE}, "name"),
    ("terminals", {"terminal_id": "T-9", "name": "x", "region": "999999999999"}, "region"),
    ("terminals", {"terminal_id": "T-9", "name": "x", "region": WENLING_VILLAGE, "state": "lost"}, "state"),
    ("devices", {"device_id": "D-9", "kind": "drone", "name": "x", "region": WENLING_VILLAGE}, "kind"),
    ("devices", {"device_id": "D/#", "kind": "siren", "name": "x", "region": WENLING_VILLAGE}, "device_id"),
    ("sends", {"warning_id": 1, "regions": []}, "regions"),
    ("sends", {"warning_id": 99999999999999999999, "regions": [WENLING_VILLAGE]}, "warning_id"),
    ("sends", {"warning_id": "x", "regions": [WENLING_VILLAGE]}, "warning_id"),
])
def test_bad_input_is_refused_with_the_field(api_as, wenling_officer, villages, path, body, field):
    r = api_as(wenling_officer).post(f"{BASE}/{path}", body)
    assert r.status_code in (400, 422), r.content  # 422: the schema refused it, 400: the service
    assert field in r.json()["error"]["fields"], r.json()


def test_sending_an_unknown_channel_or_region_is_a_400(api_as, wenling_officer, villages):
    warning = issue(level="red", codes=[WENLING])
    client = api_as(wenling_officer)
    r = client.post(f"{BASE}/sends", {"warning_id": warning.pk, "regions": [WENLING_VILLAGE], "channels": ["fax"]})
    assert r.status_code == 400 and "channels" in r.json()["error"]["fields"]
    r = client.post(f"{BASE}/sends", {"warning_id": warning.pk, "regions": ["331081999999"]})
    assert r.status_code == 400 and "regions" in r.json()["error"]["fields"]
    assert client.get(f"{BASE}/warnings/99999999999999999999").status_code in (400, 404)
    assert client.get(f"{BASE}/dispatches", {"warning": "x"}).status_code == 422


def test_a_cancelled_warning_cannot_be_sent_by_hand(api_as, wenling_officer, villages):
    from yingji.alerts import services as alerts

    warning = alerts.warning_cancel(by=None, warning=issue(level="red", codes=[WENLING]))
    r = api_as(wenling_officer).post(f"{BASE}/sends", {"warning_id": warning.pk, "regions": [WENLING_VILLAGE]})
    assert r.status_code == 400 and "warning_id" in r.json()["error"]["fields"]


def test_the_summary_counts_each_channel_from_the_outbox(api_as, wenling_officer, taizhou_officer, villages):
    from yingji.messaging import services as messaging

    warning = issue(level="red", codes=["3310"])
    lastmile.lastmile_tick()
    sends = {s.target: s for s in lastmile.LastMileSend.objects.all()}
    # By hand: the gateway reported T-W1 delivered and T-L1 failed; S-W1 acknowledged.
    messaging.record_receipts([messaging.Receipt(sends["T-W1"].message_id, "delivered"),
                               messaging.Receipt(sends["T-L1"].message_id, "failed")])
    lastmile.device_report(device_id="S-W1", report={"ack": sends["S-W1"].message_id})
    city = api_as(taizhou_officer).get(f"{BASE}/warnings/{warning.pk}").json()
    # Taizhou: 3 terminals (1 delivered, 1 failed, 1 queued), 3 devices (1 acknowledged), 1 cell area.
    assert city["channels"]["broadcast"] == {"targets": 3, "pending": 1, "sent": 0, "delivered": 1, "failed": 1}
    assert city["channels"]["device"] == {"targets": 3, "pending": 2, "sent": 0, "delivered": 1, "failed": 0}
    assert city["channels"]["cell_broadcast"]["targets"] == 1
    # Wenling sees its own two terminals and two devices, not Linhai's nor the city's cell area.
    own = api_as(wenling_officer).get(f"{BASE}/warnings/{warning.pk}").json()
    assert own["channels"]["broadcast"] == {"targets": 2, "pending": 1, "sent": 0, "delivered": 1, "failed": 0}
    assert own["channels"]["device"]["targets"] == 2
    assert own["channels"]["cell_broadcast"]["targets"] == 0
    assert {t["target"] for t in own["targets"]} == {"T-W1", "T-W2", "S-W1", "L-W1"}


def test_an_enterprise_account_sees_no_terminal_or_device(api_as, enterprise_user, villages):
    client = api_as(enterprise_user)
    assert client.get(f"{BASE}/terminals").json()["items"] == []
    assert client.get(f"{BASE}/devices").json()["items"] == []
    terminal = BroadcastTerminal.objects.get(terminal_id="T-W1")
    assert client.get(f"{BASE}/terminals/{terminal.pk}").status_code == 404
