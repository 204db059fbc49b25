"""An acknowledgement link ends with its call-up (the warning lifted or expired): it
answers 410 with a page that says so in Chinese and English, and records nothing."""

import pytest
import time_machine
from django.test import Client

from yingji.alerts import services
from yingji.alerts.models import CallUpTarget

from ..conftest import WENLING
from .conftest import minutes

pytestmark = pytest.mark.django_db


def _link(warning, person) -> tuple[str, CallUpTarget]:
    target = CallUpTarget.objects.get(callup=warning.callup, person=person)
    return f"/ack/{services.ack_token(target)}", target


def _assert_ended(url: str, target: CallUpTarget) -> None:
    page = Client().get(url)
    assert page.status_code == 410
    text = page.content.decode()
    assert "叫应已结束" in text and "call-up has ended" in text
    assert Client().post(url).status_code == 410
    target.refresh_from_db()
    assert target.acknowledged_at is None


def test_a_link_of_a_lifted_warning_says_the_callup_has_ended(chain, province_admin):
    warning = services.warning_issue(by=None, type="rainstorm", level="red", region_codes=[WENLING],
                                     headline="温岭暴雨红色预警")
    url, target = _link(warning, chain.village)
    assert Client().get(url).status_code == 200  # the control: live while the call-up runs
    services.warning_cancel(by=province_admin.user, warning=warning)
    _assert_ended(url, target)


def test_a_link_of_an_expired_warning_says_the_callup_has_ended(chain):
    with time_machine.travel(minutes(0), tick=False) as traveller:
        warning = services.warning_issue(by=None, type="rainstorm", level="red", region_codes=[WENLING],
                                         headline="温岭暴雨红色预警", expires=minutes(60))
        url, target = _link(warning, chain.village)
        traveller.move_to(minutes(59))
        assert Client().get(url).status_code == 200
        traveller.move_to(minutes(60))
        _assert_ended(url, target)
