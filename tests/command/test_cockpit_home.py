"""The role-aware home page: what each person needs first when they log in, above what
the home page showed before (the enterprises by risk grade, licences expiring), which
stays for everyone. And the cockpit page itself, server-rendered with the same figures."""

import pytest

from ..conftest import WENLING, WENLING_TOWN
from .cockpit_fixtures import callups, chief, hazards, info_reports, orders, roster, warnings  # noqa: F401

pytestmark = pytest.mark.django_db


def home(client, person):
    client.force_login(person.user)
    r = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200
    return r.content.decode()


def test_a_duty_officer_on_shift_sees_what_is_waiting_first(client, roster, callups, orders, info_reports):
    page = home(client, roster["今日值班员"])
    assert 'id="home-duty"' in page and 'id="home-chief"' not in page
    assert page.index('id="home-duty"') < page.index("按风险等级")  # before the register's tiles
    assert "未应答甲" in page  # the unanswered person by name
    assert "测试事件initial" in page and "测试事件final" not in page  # open reports only
    assert "今日带班领导" in page and "昨日值班员" not in page  # today's roster


def test_a_standing_duty_officer_without_a_shift_is_a_duty_officer_too(client, regions):
    person = chief(WENLING, "duty_officer", "t-standing")
    assert 'id="home-duty"' in home(client, person)


def test_a_county_chief_sees_levels_evacuation_and_overdue_hazards(client, orders, hazards):
    page = home(client, chief(WENLING, "county_flood_chief", "t-chief"))
    assert 'id="home-chief"' in page and 'id="home-duty"' not in page
    assert "台风" in page or "typhoon" in page.lower()


def test_a_township_chief_too(client, regions):
    assert 'id="home-chief"' in home(client, chief(WENLING_TOWN, "township_government_head", "t-town-chief"))


def test_the_enterprise_safety_officer_sees_their_hazards(client, enterprise_user, wenling_enterprise, regions):
    from ..factories import HazardFactory
    HazardFactory(enterprise=wenling_enterprise, description="消防通道堵塞")
    page = home(client, enterprise_user)
    assert 'id="home-enterprise"' in page and "消防通道堵塞" in page
    assert 'id="home-duty"' not in page and 'id="home-chief"' not in page


def test_an_officer_without_a_desk_gets_the_overview_and_the_old_tiles(client, wenling_officer, warnings):
    page = home(client, wenling_officer)
    assert 'id="home-overview"' in page and "按风险等级" in page
    assert warnings["red"].headline in page and warnings["linhai"].headline not in page


def test_a_viewer_without_duties_sees_the_home_page_as_before(client, wenling_viewer):
    page = home(client, wenling_viewer)
    assert "home-panel" not in page and "按风险等级" in page


def test_the_cockpit_page_renders_the_figures(client, wenling_officer, callups, orders):
    client.force_login(wenling_officer.user)
    r = client.get("/cockpit/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200
    page = r.content.decode()
    assert 'data-k="callups.unanswered">2<' in page and 'data-k="orders.unconfirmed">3<' in page
    assert "command/cockpit.js" in page and "echarts.min.js" in page and "<script>" not in page


def test_the_cockpit_page_of_an_enterprise_user(client, enterprise_user):
    client.force_login(enterprise_user.user)
    r = client.get("/cockpit/")
    assert r.status_code == 200 and 'data-k="enterprise.open"' in r.content.decode()


def test_the_cockpit_needs_a_login(client, regions):
    r = client.get("/cockpit/")
    assert r.status_code == 302 and "/login/" in r["Location"]
