"""The one real browser of the tests: Debian's Chromium through Playwright, and the
login every browser test starts with. Test modules import `page` (a fixture),
`sync_api` and `log_in` from here.

Every page a test opens must work under the site's Content-Security-Policy: the fixture
fails the test on any violation the browser reports (`csp_violations(page)` reads them)."""

import os

import pytest

from .conftest import in_ci, missing_prerequisite

# Playwright's sync API runs an event loop in this thread; the ORM calls made here
# (fixtures) are still plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

try:
    from playwright import sync_api
except ImportError:
    if in_ci():
        raise  # CI installs the test dependencies: a missing Playwright is an error, not a skip
    pytest.skip("Playwright is not installed (make setup-test)", allow_module_level=True)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def page():
    if not os.path.exists(CHROMIUM):
        missing_prerequisite(f"Debian's Chromium is not installed at {CHROMIUM} (make browser)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # An officer's browser in a Chinese office asks for Chinese.
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        errors, outside, refused = [], [], []
        page.add_init_script(RECORD_VIOLATIONS)

        def console(m):
            print("console:", m.type, m.text)
            if m.text.startswith("Refused to"):  # how Chromium logs what the CSP blocked
                refused.append(m.text)
        page.on("console", console)
        page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
        # Anything that tries to leave the live server fails the test, not just slows it.
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://localhost",
                                                                                    "data:")) else None)
        yield page
        violations = refused + csp_violations(page)
        browser.close()
        # No script error, nothing fetched from outside (said in full: a fixture's assert is not rewritten).
        assert not errors and not outside, f"script errors: {errors}; requests outside: {outside}"
        assert violations == []  # everything ran under the Content-Security-Policy


# Runs in every document before its own scripts (Playwright injects it past the CSP).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || ""));
});
"""


def csp_violations(page) -> list[str]:
    """What the CSP blocked in the current document (securitypolicyviolation events)."""
    try:
        return page.evaluate("window.__cspViolations || []")
    except sync_api.Error:  # the page is gone (closed or navigating): nothing to read
        return []


def log_in(page, live_server, person) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", person.user.username)
    page.fill("#id_password", "pw")
    page.click("button[type=submit].primary")
    sync_api.expect(page).to_have_url(f"{live_server.url}/")
