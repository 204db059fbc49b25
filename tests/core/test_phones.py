"""Phone numbers checked in one place (core.phones) and refused wherever they are
entered: a person's mobile, an organization's phone, an enterprise's contact phone."""

import pytest

from yingji.core.models import Organization, Person
from yingji.core.phones import is_mobile, is_phone
from yingji.enterprises.models import Enterprise

from ..conftest import WENLING, WENLING_TOWN
from ..factories import valid_uscc

MOBILES = ["13800000000", "199 1234 5678", "+86 138-0000-0000", "8613800000000"]
LANDLINES = ["0576-86000000", "010-62345678", "0576-12345678", "(0576) 8600 0000", "0576-86000000-123",
             "0576-8600000转12", "86000000", "+86 576 86000000", "12345", "110", "400-800-1234"]
NOT_PHONES = ["abc", "1", "2", "0576-1", "+86 576 1234", "12800000000", "1380000000", "138000000001", "13800000000a",
              "0576-0600000", "电话"]


@pytest.mark.parametrize("text", MOBILES)
def test_chinese_mobiles_are_mobiles_and_phones(text):
    assert is_mobile(text) and is_phone(text)


@pytest.mark.parametrize("text", LANDLINES)
def test_landlines_and_service_numbers_are_phones_not_mobiles(text):
    assert is_phone(text) and not is_mobile(text)


@pytest.mark.parametrize("text", NOT_PHONES)
def test_what_no_one_can_call_is_no_phone(text):
    assert not is_phone(text) and not is_mobile(text)


@pytest.mark.django_db
def test_a_person_with_mobile_abc_is_refused_with_the_field_in_both_languages(api_as, wenling_officer):
    r = api_as(wenling_officer).post("/api/people", {"name": "张三", "mobile": "abc", "region": WENLING})
    assert r.status_code in (400, 422), r.content
    assert "mobile" in r.json()["error"]["fields"]
    # A landline is no mobile: the call-up texts this number.
    r = api_as(wenling_officer).post("/api/people", {"name": "张三", "mobile": "86000000", "region": WENLING})
    assert r.status_code == 400 and "手机号" in r.json()["error"]["fields"]["mobile"]
    assert " / " in r.json()["error"]["fields"]["mobile"]
    assert not Person.objects.filter(name="张三").exists()
    r = api_as(wenling_officer).post("/api/people", {"name": "张三", "mobile": "13800000000", "region": WENLING})
    assert r.status_code == 201


@pytest.mark.django_db
def test_an_organization_phone_must_be_a_phone(api_as, wenling_officer):
    body = {"name": "温岭市某局", "kind": "bureau", "region": WENLING}
    r = api_as(wenling_officer).post("/api/organizations", {**body, "phone": "abc"})
    assert r.status_code == 400 and "phone" in r.json()["error"]["fields"]
    assert not Organization.objects.filter(name="温岭市某局").exists()
    assert api_as(wenling_officer).post("/api/organizations", {**body, "phone": "0576-86000000"}).status_code == 201


@pytest.mark.django_db
def test_an_enterprise_contact_phone_must_be_a_phone(api_as, wenling_officer):
    body = {"name": "某某机械厂", "uscc": valid_uscc(WENLING), "region": WENLING_TOWN, "address": "大溪镇 1 号",
            "industry": "machinery", "scale": "small"}
    r = api_as(wenling_officer).post("/api/enterprises", {**body, "contact_phone": "abc"})
    assert r.status_code == 400 and "contact_phone" in r.json()["error"]["fields"], r.content
    assert not Enterprise.objects.filter(name="某某机械厂").exists()
