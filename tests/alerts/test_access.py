"""Access by region for every alerts endpoint: a Wenling officer neither sees nor
changes a Linhai-only warning (404), cannot issue one for Linhai (403), and sees
only Wenling's part of a province-wide call-up."""

import datetime as dt

import pytest

from yingji.alerts import services
from yingji.alerts.models import CallUpTarget, Warning

from ..conftest import LINHAI, WENLING

pytestmark = pytest.mark.django_db

ACCESS_CHECKED = {
    "POST /api/warnings", "GET /api/warnings", "GET /api/warnings/{id}", "PATCH /api/warnings/{id}",
    "POST /api/warnings/{id}/cancel", "GET /api/warnings/{id}/cap", "GET /api/warnings/{id}/callup",
    "POST /api/callups/targets/{id}/acknowledge", "POST /api/callups/targets/{id}/feedback",
    "GET /api/callups/report", "GET /api/callups/report.xlsx", "GET /api/warnings/{id}/callup/villages",
}


def issue(codes, **kw):
    return services.warning_issue(by=None, type="rainstorm", level="red", region_codes=codes, headline="暴雨", **kw)


@pytest.fixture
def linhai_warning(chain):
    return issue([LINHAI])


@pytest.mark.parametrize("method,path,body", [
    ("get", "/api/warnings/{id}", None),
    ("patch", "/api/warnings/{id}", {"headline": "改"}),
    ("post", "/api/warnings/{id}/cancel", {}),
    ("get", "/api/warnings/{id}/cap", None),
    ("get", "/api/warnings/{id}/callup", None),
    ("get", "/api/warnings/{id}/callup/villages", None),
])
def test_another_countys_warning_is_not_found(api_as, wenling_officer, linhai_warning, method, path, body):
    client = api_as(wenling_officer)
    call = getattr(client, method)
    url = path.format(id=linhai_warning.pk)
    r = call(url, body) if body is not None else call(url)
    assert r.status_code == 404, r.content
    assert Warning.objects.get(pk=linhai_warning.pk).status == "active"


@pytest.mark.parametrize("path", ["/api/callups/targets/{id}/acknowledge", "/api/callups/targets/{id}/feedback"])
def test_another_countys_target_is_not_found(api_as, wenling_officer, linhai_warning, chain, path):
    target = CallUpTarget.objects.get(callup__warning=linhai_warning, person=chain.linhai)
    r = api_as(wenling_officer).post(path.format(id=target.pk), {"text": "已转移"})
    assert r.status_code == 404
    target.refresh_from_db()
    assert target.acknowledged_at is None


def test_list_shows_own_and_enclosing_warnings_but_not_the_neighbours(api_as, wenling_officer, linhai_warning):
    own, province = issue([WENLING]), issue(["33"])
    ids = {w["id"] for w in api_as(wenling_officer).get("/api/warnings", {"page_size": 500}).json()["items"]}
    assert ids == {own.pk, province.pk}
    for params in ({"region": LINHAI}, {"region": "33"}):
        items = api_as(wenling_officer).get("/api/warnings", params).json()["items"]
        assert linhai_warning.pk not in {w["id"] for w in items}


def test_warning_for_another_county_cannot_be_issued(api_as, wenling_officer, regions):
    for regions_ in ([LINHAI], [WENLING, LINHAI]):
        r = api_as(wenling_officer).post("/api/warnings", {"type": "rainstorm", "level": "red", "regions": regions_,
                                                           "headline": "越界"})
        assert r.status_code == 403
    assert Warning.objects.count() == 0


def test_county_officer_cannot_cancel_a_province_wide_warning(api_as, wenling_officer, chain):
    province = issue(["33"])
    assert api_as(wenling_officer).post(f"/api/warnings/{province.pk}/cancel", {}).status_code == 403


def test_board_of_a_province_wide_warning_shows_only_own_targets(api_as, wenling_officer, province_admin, chain):
    province = issue(["33"])
    mine = api_as(wenling_officer).get(f"/api/warnings/{province.pk}/callup").json()
    everyone = api_as(province_admin).get(f"/api/warnings/{province.pk}/callup").json()
    assert (mine["targets"], everyone["targets"]) == (4, 5)  # the Wenling chain; plus the Linhai chief


def test_viewer_cannot_issue_or_cancel(api_as, wenling_viewer, chain):
    own = issue([WENLING])
    client = api_as(wenling_viewer)
    assert client.post("/api/warnings", {"type": "rainstorm", "level": "red", "regions": [WENLING],
                                         "headline": "x"}).status_code == 403
    assert client.post(f"/api/warnings/{own.pk}/cancel", {}).status_code == 403


def test_called_person_acknowledges_own_target_but_not_anothers(api_as, chain):
    from ..factories import UserFactory

    chain.village.user = UserFactory(username="village-chief")
    chain.village.save()
    warning = issue([WENLING])
    own = CallUpTarget.objects.get(callup=warning.callup, person=chain.village)
    below = CallUpTarget.objects.get(callup=warning.callup, person=chain.grid)
    client = api_as(chain.village)
    assert client.post(f"/api/callups/targets/{own.pk}/acknowledge", {}).status_code == 200
    assert client.post(f"/api/callups/targets/{below.pk}/acknowledge", {}).status_code == 403


@pytest.mark.parametrize("path", ["/api/callups/report", "/api/callups/report.xlsx"])
@pytest.mark.parametrize("region", [LINHAI, "33", "999999"])
def test_a_report_outside_ones_county_is_not_found(api_as, wenling_officer, chain, path, region):
    issue([LINHAI])
    r = api_as(wenling_officer).get(path, {"region": region, "month": "2026-07"})
    assert r.status_code == 404


def test_a_report_of_ones_county_counts_only_its_people(api_as, wenling_officer, chain):
    """A province-wide call-up: the Wenling report lists the four Wenling duty holders
    and not the Linhai village chief."""
    issue(["33"], now=dt.datetime(2026, 7, 2, tzinfo=dt.UTC))
    r = api_as(wenling_officer).get("/api/callups/report", {"region": WENLING, "month": "2026-07"})
    assert r.status_code == 200
    ids = {p["person_id"] for p in r.json()["persons"]}
    assert chain.linhai.pk not in ids and ids == {chain.county.pk, chain.township.pk, chain.village.pk, chain.grid.pk}
