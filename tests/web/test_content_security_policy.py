"""The Content-Security-Policy and the rules that let the pages live under it (issue 12,
item 1): every response carries the policy, nosniff and the referrer policy (a crawl of
the site as the province administrator), the templates hold no inline script, event
handler or style, and the site's scripts never write HTML. That the pages really work
under it is the browser tests' part (tests/browser.py fails on any violation)."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

import yingji
from yingji.alerts import services as alerts
from yingji.core.csp import content_security_policy, tile_origin
from yingji.enterprises.choices import RISK_COLOURS
from yingji.insurance import services as insurance
from yingji.insurance.policy_yaml import load_policy_file

from ..conftest import WENLING_TOWN
from ..factories import EnterpriseFactory
from ..insurance.conftest import POLICY_FILE

SRC = Path(yingji.__file__).parent
TEMPLATES = sorted(SRC.rglob("templates/**/*.html"))
SCRIPTS = sorted(p for p in SRC.rglob("static/**/*.js") if "vendor" not in p.parts)
MAX_PAGES = 120

DIRECTIVES = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
    "object-src": "'none'", "base-uri": "'self'", "frame-ancestors": "'none'", "form-action": "'self'",
}


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def crawl(client, start: str = "/") -> dict[str, object]:
    """GET every page of the site reachable by links from `start`, each path once (its
    first query string only: filters and pages of a list are the same template)."""
    seen, queue, responses = set(), [start], {}
    while queue and len(responses) < MAX_PAGES:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc or parts.path in seen or parts.path.startswith(("/admin/", "/logout/")):
            continue
        seen.add(parts.path)
        response = client.get(url)
        responses[url] = response
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            links = Links()
            links.feed(response.content.decode())
            queue += [urljoin(url, h).split("#")[0] for h in links.hrefs if not h.startswith(("#", "mailto:"))]
    return responses


@pytest.fixture
def some_of_everything(regions):
    """A record of each app, so that the crawl reaches their detail pages too."""
    EnterpriseFactory(region_id=WENLING_TOWN)
    alerts.warning_issue(by=None, type="rainstorm", level="red", region_codes=["331081"], headline="暴雨红色预警")
    insurance.policy_load(by=None, spec=load_policy_file(POLICY_FILE))


@pytest.mark.django_db
def test_every_page_carries_the_policy_nosniff_and_the_referrer_policy(some_of_everything, province_admin):
    client = Client()
    client.force_login(province_admin.user)
    responses = crawl(client)
    responses.update({path: client.get(path) for path in ("/api/docs", "/api/openapi.json", "/no-such-page/",
                                                          "/static/web/yingji.css")})
    responses.update({path: Client().get(path) for path in ("/login/", "/enterprises/")})  # anonymous
    html = [url for url, r in responses.items() if r["Content-Type"].startswith("text/html")]
    assert len(html) >= 30, html  # the crawl went round the site, not just the home page
    for prefix in ("/enterprises/", "/hazards/", "/warnings/", "/floods/", "/policies/", "/regions/"):
        assert any(urlsplit(u).path.startswith(prefix) for u in html), prefix
    for url, r in responses.items():
        assert r.status_code in (200, 302, 404), (url, r.status_code)
        assert directives(r["Content-Security-Policy"]) == DIRECTIVES, url
        assert r["X-Content-Type-Options"] == "nosniff", url
        assert r["Referrer-Policy"] == "same-origin", url


def test_the_policy_allows_no_inline_script_style_or_eval():
    policy = content_security_policy()
    assert "unsafe" not in policy and "*" not in policy and "http" not in policy
    assert directives(policy) == DIRECTIVES


@pytest.mark.parametrize(("url", "origin"), [
    ("https://tiles.intranet.example/{z}/{x}/{y}.png", "https://tiles.intranet.example"),
    ("http://{s}.tiles.example:8080/osm/{z}/{x}/{y}.png", "http://*.tiles.example:8080"),
    ("/tiles/{z}/{x}/{y}.png", None),  # this server: 'self'
    ("", None),
])
def test_the_tile_server_is_the_one_image_origin_added(url, origin):
    assert tile_origin(url) == origin
    expected = "'self' data:" + (f" {origin}" if origin else "")
    assert directives(content_security_policy(url))["img-src"] == expected


@pytest.mark.parametrize("url", ["https://tile{s}.example/{z}/{x}/{y}.png", "ftp://tiles.example/{z}.png"])
def test_a_tile_url_the_policy_cannot_name_refuses_to_start(url):
    with pytest.raises(ImproperlyConfigured, match="YINGJI_TILE_URL"):
        tile_origin(url)


@pytest.mark.django_db
def test_the_configured_tile_server_is_allowed_on_the_pages(settings, regions, wenling_officer):
    settings.YINGJI_TILE_URL = "https://{s}.tiles.intranet.example/{z}/{x}/{y}.png"
    client = Client()  # a new client loads the middleware with the setting
    client.force_login(wenling_officer.user)
    policy = directives(client.get("/")["Content-Security-Policy"])
    assert policy["img-src"] == "'self' data: https://*.tiles.intranet.example"


@pytest.mark.django_db
def test_the_api_docs_load_swagger_from_this_server(client, regions, wenling_officer):
    client.force_login(wenling_officer.user)
    page = client.get("/api/docs").content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources), sources
    for source in sources:
        assert source.startswith("/static/"), source  # no CDN: an intranet has no internet
        assert client.get(source).status_code == 200, source


# What the templates and scripts may not hold ------------------------------------------------

# A <script> element with content (an inline script); data blocks come from json_script.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(?!</script>)", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.IGNORECASE)
UNSAFE_TEMPLATE = re.compile(r"javascript:|\|\s*safe\b|autoescape\s+off|hx-on", re.IGNORECASE)
# Ways a script could put data into the page as HTML or run it as code.
HTML_SINKS = re.compile(r"\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|\beval\(|new Function",
                        re.IGNORECASE)


def test_the_scan_finds_what_it_looks_for():
    """The patterns catch what the templates held before (issue 12), so an empty result
    below means something."""
    assert (INLINE_SCRIPT.search("<script>alert(1)</script>")
            and not INLINE_SCRIPT.search('<script src="a.js"></script>'))
    assert EVENT_HANDLER.search('<form method="post"\n      onsubmit="return confirm()">')
    assert INLINE_STYLE.search('<span class="dot" style="background:#fff">') and INLINE_STYLE.search("<style>")
    assert not INLINE_STYLE.search('<svg class="swatch"><rect fill="#fff"/></svg>')
    assert UNSAFE_TEMPLATE.search('<a href="javascript:history.back()">') and UNSAFE_TEMPLATE.search("{{ x|safe }}")
    assert HTML_SINKS.search('box.innerHTML = "<h3>"') and not HTML_SINKS.search("el.textContent = s")
    assert len(TEMPLATES) >= 40 and len(SCRIPTS) >= 5


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, EVENT_HANDLER, INLINE_STYLE, UNSAFE_TEMPLATE],
                         ids=["inline script", "event handler", "inline style", "unsafe"])
def test_no_template_holds_inline_script_handlers_or_style(pattern):
    found = [f"{p.relative_to(SRC)}: {m.group(0)}" for p in TEMPLATES for m in pattern.finditer(p.read_text())]
    assert found == []


def test_no_script_of_the_site_writes_html_or_evaluates_code():
    found = [f"{p.relative_to(SRC)}: {m.group(0)}" for p in SCRIPTS for m in HTML_SINKS.finditer(p.read_text())]
    assert found == []


def test_no_python_marks_data_safe():
    """format_html escapes its arguments; mark_safe and SafeString would not."""
    found = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if re.search(r"mark_safe|SafeString", p.read_text())]
    assert found == []


def test_the_risk_grade_colours_of_the_css_are_the_register_s():
    """The home page's tiles take their colour from a class (no style attribute under the
    CSP): the stylesheet must say the same colours as enterprises.choices."""
    css = (SRC / "web/static/web/yingji.css").read_text()
    for grade, colour in RISK_COLOURS.items():
        assert re.search(rf"\.grade-{grade} {{ border-color: {colour}; }}", css), grade
