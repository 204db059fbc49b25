"""The licences page (/hazchem/licences/): an officer lists the licences of the region's
enterprises with filters and registers one through services.licence_create; an
enterprise user reads its own; bad input is a Chinese field message, never a 500."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from yingji.hazchem.models import HazchemLicence

from .helpers import CAUSTIC_SODA, chemical, licence

pytestmark = pytest.mark.django_db
BEIJING = dt.timezone(dt.timedelta(hours=8))
URL = "/hazchem/licences/"


def logged_in(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.fixture(autouse=True)
def june_15():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def licences(wenling_enterprise, linhai_enterprise):
    """On 2026-06-15: Wenling's trading licence valid to 2030 (valid), its use licence to
    2026-07-01 (valid, 16 days left: expiring), its production licence ended 2025-12-31
    (expired); Linhai's trading licence valid (another county's)."""
    soda = chemical(CAUSTIC_SODA)
    return {
        "WL-TRADE": licence(wenling_enterprise, "trading", soda, number="WL-TRADE"),
        "WL-USE": licence(wenling_enterprise, "use", soda, number="WL-USE", end="2026-07-01"),
        "WL-PROD": licence(wenling_enterprise, "production", all_listed=True, number="WL-PROD", end="2025-12-31"),
        "LH-TRADE": licence(linhai_enterprise, "trading", soda, number="LH-TRADE"),
    }


def shown(response) -> set[str]:
    html = response.content.decode()
    return {n for n in ("WL-TRADE", "WL-USE", "WL-PROD", "LH-TRADE") if f">{n}<" in html}


def test_an_officer_sees_the_regions_licences_and_filters_them(wenling_officer, licences, wenling_enterprise):
    client = logged_in(wenling_officer)
    assert shown(client.get(URL)) == {"WL-TRADE", "WL-USE", "WL-PROD"}
    assert shown(client.get(URL, {"validity": "valid"})) == {"WL-TRADE", "WL-USE"}
    assert shown(client.get(URL, {"validity": "expiring"})) == {"WL-USE"}
    assert shown(client.get(URL, {"validity": "expired"})) == {"WL-PROD"}
    assert shown(client.get(URL, {"kind": "use"})) == {"WL-USE"}
    assert shown(client.get(URL, {"q": wenling_enterprise.uscc})) == {"WL-TRADE", "WL-USE", "WL-PROD"}
    assert shown(client.get(URL, {"q": wenling_enterprise.name[:3], "kind": "production"})) == {"WL-PROD"}
    html = client.get(URL, {"kind": "use"}).content.decode()
    assert "30日内到期" in html and "氢氧化钠" in html
    assert client.get(URL, {"validity": "nonsense", "kind": "<x>"}).status_code == 200


def test_another_countys_officer_sees_only_its_own(linhai_officer, licences):
    assert shown(logged_in(linhai_officer).get(URL)) == {"LH-TRADE"}


def test_an_enterprise_reads_its_own_licences_and_cannot_register(enterprise_user, licences):
    client = logged_in(enterprise_user)
    r = client.get(URL)
    assert shown(r) == {"WL-TRADE", "WL-USE", "WL-PROD"} and "登记许可证" not in r.content.decode()
    assert client.post(URL, {"number": "X"}).status_code == 403


def test_a_viewer_reads_but_has_no_form(wenling_viewer, licences):
    r = logged_in(wenling_viewer).get(URL)
    assert shown(r) == {"WL-TRADE", "WL-USE", "WL-PROD"} and "登记许可证" not in r.content.decode()


def good(enterprise, **kw):
    return {"holder_uscc": enterprise.uscc, "kind": "trading", "number": "(浙)WH安经字[2026]000123",
            "chemical_ids": f"{CAUSTIC_SODA}、2", "valid_from": "2026-01-01", "valid_to": "2029-12-31",
            "authority": "温岭市应急管理局"} | kw


def test_an_officer_registers_a_licence_by_cas_and_serial_number(wenling_officer, wenling_enterprise):
    r = logged_in(wenling_officer).post(URL, good(wenling_enterprise))
    assert r.status_code == 302
    row = HazchemLicence.objects.get(number="(浙)WH安经字[2026]000123")
    assert row.enterprise == wenling_enterprise and row.valid_to == dt.date(2029, 12, 31)
    assert sorted(c.name for c in row.chemicals.all()) == sorted(["氢氧化钠", "氨"])
    assert "(浙)WH安经字[2026]000123" in logged_in(wenling_officer).get(r.url).content.decode()


@pytest.mark.parametrize("bad, field_message", [
    ({"valid_from": "2026-05-01", "valid_to": "2026-04-30"}, "有效期至不能早于有效期起"),
    ({"chemical_ids": "0-00-0"}, "0-00-0：目录中没有该品名"),
    ({"chemical_ids": "99999"}, "99999：目录中没有该品名"),
    ({"number": ""}, "这个字段是必填项。"),
    ({"valid_to": "2026-13-40"}, "输入一个有效的日期。"),
    ({"chemical_ids": "", "all_listed": ""}, "请列出许可范围内的品名"),
    ({"holder_uscc": "123"}, "统一社会信用代码"),
])
def test_bad_input_is_a_chinese_field_message(wenling_officer, wenling_enterprise, bad, field_message):
    r = logged_in(wenling_officer).post(URL, good(wenling_enterprise, **bad))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'class="field-error"' in html and field_message in html, html[html.find("field-error") - 200:][:600]
    assert not HazchemLicence.objects.exists()


def test_a_holder_of_another_county_is_refused_on_its_field(wenling_officer, linhai_enterprise):
    r = logged_in(wenling_officer).post(URL, good(linhai_enterprise))
    assert r.status_code == 200 and "不在管辖范围内" in r.content.decode()
    assert not HazchemLicence.objects.exists()


def test_the_page_is_linked_and_speaks_chinese(wenling_officer, enterprise_user, licences):
    from ..web.crawl import parse, untranslated

    for person, start in ((wenling_officer, "/hazchem/work-orders/"), (enterprise_user, "/hazchem/flows/")):
        client = logged_in(person)
        assert f'href="{URL}"' in client.get(start).content.decode()
        r = client.get(URL)
        assert r.status_code == 200
        assert untranslated(parse(r.content.decode()).texts) == []
