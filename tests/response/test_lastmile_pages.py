"""The last-mile pages: the registry with each device's last state, scoped to the
officer's county; a warning's delivery summary per channel; the "send to villages"
form (field errors shown, nothing sent; the chosen village sent); data as text."""

import pytest
from django.test import Client

from yingji.messaging.models import Message
from yingji.response.models import LastMileDispatch, WarningDevice
from yingji.response.services import lastmile

from ..conftest import WENLING
from .lastmile_helpers import LINHAI_VILLAGE, WENLING_VILLAGE, issue, villages  # noqa: F401

pytestmark = pytest.mark.django_db


def client_for(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(person.user)
    return client


def test_the_registry_shows_the_officers_terminals_and_devices_with_their_last_state(wenling_officer, villages):
    lastmile.device_report(device_id="S-W1", report={"battery": 64, "fault": "<b>喇叭</b>损坏"})
    html = client_for(wenling_officer).get("/response/last-mile/").content.decode()
    assert "T-W1" in html and "T-W2" in html and "S-W1" in html
    assert "T-L1" not in html and "S-L1" not in html
    assert "64%" in html
    assert "&lt;b&gt;喇叭&lt;/b&gt;损坏" in html and "<b>喇叭</b>" not in html  # data as text


def test_the_warning_page_counts_each_channel(wenling_officer, villages):
    warning = issue(level="red", codes=[WENLING])
    lastmile.lastmile_tick()
    html = client_for(wenling_officer).get(f"/response/last-mile/warnings/{warning.pk}/").content.decode()
    assert 'data-channel="broadcast"' in html and 'data-target="T-W1"' in html
    assert "应急广播" in html


def test_a_linhai_warning_is_not_found_for_wenling(wenling_officer, villages):
    warning = issue(level="red", codes=["331082"])
    assert client_for(wenling_officer).get(f"/response/last-mile/warnings/{warning.pk}/").status_code == 404


def test_sending_to_a_village_from_the_page(wenling_officer, villages):
    warning = issue(level="yellow", codes=[WENLING])
    client = client_for(wenling_officer)
    r = client.post(f"/response/last-mile/warnings/{warning.pk}/", {"regions": [WENLING_VILLAGE],
                                                                     "channels": ["broadcast", "device"]})
    assert r.status_code == 302
    dispatch = LastMileDispatch.objects.get(kind="manual")
    assert dispatch.regions == [WENLING_VILLAGE]
    assert sorted(Message.objects.values_list("to", flat=True)) == ["L-W1", "S-W1", "T-W1"]


def test_the_form_refuses_a_village_outside_the_officers_choices(wenling_officer, villages):
    warning = issue(level="yellow", codes=["3310"])
    r = client_for(wenling_officer).post(f"/response/last-mile/warnings/{warning.pk}/",
                                         {"regions": [LINHAI_VILLAGE], "channels": ["broadcast"]})
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    assert not LastMileDispatch.objects.exists() and not Message.objects.exists()
    assert WarningDevice.objects.count() == 3
