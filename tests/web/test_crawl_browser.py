"""The browser crawl: Chromium logs in as each demo role (the whole demo seeded, see
demo_data.py), visits every page reachable from the navigation (one page of each kind)
and sends every form a person would send unchanged, and fails on a console error, a
failed request, a 5xx, a link or resource that answers 403/404 to that role, or English
in what the page shows (the same rule as the fast crawl, tests/web/crawl.py, applied to
the text the browser renders: scripts' text included, hidden elements left out).

The shared fixture (tests/browser.py) also fails it on a script error, a request that
leaves the server, and anything the Content-Security-Policy blocked."""

from urllib.parse import urlsplit

import pytest

from ..browser import page, sync_api  # noqa: F401  (the shared Chromium fixture)
from .crawl import CrawlLog, Form, form_target, kind_of, local_path, untranslated
from .demo_data import FAST_HASHER, PASSWORD, USERNAMES, media_in, seed_everything

PER_KIND = 1  # the fast crawl visits two of each kind; the browser adds scripts, not kinds

# The text a person sees: visible text nodes and the labels of visible elements, minus
# what the page marks as not for translation (translate="no", another lang, code).
VISIBLE_TEXT = """() => {
  const SKIP = new Set(["SCRIPT", "STYLE", "TEMPLATE", "CODE", "KBD", "SAMP", "PRE", "NOSCRIPT", "TEXTAREA"]);
  const skipped = (el) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      if (SKIP.has(e.tagName) || e.getAttribute("translate") === "no") return true;
      const lang = e.getAttribute("lang");
      if (lang !== null && !lang.toLowerCase().startsWith("zh")) return true;
    }
    return false;
  };
  if (!document.body) return null;  // a document the form's answer is still replacing
  const shown = (el) => !el.checkVisibility || el.checkVisibility();
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.nodeValue.trim();
    if (t && n.parentElement && !skipped(n.parentElement) && shown(n.parentElement)) texts.push(t);
  }
  for (const el of document.querySelectorAll("[title], [placeholder], [aria-label], [alt], input[value]")) {
    if (skipped(el) || !shown(el)) continue;
    for (const a of ["title", "placeholder", "aria-label", "alt"]) {
      if (el.getAttribute(a)) texts.push(el.getAttribute(a));
    }
    if (el.tagName === "INPUT" && (el.type === "submit" || el.type === "button") && el.value) texts.push(el.value);
  }
  return texts;
}"""
LINKS = """() => Array.from(document.querySelectorAll("a[href]"),
  (a) => [a.getAttribute("href"), !!a.closest("nav.mainnav, .session")])"""
FORMS = """() => Array.from(document.forms, (f) => ({
  method: (f.getAttribute("method") || "get").toLowerCase(), action: f.getAttribute("action") || "",
  fields: Array.from(new FormData(f)).filter(([k, v]) => typeof v === "string"),
  visible: Array.from(f.elements).some((e) => !["hidden", "submit", "button", "reset"].includes(e.type)
                                             && e.tagName !== "BUTTON" && e.tagName !== "FIELDSET")}))"""
SUBMIT = """(i) => { const f = document.forms[i]; f.noValidate = true; f.requestSubmit(); }"""


class BrowserCrawl:
    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.log = CrawlLog()
        self.current = ""
        page.on("console", self._console)
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _request_failed(self, request) -> None:
        # A script's fetch that the crawl's next navigation cancels (the region picker loads
        # its first level after the page) was never answered, so nothing failed; every
        # answer that does come is checked in _response.
        if request.failure == "net::ERR_ABORTED" and request.resource_type in ("fetch", "xhr"):
            return
        self.log.add(self.current, f"request failed: {request.url} {request.failure}")

    def _console(self, message) -> None:
        # Chromium also logs each 4xx/5xx answer as "Failed to load resource": those are
        # judged by _response (a form refused with its reasons answers 400, as it should).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.log.add(self.current, f"console error: {message.text}")

    def _response(self, response) -> None:
        if response.status >= 400 and response.request.method == "GET":
            self.log.add(self.current, f"{urlsplit(response.url).path} answers {response.status}")
        elif response.status >= 500:
            self.log.add(self.current, f"{response.request.method} {urlsplit(response.url).path} answers "
                                       f"{response.status}")

    def log_in(self, username: str) -> None:
        self.page.context.clear_cookies()
        self.page.goto(f"{self.base}/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit].primary")
        sync_api.expect(self.page).to_have_url(f"{self.base}/")

    def run(self) -> CrawlLog:
        queue, seen, form_kinds = ["/"], {"/"}, set()
        while queue:
            path = queue.pop(0)
            if self.log.kinds[kind_of(path)] >= PER_KIND:
                continue
            self.log.kinds[kind_of(path)] += 1
            if not self.visit(path):
                continue
            for href, in_nav in self.read(LINKS):
                target = local_path(href, self.base + path)
                if in_nav and path == "/" and target:
                    self.log.nav.append(target)
                if target and target not in seen:
                    seen.add(target)
                    queue.append(target)
            for i, f in enumerate(self.read(FORMS)):
                target = form_target(Form(f["method"], f["action"], [tuple(x) for x in f["fields"]], f["visible"]),
                                     path)
                if target is None:
                    continue
                method, action, _ = target
                if method == "get" and action not in seen:
                    seen.add(action)
                    queue.append(action)
                elif method == "post" and kind_of(action) not in form_kinds:
                    form_kinds.add(kind_of(action))
                    self.send(path, i)
                    self.visit(path)  # back to the page for its other forms
        return self.log

    def visit(self, path: str) -> bool:
        """Open a page; False for a download or an error answer (already logged)."""
        self.current = path
        self.log.visited.append(path)
        try:
            response = self.page.goto(self.base + path, wait_until="load")
        except sync_api.Error as exc:
            if "Download is starting" not in str(exc):
                self.log.add(path, f"could not be opened: {exc}")
                return False
            # A download (Excel, CSV): the browser leaves the page and saves it instead,
            # aborting the navigation; what is checked is its answer.
            url = self.base + path
            self.log.findings = [f for f in self.log.findings if f.problem != f"request failed: {url} net::ERR_ABORTED"]
            answer = self.page.request.get(url)
            if answer.status != 200:
                self.log.add(path, f"download answers {answer.status}")
            return False
        if response is None or response.status >= 400:
            return False
        if urlsplit(self.page.url).path.startswith("/login/"):
            self.log.add(path, "sends a logged-in user to the login page")
            return False
        self.settle()
        self.check_text(path)
        return True

    def send(self, path: str, index: int) -> None:
        self.current = f"{path} (form sent)"
        self.log.forms.append(path)
        with self.page.expect_response(lambda r: r.request.method == "POST"):
            self.page.evaluate(SUBMIT, index)
        self.page.wait_for_load_state("load")
        self.settle()
        self.check_text(self.current)

    def read(self, script: str):
        """Run a reading script; a page that a form's answer is still replacing is read
        once it has loaded."""
        for _ in range(5):
            try:
                result = self.page.evaluate(script)
                if result is not None:
                    return result
            except sync_api.Error as exc:
                if "context was destroyed" not in str(exc):
                    raise
            self.page.wait_for_timeout(200)
            self.page.wait_for_load_state("load")
        return self.page.evaluate(script) or []

    def settle(self) -> None:
        try:
            self.page.wait_for_load_state("networkidle", timeout=5000)
        except sync_api.TimeoutError:
            pass  # a page that polls (the call-up board) is never idle for long

    def check_text(self, where: str) -> None:
        words = untranslated(self.read(VISIBLE_TEXT))
        if words:
            self.log.add(where, f"untranslated: {', '.join(words)}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_each_demo_role_crawls_the_ui_in_chromium_without_an_error_or_english(live_server, page, regions,  # noqa: F811
                                                                               tmp_path, settings):
    settings.PASSWORD_HASHERS = FAST_HASHER  # the seed's passwords, checked at each login
    crawler, summary = BrowserCrawl(page, live_server.url), {}
    with media_in(str(tmp_path)):
        seed_everything()
        for username in USERNAMES:
            crawler.log_in(username)
            before = len(crawler.log.visited)
            crawler.log.kinds.clear()
            crawler.log.nav = []
            crawler.run()
            summary[username] = (len(crawler.log.visited) - before, list(crawler.log.nav))
    print(summary)
    findings = [str(f) for f in crawler.log.findings]
    print("\n".join(findings))
    assert findings == []
    for username, (pages, nav) in summary.items():
        assert len(nav) >= 6 and pages > 2 * len(nav), username  # it really went round
