"""Crawl the UI as one user, from the navigation: every page it reaches and every form
on those pages, and what a Chinese reader would find wrong there.

Shared by the fast crawl (Django's test client, tests/web/test_crawl.py) and the real
browser's (tests/web/test_crawl_browser.py): the pages are discovered, never listed, so
a page another change adds to the navigation is crawled the day it appears.

Untranslated text: in a zh-hans page, a visible word of two or more ASCII letters that
is not a known acronym, unit or product name (ALLOWED) is English a reader should not
meet. Text a page marks as not for translation is left alone, as the HTML standard
says: inside `translate="no"`, an element in another language (`lang="en"`), and code
(`code`, `kbd`, `samp`, `pre`), scripts and styles.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.urls import Resolver404, resolve

# Acronyms, units and product names that Chinese pages use as they are.
ALLOWED = frozenset("""
    API CAP CAS USCC CSV PDF PNG JPG JPEG SMS ID URL HTTP HTTPS UTC CMA WMO MQTT JSON YAML XML HTML GB AQ
    DEM GIS GPS LISFLOOD FP QR OK TXT DOC DOCX XLS XLSX GDP PM AM GIF HEIC MB KB PPT PPTX ODT ODS ODP
    Excel WPS Word PowerPoint Office WebP Leaflet ECharts OpenStreetMap Yingji htmx ESRI ASCII GeoTIFF WGS WKT
    mm km hPa kPa MPa kg kW kWh ha cm
""".split())
ALLOWED_LOWER = frozenset({"xlsx", "csv", "pdf", "png", "jpg", "jpeg", "txt", "docx", "xls", "doc", "asc", "gz",
                           "tif", "tiff"})

SKIPPED_TAGS = frozenset({"script", "style", "template", "code", "kbd", "samp", "pre", "noscript", "textarea"})
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                       "track", "wbr"})
TEXT_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
_CHUNK = re.compile(r"[\x21-\x7e]+")  # runs of printable ASCII; CJK text and spaces end them
_LETTERS = re.compile(r"[A-Za-z]+")
_DATE_FORMAT = re.compile(r"^[YMDHms]+([-/:][YMDHms]+)*$")  # YYYY-MM-DD, the notation of a date
# The project's bilingual messages, "中文 / English" (errors name field and reason in both
# languages): the English half after a Chinese one is the translation, not a leftover. It may
# start with the name of a place or unit, which stays Chinese ("/ 临海市 (331082) is outside ...").
_ENGLISH_HALF = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) / [^A-Za-z/\n]{0,40}?[A-Za-z][^\u3400-\u9fff]*")


def untranslated(texts) -> list[str]:
    """The English words in these visible texts, each once, in the order met."""
    found: dict[str, None] = {}
    for text in texts:
        for chunk in _CHUNK.findall(_ENGLISH_HALF.sub("", text)):
            chunk = chunk.strip("()[]{}<>,.;:!?'\"`*·|")
            if not chunk or any(c.isdigit() for c in chunk) or "@" in chunk or "://" in chunk:
                continue  # numbers and codes (W1, 1909, 0571-8780…), addresses, links
            if chunk.startswith("/") or _DATE_FORMAT.match(chunk):
                continue  # a path shown as such, the notation of a date
            for word in _LETTERS.findall(chunk):
                if len(word) >= 2 and word not in ALLOWED and word not in ALLOWED_LOWER:
                    found.setdefault(word if word in chunk.split() else chunk, None)
    return list(found)


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str]]
    has_visible_fields: bool


@dataclass
class ParsedPage:
    texts: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    nav_links: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)


class _PageParser(HTMLParser):
    """Visible text, links (those of the navigation apart) and forms of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, skipped, in nav)
        self.form: Form | None = None
        self.select: tuple[str, str | None, str | None] | None = None  # name, first, selected

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    @property
    def in_nav(self) -> bool:
        return bool(self.stack) and self.stack[-1][2]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        lang = a.get("lang")
        skipped = (self.skipping or tag in SKIPPED_TAGS or a.get("translate") == "no"
                   or (lang is not None and not lang.lower().startswith("zh")))
        classes = (a.get("class") or "").split()
        nav = self.in_nav or (tag == "nav" and "mainnav" in classes) or (tag == "div" and "session" in classes)
        if not skipped:
            self.page.texts += [a[k] for k in TEXT_ATTRIBUTES if a.get(k)]
            if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
                self.page.texts.append(a["value"])
        if tag == "a" and a.get("href"):
            (self.page.nav_links if nav else self.page.links).append(a["href"])
        self._form_tag(tag, a)
        if tag not in VOID_TAGS:
            self.stack.append((tag, skipped, nav))

    def _form_tag(self, tag, a):
        if tag == "form":
            self.form = Form((a.get("method") or "get").lower(), a.get("action") or "", [], False)
            self.page.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields.append((a["name"], a.get("value") or "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.form.fields.append((a["name"], a.get("value") or ""))
            self.form.has_visible_fields |= kind != "hidden"
        elif tag == "textarea" and a.get("name"):
            self.form.fields.append((a["name"], ""))
            self.form.has_visible_fields = True
        elif tag == "select" and a.get("name"):
            self.select = (a["name"], None, None)
            self.form.has_visible_fields = True
        elif tag == "option" and self.select is not None:
            name, first, chosen = self.select
            value = a.get("value", "")
            self.select = (name, value if first is None else first, value if "selected" in a else chosen)

    def handle_endtag(self, tag):
        if tag == "select" and self.select is not None and self.form is not None:
            name, first, chosen = self.select
            self.form.fields.append((name, chosen if chosen is not None else (first or "")))
            self.select = None
        if tag == "form":
            self.form = None
        for i in range(len(self.stack) - 1, -1, -1):  # tolerate unclosed tags (<p>, <li>)
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.page.texts.append(data.strip())


def parse(html: str) -> ParsedPage:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser.page


# -- Which addresses a crawl follows -------------------------------------------------------------

# Not pages of the UI: the API (its docs are Swagger's own English UI), Django's admin,
# the language switch, static and media files, and leaving the session.
NOT_CRAWLED = ("/api/", "/admin/", "/i18n/", "/static/", "/media/", "/logout/", "/login/")
PER_KIND = 2  # pages visited per kind of page (route and query keys): rows of one table are alike


def local_path(href: str, base: str) -> str | None:
    """The path and query of a link inside this site, or None (other sites, anchors)."""
    if href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    url = urlsplit(urljoin(base, href))
    if url.scheme not in ("", "http", "https") or (url.netloc and url.netloc != urlsplit(base).netloc):
        return None
    if url.path.startswith(NOT_CRAWLED):
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def kind_of(path: str) -> str:
    """Pages alike for the crawl: the same route with the same query keys."""
    url = urlsplit(path)
    try:
        name = resolve(url.path).view_name
    except Resolver404:
        name = url.path
    keys = sorted({k for k, _ in parse_qsl(url.query, keep_blank_values=True)} - {"page"})
    return f"{name}?{'&'.join(keys)}"


def form_target(form: Form, page_path: str) -> tuple[str, str, list[tuple[str, str]]] | None:
    """How to send a form as a person who changes nothing would: (method, path, data).

    GET forms (filters) are sent with what they show. A POST form is sent only when it
    posts back to its own page (a create, edit or import form): with its fields as
    shown and no button pressed, a new record's form is refused with messages, an edit
    form saves nothing new.
    Forms that post elsewhere are buttons that act (cancel, pay, revoke, log out) and are
    not pressed; the links and pages they lead to are crawled."""
    action = local_path(form.action or page_path, "http://testserver" + page_path)
    if action is None:
        return None
    if form.method == "get":
        fields = [(k, v) for k, v in form.fields]
        base = urlsplit(action).path
        return "get", base + ("?" + urlencode(fields) if fields else ""), []
    if urlsplit(action).path == urlsplit(page_path).path and form.has_visible_fields:
        return "post", action, [(k, v) for k, v in form.fields]
    return None


@dataclass
class Finding:
    path: str
    problem: str

    def __str__(self):
        return f"{self.path}: {self.problem}"


@dataclass
class CrawlLog:
    """What a crawl saw: the pages and forms it visited and what was wrong there."""
    visited: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    nav: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    kinds: Counter = field(default_factory=Counter)

    def add(self, path: str, problem: str) -> None:
        self.findings.append(Finding(path, problem))


def check_html(log: CrawlLog, path: str, html: str) -> ParsedPage:
    page = parse(html)
    words = untranslated(page.texts)
    if words:
        log.add(path, f"untranslated: {', '.join(words)}")
    return page


def crawl(client, start: str = "/") -> CrawlLog:
    """Crawl with Django's test client (logged in): breadth first from `start`, at most
    PER_KIND pages of each kind, every form of every page visited (see form_target)."""
    log = CrawlLog()
    queue: list[tuple[str, str]] = [(start, "start")]
    seen: set[str] = {start}
    form_kinds: Counter = Counter()

    def enqueue(href: str, base: str, source: str) -> None:
        path = local_path(href, "http://testserver" + base)
        if path is None or path in seen:
            return
        seen.add(path)
        queue.append((path, source))

    while queue:
        path, source = queue.pop(0)
        kind = kind_of(path)
        if log.kinds[kind] >= PER_KIND:
            continue
        log.kinds[kind] += 1
        response = client.get(path)
        log.visited.append(path)
        if response.status_code in (301, 302, 303):
            target = response["Location"]
            if urlsplit(target).path.startswith("/login/"):
                log.add(path, f"sends a logged-in user to the login page (linked from {source})")
            else:
                enqueue(target, path, f"redirect of {path}")
            continue
        if response.status_code != 200:
            log.add(path, f"answers {response.status_code} (linked from {source})")
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue  # a download (Excel, CSV, evidence): its answer is what is checked
        page = check_html(log, path, response.content.decode())
        if path == start:
            log.nav = [p for p in (local_path(h, "http://testserver/") for h in page.nav_links) if p]
        for href in page.nav_links + page.links:
            enqueue(href, path, path)
        for form in page.forms:
            target = form_target(form, path)
            if target is None:
                continue
            method, action, data = target
            if method == "get":
                enqueue(action, path, f"form on {path}")
                continue
            if form_kinds[kind_of(action)] >= PER_KIND:
                continue
            form_kinds[kind_of(action)] += 1
            log.forms.append(action)
            fields: dict[str, list[str]] = {}
            for k, v in data:
                fields.setdefault(k, []).append(v)
            answer = client.post(action, fields)
            if answer.status_code >= 500:
                log.add(action, f"form answers {answer.status_code}")
            elif answer.status_code in (301, 302, 303):
                enqueue(answer["Location"], action, f"form on {path}")
            elif answer.get("Content-Type", "").startswith("text/html"):
                check_html(log, f"{action} (form sent)", answer.content.decode())
    return log
