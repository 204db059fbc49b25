"""A real browser (Debian's Chromium through Playwright) on the hazard pages: the
ranking page draws its ECharts charts from the local copy, and the treatment plan
goes in through the htmx form."""

import datetime as dt

import pytest

from yingji.hazards import services
from yingji.hazards.models import Hazard, TreatmentPlan

from ..browser import log_in, page, sync_api  # noqa: F401  (the shared Chromium fixture)
from ..factories import EnterpriseFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_ranking_page_draws_both_charts(live_server, page, regions, wenling_officer):
    firm = EnterpriseFactory(region_id="331081001")
    Hazard.objects.create(number="B-1", enterprise=firm, region_id=firm.region_id, description="t",
                          found_on=dt.date(2026, 2, 3), deadline=dt.date(2026, 2, 13))
    log_in(page, live_server, wenling_officer)
    page.goto(f"{live_server.url}/hazards/ranking/?from=2026-01-01&to=2026-03-31")
    expect = sync_api.expect
    expect(page.locator("#chart-months canvas")).to_have_count(1)
    expect(page.locator("#chart-ranking canvas")).to_have_count(1)
    assert page.evaluate("echarts.getInstanceByDom(document.getElementById('chart-ranking'))"
                         ".getOption().series[0].data.length") == 17  # Wenling's townships
    assert page.evaluate("echarts.getInstanceByDom(document.getElementById('chart-months'))"
                         ".getOption().series[0].data") == [0, 1, 0]
    page.screenshot(path="/tmp/yingji-hazard-ranking.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_plan_goes_in_through_the_htmx_form(live_server, page, regions, wenling_officer, wenling_enterprise, today):
    hazard = services.hazard_register(by=wenling_officer.user, enterprise_id=wenling_enterprise.pk,
                                      description="有限空间作业未审批", level="major",
                                      deadline=today + dt.timedelta(days=30))
    services.hazard_report(by=wenling_officer.user, hazard=hazard)
    log_in(page, live_server, wenling_officer)
    page.goto(f"{live_server.url}/hazards/{hazard.pk}/")
    form = page.locator("#plan-form")
    form.locator("#id_goal").fill("消除风险")
    form.locator("button[value=plan]").click()  # incomplete: the browser itself asks for the rest
    assert page.evaluate("document.getElementById('id_measures').validity.valueMissing")
    assert Hazard.objects.get(pk=hazard.pk).state == "reported"
    for field, value in (("measures", "强制通风"), ("funds", "5000"), ("people", "安全科"),
                         ("safety_measures", "监护"), ("contingency_plan", "专项预案")):
        form.locator(f"#id_{field}").fill(value)
    form.locator("#id_deadline").fill((today + dt.timedelta(days=60)).isoformat())
    form.locator("button[value=plan]").click()
    sync_api.expect(page.locator("#plan-form")).to_have_count(0)  # HX-Redirect: the page of a planned hazard
    assert Hazard.objects.get(pk=hazard.pk).state == "planned"
    assert TreatmentPlan.objects.get(hazard=hazard).goal == "消除风险"
