"""A reader who chose English reads the accident pages in English: every label, heading,
sentence, form field and chart legend comes from the catalogue. What stays Chinese is
data: region names, and the domain's named classes (industries, GB 6441 accident
classes, grades, check targets, timer kinds), whose labels are Chinese in every app."""

import datetime as dt
import html
import re

import pytest
from django.test import Client

from yingji.accidents import services
from yingji.accidents.choices import GRADE_NAMES, AccidentKind, CheckTarget, Industry, TimerKind
from yingji.core.models import Region

from ..conftest import WENLING, WENLING_TOWN
from .conftest import ago, make_accident

pytestmark = pytest.mark.django_db

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _data_words(*names: str) -> list[str]:
    """Chinese that is data on these pages, longest first so that no part is left over."""
    words = {str(label) for choices in (Industry, AccidentKind, CheckTarget, TimerKind) for label in choices.labels}
    words |= set(GRADE_NAMES.values()) | {"简体中文", *names}  # the language switch names Chinese in Chinese
    for name, full in Region.objects.values_list("name", "full_name"):
        words |= {name, full or ""}
    return sorted((w for w in words if w), key=len, reverse=True)


def _chinese_left(page: str, words: list[str]) -> list[str]:
    text = html.unescape(page)
    for word in words:
        text = text.replace(word, "")
    return sorted({text[max(0, m.start() - 30):m.end() + 30] for m in _CJK.finditer(text)})


@pytest.fixture
def english(wenling_officer):
    client = Client()
    client.force_login(wenling_officer.user)
    client.cookies["django_language"] = "en"  # the reader chose English
    return client


def test_the_accident_pages_read_in_english(english, wenling_officer):
    by = wenling_officer.user
    accident = make_accident(by, region=WENLING_TOWN, when=ago(40), kind="fire", industry="light", deaths=1,
                             serious_injuries=2, direct_loss=120000, name="Acme Shoe Works")
    services.investigation_save(by=by, accident=accident, leader="Zhang", members="Li, Wang", cause="A spark")
    services.investigation_extend(by=by, accident=accident, days=30, reason="Expert report")
    services.check_record(by=by, accident=accident, target="regulator", outcome="Done",
                          checked_on=dt.date(2026, 1, 5))
    services.explanation_save(by=by, accident=accident, required=True, government_text="Sent",
                              government_received_on=dt.date(2026, 1, 6))
    services.remedial_create(by=by, accident=accident, region_code=WENLING, start=dt.date(2026, 1, 7),
                             scope_text="All shoe works", items=[{"text": "Check exits"}])
    # Past the 7-day window of a fire: recorded, not counted; the page says so in English.
    reply = english.post(f"/accidents/{accident.pk}/", {
        "action": "figures", "figures-deaths": "2", "figures-serious_injuries": "2",
        "figures-direct_loss": "120000", "figures-reason": "One more death"})
    assert reply.status_code == 200
    notice = reply.content.decode()
    assert "Past the late-report window" in notice and "超过补报期限" not in notice
    year = ago(40).year
    services.target_save(by=by, region_code=WENLING, year=year, max_accidents=9, max_deaths=3)

    # Data: the header names the reader; the first version's reason is written by the service ("初报").
    words = _data_words(wenling_officer.name, *accident.versions.values_list("reason", flat=True))
    pages = {
        "/accidents/": ["Register an accident", "Accident figures", "Control targets", "Occurred at",
                        "Acme Shoe Works"],
        f"/accidents/{accident.pk}/": ["Acme Shoe Works", "Versions of the figures (late reports within 7 days",
                                       "Accident investigation", "Investigation team leader", "Three checks",
                                       "Double explanation", "Remedial lessons", "Save as a new version",
                                       "(late report)", "Not concluded"],
        f"/accidents/figures/?region={WENLING}&start={year}-01-01&end={year}-12-31": [
            "accidents,", "Same period last year", "Monthly bulletin", 'data-accidents="Number of accidents"',
            'data-deaths="Number of deaths"', "Ranking by deaths, then accidents"],
        "/accidents/targets/": ["Work-safety accident control targets", "Set a target", "Target: accidents"],
        "/accidents/new/": ["Register an accident", "Place of the accident (region)", "Unified social credit code"],
    }
    missing, chinese = {}, {}
    for path, labels in pages.items():
        reply = english.get(path)
        assert reply.status_code == 200, path
        page = reply.content.decode()
        missing[path] = [label for label in labels if label not in page]
        chinese[path] = _chinese_left(page, words)
    assert missing == {path: [] for path in pages}
    assert chinese == {path: [] for path in pages}, chinese


def test_the_same_pages_still_read_in_chinese_by_default(wenling_officer):
    client = Client()
    client.force_login(wenling_officer.user)
    make_accident(wenling_officer.user, region=WENLING_TOWN, name="Acme Shoe Works")
    page = client.get("/accidents/").content.decode()
    assert "登记事故" in page and "事故统计" in page and "共 1 起" in page and "Register an accident" not in page
    page = client.get(f"/accidents/figures/?region={WENLING}").content.decode()
    assert 'data-accidents="事故起数"' in page and 'data-deaths="死亡人数"' in page
