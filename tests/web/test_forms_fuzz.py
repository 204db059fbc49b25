"""No form input makes a 500: crawl the UI as a logged-in officer (and the public
acknowledgement page), find every form, and submit each field with hostile values
(huge and odd numbers, impossible dates, very long text, markup, formulas) while the
other fields keep their defaults. Any 5xx fails.

Bounded: at most MAX_PAGES pages are crawled and each form is posted once per field
and value, so the run takes a fixed number of requests whatever the data.
"""

import datetime as dt
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from yingji.alerts import services as alerts
from yingji.alerts.models import CallUpTarget
from yingji.hazards import services as hazards

from ..alerts.conftest import chain  # noqa: F401  (the call-up's people)
from ..conftest import WENLING

MAX_PAGES = 60
HOSTILE = ["1" + "0" * 22, "-1e400", "2026-07-01T24:00", "0001-01-01", "9999-12-31 23:59", "A" * 20_000,
           "<script>alert(1)</script>=HYPERLINK(\"http://x\")\u202e\ufffe"]
SKIP_ACTIONS = ("/logout/", "/i18n/")
SKIP_LINKS = ("/logout/", "/admin/", "/api/", "/static/", "/i18n/", "mailto:", "javascript:", "#")


class _Forms(HTMLParser):
    """The page's links and forms: (method, action, {name: default}, names of file fields)."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form, self._select = [], [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                          "fields": {}, "files": set()}
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self._form["files"].add(a["name"])
            elif kind not in ("submit", "button") and (kind not in ("checkbox", "radio") or "checked" in a):
                self._form["fields"][a["name"]] = a.get("value") or ""
            elif kind in ("checkbox", "radio"):
                self._form["fields"].setdefault(a["name"], "")
        elif tag in ("textarea", "select"):
            self._form["fields"][a["name"]] = ""
            self._select = a["name"] if tag == "select" else None
        elif tag == "option" and self._select and not self._form["fields"][self._select]:
            self._form["fields"][self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None


def _crawl(client, starts):
    seen, queue, forms = set(), list(starts), {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        r = client.get(url)
        assert r.status_code < 500, (url, r.status_code)
        if "text/html" not in r.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(r.content.decode())
        for href in parser.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if not parts.netloc and not href.startswith(SKIP_LINKS) and parts.path not in seen:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        for form in parser.forms:
            action = urljoin(url, form["action"]) or url
            if not action.startswith(SKIP_ACTIONS):
                forms.setdefault((form["method"], action, tuple(sorted(form["fields"]))), form)
    return seen, forms


def _submit_hostile(client, forms) -> tuple[int, list]:
    sent, failures = 0, []
    for (method, action, names), form in forms.items():
        for name in names:
            if name == "csrfmiddlewaretoken":
                continue
            for value in HOSTILE:
                data = {**form["fields"], name: value}
                r = client.post(action, data) if method == "post" else client.get(action, data)
                if r.status_code >= 500:
                    failures.append((method, action, name, value[:40], r.status_code))
                sent += 1
    return sent, failures


@pytest.fixture
def world(chain, province_admin, wenling_officer, wenling_enterprise, settings):  # noqa: F811
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    hazards.hazard_register(by=wenling_officer.user, enterprise_id=wenling_enterprise.pk, description="配电箱未接地",
                            deadline=dt.date(2026, 4, 1), found_on=dt.date(2026, 3, 1))
    warning = alerts.warning_issue(by=None, type="rainstorm", level="red", region_codes=[WENLING],
                                   headline="温岭暴雨红色预警")
    target = CallUpTarget.objects.get(callup=warning.callup, person=chain.village)
    alerts.acknowledge(target=target, channel="link")
    return {"ack": f"/ack/{alerts.ack_token(target)}"}


@pytest.mark.django_db
def test_no_form_field_gets_a_server_error(world, province_admin):
    client = Client(raise_request_exception=False)
    client.force_login(province_admin.user)
    pages, forms = _crawl(client, ["/", world["ack"], "/report/"])
    assert len(pages) > 10 and any(action.startswith("/ack/") for _, action, _ in forms)
    sent, failures = _submit_hostile(client, forms)
    assert sent > 0 and failures == []


@pytest.mark.django_db
def test_the_public_feedback_form_refuses_an_impossible_count(world):
    """10^22 people moved: a form error, not a 500 (the column holds 2^31)."""
    client = Client(raise_request_exception=False)
    r = client.post(world["ack"], {"text": "已转移", "people_moved": "1" + "0" * 22, "patrols": "0"})
    assert r.status_code == 200
    assert "people_moved" in r.context["form"].errors
    target = CallUpTarget.objects.get(pk=alerts.target_for_token(world["ack"].split("/")[-1]).pk)
    assert target.feedback.count() == 0


@pytest.mark.django_db
def test_a_value_out_of_range_that_a_form_let_through_is_a_400_page(wenling_officer, monkeypatch):
    """The net under the forms: what overflows a column or the calendar is the
    client's error, whichever view it reaches."""
    from yingji.web import selectors

    def overflowing(**kwargs):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(selectors, "risk_grade_counts", overflowing)
    client = Client(raise_request_exception=False)
    client.force_login(wenling_officer.user)
    r = client.get("/")
    assert r.status_code == 400 and "超出允许范围" in r.content.decode()
