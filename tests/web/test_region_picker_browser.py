"""The region picker in a real browser (Chromium): an officer picks a township through
the cascading selects and by pinyin initials and saves; a citizen on a phone-sized
screen picks city, county and township on the public report form and sends it. The
shared fixture fails on any script error or Content-Security-Policy violation."""

import pytest

from yingji.enterprises.models import Enterprise
from yingji.hazards.models import PublicReport

from ..browser import log_in, page, sync_api  # noqa: F401  (the shared Chromium fixture)
from ..conftest import WENLING_TOWN
from ..factories import EnterpriseFactory

CHENGXI, DAXI = "331081003", "331081101"  # 温岭市城西街道, 温岭市大溪镇
PHONE = {"width": 375, "height": 740}


def _level(page, depth: int, label: str):  # noqa: F811
    """The select of `depth` once it offers `label`."""
    select = page.locator(f"select.regionpicker-level[data-depth='{depth}']")
    select.locator("option", has_text=label).first.wait_for(state="attached")
    return select


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_picks_a_township_level_by_level_and_by_initials(live_server, page, wenling_officer):  # noqa: F811
    enterprise = EnterpriseFactory(region_id=WENLING_TOWN, name="选择测试有限公司")
    expect = sync_api.expect
    EnterpriseFactory(region_id=CHENGXI, name="城西测试有限公司")
    log_in(page, live_server, wenling_officer)
    edit = f"{live_server.url}/enterprises/{enterprise.id}/edit/"

    page.goto(f"{live_server.url}/enterprises/")  # the list's filter: htmx on change
    expect(page.locator("#results tbody tr")).to_have_count(2)
    _level(page, 0, "城西街道").select_option(label="城西街道")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results tbody")).to_contain_text("城西测试有限公司")
    assert "region=" in page.url

    page.goto(edit)
    box = page.locator("#id_region")
    expect(box).to_have_value("温岭市太平街道")
    _level(page, 0, "城西街道").select_option(label="城西街道")  # Wenling's townships: the officer's scope
    expect(box).to_have_value("温岭市城西街道")
    page.click("button[type=submit].primary")
    expect(page).to_have_url(f"{live_server.url}/enterprises/{enterprise.id}/")
    assert Enterprise.objects.get(pk=enterprise.pk).region_id == CHENGXI

    page.goto(edit)
    box.fill("dxz")  # 大溪镇's pinyin initials
    option = page.locator(".regionpicker-results li[role=option]", has_text="温岭市大溪镇")
    expect(option).to_be_visible()
    expect(page.locator(".regionpicker-results li", has_text="临海")).to_have_count(0)
    option.click()
    expect(box).to_have_value("温岭市大溪镇")
    page.click("button[type=submit].primary")
    expect(page).to_have_url(f"{live_server.url}/enterprises/{enterprise.id}/")
    assert Enterprise.objects.get(pk=enterprise.pk).region_id == DAXI


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_citizen_on_a_phone_picks_the_place_of_a_report(live_server, page, regions):  # noqa: F811
    expect = sync_api.expect
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/report/")
    _level(page, 0, "台州市").select_option(label="台州市")
    _level(page, 1, "温岭市").select_option(label="温岭市")
    _level(page, 2, "大溪镇").select_option(label="大溪镇")
    expect(page.locator("#id_region")).to_have_value("浙江省台州市温岭市大溪镇")

    # Everything fits the phone's width: no sideways scrolling, each select inside the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for select in page.locator("select.regionpicker-level").all():
        box = select.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    page.fill("textarea[name=description]", "仓库堆放大量易燃物")
    page.click("main form button")
    expect(page.locator("[role=status]")).to_contain_text("举报已收到")
    assert list(PublicReport.objects.values_list("region_id", flat=True)) == [DAXI]
