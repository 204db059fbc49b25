"""The zh-hans catalogue and the pages nobody links to: each translation said once,
the import instructions shown once (they were shown three times), and the demo's 404
page in Chinese rather than Django's English debug page."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

import yingji
from yingji.demo.management.commands.demo import Command as DemoCommand

from .crawl import parse, untranslated

CATALOGUE = Path(yingji.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"


def test_no_translation_says_a_sentence_twice():
    with open(CATALOGUE, "rb") as f:
        catalogue = gettext.GNUTranslations(f)._catalog
    repeated = {}
    for msgid, msgstr in catalogue.items():
        sentences = [s for s in re.split(r"(?<=[。！？])", msgstr) if len(s) >= 8]
        if len(sentences) != len(set(sentences)):
            repeated[msgid] = msgstr
    assert repeated == {}


@pytest.mark.django_db
def test_the_import_instructions_are_shown_once(wenling_officer):
    client = Client()
    client.force_login(wenling_officer.user)
    page = client.get("/enterprises/import/").content.decode()
    assert page.count("请上传带中文列名的 Excel") == 1


@pytest.mark.django_db
def test_a_missing_page_answers_in_chinese(wenling_officer, settings):
    settings.DEBUG = False  # what `yingji demo` serves (next test)
    client = Client()
    client.force_login(wenling_officer.user)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404 and "未找到" in page
    assert untranslated(parse(page).texts) == []


@pytest.mark.parametrize("asked, served", [(False, False), (True, True)])
def test_the_demo_serves_its_own_error_pages_unless_debug_was_asked_for(monkeypatch, settings, asked, served):
    settings.DEBUG, settings.DEMO_DEBUG = True, asked  # DEBUG defaults to on outside production
    seen = []
    monkeypatch.setattr(DemoCommand, "_run", lambda self, host, port: seen.append(django_settings.DEBUG))
    DemoCommand()._serve("127.0.0.1", 8000)
    assert seen == [served] and django_settings.DEBUG is True  # restored afterwards
