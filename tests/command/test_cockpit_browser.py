"""The cockpit and the home page in a real browser (Chromium), for each kind of login the
demo has (province admin, city and county officers, the enterprise safety officer) and
for a duty officer on shift and a county chief: no script error, no failed request,
nothing from outside, everything under the CSP (the shared fixture checks those). Then
the counters change in place after the data changes: the page fetches /api/cockpit
again on its timer (the browser's clock is run forward), without reloading."""

import pytest

from yingji.alerts.models import CallUpTarget

from ..browser import log_in, page, sync_api  # noqa: F401  (the shared Chromium fixture)
from ..conftest import TAIZHOU, WENLING
from ..factories import PersonFactory, UserFactory
from .cockpit_fixtures import callups, chief, orders, roster, warnings  # noqa: F401

pytestmark = pytest.mark.browser

BIG_SCREEN = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1366, "height": 768}


def _person(username, region, role, **kw):
    return PersonFactory(user=UserFactory(username=username), region_id=region, role=role, **kw)


def _watch(page):  # noqa: F811
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    return failed


def _fits(page, width):  # noqa: F811
    page.wait_for_function(f"document.documentElement.scrollWidth <= {width}", timeout=5000)


def _fetched(page):  # noqa: F811
    """Wait for the cockpit's first fetch to have put its figures in."""
    sync_api.expect(page.locator("#cockpit[data-updated]")).to_have_count(1)


@pytest.mark.django_db(transaction=True)
def test_cockpit_and_home_render_for_every_role(live_server, page, regions, callups, orders,  # noqa: F811
                                                roster, enterprise_user):
    failed = _watch(page)
    people = [
        _person("b-province", "33", "admin"), _person("b-taizhou", TAIZHOU, "officer"),
        _person("b-wenling", WENLING, "officer"), enterprise_user, roster["今日值班员"],
        chief(WENLING, "county_flood_chief", "b-chief"),
    ]
    for person in people:
        page.context.clear_cookies()
        page.set_viewport_size(LAPTOP)
        log_in(page, live_server, person)
        sync_api.expect(page.locator("main h1")).to_be_visible()
        assert page.locator(".home-panel").count() >= (0 if person.role == "admin" else 1)
        _fits(page, LAPTOP["width"])
        page.goto(f"{live_server.url}/cockpit/")
        _fetched(page)
        _fits(page, LAPTOP["width"])
        page.set_viewport_size(BIG_SCREEN)
        _fits(page, BIG_SCREEN["width"])
        assert page.locator(".ck-chart canvas").count() >= 2  # ECharts drew the panels
    assert failed == []


@pytest.mark.django_db(transaction=True)
def test_the_counters_follow_the_data_without_reloading(live_server, page, regions, callups):  # noqa: F811
    failed = _watch(page)
    officer = _person("b-wenling", WENLING, "officer")
    page.set_viewport_size(BIG_SCREEN)
    log_in(page, live_server, officer)
    page.clock.install()
    page.goto(f"{live_server.url}/cockpit/")
    _fetched(page)
    unanswered = page.locator(".ck-counters [data-k='callups.unanswered']")
    sync_api.expect(unanswered).to_have_text("2")
    page.evaluate("window.__notReloaded = true")
    # The calling Wenling target answers.
    CallUpTarget.objects.filter(callup=callups, state="calling", kind="duty").update(state="acknowledged")
    page.clock.run_for(21_000)  # past the 20-second refresh
    sync_api.expect(unanswered).to_have_text("1")
    sync_api.expect(page.locator(".ck-figures [data-k='callups.answered']")).to_have_text("3")
    assert page.evaluate("window.__notReloaded") is True
    assert failed == []
