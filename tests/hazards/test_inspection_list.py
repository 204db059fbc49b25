"""The inspection ledger (检查台账): every inspection in the caller's scope, filtered by
date, region, enterprise, kind and result, paged, linked from the navigation."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from yingji.hazards import services
from yingji.hazards.models import ChecklistItem

from ..conftest import LINHAI_TOWN, WENLING_TOWN
from ..factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

SMALL_PARK = "small-park-10-10"
OTHER_TOWN = "331081002"  # another township of Wenling


def _login(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.fixture
def ledger(wenling_officer, linhai_officer, enterprise_user, wenling_enterprise):
    """Four Wenling inspections and one in Linhai, by hand:
    name           town         days ago  kind     hazards
    温岭甲厂 (the enterprise user's) 001  1   planned  1 (one "no")
    温岭乙厂       001          20        ad_hoc   0
    温岭丙厂       002          3         planned  0
    温岭丙厂       002          60        planned  1
    临海丁厂       Linhai 001   1         planned  0"""
    items = list(ChecklistItem.objects.filter(template__code=SMALL_PARK).order_by("order")[:2])
    today = timezone.localdate()
    wenling_enterprise.name = "温岭甲厂"
    wenling_enterprise.save()
    b = EnterpriseFactory(name="温岭乙厂", region_id=WENLING_TOWN)
    c = EnterpriseFactory(name="温岭丙厂", region_id=OTHER_TOWN)
    d = EnterpriseFactory(name="临海丁厂", region_id=LINHAI_TOWN)
    for officer, enterprise, days, kind, no in ((wenling_officer, wenling_enterprise, 1, "planned", True),
                                                (wenling_officer, b, 20, "ad_hoc", False),
                                                (wenling_officer, c, 3, "planned", False),
                                                (wenling_officer, c, 60, "planned", True),
                                                (linhai_officer, d, 1, "planned", False)):
        answers = [{"item": items[0].code, "answer": "yes"}]
        if no:
            answers.append({"item": items[1].code, "answer": "no", "note": "未整改"})
        services.inspection_create(by=officer.user, enterprise_id=enterprise.pk, kind=kind,
                                   date=today - dt.timedelta(days=days), template_code=SMALL_PARK, answers=answers)
    return today


def _rows(client, **params) -> list[str]:
    """The enterprise names of the ledger's rows, in order."""
    html = client.get("/hazards/inspections/", params).content.decode()
    return [line.split("<td>")[1].split("</td>")[0] for line in html.split('<tr class="inspection-row">')[1:]]


def test_the_ledger_shows_the_callers_inspections_newest_first(ledger, wenling_officer):
    assert _rows(_login(wenling_officer)) == ["温岭甲厂", "温岭丙厂", "温岭乙厂", "温岭丙厂"]


@pytest.mark.parametrize("params, expected", [
    ({"result": "found"}, ["温岭甲厂", "温岭丙厂"]),
    ({"result": "none"}, ["温岭丙厂", "温岭乙厂"]),
    ({"region": OTHER_TOWN}, ["温岭丙厂", "温岭丙厂"]),
    ({"q": "乙"}, ["温岭乙厂"]),
    ({"kind": "ad_hoc"}, ["温岭乙厂"]),
    ({"region": LINHAI_TOWN}, []),  # another county's township: nothing, not Linhai's rows
])
def test_filters(ledger, wenling_officer, params, expected):
    assert _rows(_login(wenling_officer), **params) == expected


def test_date_range(ledger, wenling_officer):
    start, end = ledger - dt.timedelta(days=25), ledger - dt.timedelta(days=2)
    assert _rows(_login(wenling_officer), start=start.isoformat(), end=end.isoformat()) == ["温岭丙厂", "温岭乙厂"]


def test_a_bad_date_is_shown_and_filters_nothing(ledger, wenling_officer):
    reply = _login(wenling_officer).get("/hazards/inspections/", {"start": "2026-02-30"})
    assert reply.status_code == 200 and 'class="errorlist"' in reply.content.decode()
    assert len(_rows(_login(wenling_officer), start="2026-02-30")) == 4


def test_the_other_county_and_the_enterprise_user_see_only_their_own(ledger, linhai_officer, enterprise_user):
    assert _rows(_login(linhai_officer)) == ["临海丁厂"]
    assert _rows(_login(enterprise_user)) == ["温岭甲厂"]


def test_the_ledger_is_paged(ledger, wenling_officer, monkeypatch):
    from yingji.hazards.views import inspections

    monkeypatch.setattr(inspections, "PAGE_SIZE", 3)
    client = _login(wenling_officer)
    assert _rows(client, page=1) == ["温岭甲厂", "温岭丙厂", "温岭乙厂"]
    assert _rows(client, page=2) == ["温岭丙厂"]
    assert _rows(client, result="found", page=1) == ["温岭甲厂", "温岭丙厂"]


def test_the_ledger_is_in_the_navigation_and_exports_its_filter(ledger, wenling_officer):
    client = _login(wenling_officer)
    assert 'href="/hazards/inspections/"' in client.get("/hazards/").content.decode()
    html = client.get("/hazards/inspections/", {"result": "found"}).content.decode()
    assert "?result=found&amp;format=xlsx" in html
    assert "导出 Excel" in html and "共 2 次检查" in html and "检查日期起" in html  # zh-hans
