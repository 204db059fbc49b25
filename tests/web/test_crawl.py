"""The fast crawl: Django's test client logs in as each demo role, follows every link
from the navigation on (at most two pages of a kind), sends every form a person would
send unchanged, and fails on a 5xx, a link that answers 403/404 to that role, a
redirect to the login page, or English in the zh-hans pages (tests/web/crawl.py).

It runs on SQLite without Chromium, so CI's quick run catches what the browser crawl
(test_crawl_browser.py) does, scripts and the console apart."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from .crawl import crawl, parse
from .demo_data import USERNAMES, media_in, seed_everything


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), media_in(str(tmp_path_factory.mktemp("media"))), transaction.atomic():
        seed_everything()
        yield
        transaction.set_rollback(True)


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.mark.parametrize("username", USERNAMES)
def test_every_page_and_form_reachable_from_the_navigation_is_chinese_and_answers(demo, db, username):
    log = crawl(client_for(username))
    findings = [str(f) for f in log.findings]
    print("\n".join(findings))
    assert findings == []
    # The crawl really went round: the navigation's pages and more, and some forms.
    assert len(log.nav) >= 6 and set(log.nav) <= set(log.visited)
    assert len(log.visited) > 2 * len(log.nav) and log.forms


def navigation(username: str) -> list[str]:
    return parse(client_for(username).get("/").content.decode()).nav_links


def test_the_enterprise_user_is_not_offered_the_government_pages(demo, db):
    nav, officer_nav = navigation("demo-enterprise"), navigation("demo-wenling")
    assert "/enterprises/import/" in officer_nav and "/enterprises/import/" not in nav
    hazards = client_for("demo-enterprise").get("/hazards/").content.decode()
    for government_page in ("/hazards/ranking/", "/hazards/campaigns/", "/hazards/reports/"):
        assert f'href="{government_page}"' not in hazards
        assert government_page in client_for("demo-wenling").get("/hazards/").content.decode()
