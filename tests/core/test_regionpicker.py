"""The region picker's field, search and endpoints (core/regionpicker.py).

Expected codes come from the shipped official list (core/data/regions): 温岭市 331081,
its 太平街道 331081001, 城东街道 331081002 and 大溪镇 331081101; 临海市 331082 and its
古城街道 331082001. 城东街道 is also the name of four townships outside Wenling
(330382001, 330702001, 330783006, 330902004)."""

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from yingji.core import selectors, services
from yingji.core.choices import RegionLevel
from yingji.core.models import Region
from yingji.core.regionpicker import RegionField, bind_scope
from yingji.core.scope import Scope
from yingji.core.text import pinyin_initials

from ..conftest import LINHAI, LINHAI_TOWN, TAIZHOU, WENLING, WENLING_TOWN

pytestmark = pytest.mark.django_db

CHENGDONG_ELSEWHERE = ["330382001", "330702001", "330783006", "330902004"]
WENLING_CHENGDONG, DAXI = "331081002", "331081101"


class PlaceForm(forms.Form):
    region = RegionField()
    township = RegionField(required=False, levels=(RegionLevel.TOWNSHIP, RegionLevel.GRID))
    regions = RegionField(required=False, multiple=True)


def _scope(code: str) -> Scope:
    return Scope(region_code=code, role="officer")


def _clean(scope, **data):
    form = bind_scope(PlaceForm(data), scope)
    form.is_valid()
    return form


def test_pinyin_initials_of_place_names():
    # Readings checked by hand: 乐清 is Yuèqīng, 长兴 Chángxīng, 嵊州 Shèngzhōu.
    assert pinyin_initials("大溪镇") == "dxz"
    assert pinyin_initials("乐清市") == "yqs"
    assert pinyin_initials("长兴县") == "cxx"
    assert pinyin_initials("嵊州市") == "szs"
    assert pinyin_initials("第1网格") == "d1wg"


def test_regions_carry_their_initials_and_a_rename_updates_them(regions, province_admin):
    assert Region.objects.get(pk=DAXI).initials == "dxz"
    services.region_rename(by=province_admin.user, region=Region.objects.get(pk=DAXI), name="小溪镇")
    assert Region.objects.get(pk=DAXI).initials == "xxz"


def test_a_code_resolves_to_itself(regions):
    form = _clean(_scope(WENLING), region=WENLING_TOWN)
    assert form.errors == {} and form.cleaned_data["region"] == WENLING_TOWN


def test_a_name_resolves_inside_the_scope(regions):
    form = _clean(_scope(WENLING), region="城东街道")  # four others outside Wenling
    assert form.errors == {} and form.cleaned_data["region"] == WENLING_CHENGDONG


@pytest.mark.parametrize("text", ["温岭市大溪镇", "台州市温岭市大溪镇", "浙江省台州市温岭市大溪镇", " 温岭市 大溪镇 "])
def test_a_name_qualified_by_the_regions_above_resolves(regions, text):
    form = _clean(_scope("33"), region=text)
    assert form.errors == {} and form.cleaned_data["region"] == DAXI


def test_an_ambiguous_name_lists_its_candidates(regions):
    form = _clean(_scope("33"), region="城东街道")
    message = " ".join(form.errors["region"])
    assert "不唯一" in message and "names 5 regions" in message
    for code in [WENLING_CHENGDONG, *CHENGDONG_ELSEWHERE]:
        assert code in message


def test_a_region_outside_the_scope_is_refused_by_code_and_by_name(regions):
    for text in (LINHAI_TOWN, "古城街道", "临海市古城街道"):
        form = _clean(_scope(WENLING), region=text)
        message = " ".join(form.errors["region"])
        assert "不在您的管辖范围内" in message and "outside your jurisdiction" in message, text


@pytest.mark.parametrize("text", ["不存在镇", "岭市大溪镇", "331081999"])
def test_unknown_names_and_codes_are_refused(regions, text):
    form = _clean(_scope("33"), region=text)
    assert "region" in form.errors


def test_empty_is_required_unless_optional(regions):
    form = _clean(_scope(WENLING), region="  ")
    assert form.errors["region"] == ["请选择或输入区划 / Choose or type a region"]
    form = _clean(_scope(WENLING), region=WENLING, township="", regions="")
    assert form.errors == {}
    assert form.cleaned_data["township"] == "" and form.cleaned_data["regions"] == []


def test_the_wrong_level_is_refused(regions):
    form = _clean(_scope(WENLING), region=WENLING, township="温岭市")
    assert "township" in form.errors and "乡镇（街道）" in form.errors["township"][0]
    form = _clean(_scope(WENLING), region=WENLING, township="大溪镇")
    assert form.errors == {} and form.cleaned_data["township"] == DAXI


def test_several_regions_in_one_box(regions):
    form = _clean(_scope(TAIZHOU), region=TAIZHOU, regions="温岭市、临海市 温岭市")
    assert form.errors == {} and form.cleaned_data["regions"] == [WENLING, LINHAI]
    form = _clean(_scope(WENLING), region=WENLING, regions="大溪镇，临海市")
    assert "regions" in form.errors and "临海市" in form.errors["regions"][0]


def test_an_unbound_form_is_a_programming_error(regions):
    with pytest.raises(ImproperlyConfigured):
        PlaceForm({"region": WENLING}).is_valid()


def test_the_box_shows_an_initial_code_as_the_name_the_caller_reads(regions):
    form = bind_scope(PlaceForm(initial={"region": DAXI, "regions": [WENLING, LINHAI]}), _scope(TAIZHOU))
    html = str(form["region"]) + str(form["regions"])
    # Labels leave out what the caller's region lies in (浙江省 for a Taizhou officer).
    assert 'value="台州市温岭市大溪镇"' in html and 'value="台州市温岭市、台州市临海市"' in html
    assert 'data-region-picker="/api/region-picker"' in html


def test_search_by_initials_name_and_code_stays_in_scope(regions):
    wenling = _scope(WENLING)
    assert DAXI in [r.code for r in selectors.region_search(scope=wenling, q="dxz")]
    found = selectors.region_search(scope=wenling, q="城东")
    assert [r.code for r in found] == [WENLING_CHENGDONG]
    assert all(r.code.startswith(WENLING) for r in selectors.region_search(scope=wenling, q="3310"))
    assert selectors.region_search(scope=wenling, q="古城街道") == []
    exact_first = selectors.region_search(scope=_scope("33"), q="大溪镇")
    assert exact_first[0].code == DAXI


def test_the_endpoint_lists_children_and_searches_within_scope(regions, wenling_officer):
    client = Client()
    client.force_login(wenling_officer.user)
    top = client.get("/api/region-picker").json()["items"]
    assert [(r["code"], r["label"]) for r in top] == [(WENLING, "温岭市")]
    children = client.get("/api/region-picker", {"parent": WENLING}).json()["items"]
    expected = Region.objects.filter(parent_id=WENLING).count()
    assert len(children) == expected and {"code": DAXI, "name": "大溪镇", "label": "温岭市大溪镇", "level": 4,
                                           "full_name": "浙江省台州市温岭市大溪镇"} in children
    assert client.get("/api/region-picker", {"parent": LINHAI}).json()["items"] == []
    assert client.get("/api/region-picker", {"q": "临海"}).json()["items"] == []
    assert client.get("/api/region-picker", {"parent": "33x"}).status_code == 422


def test_the_endpoint_needs_a_login(regions):
    assert Client().get("/api/region-picker", {"q": "大溪"}).status_code == 401


def test_the_public_endpoint_searches_the_whole_tree_without_login(regions):
    items = Client().get("/api/public/region-picker", {"q": "城东街道", "min_level": 3}).json()["items"]
    assert sorted(r["code"] for r in items) == sorted([WENLING_CHENGDONG, *CHENGDONG_ELSEWHERE])
    top = Client().get("/api/public/region-picker").json()["items"]
    assert [r["code"] for r in top] == ["33"]
