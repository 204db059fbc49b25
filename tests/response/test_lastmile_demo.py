"""The last-mile demo: every Taizhou demo village has a broadcast terminal, the
coastal ones a siren and a light; the typhoon drill (orange, raised to red) was
handed to all of them twice, and all devices but one acknowledged the first command."""

import pytest

from yingji.demo import data
from yingji.demo.seed import seed_demo
from yingji.messaging.models import Message
from yingji.response.demo_lastmile import COASTAL, seed_lastmile_demo
from yingji.response.models import BroadcastTerminal, LastMileDispatch, WarningDevice

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(regions, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_demo()
    return seed_lastmile_demo()


def test_every_demo_village_has_a_terminal_and_the_coastal_ones_sirens_and_lights(demo):
    villages = {f"{township}{200 + i:03d}" for township, names in data.TOWNSHIP_CHAINS.items()
                for i in range(1, len(names) + 1)}
    assert set(BroadcastTerminal.objects.values_list("region_id", flat=True)) == villages
    coastal = {v for v in villages if v.startswith(COASTAL)}
    for kind in ("siren", "light"):
        assert set(WarningDevice.objects.filter(kind=kind).values_list("region_id", flat=True)) == coastal


def test_the_drill_went_to_every_terminal_and_device_twice(demo):
    dispatches = list(LastMileDispatch.objects.order_by("version"))
    assert [(d.kind, d.level) for d in dispatches] == [("warning", "orange"), ("upgrade", "red")]
    terminals, devices = BroadcastTerminal.objects.count(), WarningDevice.objects.count()
    for d in dispatches:
        messages = Message.objects.filter(context__lastmile_dispatch=d.pk)
        assert messages.filter(channel="broadcast").count() == terminals
        assert messages.filter(channel="device").count() == devices
        assert messages.filter(channel="cell_broadcast").count() == 1
        assert all(m.text.startswith("【演练】") for m in messages)
    assert WarningDevice.objects.filter(last_ack_id__isnull=False).count() == devices - 1
    assert demo.counts["acknowledged"] == devices - 1


def test_seeding_twice_changes_nothing(demo):
    before = Message.objects.count()
    assert not seed_lastmile_demo().created
    assert Message.objects.count() == before
