"""The hazard's timeline (处置记录) in words a Chinese reader knows: the step by its
name, the states by theirs, people by their names and the system as 系统, where the
page once showed `register`, `start（registered → rectifying）` and account names."""

import re

from django.test import Client

from yingji.hazards import services
from yingji.hazards.models import HazardEvent

from ..web.crawl import parse, untranslated


def _timeline(page: str) -> list[str]:
    section = page[page.index("处置记录"):]
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", section, re.S)]


def test_the_timeline_names_the_steps_states_and_people(general, wenling_officer, enterprise_user):
    services.hazard_start(by=enterprise_user.user, hazard=general)
    client = Client()
    client.force_login(wenling_officer.user)
    page = client.get(f"/hazards/{general.pk}/").content.decode()
    register, start = _timeline(page)
    assert register.endswith(f"{wenling_officer.name}：登记隐患")  # no state change on registering
    assert start.endswith(f"{enterprise_user.name}：开始整改（已登记 → 整改中）")
    assert untranslated(parse(page).texts) == []


def test_the_systems_own_steps_read_as_system(general):
    event = HazardEvent(hazard=general, actor=None, actor_name="system", action="accept",
                        from_state="submitted", to_state="closed")
    assert (event.actor_label(), event.action_label(), event.from_state_label(), event.to_state_label()) == (
        "系统", "验收销号", "已提交验收", "已销号")
